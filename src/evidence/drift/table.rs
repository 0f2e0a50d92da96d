//! The per-feature drift table of one window: what the drift tab shows for the latest window and
//! what an Evidently report reads into, so both sources look the same on screen and to gates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::statistic::{DriftThresholds, Statistic, Verdict};

/// One feature's statistics in one window, with its verdict when one could be reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureRow {
    pub feature: String,
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub stats: BTreeMap<Statistic, f64>,
    /// The test's display name when the source names it (Evidently's "K-S p_value").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
    /// "num" or "cat" when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_type: Option<String>,
    pub verdict: Option<Verdict>,
}

impl FeatureRow {
    /// A row judged by `thresholds`.
    pub fn judged(
        feature: String,
        stats: BTreeMap<Statistic, f64>,
        thresholds: &DriftThresholds,
    ) -> FeatureRow {
        let verdict = Verdict::judge(|s| stats.get(s).copied(), thresholds);
        FeatureRow {
            feature,
            stats,
            test: None,
            column_type: None,
            verdict,
        }
    }

    /// Whether the verdict says drifted (no verdict: not drifted).
    pub fn drifted(&self) -> bool {
        self.verdict.as_ref().is_some_and(|v| v.drifted)
    }

    /// One statistic's value.
    pub fn stat(&self, stat: &Statistic) -> Option<f64> {
        self.stats.get(stat).copied()
    }
}

/// Every feature of one window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WindowTable {
    /// The window's step in the monitoring run (absent for a single report).
    pub step: Option<i64>,
    /// When the window ended (ms since the epoch), when known.
    pub window_end_ms: Option<i64>,
    pub features: Vec<FeatureRow>,
    /// Share of drifted features: as logged or reported, else computed from the verdicts.
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub drift_share: Option<f64>,
    /// Whether the dataset as a whole drifted.
    pub dataset_drifted: Option<bool>,
}

impl WindowTable {
    /// The row of `feature`.
    pub fn feature(&self, feature: &str) -> Option<&FeatureRow> {
        self.features.iter().find(|f| f.feature == feature)
    }

    /// The features whose verdict says drifted.
    pub fn drifted_features(&self) -> impl Iterator<Item = &FeatureRow> {
        self.features.iter().filter(|f| f.drifted())
    }

    /// Share of drifted features among those with a verdict.
    pub fn computed_share(&self) -> Option<f64> {
        let judged = self.features.iter().filter(|f| f.verdict.is_some()).count();
        (judged > 0).then(|| self.drifted_features().count() as f64 / judged as f64)
    }

    /// The feature with the worst value of `stat` (highest, or lowest for p-values).
    pub fn worst(&self, stat: &Statistic) -> Option<(&str, f64)> {
        let lower_is_worse = matches!(
            stat.comparison(),
            Some(super::Comparison::AtMost | super::Comparison::Below)
        );
        self.features
            .iter()
            .filter_map(|f| {
                f.stat(stat)
                    .filter(|v| !v.is_nan())
                    .map(|v| (f.feature.as_str(), v))
            })
            .reduce(|a, b| {
                let b_worse = if lower_is_worse { b.1 < a.1 } else { b.1 > a.1 };
                if b_worse {
                    b
                } else {
                    a
                }
            })
    }

    /// Fill `drift_share` and `dataset_drifted` from the verdicts where the source gave none.
    pub fn complete(mut self, thresholds: &DriftThresholds) -> WindowTable {
        if self.drift_share.is_none() {
            self.drift_share = self.computed_share();
        }
        if self.dataset_drifted.is_none() {
            self.dataset_drifted = self.drift_share.map(|s| thresholds.dataset_drifted(s));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, psi: f64, p: f64) -> FeatureRow {
        let stats = BTreeMap::from([(Statistic::Psi, psi), (Statistic::PValue, p)]);
        FeatureRow::judged(name.into(), stats, &DriftThresholds::default())
    }

    #[test]
    fn share_and_worst() {
        let table = WindowTable {
            features: vec![row("income", 0.4, 0.001), row("age", 0.01, 0.7)],
            ..WindowTable::default()
        }
        .complete(&DriftThresholds::default());
        assert_eq!(table.drift_share, Some(0.5));
        assert_eq!(table.dataset_drifted, Some(true));
        assert_eq!(table.worst(&Statistic::Psi), Some(("income", 0.4)));
        assert_eq!(table.worst(&Statistic::PValue), Some(("income", 0.001)));
        assert_eq!(table.worst(&Statistic::Wasserstein), None);
        assert!(table.feature("income").unwrap().drifted());
        assert_eq!(table.drifted_features().count(), 1);
    }

    #[test]
    fn logged_share_is_kept() {
        let table = WindowTable {
            features: vec![row("income", 0.4, 0.001)],
            drift_share: Some(0.1),
            ..WindowTable::default()
        }
        .complete(&DriftThresholds::default());
        assert_eq!(table.drift_share, Some(0.1));
        assert_eq!(table.dataset_drifted, Some(false));
    }

    #[test]
    fn empty_table_has_no_share() {
        let table = WindowTable::default().complete(&DriftThresholds::default());
        assert_eq!(table.drift_share, None);
        assert_eq!(table.dataset_drifted, None);
    }
}
