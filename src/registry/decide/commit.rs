//! Step three: re-read and re-evaluate right before writing, refuse when stale, claim the
//! target (one promotion per target), then promote, re-read, and record.

use chrono::Utc;

use super::claim;
use super::prepare::{check, Blocker, Prepared};
use super::{DecideError, DecisionInputs};
use crate::governance::decision::{staleness, Decision, DecisionRecord, Statement};
use crate::governance::{Stage, Target};
use crate::mlflow::MlflowError;
use crate::registry::{gate_status_tag, AuditRecord, Registry, SignedStatement};

/// A decision written in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The stage/alias moved to the version (approvals).
    pub promoted: bool,
    /// Approvals: re-read after promoting, the version holds the target. `false` when a write
    /// after ours moved it: the record says what was done, this what is true now.
    pub holds_target: bool,
    /// The audit run recording the decision.
    pub audit_run_id: String,
    /// The approval went past failing gates with a justification.
    pub overridden: bool,
    /// The record carries a signature.
    pub signed: bool,
    /// Why it does not (no agent, no allowed key), when signatures are not required.
    pub unsigned_because: Option<String>,
}

/// Write the decision `prepared` describes, with the decider's answers.
pub async fn commit(
    registry: &Registry,
    prepared: &Prepared,
    inputs: &DecisionInputs,
) -> Result<Committed, DecideError> {
    match prepared.blocker() {
        Some(Blocker::AlreadyHeld) => {
            return Err(DecideError::AlreadyHeld {
                version: prepared.version.clone(),
                target: prepared.target.to_string(),
            })
        }
        Some(b @ (Blocker::GatesFailed(_) | Blocker::Ungated)) => {
            return Err(DecideError::Policy(prepared.blocker_message(&b)))
        }
        Some(Blocker::FourEyes(r)) => return Err(DecideError::FourEyes(r)),
        None => {}
    }
    prepared.validate(inputs)?;
    let (model, version, target) = (&prepared.model, &prepared.version, &prepared.target);
    let decision = prepared.decision;
    let seen = &prepared.report;

    // Right before writing: is the report still true?
    let (fresh_version, fresh) = check(registry, &prepared.policy, model, version, target).await?;
    let s = staleness(seen, &fresh);
    if s.stale {
        return Err(DecideError::Stale {
            seen: super::short_digest(&seen.digest).to_string(),
            fresh: super::short_digest(&fresh.digest).to_string(),
            changes: s.changes,
        });
    }
    let held = target.held_by(
        fresh_version.version.stage(),
        &fresh_version.version.aliases,
    );
    if decision == Decision::Approved && held {
        return Err(DecideError::AlreadyHeld {
            version: version.clone(),
            target: target.to_string(),
        });
    }

    let override_justification = prepared.override_justification(inputs);
    // Who held the target, for the audit trail: a later roll back returns there. The claim
    // below refuses if another holds it by then.
    let expected_previous = if decision == Decision::Approved {
        prepared.holder.clone().filter(|v| v != version)
    } else {
        None
    };
    // Signed before anything is written: a refusal (signatures required, no usable key)
    // leaves the registry untouched.
    let signed = registry
        .sign_decision(Statement {
            model: model.clone(),
            version: Some(version.clone()),
            target: Some(target.to_string()),
            decision: decision.as_str().into(),
            actor: prepared.actor.name.clone(),
            comment: inputs.comment.clone(),
            override_justification: override_justification.clone(),
            report_digest: Some(seen.digest.clone()),
            policy_digest: Some(prepared.policy.digest.clone()),
            source: fresh_version.version.source.clone(),
            run_id: fresh_version.version.run_id.clone(),
            requester: if decision == Decision::Requested {
                None
            } else {
                prepared.requester.clone()
            },
            previous_holder: expected_previous,
            ..Statement::default()
        })
        .await?;
    let record = DecisionRecord {
        target: target.clone(),
        decision,
        by: prepared.actor.name.clone(),
        by_source: Some(prepared.actor.source),
        at: Utc::now(),
        comment: inputs.comment.clone(),
        report_digest: Some(seen.digest.clone()),
        requested_by: if decision == Decision::Requested {
            None
        } else {
            prepared.requester.clone()
        },
        override_justification: override_justification.clone(),
    };
    let mut previous_holder = None;
    let mut holds_after = Ok(false);
    let mut archived = Vec::new();
    // Archiving stopped part way: recorded with the decision, then reported.
    let mut archive_failure = None;
    let claim = if decision == Decision::Approved {
        // The target is ours only if nobody else claimed it and it still has the holder the
        // report was prepared against.
        let claim = claim::take(
            registry,
            model,
            version,
            target,
            &prepared.actor,
            prepared.holder.as_deref(),
        )
        .await?;
        // Who held the target, for the audit trail: a later roll back returns there.
        previous_holder = claim.holder.clone().filter(|v| v != version);
        match promote(registry, model, version, target, inputs.archive).await {
            Ok(done) => archived = done,
            Err(PromoteError::Move(error)) => {
                claim::release(registry, &claim).await;
                return Err(DecideError::Refused {
                    what: "the promotion",
                    error,
                });
            }
            Err(PromoteError::Archive {
                archived: done,
                failed,
                error,
            }) => {
                archived = done;
                archive_failure = Some((failed, error));
            }
        }
        holds_after = holds_target(registry, model, version, target).await;
        Some(claim)
    } else {
        None
    };
    let outcome = record_decision(
        registry,
        prepared,
        &record,
        inputs,
        previous_holder.as_deref(),
        &archived,
        decision != Decision::Approved,
        &signed,
    )
    .await;
    if let Some(claim) = &claim {
        claim::release(registry, claim).await;
    }
    let audit_run_id = outcome?;
    if let Some((failed, error)) = archive_failure {
        return Err(archive_failed(version, target, &archived, &failed, error));
    }
    let holds_target = holds_after.map_err(|error| DecideError::Partial {
        what: format!(
            "promoted and recorded (audit run {audit_run_id}), but re-reading the version failed"
        ),
        error,
    })?;
    Ok(Committed {
        promoted: decision == Decision::Approved,
        holds_target,
        audit_run_id,
        overridden: override_justification.is_some(),
        unsigned_because: signed.unsigned_because.clone(),
        signed: signed.signature.is_some(),
    })
}

