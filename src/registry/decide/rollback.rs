//! Roll back: move a target back to the version that held it before its current holder (from
//! the audit trail), as a recorded decision. Planned first (shown to the decider), then
//! committed only if the target has not moved in between. Only verified records count: an
//! audit run anyone could have written by hand (left running, no report, tags disagreeing)
//! never steers a roll back, and the plan names every such record it skipped.

use chrono::Utc;

use super::claim;
use super::commit::{archive_failed, promote, write_record, PromoteError};
use super::DecideError;
use crate::governance::decision::{
    rollback_target, Actor, Decision, DecisionRecord, Statement, Verification,
};
use crate::governance::Target;
use crate::mlflow::MlflowError;
use crate::registry::{holder, AuditRecord, AuditRun, Registry, SignedStatement};

/// From which version to which the target would move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackPlan {
    pub model: String,
    pub target: Target,
    /// The version holding the target now (`None`: nobody).
    pub from: Option<String>,
    pub to: String,
    /// Unverified approvals and roll backs of the target, left out of the calculation.
    pub skipped: Vec<SkippedRecord>,
}

/// An audit run a roll back did not use because it is not whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRecord {
    pub run_id: String,
    pub decision: String,
    pub version: String,
    pub at: String,
    pub verification: Verification,
}

impl SkippedRecord {
    fn from_run(run: &AuditRun) -> SkippedRecord {
        SkippedRecord {
            run_id: run.run_id.clone(),
            decision: run.decision.clone(),
            version: run.version.clone(),
            at: run.at.clone(),
            verification: run.verification.clone(),
        }
    }
}

impl std::fmt::Display for SkippedRecord {
    /// `approved v7 at 2026-11-20T10:00:00Z (audit run abc): unverified: ...`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} v{} at {} (audit run {}): {}",
            self.decision,
            self.version,
            self.at,
            self.run_id,
            self.verification.summary()
        )
    }
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
    /// The record carries a signature.
    pub signed: bool,
    /// Why it does not, when signatures are not required.
    pub unsigned_because: Option<String>,
}

/// Work out the roll back from the verified audit trail. `Ok(Err(reason))` when there is
/// nothing to roll back to (the reason names the unverified records skipped).
pub async fn plan_rollback(
    registry: &Registry,
    model: &str,
    target: &Target,
) -> Result<Result<RollbackPlan, String>, MlflowError> {
    let runs = registry.audit_runs(Some(model)).await?;
    let (history, skipped) = verified_history(&runs, target);
    let current = holder(
        &registry.client().get_registered_model(model).await?,
        target,
    );
    Ok(
        match rollback_target(&history, target, current.as_deref()) {
            Ok(to) => Ok(RollbackPlan {
                model: model.to_string(),
                target: target.clone(),
                from: current,
                to,
                skipped,
            }),
            Err(e) if skipped.is_empty() => Err(e.to_string()),
            Err(e) => {
                let names: Vec<String> = skipped.iter().map(|s| format!("skipped {s}")).collect();
                Err(format!("{e}; {}", names.join("; ")))
            }
        },
    )
}

/// The roll back entries of the verified runs, and the unverified approvals and roll backs of
/// `target` that were left out.
pub fn verified_history(
    runs: &[AuditRun],
    target: &Target,
) -> (
    Vec<crate::governance::decision::AuditEntry>,
    Vec<SkippedRecord>,
) {
    let mut history = Vec::new();
    let mut skipped = Vec::new();
    for run in runs {
        let Some(entry) = run.entry() else { continue };
        if run.verification.is_verified() {
            history.push(entry);
        } else if &entry.target == target
            && matches!(entry.decision, Decision::Approved | Decision::RolledBack)
        {
            skipped.push(SkippedRecord::from_run(run));
        }
    }
    (history, skipped)
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
    let version = registry.client().get_model_version(model, back_to).await?;
    // Signed before anything is written (see `commit`).
    let signed = registry
        .sign_decision(Statement {
            model: model.to_string(),
            version: Some(back_to.to_string()),
            target: Some(target.to_string()),
            decision: Decision::RolledBack.as_str().into(),
            actor: actor.name.clone(),
            comment: comment.to_string(),
            source: version.source.clone(),
            run_id: version.run_id.clone(),
            previous_holder: plan.from.clone(),
            ..Statement::default()
        })
        .await?;
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
    let outcome = roll_back(registry, plan, actor, comment, archive, &signed).await;
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
    signed: &SignedStatement,
) -> Result<RolledBack, DecideError> {
    let (model, target, back_to) = (&plan.model, &plan.target, &plan.to);
    let (archived, archive_failure) = match promote(registry, model, back_to, target, archive).await
    {
        Ok(archived) => (archived, None),
        Err(PromoteError::Move(error)) => {
            return Err(DecideError::Refused {
                what: "the roll back",
                error,
            })
        }
        Err(PromoteError::Archive {
            archived,
            failed,
            error,
        }) => (archived, Some((failed, error))),
    };
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
            archived: &archived,
            signed: Some(signed),
        })
        .await
        .map_err(|error| DecideError::Partial {
            what: "the decision tags were written but the audit run was not".into(),
            error,
        })?;
    if let Some((failed, error)) = archive_failure {
        return Err(archive_failed(back_to, target, &archived, &failed, error));
    }
    Ok(RolledBack {
        audit_run_id,
        signed: signed.signature.is_some(),
        unsigned_because: signed.unsigned_because.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::decision::Reason;

    /// A forged approval (unverified) never reaches the roll back calculation and is named;
    /// unverified records of other targets or decisions are not listed.
    #[test]
    fn unverified_records_are_left_out_and_named() {
        let mut trail = crate::app::fixtures::audit_trail("m", 6, "ab");
        trail.reverse(); // oldest first, as read
        let production: Target = "Production".parse().unwrap();
        let mut forged = trail[2].clone(); // the approval of v5 for Production
        forged.run_id = "forged".into();
        forged.previous_holder = Some("3".into());
        forged.verification = Verification::Unverified {
            reasons: vec![Reason::NoReportDigest],
            signature: None,
        };
        trail.push(forged);
        let (history, skipped) = verified_history(&trail, &production);
        assert!(history.iter().all(|e| e.previous.as_deref() != Some("3")));
        assert_eq!(history.len(), 2, "{history:?}");
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].run_id, "forged");
        assert!(
            skipped[0].to_string().starts_with("approved v5 at "),
            "{}",
            skipped[0]
        );
        assert!(skipped[0]
            .to_string()
            .ends_with("unverified: no report digest recorded"));
    }
}
