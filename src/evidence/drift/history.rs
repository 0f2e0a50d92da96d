//! Drift over time from a monitoring run's metric histories (see `runs` for the history across
//! every monitoring run of a version). The seeding convention logs one
//! step per window, timestamped at the window's end: `drift.<feature>.<statistic>`,
//! `drift.share`, and the live performance `perf.<metric>`.

use std::collections::{BTreeMap, HashMap};

use chrono::{TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::statistic::{DriftThresholds, Statistic};
use super::table::{FeatureRow, WindowTable};
use crate::mlflow::Metric;

/// Prefix of per-feature drift metrics and of the dataset drift share.
pub const DRIFT_PREFIX: &str = "drift.";
/// Prefix of live performance metrics.
pub const PERF_PREFIX: &str = "perf.";
/// The logged share of drifted features.
pub const SHARE_KEY: &str = "drift.share";

/// `drift.<feature>.<statistic>` split into the feature and the statistic.
pub fn feature_statistic(key: &str) -> Option<(&str, Statistic)> {
    let (feature, stat) = key.strip_prefix(DRIFT_PREFIX)?.rsplit_once('.')?;
    Some((feature, Statistic::from_key(stat)))
}

/// Whether one set of latest values (a monitoring run's metrics) says drift: the logged share
/// crosses the dataset threshold, or any feature is judged drifted by its statistics.
pub fn latest_values_drifted(metrics: &[Metric], thresholds: &DriftThresholds) -> bool {
    let mut features: BTreeMap<&str, BTreeMap<Statistic, f64>> = BTreeMap::new();
    let mut share_drifted = false;
    for m in metrics {
        if m.key == SHARE_KEY {
            share_drifted = thresholds.dataset_drifted(m.value);
        } else if let Some((feature, stat)) = feature_statistic(&m.key) {
            features.entry(feature).or_default().insert(stat, m.value);
        }
    }
    share_drifted
        || features
            .into_iter()
            .any(|(f, stats)| FeatureRow::judged(f.to_string(), stats, thresholds).drifted())
}

/// One monitoring window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Window {
    pub step: i64,
    /// The window's end, ms since the epoch (the metrics' timestamp).
    pub window_end_ms: i64,
}

/// One value per window (a `perf.*` metric, the drift share, one statistic of a feature).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub step: i64,
    pub window_end_ms: i64,
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub value: f64,
}

/// One feature over every window, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSeries {
    pub feature: String,
    pub windows: Vec<(Window, FeatureRow)>,
}

/// Where a feature started drifting and kept drifting up to the latest window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftOnset {
    pub feature: String,
    pub window: Window,
    /// Windows since the onset, the onset's included.
    pub windows_drifted: usize,
}

impl DriftOnset {
    /// The onset's day (UTC), as in "income drifting since 2026-11-16".
    pub fn day(&self) -> String {
        day_of(self.window.window_end_ms)
    }
}

/// A monitoring run's drift evidence, windows oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftHistory {
    pub windows: Vec<Window>,
    pub features: Vec<FeatureSeries>,
    /// `drift.share` as logged.
    pub share: Vec<SeriesPoint>,
    /// `perf.<metric>` series keyed by the metric name without the prefix.
    pub perf: BTreeMap<String, Vec<SeriesPoint>>,
    pub thresholds: DriftThresholds,
    /// The newest window was read from a drift report (Evidently, alibi-detect), not metrics.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub latest_from_report: bool,
}

