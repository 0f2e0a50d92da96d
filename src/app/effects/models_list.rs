//! The models list, page by page: each page goes to the screen as it arrives (a registry of
//! 20,000 models shows its first rows after one page, not after all of them), and the version
//! counts, read beside the later pages, are sent after the last page. The counts start once the
//! first page is in: their pages are the server's heaviest, and the first rows should not wait
//! behind one.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::task::JoinHandle;

use super::{load_error, EffectRunner};
use crate::app::action::{Action, RequestId};
use crate::mlflow::MlflowError;
use crate::registry::Registry;

type Counting = JoinHandle<Result<HashMap<String, usize>, MlflowError>>;

fn start_counting(registry: &Registry) -> Counting {
    let registry = registry.clone();
    tokio::spawn(async move { registry.version_counts().await })
}

impl EffectRunner {
    pub(super) fn load_models(&self, registry: Registry, request: RequestId) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let mut counting: Option<Counting> = None;
            let mut token: Option<String> = None;
            loop {
                let page = registry.models_page(token.as_deref()).await;
                match page {
                    Ok((rows, Some(next))) if token.as_deref() != Some(next.as_str()) => {
                        if tx.send(Action::ModelsPage { request, rows }).is_err() {
                            if let Some(c) = &counting {
                                c.abort();
                            }
                            return; // the cockpit is gone
                        }
                        counting.get_or_insert_with(|| start_counting(&registry));
                        token = Some(next);
                    }
                    Ok((rows, _)) => {
                        let _ = tx.send(Action::ModelsLoaded {
                            request,
                            result: Ok(rows),
                        });
                        break;
                    }
                    Err(e) => {
                        if let Some(c) = &counting {
                            c.abort();
                        }
                        let _ = tx.send(Action::ModelsLoaded {
                            request,
                            result: Err(load_error(e)),
                        });
                        return;
                    }
                }
            }
            let counting = counting.unwrap_or_else(|| start_counting(&registry));
            let result = match counting.await {
                Ok(counts) => counts.map(Arc::new).map_err(load_error),
                Err(e) => Err(crate::app::action::LoadError::other(e)),
            };
            let _ = tx.send(Action::ModelCountsLoaded { request, result });
        });
    }
}
