//! Background work: each effect that needs the network runs as a tokio task and reports back
//! as an action over the channel, so the UI never waits on the server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::action::Action;
use super::effect::Effect;
use super::state::ServerContext;
use crate::config::Overrides;
use crate::registry::Registry;

pub struct Tasks {
    /// Replaced by `:profile`; tasks already running keep the registry they started with,
    /// and their answers are dropped by request id.
    registry: Arc<Mutex<Registry>>,
    tx: UnboundedSender<Action>,
    /// The command line's overrides, re-applied when switching profiles.
    overrides: Overrides,
}

impl Tasks {
    pub fn new(registry: Registry, tx: UnboundedSender<Action>, overrides: Overrides) -> Self {
        Tasks {
            registry: Arc::new(Mutex::new(registry)),
            tx,
            overrides,
        }
    }

    fn registry(&self) -> Registry {
        self.registry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Start the work for one effect. `SetTheme` is the runtime's (it owns the theme).
    pub fn run(&self, effect: Effect) {
        let tx = self.tx.clone();
        let registry = self.registry();
        match effect {
            Effect::LoadModels { request } => {
                tokio::spawn(async move {
                    let result = registry.models(None).await.map_err(|e| e.to_string());
                    let _ = tx.send(Action::ModelsLoaded { request, result });
                });
            }
            Effect::SearchModels { request, text } => {
                tokio::spawn(async move {
                    let result = registry
                        .models(Some(&text))
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::ModelSearchLoaded { request, result });
                });
            }
            Effect::LoadVersions { request, model } => {
                tokio::spawn(async move {
                    let result = registry
                        .versions(&model)
                        .await
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::VersionsLoaded { request, result });
                });
            }
            Effect::LoadDetail {
                request,
                model,
                version,
            } => {
                tokio::spawn(async move {
                    let result = registry
                        .version_detail(&model, &version)
                        .await
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::DetailLoaded { request, result });
                });
            }
            Effect::LoadHistory {
                request,
                run_id,
                key,
            } => {
                tokio::spawn(async move {
                    let result = registry
                        .client()
                        .get_metric_history(&run_id, &key)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::HistoryLoaded {
                        request,
                        key,
                        result,
                    });
                });
            }
            Effect::LoadMonitoring {
                request,
                model,
                version,
                thresholds,
            } => {
                tokio::spawn(async move {
                    let result = registry
                        .monitoring(&model, &version)
                        .await
                        .map(|data| data.map(|d| Arc::new(monitored(d, &thresholds))))
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::MonitoringLoaded { request, result });
                });
            }
            Effect::After { delay_ms, action } => {
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                    let _ = tx.send(*action);
                });
            }
            Effect::Invalidate => registry.invalidate(),
            Effect::SwitchProfile { name } => self.switch_profile(name),
            Effect::SetTheme { .. } => {}
        }
    }

    /// Resolve the config again with another profile (its secret commands may run, so off the
    /// async threads), connect, and swap the registry in.
    fn switch_profile(&self, name: String) {
        let tx = self.tx.clone();
        let slot = Arc::clone(&self.registry);
        let mut overrides = self.overrides.clone();
        overrides.profile = Some(name.clone());
        // The profile names the server; a --tracking-uri given at start would hide it.
        overrides.tracking_uri = None;
        tokio::task::spawn_blocking(move || {
            let outcome = crate::config::resolve(&overrides)
                .map_err(|e| e.to_string())
                .and_then(|resolved| {
                    let registry = crate::cli::connect(&resolved).map_err(|e| e.to_string())?;
                    Ok((resolved, registry))
                });
            let action = match outcome {
                Ok((resolved, registry)) => {
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = registry;
                    tracing::info!(profile = %name, url = %resolved.connection.tracking_uri, "switched profile");
                    Action::ProfileSwitched(ServerContext::from_resolved(&resolved))
                }
                Err(error) => Action::ProfileFailed { name, error },
            };
            let _ = tx.send(action);
        });
    }
}

/// Judge the monitoring data and parse its histograms, off the UI thread.
fn monitored(
    data: crate::registry::MonitoringData,
    thresholds: &crate::evidence::drift::DriftThresholds,
) -> crate::app::screens::Monitored {
    let run = data.latest_run();
    crate::app::screens::Monitored {
        run_id: run.map(|r| r.info.run_id.clone()).unwrap_or_default(),
        run_name: run.and_then(|r| r.info.run_name.clone()),
        runs: data.runs.len(),
        history: crate::evidence::drift::DriftHistory::from_metric_histories(
            &data.histories,
            thresholds,
        ),
        histograms: data.histograms.as_deref().map(|bytes| {
            crate::evidence::drift::Histograms::parse(bytes).map_err(|e| e.to_string())
        }),
    }
}
