//! Evidently drift reports (logged as JSON artifacts of monitoring runs) read into the same
//! per-feature [`WindowTable`] as drift metrics, so both look alike on screen and to gates.
//!
//! Two shapes exist:
//! - 0.4-0.6 `Report.json()`: `{"metrics": [{"metric": "DataDriftTable", "result":
//!   {"drift_by_columns": {...}}}, {"metric": "DatasetDriftMetric", ...}]}`; each column carries
//!   its own `drift_detected`, which tollgate keeps as the verdict.
//! - 0.7 snapshots: `{"metrics": [{"metric_name" (0.7.0: "metric_id"), "config": {"type":
//!   "evidently:metric_v2:ValueDrift", "column", "method", "threshold"}, "value"}, ...]}`; no
//!   per-column verdict, so tollgate applies Evidently's rule: a p-value below its threshold, a
//!   distance at or above it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::drift::{Comparison, DriftThresholds, FeatureRow, Statistic, Verdict, WindowTable};
use super::lenient_json;

/// Which Evidently report shape a file had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportShape {
    /// Evidently 0.4-0.6 `Report` (`drift_by_columns`).
    Legacy,
    /// Evidently 0.7 snapshot (`ValueDrift` / `DriftedColumnsCount`).
    Snapshot,
    /// Not Evidently: alibi-detect's `KSDrift.predict()` output (see [`crate::evidence::alibi`]),
    /// read next to Evidently's reports.
    AlibiKsDrift,
}

/// A binned distribution as Evidently stores it (`small_distribution`): numeric bins have n + 1
/// edges and n densities; categorical bins have one label and one count each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmallDistribution {
    /// Bin edges (numeric columns); empty for categorical ones.
    pub edges: Vec<f64>,
    /// Categories (categorical columns); empty for numeric ones.
    pub categories: Vec<String>,
    pub values: Vec<f64>,
}

/// Reference and current distributions of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDistributions {
    pub reference: Option<SmallDistribution>,
    pub current: Option<SmallDistribution>,
}

/// A drift report read from Evidently JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidentlyReport {
    pub shape: ReportShape,
    /// The `version` field of 0.4-era reports.
    pub evidently_version: Option<String>,
    pub table: WindowTable,
    /// Per-column distributions (0.4-0.6 reports only).
    pub distributions: BTreeMap<String, ColumnDistributions>,
}

/// Why a file could not be read as an Evidently drift report.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EvidentlyError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("not an Evidently drift report: {0}")]
    NotADriftReport(&'static str),
}

/// Read an Evidently report's bytes (either shape). `thresholds` only fill gaps: a snapshot
/// metric without its own threshold, the dataset share when no metric gives one.
pub fn parse_report(
    bytes: &[u8],
    thresholds: &DriftThresholds,
) -> Result<EvidentlyReport, EvidentlyError> {
    let doc: Value =
        lenient_json::from_slice(bytes).map_err(|e| EvidentlyError::Json(e.to_string()))?;
    let metrics =
        doc.get("metrics")
            .and_then(Value::as_array)
            .ok_or(if doc.get("suite").is_some() {
                EvidentlyError::NotADriftReport(
                    "a 0.4 workspace snapshot (Report.save); log Report.json() instead",
                )
            } else {
                EvidentlyError::NotADriftReport("no \"metrics\" list")
            })?;
    let legacy = metrics
        .iter()
        .any(|m| m.get("metric").is_some_and(Value::is_string));
    let report = if legacy {
        read_legacy(metrics, thresholds, &doc)
    } else {
        read_snapshot(metrics, thresholds)
    };
    if report.table.features.is_empty() && report.table.drift_share.is_none() {
        return Err(EvidentlyError::NotADriftReport(
            "no DataDriftTable, ColumnDriftMetric, ValueDrift or DriftedColumnsCount metric",
        ));
    }
    Ok(report)
}

/// Map an Evidently test name ("K-S p_value", "PSI", ...) to a statistic and its drift direction.
pub fn statistic_of_test(name: &str) -> (Statistic, Option<Comparison>) {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("p_value") || lower.ends_with("p-value") {
        // Evidently's KS test flags p <= threshold; its other p-value tests p < threshold.
        let cmp = if lower.starts_with("k-s") {
            Comparison::AtMost
        } else {
            Comparison::Below
        };
        return (Statistic::PValue, Some(cmp));
    }
    let stat = if lower.starts_with("wasserstein") {
        Statistic::Wasserstein
    } else if lower.starts_with("jensen-shannon") {
        Statistic::JsDistance
    } else if lower == "psi" {
        Statistic::Psi
    } else {
        Statistic::Other(name.to_string())
    };
    // Every Evidently test that is not a p-value is a distance or divergence: >= means drift.
    (stat, Some(Comparison::AtLeast))
}

