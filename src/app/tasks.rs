//! Background work: each effect that needs the network runs as a tokio task and reports back
//! as an action over the channel, so the UI never waits on the server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::action::Action;
use super::effect::Effect;
use super::state::ServerContext;
use crate::registry::{decide, Registry};
use crate::session::{self, SessionOptions};

pub struct Tasks {
    /// Replaced by `:profile`; tasks already running keep the registry they started with,
    /// and their answers are dropped by request id.
    registry: Arc<Mutex<Registry>>,
    tx: UnboundedSender<Action>,
    /// The command line's options, re-applied when switching profiles.
    session: SessionOptions,
    /// Decisions being written, so that leaving can wait for them.
    writes: Writes,
}

impl Tasks {
    pub fn new(registry: Registry, tx: UnboundedSender<Action>, session: SessionOptions) -> Self {
        Tasks {
            registry: Arc::new(Mutex::new(registry)),
            tx,
            session,
            writes: Writes::default(),
        }
    }

    /// Wait (up to `bound` in all) for the decisions still being written; each one logs what
    /// it wrote. One that does not finish in time is logged as interrupted, with the steps
    /// that may be missing. Answers how many were cut short.
    pub async fn finish_writes(&self, bound: Duration) -> usize {
        self.writes.finish(bound).await
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
            Effect::LoadModels { request } => spawn_request(tx, async move {
                let result = registry.models(None).await.map_err(|e| e.to_string());
                Action::ModelsLoaded { request, result }
            }),
            Effect::SearchModels { request, text } => spawn_request(tx, async move {
                let result = registry
                    .models(Some(&text))
                    .await
                    .map_err(|e| e.to_string());
                Action::ModelSearchLoaded { request, result }
            }),
            Effect::LoadVersions { request, model } => spawn_request(tx, async move {
                let result = registry.versions(&model).await;
                let result = result.map(Box::new).map_err(|e| e.to_string());
                Action::VersionsLoaded { request, result }
            }),
            Effect::LoadDetail {
                request,
                model,
                version,
            } => spawn_request(tx, async move {
                let result = registry.version_detail(&model, &version).await;
                let result = result.map(Box::new).map_err(|e| e.to_string());
                Action::DetailLoaded { request, result }
            }),
            Effect::LoadHistory {
                request,
                run_id,
                key,
            } => spawn_request(tx, async move {
                let result = registry.client().get_metric_history(&run_id, &key).await;
                Action::HistoryLoaded {
                    request,
                    run_id,
                    key,
                    result: result.map_err(|e| e.to_string()),
                }
            }),
            Effect::LoadMonitoring {
                request,
                model,
                version,
                thresholds,
            } => spawn_request(tx, async move {
                let result = registry
                    .monitoring(&model, &version)
                    .await
                    .map(|data| data.map(|d| Arc::new(monitored(d, &thresholds))))
                    .map_err(|e| e.to_string());
                Action::MonitoringLoaded { request, result }
            }),
            Effect::LoadDriftMarks {
                request,
                model,
                thresholds,
            } => spawn_request(tx, async move {
                let result = registry
                    .monitoring_runs(&model, None)
                    .await
                    .map(|runs| drift_marks(&runs, &thresholds))
                    .map_err(|e| e.to_string());
                Action::DriftMarksLoaded { request, result }
            }),
            Effect::LoadModelDriftMarks {
                request,
                thresholds,
            } => spawn_request(tx, async move {
                let result = registry
                    .all_monitoring_runs()
                    .await
                    .map(|runs| model_drift_marks(&runs, &thresholds))
                    .map_err(|e| e.to_string());
                Action::ModelDriftMarksLoaded { request, result }
            }),
            Effect::LoadRun { request, run_id } => spawn_request(tx, async move {
                let result = registry.client().get_run(&run_id).await;
                let result = result.map(Box::new).map_err(|e| e.to_string());
                Action::RunLoaded { request, result }
            }),
            Effect::LoadVelocity {
                request,
                thresholds,
            } => spawn_request(tx, async move {
                let result = registry
                    .velocity(&thresholds)
                    .await
                    .map_err(|e| e.to_string());
                Action::VelocityLoaded { request, result }
            }),
            Effect::LoadLineage {
                request,
                model,
                version,
            } => spawn_request(tx, async move {
                let result = registry
                    .lineage(&model, &version)
                    .await
                    .map(|data| Arc::new(crate::evidence::lineage::build_lineage(&data.input())))
                    .map_err(|e| e.to_string());
                Action::LineageLoaded { request, result }
            }),
            Effect::Export {
                model,
                version,
                dir,
            } => {
                tokio::spawn(async move {
                    let result = match crate::export::gather(&registry, &model, &version).await {
                        Err(e) => Err(e.to_string()),
                        // Drawing charts is CPU work: keep it off the runtime's threads.
                        Ok(data) => tokio::task::spawn_blocking(move || {
                            crate::export::write_pack(&data, &dir)
                                .map(|files| (dir, files.len()))
                                .map_err(|e| e.to_string())
                        })
                        .await
                        .unwrap_or_else(|e| Err(e.to_string())),
                    };
                    let _ = tx.send(Action::ExportDone { result });
                });
            }
            Effect::After { delay_ms, action } => {
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                    let _ = tx.send(*action);
                });
            }
            Effect::LoadGate {
                request,
                model,
                version,
                target,
                policy,
            } => spawn_request(tx, async move {
                // The very evaluation `tollgate gate check` prints.
                let result =
                    crate::registry::decide::check(&registry, &policy, &model, &version, &target)
                        .await
                        .map(|(_, report)| Arc::new(report))
                        .map_err(|e| e.to_string());
                Action::GateLoaded { request, result }
            }),
            Effect::LoadAudit { request, model } => spawn_request(tx, async move {
                let result = registry
                    .audit_runs(Some(&model))
                    .await
                    .map(|mut runs| {
                        runs.reverse();
                        Arc::new(runs)
                    })
                    .map_err(|e| e.to_string());
                Action::AuditLoaded { request, result }
            }),
            Effect::LoadInbox { request } => spawn_request(tx, async move {
                let result = registry.pending_requests().await.map_err(|e| e.to_string());
                Action::InboxLoaded { request, result }
            }),
            Effect::LoadPendingMarks { request } => spawn_request(tx, async move {
                let result = registry
                    .pending_requests()
                    .await
                    .map(|p| crate::app::pending_marks(&p))
                    .map_err(|e| e.to_string());
                Action::PendingMarksLoaded { request, result }
            }),
            Effect::Invalidate => registry.invalidate(),
            Effect::SwitchProfile { name } => self.switch_profile(name),
            Effect::SetTheme { .. } => {}
            Effect::PrepareDecision {
                request,
                policy,
                actor,
                model,
                version,
                target,
                decision,
            } => spawn_request(tx, async move {
                let result = decide::prepare(
                    &registry, policy, actor, &model, &version, &target, decision,
                )
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
                Action::DecisionPrepared { request, result }
            }),
            Effect::CommitDecision {
                request,
                prepared,
                inputs,
            } => {
                let what = format!(
                    "{} of {} v{} for {}",
                    prepared.decision, prepared.model, prepared.version, prepared.target
                );
                let steps = if prepared.decision == crate::governance::decision::Decision::Approved
                {
                    "the claim tag, the promotion, the decision tags, the gate status tag, the audit run"
                } else {
                    "the decision tags, the gate status tag, the audit run"
                };
                let task = tokio::spawn({
                    let what = what.clone();
                    async move {
                        let result = decide::commit(&registry, &prepared, &inputs).await;
                        log_written(&what, &result.as_ref().map(written_in_full));
                        let result = result
                            .map(|done| committed_summary(&prepared, &done))
                            .map_err(|e| (e.to_string(), e.change_lines()));
                        let _ = tx.send(Action::DecisionCommitted { request, result });
                    }
                });
                self.writes.track(what, steps, task);
            }
            Effect::PlanRollback {
                request,
                model,
                target,
            } => spawn_request(tx, async move {
                let result = match decide::plan_rollback(&registry, &model, &target).await {
                    Ok(Ok(plan)) => Ok(plan),
                    Ok(Err(reason)) => Err(format!("cannot roll back: {reason}")),
                    Err(e) => Err(e.to_string()),
                };
                Action::RollbackPlanned { request, result }
            }),
            Effect::CommitRollback {
                request,
                plan,
                actor,
                comment,
                archive,
            } => {
                let what = format!("roll back of {} {}", plan.model, plan.target);
                let steps = "the move back, the decision tags, the audit run";
                let task = tokio::spawn({
                    let what = what.clone();
                    async move {
                        let result =
                            decide::commit_rollback(&registry, &plan, &actor, &comment, archive)
                                .await;
                        log_written(
                            &what,
                            &result.as_ref().map(|done| {
                                format!(
                                    "the move back to v{}, the decision tags and audit run {}",
                                    plan.to, done.audit_run_id
                                )
                            }),
                        );
                        let result = result
                            .map(|done| {
                                format!(
                                    "{} rolled back from v{} to v{}; audit run {}",
                                    plan.target,
                                    plan.from_label(),
                                    plan.to,
                                    done.audit_run_id
                                )
                            })
                            .map_err(|e| (e.to_string(), e.change_lines()));
                        let _ = tx.send(Action::DecisionCommitted { request, result });
                    }
                });
                self.writes.track(what, steps, task);
            }
        }
    }

    /// Resolve the config again with another profile (its secret commands may run, so off the
    /// async threads), connect, and swap the registry in.
    fn switch_profile(&self, name: String) {
        let tx = self.tx.clone();
        let slot = Arc::clone(&self.registry);
        let options = self.session.with_profile(&name);
        tokio::task::spawn_blocking(move || {
            let action = match session::open(&options) {
                Ok((resolved, registry)) => {
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = registry;
                    tracing::info!(profile = %name, url = %resolved.connection.tracking_uri, "switched profile");
                    let _ = tx.send(Action::ProfileSwitched(ServerContext::from_resolved(
                        &resolved,
                    )));
                    // Then the new profile's policy (or none); a broken one warns after the
                    // switch's own message.
                    let policy = session::policy::find(&resolved, options.policy.as_deref())
                        .map(|p| p.map(Box::new))
                        .map_err(|e| e.to_string());
                    Action::PolicyChanged(policy)
                }
                Err(error) => Action::ProfileFailed {
                    name,
                    error: error.to_string(),
                },
            };
            let _ = tx.send(action);
        });
    }
}

