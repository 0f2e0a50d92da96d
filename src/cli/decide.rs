//! `tollgate request|approve|reject` and `tollgate rollback`: decisions bound to a gate report,
//! checked for four-eyes, confirmed, re-checked right before writing, then recorded.
//!
//! Order of writes: the permission-sensitive one first (the stage/alias change for approvals
//! and roll backs, the first decision tag otherwise), so a refused write leaves nothing
//! half-recorded; then the decision tags; then the audit run. Writes are never retried.

use std::io::Write;
use std::path::Path;

use chrono::Utc;

use super::gate::{parse_target, write_report};
use super::{governance, policy_file, CliError};
use crate::config::Resolved;
use crate::governance::decision::{
    check_four_eyes, rollback_target, staleness, Actor, Decision, DecisionRecord, FourEyesInput,
};
use crate::governance::GateReport;
use crate::registry::{holder, AuditRecord, Registry};

pub struct DecideArgs<'a> {
    pub model: &'a str,
    pub version: &'a str,
    pub target: &'a str,
    pub comment: &'a str,
    pub yes: bool,
    pub policy: Option<&'a Path>,
    pub archive: Option<bool>,
    pub justification: Option<&'a str>,
    /// The report the decider reviewed (`gate check --json`): the decision is bound to it.
    pub report: Option<&'a Path>,
}

fn require_comment(comment: &str) -> Result<(), CliError> {
    if comment.trim().is_empty() {
        return Err(CliError::Usage("--comment TEXT is required".into()));
    }
    Ok(())
}

