use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::output::{self, Table};
use super::CliError;
use crate::evidence::drift::{
    latest_table, DriftHistory, DriftOnset, DriftThresholds, ReadReport, Statistic, WindowTable,
};
use crate::registry::Registry;

/// Statistics shown as table columns, in the convention's order.
const COLUMNS: [Statistic; 5] = [
    Statistic::Psi,
    Statistic::KsStat,
    Statistic::PValue,
    Statistic::JsDistance,
    Statistic::Wasserstein,
];

#[derive(Serialize)]
struct VersionDrift {
    model: String,
    version: String,
    /// The newest monitoring run.
    monitoring_run_id: String,
    /// Every monitoring run of the version (the history is read from all of them).
    monitoring_runs: usize,
    window_count: usize,
    latest: Option<WindowTable>,
    drifted_features: Vec<String>,
    onsets: Vec<OnsetJson>,
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    perf_latest: BTreeMap<String, f64>,
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    perf_first: BTreeMap<String, f64>,
    history: DriftHistory,
    /// Drift reports (Evidently, alibi-detect) found among the newest run's artifacts, read into
    /// the same table shape.
    evidently_reports: Vec<ReadReport>,
}

#[derive(Serialize)]
struct OnsetJson {
    feature: String,
    since: String,
    step: i64,
    windows_drifted: usize,
}

impl From<&DriftOnset> for OnsetJson {
    fn from(o: &DriftOnset) -> Self {
        OnsetJson {
            feature: o.feature.clone(),
            since: o.day(),
            step: o.window.step,
            windows_drifted: o.windows_drifted,
        }
    }
}

#[derive(Serialize)]
struct DriftJson {
    model: String,
    monitored_versions: Vec<VersionDrift>,
}

pub async fn run(
    registry: &Registry,
    model: &str,
    version: Option<&str>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let versions: Vec<String> = match version {
        Some(v) => {
            // A clear not-found for a version that does not exist, rather than "not monitored".
            registry.client().get_model_version(model, v).await?;
            vec![v.to_string()]
        }
        None => {
            registry.client().get_registered_model(model).await?;
            let mut vs: Vec<String> = registry
                .monitoring_runs(model, None)
                .await?
                .iter()
                .filter_map(|r| r.tag("monitoring.model_version").map(str::to_string))
                .collect();
            vs.sort_by_key(|v| std::cmp::Reverse(v.parse::<u64>().unwrap_or(0)));
            vs.dedup();
            vs
        }
    };
    let thresholds = DriftThresholds::default();
    let mut report = DriftJson {
        model: model.to_string(),
        monitored_versions: Vec::new(),
    };
    for v in &versions {
        let Some(data) = registry.monitoring(model, v).await? else {
            continue;
        };
        // Every monitoring run's windows, as the cockpit's Drift tab reads them.
        let history = data.history(&thresholds);
        // The newest run's reports (Evidently, alibi-detect): the latest window when no run
        // logged drift metrics.
        let evidently_reports = data.reports(&thresholds);
        let latest = latest_table(&history, &evidently_reports).map(|(t, _)| t);
        let pick = |i: usize| -> BTreeMap<String, f64> {
            history
                .perf
                .iter()
                .filter_map(|(k, s)| {
                    let point = if i == 0 { s.first() } else { s.last() };
                    point.map(|p| (k.clone(), p.value))
                })
                .collect()
        };
        report.monitored_versions.push(VersionDrift {
            model: model.to_string(),
            version: v.clone(),
            monitoring_run_id: data
                .latest_run()
                .map(|r| r.info.run_id.clone())
                .unwrap_or_default(),
            monitoring_runs: data.runs.len(),
            window_count: history.windows.len(),
            drifted_features: latest
                .as_ref()
                .map(|t| t.drifted_features().map(|f| f.feature.clone()).collect())
                .unwrap_or_default(),
            latest,
            onsets: history.onsets().iter().map(OnsetJson::from).collect(),
            perf_first: pick(0),
            perf_latest: pick(1),
            history,
            evidently_reports,
        });
    }
    if json {
        output::json(out, &report)?;
        return Ok(());
    }
    if report.monitored_versions.is_empty() {
        let which = version.map(|v| format!(" version {v}")).unwrap_or_default();
        writeln!(
            out,
            "{}{which} has no monitoring runs (runs tagged monitoring.model_name / monitoring.model_version; see docs/evidence-convention.md)",
            crate::text::sanitize_line(model)
        )?;
        return Ok(());
    }
    for (i, d) in report.monitored_versions.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_version(d, out)?;
    }
    Ok(())
}