/// Re-read after promoting: whether `version` holds `target` now.
async fn holds_target(
    registry: &Registry,
    model: &str,
    version: &str,
    target: &Target,
) -> Result<bool, MlflowError> {
    let now = registry.client().get_model_version(model, version).await?;
    Ok(target.held_by(now.stage(), &now.aliases))
}

/// The decision tags, the gate tag and the audit run; answers the audit run's id.
#[allow(clippy::too_many_arguments)]
async fn record_decision(
    registry: &Registry,
    prepared: &Prepared,
    record: &DecisionRecord,
    inputs: &DecisionInputs,
    previous_holder: Option<&str>,
    archived: &[String],
    first_is_guard: bool,
    signed: &SignedStatement,
) -> Result<String, DecideError> {
    let (model, version) = (&prepared.model, &prepared.version);
    write_record(registry, model, version, record, first_is_guard).await?;
    // The gate status of the report decided on (as `gate check --record`), as the report says.
    let (gate_key, gate_value) = gate_status_tag(&prepared.report);
    registry
        .client()
        .set_model_version_tag(model, version, &gate_key, &gate_value)
        .await
        .map_err(|error| DecideError::Partial {
            what: "the decision tags were written but the gate status tag was not".into(),
            error,
        })?;
    registry
        .record_audit(&AuditRecord {
            model,
            version,
            target: &prepared.target,
            decision: prepared.decision.as_str(),
            actor: &prepared.actor.name,
            actor_source: prepared.actor.source.as_str(),
            comment: &inputs.comment,
            override_justification: record.override_justification.as_deref(),
            report: Some(&prepared.report),
            previous_holder,
            archived,
            signed: Some(signed),
        })
        .await
        .map_err(|error| DecideError::Partial {
            what: "the decision tags were written but the audit run was not".into(),
            error,
        })
}

