//! Governance: gate reports, the audit trail, the inbox, and decisions. Reads answer like any
//! load; a decision's write runs once (never retried) and is tracked, so leaving waits for it.

use std::sync::Arc;

use super::writes::log_written;
use super::{load_error, EffectRunner};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::governance::decision::Decision;
use crate::mlflow::MlflowError;
use crate::registry::decide;

/// Why no roll back can be planned: the registry failed, or the trail names no earlier holder.
#[derive(Debug, thiserror::Error)]
enum PlanFailed {
    #[error("cannot roll back: {0}")]
    Refused(String),
    #[error(transparent)]
    Registry(#[from] MlflowError),
}

impl From<PlanFailed> for crate::app::action::LoadError {
    fn from(e: PlanFailed) -> Self {
        match e {
            PlanFailed::Registry(e) => e.into(),
            refused @ PlanFailed::Refused(_) => Self::other(refused),
        }
    }
}

impl EffectRunner {
    pub(super) fn govern(&self, effect: Effect) {
        let registry = self.registry();
        match effect {
            Effect::LoadGate {
                request,
                model,
                version,
                target,
                policy,
            } => self.spawn_answer(
                async move {
                    // The very evaluation `tollgate gate check` prints.
                    let checked = decide::check(&registry, &policy, &model, &version, &target);
                    checked.await.map(|(_, report)| Arc::new(report))
                },
                move |result| Action::GateLoaded { request, result },
            ),
            Effect::LoadAudit { request, model } => self.spawn_answer(
                async move {
                    let runs = registry.audit_runs(Some(&model)).await;
                    runs.map(|runs| Arc::new(crate::registry::newest_first(runs)))
                },
                move |result| Action::AuditLoaded { request, result },
            ),
            Effect::LoadUnapproved {
                request,
                models,
                policy,
            } => self.spawn_answer(
                async move {
                    let mut marks = std::collections::BTreeMap::new();
                    // One model at a time: each check is a handful of requests already.
                    for model in models {
                        let check = registry.check_state(&model, policy.as_deref()).await?;
                        marks.insert(model, check.changes);
                    }
                    Ok::<_, MlflowError>(Arc::new(marks))
                },
                move |result| Action::UnapprovedLoaded { request, result },
            ),
            Effect::LoadInbox { request } => self.spawn_answer(
                async move { registry.pending_requests().await },
                move |result| Action::InboxLoaded { request, result },
            ),
            Effect::LoadPendingMarks { request } => self.spawn_answer(
                async move {
                    let pending = registry.pending_requests().await;
                    pending.map(|p| crate::app::pending_marks(&p))
                },
                move |result| Action::PendingMarksLoaded { request, result },
            ),
            Effect::PrepareDecision {
                request,
                policy,
                actor,
                model,
                version,
                target,
                decision,
            } => self.spawn_answer(
                async move {
                    let prepared = decide::prepare(
                        &registry, policy, actor, &model, &version, &target, decision,
                    );
                    prepared.await.map(Box::new)
                },
                move |result| Action::DecisionPrepared { request, result },
            ),
            Effect::PlanRollback {
                request,
                model,
                target,
            } => self.spawn_answer(
                async move {
                    let planned = decide::plan_rollback(&registry, &model, &target).await?;
                    planned.map_err(PlanFailed::Refused)
                },
                move |result| Action::RollbackPlanned { request, result },
            ),
            Effect::CommitDecision {
                request,
                prepared,
                inputs,
            } => {
                let what = format!(
                    "{} of {} v{} for {}",
                    prepared.decision, prepared.model, prepared.version, prepared.target
                );
                let steps = if prepared.decision == Decision::Approved {
                    "the claim tag, the promotion, the decision tags, the gate status tag, the audit run"
                } else {
                    "the decision tags, the gate status tag, the audit run"
                };
                let tx = self.tx.clone();
                self.writes.spawn(what.clone(), steps, async move {
                    let result = decide::commit(&registry, &prepared, &inputs).await;
                    log_written(&what, &result.as_ref().map(written_in_full));
                    let result = result
                        .map(|done| committed_summary(&prepared, &done))
                        .map_err(load_error);
                    let _ = tx.send(Action::DecisionCommitted { request, result });
                });
            }
            Effect::CommitRollback {
                request,
                plan,
                actor,
                comment,
                archive,
            } => {
                let what = format!("roll back of {} {}", plan.model, plan.target);
                let steps = "the move back, the decision tags, the audit run";
                let tx = self.tx.clone();
                self.writes.spawn(what.clone(), steps, async move {
                    let result =
                        decide::commit_rollback(&registry, &plan, &actor, &comment, archive).await;
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
                        .map_err(load_error);
                    let _ = tx.send(Action::DecisionCommitted { request, result });
                });
            }
            Effect::RejectWithoutPolicy {
                request,
                actor,
                model,
                version,
                target,
                comment,
            } => {
                let what = format!("rejection of {model} v{version} for {target} (no policy)");
                let steps = "the decision tags, the audit run";
                let tx = self.tx.clone();
                self.writes.spawn(what.clone(), steps, async move {
                    let result = decide::reject_without_policy(
                        &registry, &actor, &model, &version, &target, &comment,
                    )
                    .await;
                    log_written(
                        &what,
                        &result
                            .as_ref()
                            .map(|run| format!("the decision tags and audit run {run}")),
                    );
                    let result = result
                        .map(|run| {
                            format!("rejected v{version} for {target}; audit run {run} (no gate report: no policy)")
                        })
                        .map_err(load_error);
                    let _ = tx.send(Action::DecisionCommitted { request, result });
                });
            }
            other => self.misrouted("governance", other),
        }
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