fn read_legacy(metrics: &[Value], thresholds: &DriftThresholds, doc: &Value) -> EvidentlyReport {
    let mut table = WindowTable::default();
    let mut distributions = BTreeMap::new();
    for m in metrics {
        let result = m.get("result").unwrap_or(&Value::Null);
        match m.get("metric").and_then(Value::as_str) {
            Some("DataDriftTable") => {
                if let Some(cols) = result.get("drift_by_columns").and_then(Value::as_object) {
                    for (name, col) in cols {
                        table.features.push(legacy_column(name, col));
                        distributions.insert(name.clone(), legacy_distributions(col));
                    }
                }
                read_legacy_dataset(result, &mut table);
            }
            Some("ColumnDriftMetric") => {
                if let Some(name) = result.get("column_name").and_then(Value::as_str) {
                    if table.feature(name).is_none() {
                        table.features.push(legacy_column(name, result));
                        distributions.insert(name.to_string(), legacy_distributions(result));
                    }
                }
            }
            Some("DatasetDriftMetric") => read_legacy_dataset(result, &mut table),
            _ => {}
        }
    }
    table.features.sort_by(|a, b| a.feature.cmp(&b.feature));
    EvidentlyReport {
        shape: ReportShape::Legacy,
        evidently_version: doc.get("version").and_then(Value::as_str).map(String::from),
        table: table.complete(thresholds),
        distributions,
    }
}

fn read_legacy_dataset(result: &Value, table: &mut WindowTable) {
    if let Some(share) = result
        .get("share_of_drifted_columns")
        .and_then(Value::as_f64)
    {
        table.drift_share = Some(share);
    }
    if let Some(drift) = result.get("dataset_drift").and_then(Value::as_bool) {
        table.dataset_drifted = Some(drift);
    }
}

fn legacy_column(name: &str, col: &Value) -> FeatureRow {
    let test = col.get("stattest_name").and_then(Value::as_str);
    let (statistic, comparison) = statistic_of_test(test.unwrap_or(""));
    let score = col.get("drift_score").and_then(Value::as_f64);
    let threshold = col.get("stattest_threshold").and_then(Value::as_f64);
    let detected = col.get("drift_detected").and_then(Value::as_bool);
    let mut stats = BTreeMap::new();
    if let Some(v) = score {
        stats.insert(statistic.clone(), v);
    }
    let verdict = match (detected, score) {
        (Some(drifted), Some(value)) => Some(Verdict {
            drifted,
            statistic,
            value,
            threshold: threshold.unwrap_or(f64::NAN),
            comparison: comparison.unwrap_or(Comparison::AtLeast),
        }),
        _ => None,
    };
    FeatureRow {
        feature: name.to_string(),
        stats,
        test: test.map(String::from),
        column_type: col
            .get("column_type")
            .and_then(Value::as_str)
            .map(String::from),
        verdict,
    }
}

fn legacy_distributions(col: &Value) -> ColumnDistributions {
    let side = |key: &str| {
        col.get(key)
            .and_then(|s| s.get("small_distribution"))
            .and_then(small_distribution)
    };
    ColumnDistributions {
        reference: side("reference"),
        current: side("current"),
    }
}