/// The promotion happened and was recorded, but a version stayed in the stage beside it.
pub(super) fn archive_failed(
    version: &str,
    target: &Target,
    archived: &[String],
    failed: &str,
    error: MlflowError,
) -> DecideError {
    let done = if archived.is_empty() {
        String::new()
    } else {
        format!(" (archived: v{})", archived.join(", v"))
    };
    DecideError::Partial {
        what: format!(
            "v{version} now holds {target} and the decision is recorded, but archiving v{failed} \
             failed{done}; archive it by hand"
        ),
        error,
    }
}

/// Why a promotion stopped.
#[derive(Debug)]
pub(super) enum PromoteError {
    /// Nothing moved.
    Move(MlflowError),
    /// The version holds the target, but archiving the stage's other versions stopped at
    /// `failed` (those in `archived` were archived). Never retried: the decider is told.
    Archive {
        archived: Vec<String>,
        failed: String,
        error: MlflowError,
    },
}

/// Move `target` to `version`: a stage transition (archiving the others when asked; by
/// default for Production) or an alias. Answers the versions it archived.
///
/// The stage moves alone, then each other version in it is archived one by one:
/// `archive_existing_versions=true` fails inside MLflow on PostgreSQL (mlflow/mlflow#24592,
/// `operator does not exist: integer <> character varying`), so it is never sent. The caller
/// holds the target's claim throughout, and records the archived versions with the decision.
pub(super) async fn promote(
    registry: &Registry,
    model: &str,
    version: &str,
    target: &Target,
    archive: Option<bool>,
) -> Result<Vec<String>, PromoteError> {
    match target {
        Target::Stage(stage) => {
            let archive = archive.unwrap_or(*stage == Stage::Production);
            // Who else is in the stage, read before moving (search results carry stages).
            let others = if archive {
                stage_holders(registry, model, stage)
                    .await
                    .map_err(PromoteError::Move)?
                    .into_iter()
                    .filter(|v| v != version)
                    .collect()
            } else {
                Vec::new()
            };
            registry
                .client()
                .transition_stage(model, version, stage.as_str(), false)
                .await
                .map_err(PromoteError::Move)?;
            let mut archived = Vec::new();
            for other in others {
                if let Err(error) = registry
                    .client()
                    .transition_stage(model, &other, Stage::Archived.as_str(), false)
                    .await
                {
                    return Err(PromoteError::Archive {
                        archived,
                        failed: other,
                        error,
                    });
                }
                archived.push(other);
            }
            Ok(archived)
        }
        Target::Alias(alias) => registry
            .client()
            .set_alias(model, alias, version)
            .await
            .map(|()| Vec::new())
            .map_err(PromoteError::Move),
    }
}

/// Every version of `model` now in `stage`, in version order.
async fn stage_holders(
    registry: &Registry,
    model: &str,
    stage: &Stage,
) -> Result<Vec<String>, MlflowError> {
    let mut versions: Vec<String> = registry
        .versions_of(model)
        .await?
        .into_iter()
        .filter(|v| v.stage() == Some(stage.as_str()))
        .map(|v| v.version)
        .collect();
    versions.sort_by_key(|v| v.parse::<u64>().unwrap_or(u64::MAX));
    Ok(versions)
}

/// Write the decision tags. When `first_is_guard`, the first tag is the permission-sensitive
/// write: its refusal means nothing was recorded.
pub(super) async fn write_record(
    registry: &Registry,
    model: &str,
    version: &str,
    record: &DecisionRecord,
    first_is_guard: bool,
) -> Result<(), DecideError> {
    for (i, (key, value)) in record.tags().iter().enumerate() {
        let result = registry
            .client()
            .set_model_version_tag(model, version, key, value)
            .await;
        match result {
            Ok(()) => {}
            Err(error) if i == 0 && first_is_guard => {
                return Err(DecideError::Refused {
                    what: "the decision",
                    error,
                })
            }
            Err(error) => {
                return Err(DecideError::Partial {
                    what: "the decision tags were written only in part; run the command again"
                        .into(),
                    error,
                })
            }
        }
    }
    // The inbox finds open requests by this flag (registry::pending_index).
    registry
        .update_pending_flag(model, version, record.decision)
        .await
        .map_err(|error| DecideError::Partial {
            what: "the request was recorded but not flagged for the inbox; run the command again"
                .into(),
            error,
        })
}
