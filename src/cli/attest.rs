//! `tollgate attest MODEL VERSION --out FILE`: an in-toto Statement v1 about a version (see
//! `export::attest`): its artifact files' SHA-256 as the subject, the gate report, the policy
//! digest and the verified decisions as the predicate.

use std::io::Write;
use std::path::Path;

use chrono::Utc;
use serde_json::Value;

use super::gate::parse_target;
use super::output;
use super::CliError;
use crate::config::Resolved;
use crate::export::attest::{statement, AttestInput, ReportSource};
use crate::governance::decision::iso8601;
use crate::registry::{ArtifactFiles, Registry};
use crate::session::policy;
use crate::text::sanitize_line;

pub struct AttestArgs<'a> {
    pub model: &'a str,
    pub version: &'a str,
    pub out_file: &'a Path,
    /// Evaluate the gates for this target now, instead of the recorded report.
    pub target: Option<&'a str>,
    pub policy: Option<&'a Path>,
    pub json: bool,
}

pub async fn run(
    resolved: &Resolved,
    registry: &Registry,
    args: &AttestArgs<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let target = args.target.map(parse_target).transpose()?;
    // An explicit target needs a policy to evaluate; otherwise the policy is optional.
    let policy = match target {
        Some(_) => Some(policy::load(resolved, args.policy)?),
        None => policy::find(resolved, args.policy)?,
    };
    let version = registry
        .client()
        .get_model_version(args.model, args.version)
        .await?;
    let files = registry.version_files(&version).await?;
    let check = registry.check_state(args.model, policy.as_ref()).await?;
    let decisions: Vec<_> = check
        .runs
        .iter()
        .filter(|r| r.version == args.version)
        .cloned()
        .collect();
    let unapproved: Vec<_> = check.for_version(args.version).cloned().collect();
    let gate_report = match (&target, &policy) {
        (Some(target), Some(policy)) => {
            let (_, report) =
                crate::registry::decide::check(registry, policy, args.model, args.version, target)
                    .await?;
            serde_json::from_str::<Value>(&report.to_json())
                .ok()
                .map(|r| (ReportSource::Evaluated, r))
        }
        _ => {
            // The report the newest verified decision with one was made on.
            let newest = decisions
                .iter()
                .rev()
                .find(|r| r.verification.is_verified() && r.report_digest.is_some());
            match newest {
                Some(run) => registry
                    .recorded_report(&run.run_id)
                    .await?
                    .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
                    .map(|r| (ReportSource::Recorded, r)),
                None => None,
            }
        }
    };
    let generated_at = iso8601(Utc::now());
    let statement = statement(&AttestInput {
        model: args.model,
        version: args.version,
        source: version.source.as_deref(),
        run_id: version.run_id(),
        files: &files,
        policy: policy
            .as_ref()
            .map(|p| (p.origin.as_str(), p.digest.as_str())),
        gate_report,
        decisions: &decisions,
        unapproved: &unapproved,
        generated_at: &generated_at,
    });
    let mut text = serde_json::to_string_pretty(&statement)
        .map_err(|e| CliError::Io(std::io::Error::other(e)))?;
    text.push('\n');
    std::fs::write(args.out_file, text)?;
    let file = args.out_file.display().to_string();
    if args.json {
        output::json(
            out,
            &serde_json::json!({
                "out": file,
                "subject": statement["subject"],
                "subject_kind": statement["predicate"]["subject_kind"],
                "decisions": decisions.len(),
                "unapproved_changes": unapproved.len(),
            }),
        )?;
        return Ok(());
    }
    let subject = match &files {
        ArtifactFiles::Read { files } => format!("{} artifact file(s)", files.len()),
        ArtifactFiles::Unreadable { reason } => format!(
            "models:/{}/{} (artifact files unreadable: {reason})",
            args.model, args.version
        ),
    };
    let line = format!(
        "wrote {file}: subject {subject}; {} decision(s), {} unapproved change(s)",
        decisions.len(),
        unapproved.len()
    );
    writeln!(out, "{}", sanitize_line(&line))?;
    Ok(())
}