fn small_distribution(v: &Value) -> Option<SmallDistribution> {
    let x = v.get("x")?.as_array()?;
    let values: Vec<f64> = v
        .get("y")?
        .as_array()?
        .iter()
        .map(|y| y.as_f64().unwrap_or(f64::NAN))
        .collect();
    let numeric = x.iter().all(Value::is_number) && x.len() == values.len() + 1;
    Some(if numeric {
        SmallDistribution {
            edges: x
                .iter()
                .filter_map(Value::as_f64)
                .map(lenient_json::restore_infinity)
                .collect(),
            categories: Vec::new(),
            values,
        }
    } else {
        SmallDistribution {
            edges: Vec::new(),
            categories: x
                .iter()
                .map(|c| match c {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            values,
        }
    })
}

fn read_snapshot(metrics: &[Value], thresholds: &DriftThresholds) -> EvidentlyReport {
    let mut table = WindowTable::default();
    let mut drifted_count = None;
    let mut unnamed_method: Vec<(String, f64)> = Vec::new();
    for m in metrics {
        let config = m.get("config").unwrap_or(&Value::Null);
        let name = ["metric_name", "metric_id"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str))
            .unwrap_or("");
        match snapshot_metric_type(config, name) {
            "ValueDrift" => {
                let Some(value) = m.get("value").and_then(Value::as_f64) else {
                    continue;
                };
                let column = config
                    .get("column")
                    .and_then(Value::as_str)
                    .map(String::from)
                    .or_else(|| name_argument(name, "column"));
                let Some(column) = column else { continue };
                match config.get("method").and_then(Value::as_str) {
                    Some(method) => table.features.push(snapshot_value_drift(
                        column, method, config, value, thresholds,
                    )),
                    None => unnamed_method.push((column, value)),
                }
            }
            "DriftedColumnsCount" => {
                let value = m.get("value").unwrap_or(&Value::Null);
                drifted_count = value.get("count").and_then(Value::as_f64);
                if let Some(share) = value.get("share").and_then(Value::as_f64) {
                    table.drift_share = Some(share);
                    let limit = config
                        .get("drift_share")
                        .and_then(Value::as_f64)
                        .or_else(|| name_argument(name, "drift_share")?.parse().ok())
                        .unwrap_or(thresholds.dataset_share);
                    table.dataset_drifted = Some(share >= limit);
                }
            }
            _ => {}
        }
    }
    table
        .features
        .extend(infer_unnamed_methods(unnamed_method, drifted_count));
    table.features.sort_by(|a, b| a.feature.cmp(&b.feature));
    EvidentlyReport {
        shape: ReportShape::Snapshot,
        evidently_version: None,
        table: table.complete(thresholds),
        distributions: BTreeMap::new(),
    }
}

/// The metric's class name: from `config.type` ("evidently:metric_v2:ValueDrift"), else from the
/// metric's name ("ValueDrift(column=...)").
fn snapshot_metric_type<'a>(config: &'a Value, name: &'a str) -> &'a str {
    match config.get("type").and_then(Value::as_str) {
        Some(t) => t.rsplit(':').next().unwrap_or(t),
        None => name.split('(').next().unwrap_or(name),
    }
}

/// `column` from "ValueDrift(column=income,method=PSI)".
fn name_argument(name: &str, key: &str) -> Option<String> {
    let args = name.split_once('(')?.1.strip_suffix(')')?;
    args.split(',').find_map(|arg| {
        let (k, v) = arg.split_once('=')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

fn snapshot_value_drift(
    column: String,
    method: &str,
    config: &Value,
    value: f64,
    thresholds: &DriftThresholds,
) -> FeatureRow {
    let (statistic, comparison) = statistic_of_test(method);
    let threshold = config
        .get("threshold")
        .and_then(Value::as_f64)
        .or_else(|| thresholds.threshold(&statistic));
    let verdict = match (threshold, comparison) {
        (Some(threshold), Some(comparison)) => Some(Verdict {
            drifted: !value.is_nan() && comparison.crosses(value, threshold),
            statistic: statistic.clone(),
            value,
            threshold,
            comparison,
        }),
        _ => None,
    };
    FeatureRow {
        feature: column,
        stats: BTreeMap::from([(statistic, value)]),
        test: Some(method.to_string()),
        column_type: None,
        verdict,
    }
}

/// Evidently 0.7.0 records neither the method nor the threshold of a `ValueDrift`. Its default
/// method is p-value based for every column (KS, chi-squared, Z: reference <= 1000 rows) or
/// distance based for every column (Wasserstein, Jensen-Shannon: larger references), with
/// thresholds 0.05 and 0.1. Whichever reading reproduces the report's own drifted-column count
/// is taken; when neither or both do, the scores are shown without a verdict.
fn infer_unnamed_methods(rows: Vec<(String, f64)>, drifted_count: Option<f64>) -> Vec<FeatureRow> {
    const P_VALUE: f64 = 0.05;
    const DISTANCE: f64 = 0.1;
    let count = |cmp: Comparison, threshold: f64| {
        rows.iter()
            .filter(|(_, v)| !v.is_nan() && cmp.crosses(*v, threshold))
            .count() as f64
    };
    let reading = drifted_count.and_then(|n| {
        let as_p = count(Comparison::AtMost, P_VALUE) == n;
        let as_distance = count(Comparison::AtLeast, DISTANCE) == n;
        match (as_p, as_distance) {
            (true, false) => Some((Statistic::PValue, Comparison::AtMost, P_VALUE, "p-value")),
            (false, true) => Some((
                Statistic::Other("distance".into()),
                Comparison::AtLeast,
                DISTANCE,
                "distance",
            )),
            _ => None,
        }
    });
    rows.into_iter()
        .map(|(feature, value)| match &reading {
            Some((statistic, comparison, threshold, label)) => FeatureRow {
                feature,
                stats: BTreeMap::from([(statistic.clone(), value)]),
                test: Some(format!(
                    "{label} (method inferred: not recorded by Evidently 0.7.0)"
                )),
                column_type: None,
                verdict: Some(Verdict {
                    drifted: !value.is_nan() && comparison.crosses(value, *threshold),
                    statistic: statistic.clone(),
                    value,
                    threshold: *threshold,
                    comparison: *comparison,
                }),
            },
            None => FeatureRow {
                feature,
                stats: BTreeMap::from([(Statistic::Other("drift score".into()), value)]),
                test: Some("unknown method (not recorded by Evidently 0.7.0)".into()),
                column_type: None,
                verdict: None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests;
