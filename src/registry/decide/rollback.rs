//! Roll back: move a target back to the version that held it before its current holder (from
//! the audit trail), as a recorded decision. Planned first (shown to the decider), then
//! committed only if the target has not moved in between.

use chrono::Utc;

use super::claim;
use super::commit::{promote, write_record};
use super::DecideError;
use crate::governance::decision::{rollback_target, Actor, Decision, DecisionRecord};
use crate::governance::Target;
use crate::mlflow::MlflowError;
use crate::registry::{holder, AuditRecord, Registry};

/// From which version to which the target would move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackPlan {
    pub model: String,
    pub target: Target,
    /// The version holding the target now (`None`: nobody).
    pub from: Option<String>,
    pub to: String,
}

impl RollbackPlan {
    /// `v3`, or `(none)` when nobody holds the target.
    pub fn from_label(&self) -> String {
        self.from.clone().unwrap_or_else(|| "(none)".into())
    }
}

/// A roll back written in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolledBack {
    pub audit_run_id: String,
}

/// Work out the roll back from the audit trail. `Ok(Err(reason))` when there is nothing to
/// roll back to.
pub async fn plan_rollback(
    registry: &Registry,
    model: &str,
    target: &Target,
) -> Result<Result<RollbackPlan, String>, MlflowError> {
    let history: Vec<_> = registry
        .audit_runs(Some(model))
        .await?
        .iter()
        .filter_map(|r| r.entry())
        .collect();
    let current = holder(
        &registry.client().get_registered_model(model).await?,
        target,
    );
    Ok(rollback_target(&history, target, current.as_deref())
        .map(|to| RollbackPlan {
            model: model.to_string(),
            target: target.clone(),
            from: current,
            to,
        })
        .map_err(|e| e.to_string()))
}

/// Move the target back, if it still sits where the plan found it, and record the decision.
pub async fn commit_rollback(
    registry: &Registry,
    plan: &RollbackPlan,
    actor: &Actor,
    comment: &str,
    archive: Option<bool>,
) -> Result<RolledBack, DecideError> {
    super::require_comment(comment)?;
    let (model, target, back_to) = (&plan.model, &plan.target, &plan.to);
    let now_holder = holder(
        &registry.client().get_registered_model(model).await?,
        target,
    );
    if now_holder != plan.from {
        return Err(DecideError::Moved {
            target: target.to_string(),
            from: plan.from_label(),
            now: now_holder.unwrap_or_else(|| "(none)".into()),
        });
    }
    let actor = &super::confirm_actor(registry.client(), actor.clone())
        .await
        .actor;
    // One promotion per target: a roll back claims the target as an approval does.
    let claim = claim::take(
        registry,
        model,
        back_to,
        target,
        actor,
        plan.from.as_deref(),
    )
    .await?;
    let outcome = roll_back(registry, plan, actor, comment, archive).await;
    claim::release(registry, &claim).await;
    outcome
}

/// The roll back's writes, under the claim.
async fn roll_back(
    registry: &Registry,
    plan: &RollbackPlan,
    actor: &Actor,
    comment: &str,
    archive: Option<bool>,
) -> Result<RolledBack, DecideError> {
    let (model, target, back_to) = (&plan.model, &plan.target, &plan.to);
    promote(registry, model, back_to, target, archive)
        .await
        .map_err(|error| DecideError::Refused {
            what: "the roll back",
            error,
        })?;
    let record = DecisionRecord {
        target: target.clone(),
        decision: Decision::RolledBack,
        by: actor.name.clone(),
        by_source: Some(actor.source),
        at: Utc::now(),
        comment: comment.to_string(),
        report_digest: None,
        requested_by: None,
        override_justification: None,
    };
    write_record(registry, model, back_to, &record, false).await?;
    let audit_run_id = registry
        .record_audit(&AuditRecord {
            model,
            version: back_to,
            target,
            decision: Decision::RolledBack.as_str(),
            actor: &actor.name,
            actor_source: actor.source.as_str(),
            comment,
            override_justification: None,
            report: None,
            previous_holder: plan.from.as_deref(),
        })
        .await
        .map_err(|error| DecideError::Partial {
            what: "the decision tags were written but the audit run was not".into(),
            error,
        })?;
    Ok(RolledBack { audit_run_id })
}