impl DriftHistory {
    /// Build from metric histories (metric key -> every logged value), judged by `thresholds`.
    pub fn from_metric_histories(
        histories: &HashMap<String, Vec<Metric>>,
        thresholds: &DriftThresholds,
    ) -> DriftHistory {
        // feature -> step -> statistic -> value
        let mut by_feature: BTreeMap<&str, BTreeMap<i64, BTreeMap<Statistic, f64>>> =
            BTreeMap::new();
        let mut window_end: BTreeMap<i64, i64> = BTreeMap::new();
        let mut share = Vec::new();
        let mut perf = BTreeMap::new();
        for (key, history) in histories {
            let values = last_per_step(history);
            let relevant = key.starts_with(DRIFT_PREFIX) || key.starts_with(PERF_PREFIX);
            if relevant {
                for (&step, &(ts, _)) in &values {
                    let end = window_end.entry(step).or_insert(ts);
                    *end = (*end).max(ts);
                }
            }
            if key == SHARE_KEY {
                share = series(&values);
            } else if let Some(name) = key.strip_prefix(PERF_PREFIX) {
                perf.insert(name.to_string(), series(&values));
            } else if let Some((feature, stat)) = feature_statistic(key) {
                let steps = by_feature.entry(feature).or_default();
                for (&step, &(_, value)) in &values {
                    steps.entry(step).or_default().insert(stat.clone(), value);
                }
            }
        }
        // Timestamps of one step can differ by milliseconds across keys; the window's end is the
        // latest, and every series reports it so charts line up.
        let end_of = |step: i64| window_end.get(&step).copied().unwrap_or_default();
        for points in perf.values_mut().chain(std::iter::once(&mut share)) {
            for p in points.iter_mut() {
                p.window_end_ms = end_of(p.step);
            }
        }
        let features = by_feature
            .into_iter()
            .map(|(feature, steps)| FeatureSeries {
                feature: feature.to_string(),
                windows: steps
                    .into_iter()
                    .map(|(step, stats)| {
                        let window = Window {
                            step,
                            window_end_ms: end_of(step),
                        };
                        (
                            window,
                            FeatureRow::judged(feature.to_string(), stats, thresholds),
                        )
                    })
                    .collect(),
            })
            .collect();
        DriftHistory {
            windows: window_end
                .iter()
                .map(|(&step, &window_end_ms)| Window {
                    step,
                    window_end_ms,
                })
                .collect(),
            features,
            share,
            perf,
            thresholds: thresholds.clone(),
            latest_from_report: false,
        }
    }

    /// Nothing to draw over time: no window, or a single report's one window (shown as the
    /// report).
    pub fn has_no_trend(&self) -> bool {
        self.windows.is_empty() || (self.windows.len() == 1 && self.latest_from_report)
    }

