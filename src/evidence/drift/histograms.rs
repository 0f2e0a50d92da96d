//! The histogram artifact `drift/histograms.json` of a monitoring run: per feature, the reference
//! counts and each window's counts over shared bins, for reference-vs-current charts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::evidence::lenient_json;

/// Where monitoring runs log the histograms.
pub const HISTOGRAMS_ARTIFACT: &str = "drift/histograms.json";

/// The whole artifact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histograms {
    /// Rows of the reference sample, when recorded.
    #[serde(default)]
    pub reference_rows: Option<u64>,
    #[serde(default)]
    pub features: BTreeMap<String, FeatureHistogram>,
}

/// One feature's histograms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureHistogram {
    /// "numeric" (bins between `bin_edges`) or "categorical" (one bin per category).
    #[serde(default = "numeric")]
    pub kind: String,
    /// n + 1 edges for n bins (numeric).
    #[serde(default, serialize_with = "crate::evidence::number::serialize")]
    pub bin_edges: Vec<f64>,
    /// One label per bin (categorical).
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub reference: Vec<f64>,
    #[serde(default)]
    pub windows: Vec<HistogramWindow>,
}

/// One window's counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistogramWindow {
    pub step: i64,
    #[serde(default)]
    pub window_end_ms: Option<i64>,
    /// Rows in the window, when recorded.
    #[serde(default)]
    pub rows: Option<u64>,
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub counts: Vec<f64>,
}

/// Why a histogram artifact could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum HistogramError {
    #[error("drift/histograms.json is not valid JSON: {0}")]
    Json(String),
    #[error("histogram of '{feature}': {reason}")]
    Shape { feature: String, reason: String },
}

fn numeric() -> String {
    "numeric".to_string()
}

impl Histograms {
    /// Parse and check the artifact's bytes: every count list must have one entry per bin.
    pub fn parse(bytes: &[u8]) -> Result<Histograms, HistogramError> {
        let mut h: Histograms =
            lenient_json::from_slice(bytes).map_err(|e| HistogramError::Json(e.to_string()))?;
        for (feature, hist) in &mut h.features {
            for edge in &mut hist.bin_edges {
                *edge = lenient_json::restore_infinity(*edge);
            }
            hist.check().map_err(|reason| HistogramError::Shape {
                feature: feature.clone(),
                reason,
            })?;
        }
        Ok(h)
    }
}

impl FeatureHistogram {
    /// Number of bins.
    pub fn bins(&self) -> usize {
        if self.categories.is_empty() {
            self.bin_edges.len().saturating_sub(1)
        } else {
            self.categories.len()
        }
    }

    /// The window at `step`, or the latest when `step` is `None`.
    pub fn window(&self, step: Option<i64>) -> Option<&HistogramWindow> {
        match step {
            Some(s) => self.windows.iter().find(|w| w.step == s),
            None => self.windows.iter().max_by_key(|w| w.step),
        }
    }

    /// Counts as shares of their total (bars comparable across sample sizes).
    pub fn shares(counts: &[f64]) -> Vec<f64> {
        let total: f64 = counts.iter().sum();
        counts
            .iter()
            .map(|c| if total > 0.0 { c / total } else { 0.0 })
            .collect()
    }

    /// A label per bin: the category, or `[lo, hi)` for numeric bins.
    pub fn bin_labels(&self) -> Vec<String> {
        if !self.categories.is_empty() {
            return self.categories.clone();
        }
        self.bin_edges
            .windows(2)
            .map(|e| format!("[{}, {})", short(e[0]), short(e[1])))
            .collect()
    }

    fn check(&self) -> Result<(), String> {
        let bins = self.bins();
        if bins == 0 {
            return Err("no bins (bin_edges needs at least two edges, or give categories)".into());
        }
        if self.categories.is_empty() && self.bin_edges.windows(2).any(|e| e[0] > e[1]) {
            return Err("bin_edges are not ascending".into());
        }
        if self.reference.len() != bins {
            return Err(format!(
                "reference has {} counts for {bins} bins",
                self.reference.len()
            ));
        }
        for w in &self.windows {
            if w.counts.len() != bins {
                return Err(format!(
                    "window {} has {} counts for {bins} bins",
                    w.step,
                    w.counts.len()
                ));
            }
        }
        Ok(())
    }
}

/// A compact number for bin labels.
fn short(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{:.3}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape docs/evidence-convention.md gives (extra fields such as model_name ignored).
    const SAMPLE: &str = r#"{"model_name": "credit-risk-scorer", "model_version": "4",
        "window": "1d", "reference_rows": 20, "features": {
        "income": {"kind": "numeric", "bin_edges": [0, 10, 20, 30],
                   "reference": [5, 10, 5],
                   "windows": [{"step": 0, "window_end_ms": 1000, "rows": 20, "counts": [4, 11, 5]},
                               {"step": 1, "window_end_ms": 2000, "counts": [1, 9, 10]}]},
        "region": {"kind": "categorical", "categories": ["n", "s"], "reference": [3, 7],
                   "windows": []}
    }}"#;

    #[test]
    fn parses_the_seeded_shape() {
        let h = Histograms::parse(SAMPLE.as_bytes()).unwrap();
        let income = &h.features["income"];
        assert_eq!(income.bins(), 3);
        assert_eq!(income.window(None).unwrap().step, 1);
        assert_eq!(h.reference_rows, Some(20));
        assert_eq!(income.window(Some(0)).unwrap().rows, Some(20));
        assert_eq!(income.window(Some(0)).unwrap().counts, vec![4.0, 11.0, 5.0]);
        assert_eq!(income.bin_labels()[1], "[10, 20)");
        assert_eq!(
            FeatureHistogram::shares(&income.reference),
            vec![0.25, 0.5, 0.25]
        );
        assert_eq!(h.features["region"].bin_labels(), vec!["n", "s"]);
    }

    #[test]
    fn python_infinity_edges() {
        let text = r#"{"features": {"x": {"bin_edges": [-Infinity, 0.5, Infinity],
            "reference": [1, 2], "windows": []}}}"#;
        let h = Histograms::parse(text.as_bytes()).unwrap();
        assert_eq!(h.features["x"].kind, "numeric");
        assert_eq!(h.features["x"].bin_edges[0], f64::NEG_INFINITY);
        assert_eq!(h.features["x"].bin_labels()[1], "[0.5, inf)");
    }

    #[test]
    fn shape_mistakes_are_reported() {
        let bad = r#"{"features": {"x": {"bin_edges": [0, 1, 2], "reference": [1],
            "windows": []}}}"#;
        let err = Histograms::parse(bad.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "histogram of 'x': reference has 1 counts for 2 bins"
        );
        let bad = r#"{"features": {"x": {"bin_edges": [0, 1], "reference": [1],
            "windows": [{"step": 3, "counts": [1, 2]}]}}}"#;
        assert!(Histograms::parse(bad.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("window 3 has 2 counts"));
        assert!(matches!(
            Histograms::parse(b"[1,2]"),
            Err(HistogramError::Json(_))
        ));
        let empty = r#"{"features": {"x": {"bin_edges": [], "reference": []}}}"#;
        assert!(Histograms::parse(empty.as_bytes()).is_err());
    }
}
