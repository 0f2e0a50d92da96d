//! A rejection when no policy is configured: turning a promotion down needs no gate, so it is
//! recorded without a report (the tags and the audit run say so by naming no digest).

use chrono::Utc;

use super::commit::write_record;
use super::{require_comment, DecideError};
use crate::governance::decision::{Actor, Decision, DecisionRecord, Statement};
use crate::governance::Target;
use crate::registry::{AuditRecord, Registry};

/// Record `actor`'s rejection of `version` for `target` with no gate report; answers the
/// audit run's id. The version is read first (so a missing one is "not found", nothing written).
pub async fn reject_without_policy(
    registry: &Registry,
    actor: &Actor,
    model: &str,
    version: &str,
    target: &Target,
    comment: &str,
) -> Result<String, DecideError> {
    require_comment(comment)?;
    // Who is recorded: a basic-auth name only as `authenticated` once the server confirms it.
    let actor = &super::confirm_actor(registry.client(), actor.clone())
        .await
        .actor;
    let current = registry.client().get_model_version(model, version).await?;
    let requested_by = DecisionRecord::from_tags(&current.tags)
        .into_iter()
        .find(|r| &r.target == target && r.decision == Decision::Requested)
        .map(|r| r.by);
    let signed = registry
        .sign_decision(Statement {
            model: model.to_string(),
            version: Some(version.to_string()),
            target: Some(target.to_string()),
            decision: Decision::Rejected.as_str().into(),
            actor: actor.name.clone(),
            comment: comment.to_string(),
            source: current.source.clone(),
            run_id: current.run_id.clone(),
            requester: requested_by.clone(),
            ..Statement::default()
        })
        .await?;
    let record = DecisionRecord {
        target: target.clone(),
        decision: Decision::Rejected,
        by: actor.name.clone(),
        by_source: Some(actor.source),
        at: Utc::now(),
        comment: comment.to_string(),
        report_digest: None,
        requested_by,
        override_justification: None,
    };
    write_record(registry, model, version, &record, true).await?;
    registry
        .record_audit(&AuditRecord {
            model,
            version,
            target,
            decision: Decision::Rejected.as_str(),
            actor: &actor.name,
            actor_source: actor.source.as_str(),
            comment,
            override_justification: None,
            report: None,
            previous_holder: None,
            archived: &[],
            signed: Some(&signed),
        })
        .await
        .map_err(|error| DecideError::Partial {
            what: "the decision tags were written but the audit run was not".into(),
            error,
        })
}
