//! A monitoring run's drift evidence read one way for `tollgate drift` and the cockpit's Drift
//! tab: the `drift.*` metric histories, and the drift reports among its JSON artifacts (Evidently
//! reports, alibi-detect `KSDrift` output). A run that logged only a report still has a latest
//! window to show.

use std::collections::BTreeMap;

use serde::Serialize;

use super::history::DriftHistory;
use super::statistic::DriftThresholds;
use super::table::WindowTable;
use crate::evidence::alibi;
use crate::evidence::evidently::{parse_report, ColumnDistributions, ReportShape};

/// An Evidently report found among a run's artifacts, read into a window table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadReport {
    pub path: String,
    pub shape: ReportShape,
    pub evidently_version: Option<String>,
    pub table: WindowTable,
    /// Reference and current distributions per column (0.4-0.6 reports); the JSON output
    /// leaves them out (they are Evidently's own data, bulky and already in the artifact).
    #[serde(skip)]
    pub distributions: BTreeMap<String, ColumnDistributions>,
}

impl ReadReport {
    /// "Report 0.4-0.6", "snapshot 0.7" or "KSDrift", as the CLI and the tab name the shape.
    pub fn shape_label(&self) -> &'static str {
        match self.shape {
            ReportShape::Legacy => "Report 0.4-0.6",
            ReportShape::Snapshot => "snapshot 0.7",
            ReportShape::AlibiKsDrift => "KSDrift",
        }
    }

    /// The tool that wrote the report: "Evidently" or "alibi-detect".
    pub fn producer(&self) -> &'static str {
        match self.shape {
            ReportShape::Legacy | ReportShape::Snapshot => "Evidently",
            ReportShape::AlibiKsDrift => "alibi-detect",
        }
    }
}

/// The JSON artifacts that parse as drift reports; the rest are not reports and are ignored.
/// alibi-detect output has its columns named by position: see [`read_run_reports`].
pub fn read_reports(
    json_artifacts: &[(String, Vec<u8>)],
    thresholds: &DriftThresholds,
) -> Vec<ReadReport> {
    read_run_reports(json_artifacts, None, thresholds)
}

/// [`read_reports`] for a run whose `monitoring.features` tag (`features_tag`) names
/// alibi-detect's columns.
pub fn read_run_reports(
    json_artifacts: &[(String, Vec<u8>)],
    features_tag: Option<&str>,
    thresholds: &DriftThresholds,
) -> Vec<ReadReport> {
    let features = alibi::feature_names(features_tag);
    json_artifacts
        .iter()
        .filter_map(|(path, bytes)| {
            if let Ok(report) = parse_report(bytes, thresholds) {
                return Some(ReadReport {
                    path: path.clone(),
                    shape: report.shape,
                    evidently_version: report.evidently_version,
                    table: report.table,
                    distributions: report.distributions,
                });
            }
            let table = alibi::parse_ks_drift(bytes, &features, thresholds).ok()?;
            Some(ReadReport {
                path: path.clone(),
                shape: ReportShape::AlibiKsDrift,
                evidently_version: None,
                table,
                distributions: BTreeMap::new(),
            })
        })
        .collect()
}

/// Where the latest window's table came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LatestSource<'a> {
    /// The newest step of the run's `drift.*` metrics.
    Metrics,
    /// A drift report, Evidently's or alibi-detect's (the run logged no drift metrics).
    Report(&'a ReadReport),
}

/// The latest window: the first report's table when the newest window was read from a report
/// (or there is no window), else the metrics' newest window.
pub fn latest_table<'a>(
    history: &DriftHistory,
    reports: &'a [ReadReport],
) -> Option<(WindowTable, LatestSource<'a>)> {
    if history.latest_from_report {
        if let Some(r) = reports.first() {
            return Some((r.table.clone(), LatestSource::Report(r)));
        }
    }
    history
        .latest()
        .map(|t| (t, LatestSource::Metrics))
        .or_else(|| {
            reports
                .first()
                .map(|r| (r.table.clone(), LatestSource::Report(r)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/evidently")
            .join(name);
        std::fs::read(path).unwrap()
    }

    #[test]
    fn a_run_with_only_an_evidently_report_has_a_latest_window_from_it() {
        let thresholds = DriftThresholds::default();
        let artifacts = vec![
            ("notes.json".to_string(), br#"{"hello": 1}"#.to_vec()),
            (
                "evidently/data_drift.json".to_string(),
                fixture("evidently_0_4_40_datadrift_5000rows.json"),
            ),
        ];
        let reports = read_reports(&artifacts, &thresholds);
        assert_eq!(reports.len(), 1, "a non-report JSON file is ignored");
        assert_eq!(reports[0].shape, ReportShape::Legacy);
        let history = DriftHistory::from_metric_histories(&HashMap::new(), &thresholds);
        let (table, source) = latest_table(&history, &reports).expect("a latest window");
        assert!(matches!(source, LatestSource::Report(r) if r.path == "evidently/data_drift.json"));
        assert!(table.feature("income").is_some_and(|f| f.drifted()));
        let income = &reports[0].distributions["income"];
        assert!(income.reference.is_some() && income.current.is_some());
    }

    #[test]
    fn no_metrics_and_no_report_means_no_window() {
        let thresholds = DriftThresholds::default();
        let history = DriftHistory::from_metric_histories(&HashMap::new(), &thresholds);
        assert!(latest_table(&history, &[]).is_none());
    }
}
