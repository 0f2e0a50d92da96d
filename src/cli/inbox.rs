//! `tollgate inbox`: every pending promotion request across models, oldest first.

use std::io::Write;

use serde::Serialize;

use super::output::{self, Table};
use super::CliError;
use crate::governance::decision::iso8601;
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
    /// The recorded gate status (`tollgate.gate.<TARGET>`): pass, fail, or null when never checked.
    gate: Option<String>,
    report_digest: Option<String>,
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
        }
    }
}

pub async fn run(registry: &Registry, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let pending: Vec<Pending> = registry
        .pending_requests()
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
    let mut table = Table::new([
        "MODEL",
        "VERSION",
        "TARGET",
        "GATE",
        "REQUESTER",
        "AGE",
        "COMMENT",
    ]);
    for p in &pending {
        table.row([
            p.model.as_str(),
            &p.version,
            &p.target,
            p.gate.as_deref().unwrap_or("unchecked"),
            &p.requested_by,
            &format!("{:.1}h", p.age_hours),
            &p.comment,
        ]);
    }
    table.write(out, output::stdout_styled())?;
    Ok(())
}
