//! Step three: re-read and re-evaluate right before writing, refuse when stale, guard against
//! a concurrent approval with a claim tag, then promote and record.

use chrono::Utc;

use super::prepare::{check, Blocker, Prepared};
use super::{DecideError, DecisionInputs};
use crate::governance::decision::{staleness, Actor, Decision, DecisionRecord};
use crate::governance::{Stage, Target};
use crate::mlflow::MlflowError;
use crate::registry::{holder, AuditRecord, Registry};

/// A decision written in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The stage/alias moved to the version (approvals).
    pub promoted: bool,
    /// The audit run recording the decision.
    pub audit_run_id: String,
    /// The approval went past failing gates with a justification.
    pub overridden: bool,
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
    let claim = if decision == Decision::Approved {
        let claim = claim_promotion(registry, model, version, target, &prepared.actor).await?;
        // Who holds the target now, for the audit trail: a later roll back returns there.
        match registry.client().get_registered_model(model).await {
            Ok(m) => previous_holder = holder(&m, target).filter(|v| v != version),
            Err(error) => {
                release_claim(registry, model, version, &claim).await;
                return Err(error.into());
            }
        }
        if let Err(error) = promote(registry, model, version, target, inputs.archive).await {
            release_claim(registry, model, version, &claim).await;
            return Err(DecideError::Refused {
                what: "the promotion",
                error,
            });
        }
        Some(claim)
    } else {
        None
    };
    let outcome = record_decision(
        registry,
        prepared,
        &record,
        inputs,
        override_justification.as_deref(),
        previous_holder.as_deref(),
        decision != Decision::Approved,
    )
    .await;
    if let Some(key) = claim {
        release_claim(registry, model, version, &key).await;
    }
    let audit_run_id = outcome?;
    Ok(Committed {
        promoted: decision == Decision::Approved,
        audit_run_id,
        overridden: override_justification.is_some(),
    })
}

/// The decision tags, the gate tag and the audit run; answers the audit run's id.
async fn record_decision(
    registry: &Registry,
    prepared: &Prepared,
    record: &DecisionRecord,
    inputs: &DecisionInputs,
    override_justification: Option<&str>,
    previous_holder: Option<&str>,
    first_is_guard: bool,
) -> Result<String, DecideError> {
    let (model, version) = (&prepared.model, &prepared.version);
    write_record(registry, model, version, record, first_is_guard).await?;
    // The gate status of the report decided on, for the inbox (as `gate check --record`).
    let (gate_key, gate_value) = prepared.report.gate_tag();
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
            override_justification,
            report: Some(&prepared.report),
            previous_holder,
        })
        .await
        .map_err(|error| DecideError::Partial {
            what: "the decision tags were written but the audit run was not".into(),
            error,
        })
}

/// Move `target` to `version`: a stage transition (archiving the others when asked; by
/// default for Production) or an alias.
pub async fn promote(
    registry: &Registry,
    model: &str,
    version: &str,
    target: &Target,
    archive: Option<bool>,
) -> Result<(), MlflowError> {
    match target {
        Target::Stage(stage) => {
            let archive = archive.unwrap_or(*stage == Stage::Production);
            registry
                .client()
                .transition_stage(model, version, stage.as_str(), archive)
                .await
                .map(|_| ())
        }
        Target::Alias(alias) => registry.client().set_alias(model, alias, version).await,
    }
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
    Ok(())
}

/// How long a claim must stand before the promotion goes ahead: longer than the gap between
/// two concurrent approvers' claims, so the earlier one sees the later one and stops.
const CLAIM_SETTLE: std::time::Duration = std::time::Duration::from_millis(700);

/// MLflow has no compare-and-set, so two approvers at once would both promote. Each writes a
/// claim tag with its own token, waits, and re-reads: only the approver whose token is still
/// there, on a version that does not yet hold the target, goes ahead. Answers the claim's key.
async fn claim_promotion(
    registry: &Registry,
    model: &str,
    version: &str,
    target: &Target,
    actor: &Actor,
) -> Result<String, DecideError> {
    let key = format!("tollgate.claim.{}", target.tag_key());
    let token = format!(
        "{} {} {}",
        actor.name,
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let lost = |simultaneous| DecideError::LostRace {
        version: version.to_string(),
        target: target.to_string(),
        simultaneous,
    };
    match registry
        .client()
        .set_model_version_tag(model, version, &key, &token)
        .await
    {
        Ok(()) => {}
        // Two claims written at the same instant: the server's store rejects the second
        // insert of the same tag (SQLite: UNIQUE constraint, HTTP 400). The other one won.
        Err(MlflowError::Api { status: 400, .. }) => return Err(lost(true)),
        Err(error) => {
            return Err(DecideError::Refused {
                what: "the promotion",
                error,
            })
        }
    }
    tokio::time::sleep(CLAIM_SETTLE).await;
    let now = registry.client().get_model_version(model, version).await?;
    let ours = crate::mlflow::tag_value(&now.tags, &key) == Some(token.as_str());
    if ours && !target.held_by(now.stage(), &now.aliases) {
        return Ok(key);
    }
    if ours {
        release_claim(registry, model, version, &key).await;
    }
    Err(lost(false))
}

/// Remove the claim tag; a failure only leaves a harmless tag behind.
async fn release_claim(registry: &Registry, model: &str, version: &str, key: &str) {
    if let Err(e) = registry
        .client()
        .delete_model_version_tag(model, version, key)
        .await
    {
        tracing::warn!(error = %e, "could not remove the claim tag");
    }
}
