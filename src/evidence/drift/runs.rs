//! Monitoring history across every monitoring run of a version. Jobs log windows three ways: one
//! run with a step per window, one run per window (a scheduled job), or a mix of both (a backfill
//! next to the daily job). Every run contributes its windows; windows are ordered by their end and
//! a window two runs cover is taken from the newer run (a re-run replaces what it re-computes).
//!
//! A window's end: the run's `monitoring.window_end` tag (epoch milliseconds or RFC 3339) for a
//! run that holds one window, else the latest timestamp of the window's metrics, else the run's
//! start. A run that logged no drift metric but a drift report (Evidently, alibi-detect) holds
//! one window read from its first report.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate};

use super::history::{
    feature_statistic, DriftHistory, FeatureSeries, SeriesPoint, Window, DRIFT_PREFIX, PERF_PREFIX,
    SHARE_KEY,
};
use super::reports::ReadReport;
use super::statistic::{DriftThresholds, Statistic};
use super::table::FeatureRow;
use crate::mlflow::{Metric, Run};

/// The tag that dates a run-per-window run's window.
pub const WINDOW_END_TAG: &str = "monitoring.window_end";

/// One monitoring run and what was read of it.
#[derive(Debug, Clone, Copy)]
pub struct MonitoringRun<'a> {
    pub run: &'a Run,
    /// Histories of its `drift.*` / `perf.*` metrics, read when it logged more than one step
    /// (see [`needs_histories`]); otherwise its latest metrics are its one window.
    pub histories: Option<&'a HashMap<String, Vec<Metric>>>,
    /// Drift reports read from its artifacts (empty when they were not read).
    pub reports: &'a [ReadReport],
}

/// Whether a run's latest metrics hide earlier windows: some drift or performance metric was
/// logged at a step above 0. Only such runs need their metric histories read.
pub fn needs_histories(run: &Run) -> bool {
    run.data
        .metrics
        .iter()
        .any(|m| is_window_metric(&m.key) && m.step > 0)
}

/// Whether a run logged any `drift.*` metric (else its drift evidence can only be a report
/// among its artifacts).
pub fn has_drift_metrics(run: &Run) -> bool {
    run.data
        .metrics
        .iter()
        .any(|m| m.key.starts_with(DRIFT_PREFIX))
}

fn is_window_metric(key: &str) -> bool {
    key.starts_with(DRIFT_PREFIX) || key.starts_with(PERF_PREFIX)
}

/// The end of the newest window a run holds: its `monitoring.window_end` tag, else its latest
/// drift or performance metric's timestamp, else its start.
pub fn latest_window_end(run: &Run) -> i64 {
    if let Some(end) = run.tag(WINDOW_END_TAG).and_then(parse_window_end) {
        if !needs_histories(run) {
            return end;
        }
    }
    run.data
        .metrics
        .iter()
        .filter(|m| is_window_metric(&m.key))
        .map(|m| m.timestamp)
        .max()
        .filter(|&t| t > 0)
        .unwrap_or_else(|| run.info.start_time.unwrap_or_default())
}

/// Runs ordered by the newest window they hold, newest first; runs holding equally new windows
/// keep their order (the search's: the latest start first). The first is the run whose evidence
/// is "the latest": a backfill started today over last year's windows is not.
pub fn newest_window_first(runs: &mut [Run]) {
    runs.sort_by_key(|r| std::cmp::Reverse(latest_window_end(r)));
}

