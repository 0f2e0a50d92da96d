use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::output::{self, Table};
use super::CliError;
use crate::registry::{Registry, RunState, VersionRow};

/// Metric columns in the table; `--json` carries every metric.
const TABLE_METRICS: usize = 5;

#[derive(Serialize)]
pub(super) struct VersionJson {
    pub version: String,
    pub stage: String,
    pub aliases: Vec<String>,
    pub status: Option<String>,
    pub creation_timestamp: Option<i64>,
    pub created: Option<String>,
    pub last_updated_timestamp: Option<i64>,
    pub user_id: Option<String>,
    /// `user_id`, or the source run's user when the registry recorded none.
    pub creator: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub run_id: Option<String>,
    /// `active`, `deleted` (the run was deleted), `missing` (the server has no such run) or `no_run`.
    pub run_state: &'static str,
    pub model_id: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// NaN and ±Inf as `"NaN"`, `"+Inf"`, `"-Inf"`.
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub metrics: BTreeMap<String, f64>,
}

impl VersionJson {
    pub fn from_row(row: &VersionRow) -> Self {
        let v = &row.version;
        VersionJson {
            version: v.version.clone(),
            stage: v.stage().unwrap_or("None").to_string(),
            aliases: v.aliases.clone(),
            status: v.status.clone(),
            creation_timestamp: v.creation_timestamp,
            created: output::iso_timestamp(v.creation_timestamp),
            last_updated_timestamp: v.last_updated_timestamp,
            user_id: v.user_id.clone(),
            creator: row.creator().map(str::to_string),
            description: v.description.clone().filter(|d| !d.is_empty()),
            source: v.source.clone(),
            run_id: v.run_id().map(str::to_string),
            run_state: run_state_name(&row.run),
            model_id: v.logged_model_id().map(str::to_string),
            tags: v
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
            metrics: row
                .run
                .run()
                .map(|r| {
                    r.data
                        .metrics
                        .iter()
                        .map(|m| (m.key.clone(), m.value))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

pub(super) fn run_state_name(state: &RunState) -> &'static str {
    match state {
        RunState::NoRun => "no_run",
        RunState::Active(_) => "active",
        RunState::Deleted(_) => "deleted",
        RunState::Missing => "missing",
    }
}

#[derive(Serialize)]
struct VersionsJson {
    model: String,
    count: usize,
    versions: Vec<VersionJson>,
}

pub async fn run(
    registry: &Registry,
    model: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let listing = registry.versions(model).await?;
    if json {
        let versions: Vec<VersionJson> =
            listing.versions.iter().map(VersionJson::from_row).collect();
        output::json(
            out,
            &VersionsJson {
                model: listing.model.name.clone(),
                count: versions.len(),
                versions,
            },
        )?;
        return Ok(());
    }
    let metrics = listing.key_metrics(TABLE_METRICS);
    let mut headers: Vec<String> = [
        "VERSION", "STAGE", "ALIASES", "STATUS", "CREATED", "CREATOR", "RUN",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    headers.extend(metrics.iter().map(|m| m.to_uppercase()));
    let mut table = Table::new(headers);
    for row in &listing.versions {
        let v = &row.version;
        let run = match (&row.run, v.run_id()) {
            (RunState::NoRun, _) | (_, None) => "-".to_string(),
            (RunState::Missing, Some(id)) => format!("{} (gone)", short_id(id)),
            (RunState::Deleted(_), Some(id)) => format!("{} (deleted)", short_id(id)),
            (RunState::Active(_), Some(id)) => short_id(id),
        };
        let mut cells = vec![
            v.version.clone(),
            v.stage().unwrap_or("-").to_string(),
            if v.aliases.is_empty() {
                "-".into()
            } else {
                v.aliases
                    .iter()
                    .map(|a| format!("@{a}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            output::or_dash(v.status.as_deref()),
            output::timestamp(v.creation_timestamp),
            output::or_dash(row.creator()),
            run,
        ];
        for key in &metrics {
            cells.push(
                row.run
                    .run()
                    .and_then(|r| r.metric(key))
                    .map(output::metric)
                    .unwrap_or_else(|| "-".into()),
            );
        }
        table.row(cells);
    }
    table.write(out, output::stdout_styled())?;
    Ok(())
}

fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}
