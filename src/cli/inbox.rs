//! `tollgate inbox`: every pending promotion request across models, oldest first, with the gate
//! status of its recorded report and its verification.

use std::io::Write;

use serde::Serialize;

use super::output::{self, Table};
use super::CliError;
use crate::governance::decision::{iso8601, Verification};
use crate::registry::{PendingRequest, Registry};

#[derive(Serialize)]
struct Pending {
    model: String,
    version: String,
    target: String,
    requested_by: String,
    requested_at: String,
    age_hours: f64,
    comment: String,
    /// The status of the request's report artifact (pass, fail, missing, ...); null when no
    /// report with the recorded digest exists.
    gate: Option<String>,
    report_digest: Option<String>,
    verification: Verification,
    audit_run_id: Option<String>,
}

impl From<PendingRequest> for Pending {
    fn from(r: PendingRequest) -> Self {
        Pending {
            model: r.model,
            version: r.version,
            target: r.target.to_string(),
            requested_by: r.requested_by,
            requested_at: iso8601(r.requested_at),
            age_hours: (r.age_minutes as f64 / 60.0 * 10.0).round() / 10.0,
            comment: r.comment,
            gate: r.gate,
            report_digest: r.report_digest,
            verification: r.verification,
            audit_run_id: r.audit_run_id,
        }
    }
}

pub async fn run(
    registry: &Registry,
    json: bool,
    rescan: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let pending: Vec<Pending> = registry
        .pending_requests_scanning(rescan)
        .await?
        .into_iter()
        .map(Pending::from)
        .collect();
    if json {
        output::json(
            out,
            &serde_json::json!({"count": pending.len(), "pending": pending}),
        )?;
        return Ok(());
    }
    if pending.is_empty() {
        writeln!(out, "no pending requests")?;
        return Ok(());
    }
    // The SIGNATURE column when signatures were checked (the policy names allowed signers),
    // as `tollgate audit` shows it.
    let signed = pending.iter().any(|p| p.verification.signature().is_some());
    let mut headers = vec![
        "MODEL",
        "VERSION",
        "TARGET",
        "GATE",
        "REQUESTER",
        "AGE",
        "RECORD",
    ];
    if signed {
        headers.push("SIGNATURE");
    }
    headers.push("COMMENT");
    let mut table = Table::new(headers);
    for p in &pending {
        let age = format!("{:.1}h", p.age_hours);
        let mut row = vec![
            p.model.as_str(),
            &p.version,
            &p.target,
            p.gate.as_deref().unwrap_or("no report"),
            &p.requested_by,
            &age,
            super::audit::record_marker(&p.verification),
        ];
        if signed {
            row.push(p.verification.signature().map_or("-", |s| s.label()));
        }
        row.push(&p.comment);
        table.row(row);
    }
    table.write(out, output::stdout_styled())?;
    for p in pending.iter().filter(|p| !p.verification.is_verified()) {
        let line = format!(
            "! {} v{} {}: {}",
            p.model,
            p.version,
            p.target,
            p.verification.summary()
        );
        writeln!(out, "{}", crate::text::sanitize_line(&line))?;
    }
    Ok(())
}
