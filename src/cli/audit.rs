//! `tollgate audit <MODEL>`: the model's decision history from the audit runs, newest first as
//! the cockpit's Audit tab lists it (`--json` keeps the recorded order, oldest first), each with
//! its verification (a record that is not whole is marked `! unverified`, and why).

use std::io::Write;

use super::output::{self, Table};
use super::CliError;
use crate::governance::decision::Verification;
use crate::registry::{newest_first, AuditRun, Registry};
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
    write_table(&newest_first(runs.to_vec()), out, output::stdout_styled())
}

/// The table, in the order given, then why each record that is not whole is not.
fn write_table(runs: &[AuditRun], out: &mut dyn Write, styled: bool) -> Result<(), CliError> {
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
    table.write(out, styled)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(at: &str, decision: &str) -> AuditRun {
        AuditRun {
            run_id: format!("run-{decision}"),
            at: at.into(),
            model: "m".into(),
            version: "1".into(),
            target: "Production".into(),
            decision: decision.into(),
            actor: "ana".into(),
            actor_source: None,
            comment: None,
            report_digest: None,
            gate_status: None,
            override_justification: None,
            previous_holder: None,
            archived: Vec::new(),
            run_status: Some("FINISHED".into()),
            verification: Verification::Verified {
                note: None,
                signature: None,
            },
            start_time: 0,
            statement_hash: None,
        }
    }

    /// The registry hands the trail oldest first; the table lists it as the Audit tab does.
    #[test]
    fn the_table_lists_newest_first_like_the_audit_tab() {
        let recorded = vec![
            run("2026-01-05T10:00:00Z", "requested"),
            run("2026-01-06T10:00:00Z", "approved"),
            run("2026-03-01T10:00:00Z", "rolled_back"),
        ];
        let mut out = Vec::new();
        write_table(&newest_first(recorded), &mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let order: Vec<&str> = ["rolled_back", "approved", "requested"]
            .into_iter()
            .filter(|d| text.contains(d))
            .collect();
        assert_eq!(order.len(), 3, "{text}");
        let at = |d: &str| text.find(d).unwrap();
        assert!(
            at("rolled_back") < at("approved") && at("approved") < at("requested"),
            "{text}"
        );
    }
}
