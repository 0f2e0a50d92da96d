//! `tollgate audit <MODEL>`: the model's decision history from the audit runs, oldest first,
//! each with its verification (a record that is not whole is marked `! unverified`, and why).

use std::io::Write;

use super::output::{self, Table};
use super::CliError;
use crate::governance::decision::Verification;
use crate::registry::{AuditRun, Registry};
use crate::text::sanitize_line;

pub async fn run(
    registry: &Registry,
    model: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let runs = registry.audit_runs(Some(model)).await?;
    if json {
        output::json(
            out,
            &serde_json::json!({"model": model, "count": runs.len(), "decisions": runs}),
        )?;
        return Ok(());
    }
    write_trail(model, &runs, out)
}

/// The trail as a table, then one line per record that is not whole.
pub(super) fn write_trail(
    model: &str,
    runs: &[AuditRun],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if runs.is_empty() {
        writeln!(out, "no recorded decisions for '{model}'")?;
        return Ok(());
    }
    // The SIGNATURE column when the trail's signatures were checked (the policy names
    // allowed signers).
    let signed = runs.iter().any(|r| r.verification.signature().is_some());
    let mut headers = vec![
        "AT", "VERSION", "TARGET", "DECISION", "ACTOR", "GATES", "DIGEST", "RECORD",
    ];
    if signed {
        headers.push("SIGNATURE");
    }
    headers.push("COMMENT");
    let mut table = Table::new(headers);
    for r in runs {
        let decision = match &r.override_justification {
            Some(_) => format!("{} (override)", r.decision),
            None => r.decision.clone(),
        };
        let digest = r
            .report_digest
            .as_deref()
            .map(|d| d.chars().take(12).collect::<String>())
            .unwrap_or_else(|| "-".into());
        let mut row = vec![
            r.at.as_str(),
            &r.version,
            &r.target,
            &decision,
            &r.actor,
            r.gate_status.as_deref().unwrap_or("-"),
            &digest,
            record_marker(&r.verification),
        ];
        if signed {
            row.push(r.verification.signature().map_or("-", |s| s.label()));
        }
        row.push(r.comment.as_deref().unwrap_or(""));
        table.row(row);
    }
    table.write(out, output::stdout_styled())?;
    for r in runs.iter().filter(|r| !r.verification.is_verified()) {
        let line = format!(
            "! audit run {} ({} v{} {}): {}",
            r.run_id,
            r.decision,
            r.version,
            r.target,
            r.verification.summary()
        );
        writeln!(out, "{}", sanitize_line(&line))?;
    }
    Ok(())
}

/// The RECORD column: a marker and a word, so it reads without colour.
pub fn record_marker(v: &Verification) -> &'static str {
    match v {
        Verification::Verified { note: None, .. } => "✓ verified",
        Verification::Verified { note: Some(_), .. } => "✓ verified, no report",
        Verification::Unverified { .. } => "! unverified",
    }
}
