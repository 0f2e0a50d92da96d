//! `tollgate inbox`: every pending promotion request across models, oldest first.

use std::io::Write;

use chrono::Utc;
use serde::Serialize;

use super::output::{self, Table};
use super::CliError;
use crate::governance::decision::{iso8601, DecisionRecord};
use crate::mlflow::{tag_value, MAX_VERSIONS_PAGE};
use crate::registry::Registry;

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

pub async fn run(registry: &Registry, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    // One search returns every version with its tags; requests are filtered here.
    let versions = registry
        .client()
        .search_model_versions(None, MAX_VERSIONS_PAGE)
        .await?;
    let now = Utc::now();
    let mut pending: Vec<(chrono::DateTime<Utc>, Pending)> = versions
        .iter()
        .flat_map(|v| {
            DecisionRecord::pending(&v.tags).into_iter().map(move |r| {
                let gate_key = format!("tollgate.gate.{}", r.target.tag_key());
                (
                    r.at,
                    Pending {
                        model: v.name.clone(),
                        version: v.version.clone(),
                        target: r.target.to_string(),
                        requested_by: r.by.clone(),
                        requested_at: iso8601(r.at),
                        age_hours: ((now - r.at).num_minutes() as f64 / 60.0 * 10.0).round() / 10.0,
                        comment: r.comment.clone(),
                        gate: tag_value(&v.tags, &gate_key).map(String::from),
                        report_digest: r.report_digest.clone(),
                    },
                )
            })
        })
        .collect();
    pending.sort_by_key(|p| p.0);
    let pending: Vec<Pending> = pending.into_iter().map(|(_, p)| p).collect();
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
