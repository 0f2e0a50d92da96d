//! Drift statistics and the thresholds that call a value "drifted".
//!
//! Defaults are Evidently's (identical from 0.4 to 0.7): KS p-value <= 0.05, Wasserstein distance
//! normed by the reference's standard deviation >= 0.1, Jensen-Shannon distance >= 0.1, dataset
//! drift when the share of drifted features >= 0.5. PSI is the exception: Evidently's PSI test
//! uses >= 0.1, but tollgate flags PSI > 0.2, the common reading of "significant shift"
//! (< 0.1 stable, 0.1-0.2 moderate) and the bound the policy examples use; set `psi` to change it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One drift statistic, named as the metric key suffix of `drift.<feature>.<statistic>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Statistic {
    /// Population stability index (`psi`).
    Psi,
    /// Two-sample Kolmogorov-Smirnov statistic (`ks_stat`).
    KsStat,
    /// A test's p-value (`p_value`): KS for numeric features, chi-squared or Z for categorical.
    PValue,
    /// Jensen-Shannon distance, natural log (`js_distance`).
    JsDistance,
    /// Wasserstein distance normed by the reference's standard deviation (`wasserstein`).
    Wasserstein,
    /// The mean-shift monitor's z-score of the current mean against the reference (`z_score`):
    /// drifted when |z| > 3.
    ZScore,
    /// The share of the current interquartile range that overlaps the reference's
    /// (`iqr_overlap_ratio`): drifted when below 0.5.
    IqrOverlap,
    /// Any other statistic a monitoring job logged; shown, never judged.
    Other(String),
}

/// How a statistic's value compares with its threshold when it signals drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Drifted when value <= threshold (p-values).
    AtMost,
    /// Drifted when value < threshold (p-values of Evidently's chi-squared and Z tests).
    Below,
    /// Drifted when value >= threshold (distances).
    AtLeast,
    /// Drifted when value > threshold (PSI).
    Above,
    /// Drifted when |value| > threshold (z-scores: a shift either way).
    AbsAbove,
}

impl Comparison {
    /// Whether `value` signals drift against `threshold`. NaN never does.
    pub fn crosses(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::AtMost => value <= threshold,
            Comparison::Below => value < threshold,
            Comparison::AtLeast => value >= threshold,
            Comparison::Above => value > threshold,
            Comparison::AbsAbove => value.abs() > threshold,
        }
    }

    /// The drift condition as text: `<= 0.05`, `>= 0.1`, `> 0.2`, `|x| > 3`.
    pub fn describe(self, threshold: f64) -> String {
        let op = match self {
            Comparison::AbsAbove => return format!("|x| > {threshold}"),
            Comparison::AtMost => "<=",
            Comparison::Below => "<",
            Comparison::AtLeast => ">=",
            Comparison::Above => ">",
        };
        format!("{op} {threshold}")
    }
}

impl Statistic {
    /// Every statistic tollgate knows, in table column order.
    pub const KNOWN: [Statistic; 5] = [
        Statistic::Psi,
        Statistic::KsStat,
        Statistic::PValue,
        Statistic::JsDistance,
        Statistic::Wasserstein,
    ];

    /// The mean-shift monitor's statistics, judged like the others; shown only when logged.
    pub const MEAN_SHIFT: [Statistic; 2] = [Statistic::ZScore, Statistic::IqrOverlap];

    /// Parse a metric key suffix (`psi`, `ks_stat`, ...); unknown names become `Other`.
    pub fn from_key(key: &str) -> Statistic {
        match key {
            "psi" => Statistic::Psi,
            "ks_stat" | "ks_statistic" => Statistic::KsStat,
            "p_value" | "pvalue" | "ks_p_value" => Statistic::PValue,
            "js_distance" | "jensenshannon" => Statistic::JsDistance,
            "wasserstein" | "wasserstein_distance" => Statistic::Wasserstein,
            "z_score" | "zscore" => Statistic::ZScore,
            "iqr_overlap_ratio" | "iqr_overlap" => Statistic::IqrOverlap,
            other => Statistic::Other(other.to_string()),
        }
    }

    /// The metric key suffix.
    pub fn key(&self) -> &str {
        match self {
            Statistic::Psi => "psi",
            Statistic::KsStat => "ks_stat",
            Statistic::PValue => "p_value",
            Statistic::JsDistance => "js_distance",
            Statistic::Wasserstein => "wasserstein",
            Statistic::ZScore => "z_score",
            Statistic::IqrOverlap => "iqr_overlap_ratio",
            Statistic::Other(s) => s,
        }
    }