/// Run one request in the background and send its outcome back as an action; a closed channel
/// means the cockpit is gone, and the answer with it.
fn spawn_request<F>(tx: UnboundedSender<Action>, work: F)
where
    F: std::future::Future<Output = Action> + Send + 'static,
{
    tokio::spawn(async move {
        let _ = tx.send(work.await);
    });
}

/// Decision writes in flight: each with what it is and the steps it may leave incomplete.
#[derive(Default)]
struct Writes(Mutex<Vec<Write>>);

struct Write {
    what: String,
    steps: &'static str,
    task: tokio::task::JoinHandle<()>,
}

impl Writes {
    fn track(&self, what: String, steps: &'static str, task: tokio::task::JoinHandle<()>) {
        let mut writes = self.0.lock().unwrap_or_else(|p| p.into_inner());
        writes.retain(|w| !w.task.is_finished());
        writes.push(Write { what, steps, task });
    }

    async fn finish(&self, bound: Duration) -> usize {
        let writes = std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()));
        let deadline = tokio::time::Instant::now() + bound;
        let mut interrupted = 0;
        for write in writes {
            if !write.task.is_finished() {
                tracing::info!(decision = %write.what, "leaving: waiting for the decision being written");
            }
            let why = match tokio::time::timeout_at(deadline, write.task).await {
                // It logged what it wrote.
                Ok(Ok(())) => continue,
                Ok(Err(e)) => format!("its task failed ({e})"),
                Err(_) => format!("it did not finish within {} s", bound.as_secs()),
            };
            interrupted += 1;
            tracing::error!(
                decision = %write.what,
                "the decision was interrupted: {why}; any of {} may be missing or incomplete; \
                 check the version's tags and `tollgate audit` before deciding again",
                write.steps
            );
        }
        interrupted
    }
}

