//! `tollgate audit MODEL --verify [--allowed-signers FILE] [--head FILE]`: every record whole,
//! signed by a key allowed for its actor, and chained by hash. Exit 0 when all verify, 1 when
//! something fails (each record named with why), 2 for usage. `--head FILE` keeps the chain's
//! last verified head outside the registry, so deleting the newest records is caught. The
//! registry's current state is compared with the verified trail too: a version holding a
//! target, or a decision tag, that no verified record accounts for is an `unapproved change`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::output::{self, Table};
use super::CliError;
use crate::config::Resolved;
use crate::registry::verify::{TrailOptions, TrailReport};
use crate::registry::Registry;
use crate::session::policy;
use crate::text::sanitize_line;

/// The word every report of a change made outside tollgate carries.
pub const UNAPPROVED: &str = "unapproved change";

pub struct VerifyArgs<'a> {
    pub model: &'a str,
    pub policy: Option<&'a Path>,
    pub allowed_signers: Option<&'a Path>,
    pub head: Option<&'a Path>,
    pub json: bool,
}

/// The options of a trail check: the policy's signing settings, `--allowed-signers` first.
pub fn trail_options(
    resolved: &Resolved,
    policy_flag: Option<&Path>,
    allowed_signers: Option<&Path>,
) -> Result<TrailOptions, CliError> {
    let mut options = match policy::find(resolved, policy_flag)? {
        Some(p) => TrailOptions::from_signing(&p.signing),
        None => TrailOptions::default(),
    };
    if let Some(file) = allowed_signers {
        options.allowed_signers = Some(file.to_path_buf());
    }
    if let Some(file) = &options.allowed_signers {
        if !file.is_file() {
            return Err(CliError::Usage(format!(
                "allowed signers file {} does not exist",
                file.display()
            )));
        }
    }
    Ok(options)
}

pub async fn run(
    resolved: &Resolved,
    registry: &Registry,
    args: &VerifyArgs<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let options = trail_options(resolved, args.policy, args.allowed_signers)?;
    let expected = match args.head {
        Some(file) => read_head(file)?,
        None => Vec::new(),
    };
    let report = registry.verify_trail(args.model, &options).await?;
    let policy = policy::find(resolved, args.policy)?;
    let changes = registry
        .unapproved_in(args.model, &report.decisions, policy.as_ref())
        .await?;
    let mut failures = report.failures();
    failures.extend(
        changes
            .iter()
            .map(|c| format!("{UNAPPROVED}: {}", c.summary())),
    );
    let missing = report.missing_heads(&expected);
    let head_failures: Vec<String> =
        missing
            .iter()
            .map(|h| {
                format!(
                "the head {} recorded in {} is not in the trail: the newest records were deleted",
                &h[..h.len().min(12)],
                args.head.map(|p| p.display().to_string()).unwrap_or_default()
            )
            })
            .collect();
    let verified = failures.is_empty() && head_failures.is_empty();
    if args.json {
        output::json(
            out,
            &serde_json::json!({
                "model": args.model,
                "verified": verified,
                "count": report.decisions.len(),
                "decisions": report.decisions,
                "forks": report.forks,
                "unapproved_changes": changes,
                "heads": report.heads,
                "adopted_at": report.adopted_at,
                "failures": failures.iter().chain(&head_failures).collect::<Vec<_>>(),
                "head": args.head.map(|f| serde_json::json!({
                    "file": f.display().to_string(),
                    "expected": expected,
                    "missing": missing,
                })),
            }),
        )?;
    } else {
        write_table(&report, out)?;
        for line in report.fork_notes() {
            writeln!(out, "{}", sanitize_line(&line))?;
        }
        for line in failures.iter().chain(&head_failures) {
            writeln!(out, "! {}", sanitize_line(line))?;
        }
    }
    if !verified {
        return Err(CliError::Reported(format!(
            "the trail of '{}' does not verify ({} problem{})",
            args.model,
            failures.len() + head_failures.len(),
            if failures.len() + head_failures.len() == 1 {
                ""
            } else {
                "s"
            }
        )));
    }
    if let Some(file) = args.head {
        write_head(file, &report.heads)?;
    }
    if !args.json {
        writeln!(
            out,
            "verified: {} record{} of '{}'",
            report.decisions.len(),
            if report.decisions.len() == 1 { "" } else { "s" },
            args.model
        )?;
    }
    Ok(())
}

fn write_table(report: &TrailReport, out: &mut dyn Write) -> Result<(), CliError> {
    if report.decisions.is_empty() {
        writeln!(out, "no recorded decisions for '{}'", report.model)?;
        return Ok(());
    }
    let mut table = Table::new([
        "AT",
        "VERSION",
        "TARGET",
        "DECISION",
        "ACTOR",
        "SIGNATURE",
        "RECORD",
    ]);
    for r in &report.decisions {
        table.row([
            r.at.as_str(),
            &r.version,
            &r.target,
            &r.decision,
            &r.actor,
            r.verification.signature().map_or("-", |s| s.label()),
            super::audit::record_marker(&r.verification),
        ]);
    }
    table.write(out, output::stdout_styled())?;
    Ok(())
}

/// The head file's hashes; a missing file is a first run (nothing expected yet).
fn read_head(file: &Path) -> Result<Vec<String>, CliError> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(CliError::Usage(format!(
                "cannot read the head file {}: {e}",
                file.display()
            )))
        }
    };
    let hashes: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    if let Some(bad) = hashes
        .iter()
        .find(|h| h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(CliError::Usage(format!(
            "the head file {} holds '{}', not a SHA-256 hash",
            file.display(),
            sanitize_line(bad)
        )));
    }
    Ok(hashes)
}

/// Replace the head file with the chain's heads (one per line), atomically.
fn write_head(file: &Path, heads: &[String]) -> Result<(), CliError> {
    let mut text = String::from("# tollgate audit --verify: the chain's verified head(s)\n");
    for h in heads {
        text.push_str(h);
        text.push('\n');
    }
    let tmp: PathBuf = file.with_extension("tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, file))
        .map_err(CliError::Io)
}