    /// A human label for table headers.
    pub fn label(&self) -> &str {
        match self {
            Statistic::Psi => "PSI",
            Statistic::KsStat => "KS stat",
            Statistic::PValue => "p-value",
            Statistic::JsDistance => "JS distance",
            Statistic::Wasserstein => "Wasserstein",
            Statistic::ZScore => "z-score",
            Statistic::IqrOverlap => "IQR overlap",
            Statistic::Other(s) => s,
        }
    }

    /// The direction in which this statistic signals drift, when it has one.
    pub fn comparison(&self) -> Option<Comparison> {
        match self {
            Statistic::PValue => Some(Comparison::AtMost),
            Statistic::Psi => Some(Comparison::Above),
            Statistic::KsStat | Statistic::JsDistance | Statistic::Wasserstein => {
                Some(Comparison::AtLeast)
            }
            Statistic::ZScore => Some(Comparison::AbsAbove),
            Statistic::IqrOverlap => Some(Comparison::Below),
            Statistic::Other(_) => None,
        }
    }
}

impl From<String> for Statistic {
    fn from(s: String) -> Self {
        Statistic::from_key(&s)
    }
}

impl From<Statistic> for String {
    fn from(s: Statistic) -> Self {
        s.key().to_string()
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// When a feature counts as drifted; configurable, Evidently's defaults otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DriftThresholds {
    /// Drifted when the p-value <= this.
    pub p_value: f64,
    /// Drifted when the normed Wasserstein distance >= this.
    pub wasserstein: f64,
    /// Drifted when the Jensen-Shannon distance >= this.
    pub js_distance: f64,
    /// Drifted when PSI > this (see the module comment for why 0.2).
    pub psi: f64,
    /// Drifted when the KS statistic >= this; unset by default (its scale depends on sample size).
    pub ks_stat: Option<f64>,
    /// Drifted when |z-score| > this (the mean-shift monitor's usual 3 sigma).
    pub z_score: f64,
    /// Drifted when the IQR overlap ratio < this.
    pub iqr_overlap_ratio: f64,
    /// The dataset drifted when the share of drifted features >= this.
    pub dataset_share: f64,
    /// Which logged statistic decides a feature's verdict: the first one present. Evidently's
    /// order for large reference sets (Wasserstein, JS), then PSI, then the p-value, then the
    /// mean-shift monitor's z-score and IQR overlap (for runs that log only those).
    pub decide_by: Vec<Statistic>,
}

impl Default for DriftThresholds {
    fn default() -> Self {
        DriftThresholds {
            p_value: 0.05,
            wasserstein: 0.1,
            js_distance: 0.1,
            psi: 0.2,
            ks_stat: None,
            z_score: 3.0,
            iqr_overlap_ratio: 0.5,
            dataset_share: 0.5,
            decide_by: vec![
                Statistic::Wasserstein,
                Statistic::JsDistance,
                Statistic::Psi,
                Statistic::PValue,
                Statistic::ZScore,
                Statistic::IqrOverlap,
            ],
        }
    }
}

impl DriftThresholds {
    /// The threshold for `stat`, if it has one.
    pub fn threshold(&self, stat: &Statistic) -> Option<f64> {
        match stat {
            Statistic::PValue => Some(self.p_value),
            Statistic::Wasserstein => Some(self.wasserstein),
            Statistic::JsDistance => Some(self.js_distance),
            Statistic::Psi => Some(self.psi),
            Statistic::KsStat => self.ks_stat,
            Statistic::ZScore => Some(self.z_score),
            Statistic::IqrOverlap => Some(self.iqr_overlap_ratio),
            Statistic::Other(_) => None,
        }
    }

    /// Whether `value` of `stat` signals drift; `None` when the statistic has no threshold.
    pub fn crosses(&self, stat: &Statistic, value: f64) -> Option<bool> {
        let threshold = self.threshold(stat)?;
        let comparison = stat.comparison()?;
        Some(!value.is_nan() && comparison.crosses(value, threshold))
    }

    /// Whether a share of drifted features means the dataset drifted.
    pub fn dataset_drifted(&self, share: f64) -> bool {
        share >= self.dataset_share
    }
}

/// A drifted-or-not verdict and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub drifted: bool,
    pub statistic: Statistic,
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub value: f64,
    pub threshold: f64,
    pub comparison: Comparison,
}