/// What a finished decision wrote.
fn written_in_full(done: &decide::Committed) -> String {
    let promotion = if done.promoted { "the promotion, " } else { "" };
    format!(
        "{promotion}the decision tags, the gate status tag and audit run {}",
        done.audit_run_id
    )
}

/// The log's account of a decision's writes: in full, in part (the error says which part), or
/// none.
fn log_written(what: &str, result: &Result<String, &decide::DecideError>) {
    match result {
        Ok(written) => tracing::info!(decision = %what, "decision written in full: {written}"),
        Err(e) if e.wrote_something() => {
            tracing::warn!(decision = %what, error = %e, "decision written only in part")
        }
        Err(e) => {
            tracing::info!(decision = %what, error = %e, "decision not written: nothing was recorded")
        }
    }
}

/// One line saying what a decision wrote.
fn committed_summary(prepared: &decide::Prepared, done: &decide::Committed) -> String {
    let what = if done.promoted {
        format!("v{} now holds {}", prepared.version, prepared.target)
    } else {
        format!(
            "{} v{} for {}",
            prepared.decision, prepared.version, prepared.target
        )
    };
    let overridden = if done.overridden { " (override)" } else { "" };
    format!("{what}{overridden}; audit run {}", done.audit_run_id)
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
        reports: crate::evidence::drift::read_reports(&data.json_artifacts, thresholds),
        histograms: data.histograms.as_deref().map(|bytes| {
            crate::evidence::drift::Histograms::parse(bytes).map_err(|e| e.to_string())
        }),
    }
}