/// Request, approve or reject.
pub async fn decide(
    resolved: &Resolved,
    registry: &Registry,
    decision: Decision,
    args: &DecideArgs<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    governance::refuse_read_only(resolved, decision.as_str())?;
    require_comment(args.comment)?;
    let target = parse_target(args.target)?;
    let policy = policy_file::load(resolved, args.policy)?;
    let actor = governance::actor(resolved)?;
    let (seen_version, current) =
        governance::check(registry, &policy, args.model, args.version, &target).await?;
    let seen = match args.report {
        Some(path) => reviewed_report(path)?,
        None => current,
    };
    write_report(out, &seen)?;

    let held = |v: &crate::mlflow::ModelVersion| target.held_by(v.stage(), &v.aliases);
    let mut override_justification = None;
    if matches!(decision, Decision::Approved | Decision::Requested) && held(&seen_version.version) {
        return Err(CliError::Reported(format!(
            "version {} of '{}' already holds {target}; nothing to do",
            args.version, args.model
        )));
    }
    let requester = DecisionRecord::from_tags(&seen_version.version.tags)
        .into_iter()
        .find(|r| r.target == target && r.decision == Decision::Requested)
        .map(|r| r.by);
    if decision == Decision::Approved {
        if !seen.passed() {
            let blocking: Vec<&str> = seen.blocking().map(|c| c.id.as_str()).collect();
            match (policy.settings.allow_override, args.justification) {
                (true, Some(j)) if !j.trim().is_empty() => {
                    override_justification = Some(j.to_string());
                    writeln!(out, "OVERRIDE: approving past {}", blocking.join(", "))?;
                }
                (true, _) => {
                    return Err(CliError::Reported(format!(
                        "gates not passed ({}); the policy allows an override only with --justification TEXT",
                        blocking.join(", ")
                    )))
                }
                (false, _) => {
                    return Err(CliError::Reported(format!(
                        "refused: gates not passed ({}) and the policy does not allow overrides",
                        blocking.join(", ")
                    )))
                }
            }
        }
        if policy.settings.four_eyes {
            let ok = check_four_eyes(&FourEyesInput {
                approver: &actor.name,
                version_creator: seen_version.version_creator(),
                run_creator: seen_version.run_creator(),
                requester: requester.as_deref(),
            })
            .map_err(|r| CliError::Reported(format!("refused: {r}")))?;
            for note in ok.unverified {
                writeln!(out, "four-eyes: unverified: {note}")?;
            }
        }
    }

    let guarded = decision == Decision::Approved && target.is_guarded();
    governance::confirm(
        args.yes,
        &format!(
            "{} version {} of '{}' for {target} as {} ({})?",
            decision,
            args.version,
            args.model,
            actor.name,
            actor.source.as_str()
        ),
        guarded.then_some(args.model),
    )?;

    // Right before writing: is the report still true?
    let (fresh_version, fresh) =
        governance::check(registry, &policy, args.model, args.version, &target).await?;
    refuse_if_stale(&seen, &fresh, out)?;
    if decision == Decision::Approved && held(&fresh_version.version) {
        return Err(CliError::Reported(format!(
            "version {} already holds {target} (another approval came first); nothing was written",
            args.version
        )));
    }

    let record = DecisionRecord {
        target: target.clone(),
        decision,
        by: actor.name.clone(),
        by_source: Some(actor.source),
        at: Utc::now(),
        comment: args.comment.to_string(),
        report_digest: Some(seen.digest.clone()),
        requested_by: if decision == Decision::Requested {
            None
        } else {
            requester
        },
        override_justification: override_justification.clone(),
    };
    let claim = if decision == Decision::Approved {
        let claim = claim_promotion(registry, args.model, args.version, &target, &actor).await?;
        governance::promote(registry, args.model, args.version, &target, args.archive)
            .await
            .map_err(|e| refused(e, "the promotion"))?;
        writeln!(out, "{} v{} now holds {target}", args.model, args.version)?;
        Some(claim)
    } else {
        None
    };
    write_record(
        registry,
        args.model,
        args.version,
        &record,
        decision != Decision::Approved,
    )
    .await?;
    // The gate status of the report decided on, for the inbox (as `gate check --record`).
    let (gate_key, gate_value) = seen.gate_tag();
    registry
        .client()
        .set_model_version_tag(args.model, args.version, &gate_key, &gate_value)
        .await
        .map_err(|e| {
            partially(
                e,
                "the decision tags were written but the gate status tag was not",
            )
        })?;
    let run_id = registry
        .record_audit(&AuditRecord {
            model: args.model,
            version: args.version,
            target: &target,
            decision: decision.as_str(),
            actor: &actor.name,
            actor_source: actor.source.as_str(),
            comment: args.comment,
            override_justification: override_justification.as_deref(),
            report: Some(&seen),
        })
        .await
        .map_err(|e| {
            partially(
                e,
                "the decision tags were written but the audit run was not",
            )
        })?;
    writeln!(
        out,
        "{decision}: recorded on the version and in audit run {run_id}"
    )?;
    if let Some(key) = claim {
        release_claim(registry, args.model, args.version, &key).await;
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
    target: &crate::governance::Target,
    actor: &Actor,
) -> Result<String, CliError> {
    let key = format!("tollgate.claim.{}", target.tag_key());
    let token = format!(
        "{} {} {}",
        actor.name,
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    match registry
        .client()
        .set_model_version_tag(model, version, &key, &token)
        .await
    {
        Ok(()) => {}
        // Two claims written at the same instant: the server's store rejects the second
        // insert of the same tag (SQLite: UNIQUE constraint, HTTP 400). The other one won.
        Err(crate::mlflow::MlflowError::Api { status: 400, .. }) => {
            return Err(CliError::Reported(format!(
                "another approval of version {version} for {target} came first (its claim was written at the same moment); nothing was promoted or recorded"
            )))
        }
        Err(e) => return Err(refused(e, "the promotion")),
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
    Err(CliError::Reported(format!(
        "another approval of version {version} for {target} came first; nothing was promoted or recorded"
    )))
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

/// Roll `target` back to the version that held it before the current holder.
#[allow(clippy::too_many_arguments)]
pub async fn rollback(
    resolved: &Resolved,
    registry: &Registry,
    model: &str,
    target: &str,
    comment: &str,
    yes: bool,
    archive: Option<bool>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    governance::refuse_read_only(resolved, "rollback")?;
    require_comment(comment)?;
    let target = parse_target(target)?;
    let actor: Actor = governance::actor(resolved)?;
    let history: Vec<_> = registry
        .audit_runs(Some(model))
        .await?
        .iter()
        .filter_map(|r| r.entry())
        .collect();
    let current = holder(
        &registry.client().get_registered_model(model).await?,
        &target,
    );
    let back_to = rollback_target(&history, &target, current.as_deref())
        .map_err(|e| CliError::Reported(format!("cannot roll back: {e}")))?;
    let from = current.clone().unwrap_or_else(|| "(none)".into());
    governance::confirm(
        yes,
        &format!("roll {target} of '{model}' back from v{from} to v{back_to}?"),
        target.is_guarded().then_some(model),
    )?;
    let now_holder = holder(
        &registry.client().get_registered_model(model).await?,
        &target,
    );
    if now_holder != current {
        return Err(CliError::Reported(format!(
            "{target} moved since (v{from} -> v{}); nothing was written",
            now_holder.unwrap_or_else(|| "(none)".into())
        )));
    }
    governance::promote(registry, model, &back_to, &target, archive)
        .await
        .map_err(|e| refused(e, "the roll back"))?;
    writeln!(
        out,
        "{model}: {target} rolled back from v{from} to v{back_to}"
    )?;
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
    write_record(registry, model, &back_to, &record, false).await?;
    let run_id = registry
        .record_audit(&AuditRecord {
            model,
            version: &back_to,
            target: &target,
            decision: Decision::RolledBack.as_str(),
            actor: &actor.name,
            actor_source: actor.source.as_str(),
            comment,
            override_justification: None,
            report: None,
        })
        .await
        .map_err(|e| {
            partially(
                e,
                "the decision tags were written but the audit run was not",
            )
        })?;
    writeln!(
        out,
        "rolled_back: recorded on v{back_to} and in audit run {run_id}"
    )?;
    Ok(())
}

/// A report saved by `gate check --json`, whose digest must match its content.
fn reviewed_report(path: &Path) -> Result<GateReport, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::Usage(format!("cannot read the report {}: {e}", path.display())))?;
    let report = GateReport::from_json(&bytes)
        .map_err(|e| CliError::Usage(format!("{} is not a gate report: {e}", path.display())))?;
    if !report.verify_digest() {
        return Err(CliError::Usage(format!(
            "{}: the report's digest does not match its content (edited?)",
            path.display()
        )));
    }
    Ok(report)
}

/// Stop when the fresh report differs from the one shown, listing what changed.
fn refuse_if_stale(
    seen: &GateReport,
    fresh: &GateReport,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let s = staleness(seen, fresh);
    if !s.stale {
        return Ok(());
    }
    writeln!(out, "the version changed since the report above:")?;
    for change in &s.changes {
        writeln!(out, "  - {change}")?;
    }
    Err(CliError::Reported(format!(
        "stale report (digest {} is now {}); nothing was written: check again",
        short(&seen.digest),
        short(&fresh.digest)
    )))
}

/// Write the decision tags. When `first_is_guard`, the first tag is the permission-sensitive
/// write: its refusal means nothing was recorded.
async fn write_record(
    registry: &Registry,
    model: &str,
    version: &str,
    record: &DecisionRecord,
    first_is_guard: bool,
) -> Result<(), CliError> {
    for (i, (key, value)) in record.tags().iter().enumerate() {
        let result = registry
            .client()
            .set_model_version_tag(model, version, key, value)
            .await;
        match result {
            Ok(()) => {}
            Err(e) if i == 0 && first_is_guard => return Err(refused(e, "the decision")),
            Err(e) => {
                return Err(partially(
                    e,
                    "the decision tags were written only in part; run the command again",
                ))
            }
        }
    }
    Ok(())
}

fn refused(e: crate::mlflow::MlflowError, what: &str) -> CliError {
    eprintln!("tollgate: the server refused {what}: nothing was recorded");
    governance::nothing_recorded(e)
}

fn partially(e: crate::mlflow::MlflowError, what: &str) -> CliError {
    eprintln!("tollgate: {what}");
    CliError::Mlflow(e)
}

fn short(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}