impl Verdict {
    /// Judge a set of statistics by the first `decide_by` statistic present with a threshold.
    pub fn judge<'a>(
        stats: impl Fn(&Statistic) -> Option<f64> + 'a,
        thresholds: &DriftThresholds,
    ) -> Option<Verdict> {
        thresholds.decide_by.iter().find_map(|stat| {
            let value = stats(stat)?;
            let threshold = thresholds.threshold(stat)?;
            let comparison = stat.comparison()?;
            Some(Verdict {
                drifted: !value.is_nan() && comparison.crosses(value, threshold),
                statistic: stat.clone(),
                value,
                threshold,
                comparison,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mean-shift monitor: a shift either way past 3 sigma, an IQR overlap under half.
    #[test]
    fn z_score_and_iqr_overlap_are_judged() {
        let t = DriftThresholds::default();
        assert_eq!(t.crosses(&Statistic::ZScore, 3.2), Some(true));
        assert_eq!(
            t.crosses(&Statistic::ZScore, -3.2),
            Some(true),
            "a drop drifts too"
        );
        assert_eq!(t.crosses(&Statistic::ZScore, 3.0), Some(false));
        assert_eq!(t.crosses(&Statistic::ZScore, -2.9), Some(false));
        assert_eq!(t.crosses(&Statistic::ZScore, f64::NAN), Some(false));
        assert_eq!(t.crosses(&Statistic::IqrOverlap, 0.49), Some(true));
        assert_eq!(t.crosses(&Statistic::IqrOverlap, 0.5), Some(false));
        assert_eq!(Comparison::AbsAbove.describe(3.0), "|x| > 3");
        // A run that logged only the mean-shift statistics gets a verdict.
        let v = Verdict::judge(
            |s| match s {
                Statistic::ZScore => Some(-4.1),
                Statistic::IqrOverlap => Some(0.8),
                _ => None,
            },
            &t,
        )
        .expect("a verdict");
        assert_eq!(v.statistic, Statistic::ZScore);
        assert!(v.drifted);
        let only_iqr = Verdict::judge(|s| (*s == Statistic::IqrOverlap).then_some(0.3), &t)
            .expect("a verdict");
        assert!(only_iqr.drifted && only_iqr.comparison == Comparison::Below);
        // Overridable like the others.
        let t: DriftThresholds = toml::from_str("z_score = 2.0\niqr_overlap_ratio = 0.7").unwrap();
        assert_eq!(t.crosses(&Statistic::ZScore, -2.5), Some(true));
        assert_eq!(t.crosses(&Statistic::IqrOverlap, 0.6), Some(true));
    }

    #[test]
    fn keys_round_trip() {
        for s in Statistic::KNOWN.into_iter().chain(Statistic::MEAN_SHIFT) {
            assert_eq!(Statistic::from_key(s.key()), s);
        }
        assert_eq!(
            Statistic::from_key("hellinger"),
            Statistic::Other("hellinger".into())
        );
    }

    #[test]
    fn evidently_defaults_and_directions() {
        let t = DriftThresholds::default();
        assert_eq!(t.crosses(&Statistic::PValue, 0.05), Some(true));
        assert_eq!(t.crosses(&Statistic::PValue, 0.051), Some(false));
        assert_eq!(t.crosses(&Statistic::Wasserstein, 0.1), Some(true));
        assert_eq!(t.crosses(&Statistic::JsDistance, 0.099), Some(false));
        assert_eq!(t.crosses(&Statistic::Psi, 0.2), Some(false));
        assert_eq!(t.crosses(&Statistic::Psi, 0.21), Some(true));
        assert_eq!(t.crosses(&Statistic::KsStat, 0.9), None);
        assert_eq!(t.crosses(&Statistic::PValue, f64::NAN), Some(false));
        assert!(t.dataset_drifted(0.5) && !t.dataset_drifted(0.49));
    }

    #[test]
    fn verdict_uses_first_present_statistic() {
        let t = DriftThresholds::default();
        let v = Verdict::judge(
            |s| match s {
                Statistic::Psi => Some(0.5),
                Statistic::PValue => Some(0.9),
                _ => None,
            },
            &t,
        )
        .unwrap();
        assert_eq!(v.statistic, Statistic::Psi);
        assert!(v.drifted);
        assert!(Verdict::judge(|_| None, &t).is_none());
    }

    #[test]
    fn thresholds_deserialize_with_defaults() {
        let t: DriftThresholds = toml::from_str("psi = 0.25\ndecide_by = [\"p_value\"]").unwrap();
        assert_eq!(t.psi, 0.25);
        assert_eq!(t.p_value, 0.05);
        assert_eq!(t.decide_by, vec![Statistic::PValue]);
        assert!(toml::from_str::<DriftThresholds>("psy = 1").is_err());
    }
}