/// `monitoring.window_end` as epoch milliseconds: an integer of milliseconds, an RFC 3339 time,
/// or a `YYYY-MM-DD` day (its midnight, UTC). Anything else is ignored (the metrics date the
/// window instead).
pub fn parse_window_end(tag: &str) -> Option<i64> {
    let t = tag.trim();
    if let Ok(ms) = t.parse::<i64>() {
        return Some(ms);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(t) {
        return Some(time.timestamp_millis());
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp_millis())
}

/// One window's evidence before the runs are merged.
#[derive(Debug, Clone)]
struct WindowEvidence {
    end_ms: i64,
    /// The run's start: of two runs covering one window, the newer wins.
    logged_ms: i64,
    run_id: String,
    features: BTreeMap<String, FeatureRow>,
    share: Option<f64>,
    perf: BTreeMap<String, f64>,
    from_report: bool,
}

impl DriftHistory {
    /// The history of every monitoring run of a version (in any order), judged by `thresholds`.
    /// Windows are numbered 0.. in the order of their ends.
    pub fn from_runs(runs: &[MonitoringRun], thresholds: &DriftThresholds) -> DriftHistory {
        let mut windows: Vec<WindowEvidence> = runs
            .iter()
            .flat_map(|r| run_windows(r, thresholds))
            .collect();
        // Oldest end first; within one end, the newest run first, so dedup keeps it.
        windows.sort_by(|a, b| {
            a.end_ms
                .cmp(&b.end_ms)
                .then(b.logged_ms.cmp(&a.logged_ms))
                .then(b.run_id.cmp(&a.run_id))
        });
        windows.dedup_by_key(|w| w.end_ms);
        assemble(windows, thresholds)
    }
}

/// The windows one run holds.
fn run_windows(r: &MonitoringRun, thresholds: &DriftThresholds) -> Vec<WindowEvidence> {
    let run = r.run;
    let start = run.info.start_time.unwrap_or_default();
    // step -> key -> (timestamp, value), the last value logged at each step.
    let mut steps: BTreeMap<i64, BTreeMap<String, (i64, f64)>> = BTreeMap::new();
    let mut add = |m: &Metric, key: &str| {
        if !is_window_metric(key) {
            return;
        }
        let slot = steps.entry(m.step).or_default();
        match slot.get(key) {
            Some(&(ts, _)) if ts > m.timestamp => {}
            _ => {
                slot.insert(key.to_string(), (m.timestamp, m.value));
            }
        }
    };
    match r.histories.filter(|h| !h.is_empty()) {
        Some(histories) => {
            for (key, history) in histories {
                for m in history {
                    add(m, key);
                }
            }
        }
        None => {
            for m in &run.data.metrics {
                add(m, &m.key);
            }
        }
    }
    let tagged_end = run.tag(WINDOW_END_TAG).and_then(parse_window_end);
    let one_window = steps.len() <= 1;
    let mut out: Vec<WindowEvidence> = steps
        .into_values()
        .map(|values| {
            let logged_end = values.values().map(|&(ts, _)| ts).max().filter(|&t| t > 0);
            let end_ms = match (one_window, tagged_end) {
                (true, Some(end)) => end,
                _ => logged_end.unwrap_or(start),
            };
            let mut stats: BTreeMap<String, BTreeMap<Statistic, f64>> = BTreeMap::new();
            let mut window = WindowEvidence {
                end_ms,
                logged_ms: start,
                run_id: run.info.run_id.clone(),
                features: BTreeMap::new(),
                share: None,
                perf: BTreeMap::new(),
                from_report: false,
            };
            for (key, (_, value)) in values {
                if key.as_str() == SHARE_KEY {
                    window.share = Some(value);
                } else if let Some(name) = key.strip_prefix(PERF_PREFIX) {
                    window.perf.insert(name.to_string(), value);
                } else if let Some((feature, stat)) = feature_statistic(&key) {
                    stats
                        .entry(feature.to_string())
                        .or_default()
                        .insert(stat, value);
                }
            }
            window.features = stats
                .into_iter()
                .map(|(f, s)| (f.clone(), FeatureRow::judged(f, s, thresholds)))
                .collect();
            window
        })
        .collect();
    // No drift metric: the run's drift evidence is its first report, one window.
    let has_drift = out
        .iter()
        .any(|w| !w.features.is_empty() || w.share.is_some());
    if !has_drift {
        if let Some(report) = r.reports.first() {
            if out.is_empty() {
                out.push(WindowEvidence {
                    end_ms: tagged_end.or(report.table.window_end_ms).unwrap_or(start),
                    logged_ms: start,
                    run_id: run.info.run_id.clone(),
                    features: BTreeMap::new(),
                    share: None,
                    perf: BTreeMap::new(),
                    from_report: true,
                });
            }
            if let Some(last) = out.last_mut() {
                last.features = report
                    .table
                    .features
                    .iter()
                    .map(|row| (row.feature.clone(), row.clone()))
                    .collect();
                last.share = report.table.drift_share;
                last.from_report = true;
            }
        }
    }
    out
}

/// Number the merged windows and lay them out as series.
fn assemble(windows: Vec<WindowEvidence>, thresholds: &DriftThresholds) -> DriftHistory {
    let mut features: BTreeMap<String, Vec<(Window, FeatureRow)>> = BTreeMap::new();
    let mut share = Vec::new();
    let mut perf: BTreeMap<String, Vec<SeriesPoint>> = BTreeMap::new();
    let mut out = Vec::with_capacity(windows.len());
    let latest_from_report = windows.last().is_some_and(|w| w.from_report);
    for (i, w) in windows.into_iter().enumerate() {
        let window = Window {
            step: i as i64,
            window_end_ms: w.end_ms,
        };
        out.push(window);
        let point = |value| SeriesPoint {
            step: window.step,
            window_end_ms: window.window_end_ms,
            value,
        };
        if let Some(v) = w.share {
            share.push(point(v));
        }
        for (name, v) in w.perf {
            perf.entry(name).or_default().push(point(v));
        }
        for (name, row) in w.features {
            features.entry(name).or_default().push((window, row));
        }
    }
    DriftHistory {
        windows: out,
        features: features
            .into_iter()
            .map(|(feature, windows)| FeatureSeries { feature, windows })
            .collect(),
        share,
        perf,
        thresholds: thresholds.clone(),
        latest_from_report,
    }
}

#[cfg(test)]
mod tests;