fn write_version(d: &VersionDrift, out: &mut dyn Write) -> std::io::Result<()> {
    let latest_end = d
        .latest
        .as_ref()
        .and_then(|t| t.window_end_ms)
        .map(|ms| output::timestamp(Some(ms)))
        .unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "{} version {}: monitoring run {}{} ({} windows, latest ending {latest_end} UTC)",
        crate::text::sanitize_line(&d.model),
        crate::text::sanitize_line(&d.version),
        d.monitoring_run_id,
        match d.monitoring_runs {
            0 | 1 => String::new(),
            n => format!(" and {} older", n - 1),
        },
        d.window_count
    )?;
    if let Some(table) = &d.latest {
        write_table(table, out)?;
    }
    for r in &d.evidently_reports {
        writeln!(
            out,
            "{} report {} ({}{}): {} features, {} drifted",
            r.producer(),
            crate::text::sanitize_line(&r.path),
            r.shape_label(),
            r.evidently_version
                .as_deref()
                .map(|v| format!(", evidently {}", crate::text::sanitize_line(v)))
                .unwrap_or_default(),
            r.table.features.len(),
            r.table.drifted_features().count()
        )?;
    }
    write_onsets_and_perf(d, out)
}

fn write_table(table: &WindowTable, out: &mut dyn Write) -> std::io::Result<()> {
    // The mean-shift monitor's columns only when some feature logged them.
    let columns: Vec<&Statistic> = COLUMNS
        .iter()
        .chain(
            Statistic::MEAN_SHIFT
                .iter()
                .filter(|s| table.features.iter().any(|f| f.stat(s).is_some())),
        )
        .collect();
    let mut headers = vec!["FEATURE".to_string()];
    headers.extend(columns.iter().map(|s| s.label().to_uppercase()));
    headers.push("DRIFTED".into());
    let mut t = Table::new(headers);
    for f in &table.features {
        let mut cells = vec![f.feature.clone()];
        cells.extend(
            columns
                .iter()
                .map(|s| f.stat(s).map(output::metric).unwrap_or_else(|| "-".into())),
        );
        cells.push(match &f.verdict {
            Some(v) if v.drifted => format!(
                "yes ({} {})",
                v.statistic.label(),
                v.comparison.describe(v.threshold)
            ),
            Some(_) => "no".into(),
            None => "?".into(),
        });
        t.row(cells);
    }
    t.write(out, output::stdout_styled())?;
    if let Some(share) = table.drift_share {
        writeln!(
            out,
            "drift share {} (dataset drift: {})",
            crate::text::fixed(share, 2),
            if table.dataset_drifted == Some(true) {
                "yes"
            } else {
                "no"
            }
        )?;
    }
    Ok(())
}

fn write_onsets_and_perf(d: &VersionDrift, out: &mut dyn Write) -> std::io::Result<()> {
    for o in &d.onsets {
        writeln!(
            out,
            "{} drifting since {} ({} windows)",
            crate::text::sanitize_line(&o.feature),
            o.since,
            o.windows_drifted
        )?;
    }
    for (metric, latest) in &d.perf_latest {
        let first = d.perf_first.get(metric).copied().unwrap_or(*latest);
        writeln!(
            out,
            "perf.{}: {} (first window {})",
            crate::text::sanitize_line(metric),
            output::metric(*latest),
            output::metric(first)
        )?;
    }
    Ok(())
}
