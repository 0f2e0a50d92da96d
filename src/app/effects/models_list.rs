//! The models list, page by page: each page goes to the screen as it arrives (a registry of
//! 20,000 models shows its first rows after one page, not after all of them), and the version
//! counts, read concurrently, are sent after the last page.

use std::sync::Arc;

use super::{load_error, EffectRunner};
use crate::app::action::{Action, RequestId};
use crate::registry::Registry;

impl EffectRunner {
    pub(super) fn load_models(&self, registry: Registry, request: RequestId) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let counting = tokio::spawn({
                let registry = registry.clone();
                async move { registry.version_counts().await }
            });
            let mut token: Option<String> = None;
            loop {
                match registry.models_page(token.as_deref()).await {
                    Ok((rows, Some(next))) if token.as_deref() != Some(next.as_str()) => {
                        if tx.send(Action::ModelsPage { request, rows }).is_err() {
                            counting.abort();
                            return; // the cockpit is gone
                        }
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
                        counting.abort();
                        let _ = tx.send(Action::ModelsLoaded {
                            request,
                            result: Err(load_error(e)),
                        });
                        return;
                    }
                }
            }
            let result = match counting.await {
                Ok(counts) => counts.map(Arc::new).map_err(load_error),
                Err(e) => Err(crate::app::action::LoadError::other(e)),
            };
            let _ = tx.send(Action::ModelCountsLoaded { request, result });
        });
    }
}