    /// True when the run logged no drift metric at all.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty() && self.share.is_empty()
    }

    /// The newest window.
    pub fn latest_window(&self) -> Option<Window> {
        self.windows.last().copied()
    }

    /// The per-feature table of the newest window that has drift statistics.
    pub fn latest(&self) -> Option<WindowTable> {
        let step = self
            .features
            .iter()
            .filter_map(|f| f.windows.last().map(|(w, _)| w.step))
            .chain(self.share.last().map(|p| p.step))
            .max()?;
        self.table_at(step)
    }

    /// The per-feature table of the window at `step`.
    pub fn table_at(&self, step: i64) -> Option<WindowTable> {
        let window = self.windows.iter().find(|w| w.step == step)?;
        let features: Vec<FeatureRow> = self
            .features
            .iter()
            .filter_map(|f| {
                f.windows
                    .iter()
                    .find(|(w, _)| w.step == step)
                    .map(|(_, row)| row.clone())
            })
            .collect();
        let logged_share = self.share.iter().find(|p| p.step == step).map(|p| p.value);
        Some(
            WindowTable {
                step: Some(step),
                window_end_ms: Some(window.window_end_ms),
                features,
                drift_share: logged_share,
                dataset_drifted: None,
            }
            .complete(&self.thresholds),
        )
    }

    /// One feature's series.
    pub fn feature(&self, feature: &str) -> Option<&FeatureSeries> {
        self.features.iter().find(|f| f.feature == feature)
    }

    /// The values of one statistic of one feature, for a chart with its threshold line.
    pub fn statistic_series(&self, feature: &str, stat: &Statistic) -> Vec<SeriesPoint> {
        self.feature(feature)
            .map(|f| {
                f.windows
                    .iter()
                    .filter_map(|(w, row)| {
                        row.stat(stat).map(|value| SeriesPoint {
                            step: w.step,
                            window_end_ms: w.window_end_ms,
                            value,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first window of the feature's current drifted streak, by its verdicts. Windows without a
    /// verdict neither break nor extend the streak. `None` when the latest verdict is not drifted.
    pub fn drifting_since(&self, feature: &str) -> Option<DriftOnset> {
        let series = self.feature(feature)?;
        let verdicts = series
            .windows
            .iter()
            .map(|(w, row)| (*w, known_verdict(row)));
        sustained_onset(feature, verdicts)
    }

    /// Like [`DriftHistory::drifting_since`] but judged by one statistic against its threshold,
    /// matching the line drawn on a chart of that statistic.
    pub fn drifting_since_by(&self, feature: &str, stat: &Statistic) -> Option<DriftOnset> {
        let series = self.feature(feature)?;
        let verdicts = series.windows.iter().map(|(w, row)| {
            let crossed = row
                .stat(stat)
                .filter(|v| !v.is_nan())
                .and_then(|v| self.thresholds.crosses(stat, v));
            (*w, crossed)
        });
        sustained_onset(feature, verdicts)
    }

    /// The first window in which any feature was judged drifted, whether or not the drift lasted
    /// (where an incident starts, for time to restore).
    pub fn first_drifted_window(&self) -> Option<Window> {
        self.features
            .iter()
            .flat_map(|f| f.windows.iter())
            .filter(|(_, row)| row.drifted())
            .map(|(w, _)| *w)
            .min()
    }

    /// Every feature drifting in the latest window with its onset, the longest-drifting first.
    pub fn onsets(&self) -> Vec<DriftOnset> {
        let mut onsets: Vec<DriftOnset> = self
            .features
            .iter()
            .filter_map(|f| self.drifting_since(&f.feature))
            .collect();
        onsets.sort_by(|a, b| a.window.cmp(&b.window).then(a.feature.cmp(&b.feature)));
        onsets
    }
}

/// A window's drifted-or-not for streaks: a verdict resting on NaN says nothing (a window that
/// could not be measured neither starts nor ends drift).
fn known_verdict(row: &FeatureRow) -> Option<bool> {
    row.verdict
        .as_ref()
        .filter(|v| !v.value.is_nan())
        .map(|v| v.drifted)
}

/// The start of the trailing run of `Some(true)`, skipping `None`s.
fn sustained_onset(
    feature: &str,
    verdicts: impl DoubleEndedIterator<Item = (Window, Option<bool>)>,
) -> Option<DriftOnset> {
    let mut onset = None;
    let mut count = 0;
    for (window, drifted) in verdicts.rev() {
        match drifted {
            Some(true) => {
                onset = Some(window);
                count += 1;
            }
            Some(false) => break,
            None => {}
        }
    }
    onset.map(|window| DriftOnset {
        feature: feature.to_string(),
        window,
        windows_drifted: count,
    })
}

/// The last value logged at each step (a re-logged window replaces the earlier value).
fn last_per_step(history: &[Metric]) -> BTreeMap<i64, (i64, f64)> {
    let mut out: BTreeMap<i64, (i64, f64)> = BTreeMap::new();
    for m in history {
        match out.get(&m.step) {
            Some(&(ts, _)) if ts > m.timestamp => {}
            _ => {
                out.insert(m.step, (m.timestamp, m.value));
            }
        }
    }
    out
}

fn series(values: &BTreeMap<i64, (i64, f64)>) -> Vec<SeriesPoint> {
    values
        .iter()
        .map(|(&step, &(window_end_ms, value))| SeriesPoint {
            step,
            window_end_ms,
            value,
        })
        .collect()
}

/// `YYYY-MM-DD` (UTC) of a millisecond timestamp.
pub fn day_of(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    /// 2026-11-01T00:00:00Z
    const START: i64 = 1_793_491_200_000;

    fn metric(key: &str, step: i64, value: f64) -> Metric {
        Metric {
            key: key.into(),
            value,
            timestamp: START + (step + 1) * 7 * DAY,
            step,
        }
    }

    /// Eight weekly windows; income's PSI crosses 0.2 at step 3, dips at step 4, and stays drifted
    /// from step 5; age never drifts.
    fn histories() -> HashMap<String, Vec<Metric>> {
        let income_psi = [0.01, 0.05, 0.12, 0.25, 0.15, 0.31, 0.42, 0.55];
        let income_p = [0.8, 0.6, 0.2, 0.01, 0.1, 0.001, 0.0001, 0.00001];
        let mut h: HashMap<String, Vec<Metric>> = HashMap::new();
        for step in 0..8 {
            let s = step as usize;
            let mut push =
                |k: &str, v: f64| h.entry(k.into()).or_default().push(metric(k, step, v));
            push("drift.income.psi", income_psi[s]);
            push("drift.income.p_value", income_p[s]);
            push("drift.age.psi", 0.02);
            push("drift.age.p_value", 0.5);
            push("drift.share", if income_psi[s] > 0.2 { 0.5 } else { 0.0 });
            push("perf.accuracy", 0.9 - 0.02 * step as f64);
        }
        h.insert("accuracy".into(), vec![metric("accuracy", 0, 0.91)]);
        h
    }

    fn history() -> DriftHistory {
        DriftHistory::from_metric_histories(&histories(), &DriftThresholds::default())
    }

    #[test]
    fn windows_features_and_perf() {
        let h = history();
        assert_eq!(h.windows.len(), 8);
        assert_eq!(h.windows[0].window_end_ms, START + 7 * DAY);
        assert_eq!(
            h.features
                .iter()
                .map(|f| f.feature.as_str())
                .collect::<Vec<_>>(),
            ["age", "income"]
        );
        assert_eq!(h.perf["accuracy"].len(), 8);
        assert!((h.perf["accuracy"][7].value - 0.76).abs() < 1e-9);
        assert_eq!(h.share.len(), 8);
        assert!(!h.is_empty());
    }

    #[test]
    fn latest_table_judges_by_psi_before_p_value() {
        let t = history().latest().unwrap();
        assert_eq!(t.step, Some(7));
        let income = t.feature("income").unwrap();
        assert!(income.drifted());
        assert_eq!(income.verdict.as_ref().unwrap().statistic, Statistic::Psi);
        assert!(!t.feature("age").unwrap().drifted());
        assert_eq!(t.drift_share, Some(0.5));
        assert_eq!(t.dataset_drifted, Some(true));
    }

    #[test]
    fn onset_is_the_start_of_the_last_streak() {
        let h = history();
        let onset = h.drifting_since("income").unwrap();
        assert_eq!(onset.window.step, 5);
        assert_eq!(onset.windows_drifted, 3);
        assert_eq!(onset.day(), day_of(START + 6 * 7 * DAY));
        assert_eq!(onset.day(), "2026-12-13");
        assert!(h.drifting_since("age").is_none());
        assert!(h.drifting_since("nope").is_none());
        assert_eq!(h.onsets().len(), 1);
        // The first crossing came earlier than the streak that lasts.
        assert_eq!(h.first_drifted_window().map(|w| w.step), Some(3));
    }

    #[test]
    fn onset_by_another_statistic() {
        let h = history();
        // p-value <= 0.05 at steps 3, 5, 6, 7 (0.1 at step 4 breaks the streak).
        let onset = h.drifting_since_by("income", &Statistic::PValue).unwrap();
        assert_eq!(onset.window.step, 5);
        let series = h.statistic_series("income", &Statistic::Psi);
        assert_eq!(series.len(), 8);
        assert_eq!(series[3].value, 0.25);
        // KS statistic has no default threshold: never an onset.
        assert!(h.drifting_since_by("income", &Statistic::KsStat).is_none());
    }

    #[test]
    fn missing_verdicts_do_not_break_a_streak() {
        let mut h = histories();
        // Step 6 has no income statistics at all.
        for k in ["drift.income.psi", "drift.income.p_value"] {
            h.get_mut(k).unwrap().retain(|m| m.step != 6);
        }
        let history = DriftHistory::from_metric_histories(&h, &DriftThresholds::default());
        let onset = history.drifting_since("income").unwrap();
        assert_eq!(onset.window.step, 5);
        assert_eq!(onset.windows_drifted, 2);
    }

    #[test]
    fn relogged_window_takes_the_newest_value() {
        let mut h = histories();
        let mut late = metric("drift.income.psi", 7, 0.01);
        late.timestamp += 1_000;
        h.get_mut("drift.income.psi").unwrap().push(late);
        let history = DriftHistory::from_metric_histories(&h, &DriftThresholds::default());
        let t = history.latest().unwrap();
        assert_eq!(
            t.feature("income").unwrap().stat(&Statistic::Psi),
            Some(0.01)
        );
        assert!(history.drifting_since("income").is_none());
    }

    #[test]
    fn feature_names_may_hold_dots_and_thresholds_apply() {
        let mut h = HashMap::new();
        h.insert(
            "drift.txn.amount.wasserstein".to_string(),
            vec![metric("drift.txn.amount.wasserstein", 0, 0.15)],
        );
        let strict = DriftThresholds {
            wasserstein: 0.2,
            ..DriftThresholds::default()
        };
        let history = DriftHistory::from_metric_histories(&h, &strict);
        let t = history.latest().unwrap();
        assert!(!t.feature("txn.amount").unwrap().drifted());
        assert_eq!(t.drift_share, Some(0.0));
        let loose = DriftHistory::from_metric_histories(&h, &DriftThresholds::default());
        assert!(loose
            .latest()
            .unwrap()
            .feature("txn.amount")
            .unwrap()
            .drifted());
    }

    #[test]
    fn no_drift_metrics() {
        let mut h = HashMap::new();
        h.insert("accuracy".to_string(), vec![metric("accuracy", 0, 0.9)]);
        let history = DriftHistory::from_metric_histories(&h, &DriftThresholds::default());
        assert!(history.is_empty());
        assert!(history.latest().is_none());
        assert!(history.windows.is_empty());
    }
}