/// Version -> whether its newest monitoring run's latest values say drift.
pub fn drift_marks(
    runs: &[crate::mlflow::Run],
    thresholds: &crate::evidence::drift::DriftThresholds,
) -> std::collections::BTreeMap<String, bool> {
    let mut marks = std::collections::BTreeMap::new();
    // Runs come newest first: the first run of a version is the one that counts.
    for run in runs {
        if let Some(version) = run.tag("monitoring.model_version") {
            marks.entry(version.to_string()).or_insert_with(|| {
                crate::evidence::drift::latest_values_drifted(&run.data.metrics, thresholds)
            });
        }
    }
    marks
}

/// Model -> whether any of its monitored versions drifted in its newest run's latest values.
pub fn model_drift_marks(
    runs: &[crate::mlflow::Run],
    thresholds: &crate::evidence::drift::DriftThresholds,
) -> std::collections::BTreeMap<String, bool> {
    let mut by_model: std::collections::BTreeMap<&str, Vec<crate::mlflow::Run>> =
        std::collections::BTreeMap::new();
    for run in runs {
        if let Some(model) = run.tag("monitoring.model_name") {
            by_model.entry(model).or_default().push(run.clone());
        }
    }
    by_model
        .into_iter()
        .map(|(model, runs)| {
            let drifted = drift_marks(&runs, thresholds).values().any(|d| *d);
            (model.to_string(), drifted)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{drift_marks, model_drift_marks, Writes};
    use std::time::Duration;

    #[tokio::test]
    async fn leaving_waits_for_writes_and_counts_those_cut_short() {
        let writes = Writes::default();
        let (finish, finished) = tokio::sync::oneshot::channel::<()>();
        let ends = tokio::spawn(async move {
            let _ = finished.await;
        });
        writes.track("ends".into(), "its steps", ends);
        let hangs = tokio::spawn(std::future::pending::<()>());
        writes.track("hangs".into(), "its steps", hangs);
        finish.send(()).unwrap();
        assert_eq!(writes.finish(Duration::from_secs(2)).await, 1);
        assert_eq!(
            writes.finish(Duration::from_secs(2)).await,
            0,
            "each write is waited for once"
        );
    }
    use crate::mlflow::{Metric, Run, Tag};

    fn run(version: &str, metrics: &[(&str, f64)]) -> Run {
        let mut r = Run::default();
        r.data.tags.push(Tag {
            key: "monitoring.model_version".into(),
            value: version.into(),
        });
        r.data.metrics = metrics
            .iter()
            .map(|(k, v)| Metric {
                key: k.to_string(),
                value: *v,
                timestamp: 0,
                step: 0,
            })
            .collect();
        r
    }

    #[test]
    fn the_newest_run_of_each_version_decides_its_marker() {
        let runs = [
            run(
                "4",
                &[
                    ("drift.income.psi", 0.6),
                    ("drift.age.psi", 0.01),
                    ("drift.share", 0.17),
                ],
            ),
            run("4", &[("drift.income.psi", 0.01)]),
            run("3", &[("drift.share", 0.6)]),
            run("2", &[("drift.age.psi", 0.05), ("drift.share", 0.0)]),
        ];
        let marks = drift_marks(&runs, &Default::default());
        assert_eq!(marks.get("4"), Some(&true), "a drifted feature is enough");
        assert_eq!(marks.get("3"), Some(&true), "the dataset share");
        assert_eq!(marks.get("2"), Some(&false));
        assert_eq!(marks.get("1"), None, "not monitored");
    }

    fn of_model(model: &str, mut r: Run) -> Run {
        r.data.tags.push(Tag {
            key: "monitoring.model_name".into(),
            value: model.into(),
        });
        r
    }

    #[test]
    fn a_model_is_marked_when_any_versions_newest_run_drifted() {
        let runs = [
            of_model("a", run("2", &[("drift.income.psi", 0.01)])),
            of_model("a", run("1", &[("drift.income.psi", 0.6)])),
            of_model("b", run("7", &[("drift.age.psi", 0.01)])),
            // An older run of b v7 drifted, but the newest one decides.
            of_model("b", run("7", &[("drift.age.psi", 0.9)])),
        ];
        let marks = model_drift_marks(&runs, &Default::default());
        assert_eq!(marks.get("a"), Some(&true), "version 1 still drifts");
        assert_eq!(marks.get("b"), Some(&false));
        assert_eq!(marks.get("c"), None, "not monitored");
    }
}
