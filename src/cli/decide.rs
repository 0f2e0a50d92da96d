//! `tollgate request|approve|reject` and `tollgate rollback`: the shared decision workflow
//! (`registry::decide`) with the command line's confirmation question and printing.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use super::gate::{parse_target, write_report};
use super::{governance, CliError};
use crate::config::Resolved;
use crate::governance::decision::Decision;
use crate::governance::GateReport;
use crate::registry::decide::{self, require_comment, DecideError, DecisionInputs, InputError};
use crate::registry::Registry;
use crate::session::policy;
use crate::text::sanitize_line;

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

fn comment_given(comment: &str) -> Result<(), CliError> {
    require_comment(comment).map_err(|_| CliError::Usage("--comment TEXT is required".into()))
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
    comment_given(args.comment)?;
    let target = parse_target(args.target)?;
    // Turning a promotion down needs no gate: without a policy, reject records no report.
    let policy = match decision {
        Decision::Rejected if args.report.is_none() => policy::find(resolved, args.policy)?,
        _ => Some(policy::load(resolved, args.policy)?),
    };
    let actor = governance::actor(resolved)?;
    let Some(policy) = policy else {
        return reject_without_policy(registry, &actor, &target, args, out).await;
    };
    let registry = &registry.clone().with_signing(policy.signing.clone());
    let mut prepared = decide::prepare(
        registry,
        Arc::new(policy),
        actor,
        args.model,
        args.version,
        &target,
        decision,
    )
    .await?;
    if let Some(path) = args.report {
        prepared.report = reviewed_report(path)?;
    }
    write_report(out, &prepared.report)?;
    if let Some(note) = &prepared.actor_note {
        writeln!(out, "identity: {}", sanitize_line(note))?;
    }

    if let Some(blocker) = prepared.blocker() {
        return Err(CliError::Reported(prepared.blocker_message(&blocker)));
    }
    let inputs = DecisionInputs {
        comment: args.comment.to_string(),
        justification: args.justification.map(str::to_string),
        typed_name: None,
        archive: args.archive,
    };
    match prepared.validate(&inputs) {
        Ok(()) => {}
        Err(InputError::MissingJustification(ids)) => {
            return Err(CliError::Reported(format!(
                "gates not passed ({ids}); the policy allows an override only with --justification TEXT"
            )))
        }
        Err(e) => return Err(CliError::Usage(e.to_string())),
    }
    if prepared.override_justification(&inputs).is_some() {
        writeln!(
            out,
            "OVERRIDE: approving past {}",
            prepared.blocking_ids().join(", ")
        )?;
    }
    if let Some(Ok(ok)) = &prepared.four_eyes {
        for note in &ok.unverified {
            writeln!(out, "four-eyes: unverified: {note}")?;
        }
    }

    governance::confirm(
        args.yes,
        &format!(
            "{} version {} of '{}' for {target} as {} ({})?",
            decision,
            args.version,
            args.model,
            prepared.actor.name,
            prepared.actor.source.as_str()
        ),
        prepared.needs_typed_name().then_some(args.model),
    )?;

    let committed = decide::commit(registry, &prepared, &inputs)
        .await
        .map_err(|e| decide_failed(e, out))?;
    if committed.promoted && committed.holds_target {
        writeln!(out, "{} v{} now holds {target}", args.model, args.version)?;
    }
    writeln!(
        out,
        "{decision}: recorded on the version and in audit run {}{}",
        committed.audit_run_id,
        signed_note(committed.signed, committed.unsigned_because.as_deref())
    )?;
    if committed.promoted && !committed.holds_target {
        // The truth after re-reading: something moved the target after our promotion.
        return Err(CliError::Reported(format!(
            "v{} was promoted to {target}, but re-reading shows it does not hold {target} now: a write after ours moved it",
            args.version
        )));
    }
    Ok(())
}

/// A rejection with no policy configured: recorded without a gate report.
async fn reject_without_policy(
    registry: &Registry,
    actor: &crate::governance::decision::Actor,
    target: &crate::governance::Target,
    args: &DecideArgs<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    writeln!(
        out,
        "no policy configured: the rejection is recorded without a gate report"
    )?;
    governance::confirm(
        args.yes,
        &format!(
            "reject version {} of '{}' for {target} as {} ({})?",
            args.version,
            args.model,
            actor.name,
            actor.source.as_str()
        ),
        None,
    )?;
    let run_id = decide::reject_without_policy(
        registry,
        actor,
        args.model,
        args.version,
        target,
        args.comment,
    )
    .await
    .map_err(|e| decide_failed(e, out))?;
    writeln!(
        out,
        "rejected: recorded on the version and in audit run {run_id} (no report)"
    )?;
    Ok(())
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
    policy_flag: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    governance::refuse_read_only(resolved, "rollback")?;
    comment_given(comment)?;
    let target = parse_target(target)?;
    let actor = governance::actor(resolved)?;
    let signing = policy::find(resolved, policy_flag)?
        .map(|p| p.signing)
        .unwrap_or_default();
    let registry = &registry.clone().with_signing(signing);
    let plan = decide::plan_rollback(registry, model, &target)
        .await?
        .map_err(|e| CliError::Reported(sanitize_line(&format!("cannot roll back: {e}")).into()))?;
    // Records that are not whole never steer a roll back; say which were left out.
    for skipped in &plan.skipped {
        writeln!(out, "skipped {}", sanitize_line(&skipped.to_string()))?;
    }
    governance::confirm(
        yes,
        &format!(
            "roll {target} of '{model}' back from v{} to v{}?",
            plan.from_label(),
            plan.to
        ),
        target.is_guarded().then_some(model),
    )?;
    let done = decide::commit_rollback(registry, &plan, &actor, comment, archive)
        .await
        .map_err(|e| decide_failed(e, out))?;
    writeln!(
        out,
        "{model}: {target} rolled back from v{} to v{}",
        plan.from_label(),
        plan.to
    )?;
    writeln!(
        out,
        "rolled_back: recorded on v{} and in audit run {}{}",
        plan.to,
        done.audit_run_id,
        signed_note(done.signed, done.unsigned_because.as_deref())
    )?;
    Ok(())
}

/// How the record was signed, for the confirmation line.
fn signed_note(signed: bool, unsigned_because: Option<&str>) -> String {
    match (signed, unsigned_because) {
        (true, _) => " (signed)".into(),
        (false, Some(why)) => format!(" (unsigned: {})", sanitize_line(why)),
        (false, None) => " (unsigned)".into(),
    }
}

/// The CLI's words and exit codes for a failed commit.
fn decide_failed(e: DecideError, out: &mut dyn Write) -> CliError {
    match e {
        DecideError::Read(e) => CliError::Mlflow(e),
        DecideError::Invalid(e) => CliError::Usage(e.to_string()),
        DecideError::Stale { ref changes, .. } => {
            let _ = writeln!(out, "the version changed since the report above:");
            for change in changes {
                let _ = writeln!(out, "  - {change}");
            }
            CliError::Reported(e.to_string())
        }
        DecideError::Refused { what, error } => {
            eprintln!("tollgate: the server refused {what}: nothing was recorded");
            governance::nothing_recorded(error)
        }
        DecideError::Partial { what, error } => {
            eprintln!("tollgate: {what}");
            CliError::Mlflow(error)
        }
        other => CliError::Reported(other.to_string()),
    }
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
