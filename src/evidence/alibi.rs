//! alibi-detect's `KSDrift.predict()` output, logged as a JSON artifact of a monitoring run, read
//! into the same per-feature [`WindowTable`] as drift metrics and Evidently reports.
//!
//! The shape (`predict(x, return_p_val=True, return_distance=True)`, arrays made lists):
//! `{"meta": {"name": "KSDrift", ...}, "data": {"is_drift": 0 | 1 | [0, 1, ...], "p_val": [...],
//! "distance": [...], "threshold": 0.0125}}`. alibi-detect knows columns only by position, so
//! the names come from the run's `monitoring.features` tag (comma-separated, column order).
//! `threshold` is the one alibi-detect compared with (already Bonferroni- or FDR-corrected for
//! batch drift): a feature drifted when its p-value is below it, as alibi-detect decides.

use std::collections::BTreeMap;

use serde_json::Value;

use super::drift::{Comparison, DriftThresholds, FeatureRow, Statistic, Verdict, WindowTable};
use super::lenient_json;

/// The run tag naming the monitored features in column order.
pub const FEATURES_TAG: &str = "monitoring.features";

/// Why a file could not be read as alibi-detect drift output.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AlibiError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("not alibi-detect KSDrift output: {0}")]
    NotKsDrift(&'static str),
}

/// Feature names from the `monitoring.features` tag: comma-separated, blanks dropped.
pub fn feature_names(tag: Option<&str>) -> Vec<String> {
    tag.map(|t| {
        t.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    })
    .unwrap_or_default()
}

/// Read KSDrift output. `features` names the columns; when it is missing or does not have one
/// name per column, columns are named by position (`feature[0]`, ...) rather than guessed.
pub fn parse_ks_drift(
    bytes: &[u8],
    features: &[String],
    thresholds: &DriftThresholds,
) -> Result<WindowTable, AlibiError> {
    let doc: Value =
        lenient_json::from_slice(bytes).map_err(|e| AlibiError::Json(e.to_string()))?;
    let data = doc
        .get("data")
        .and_then(Value::as_object)
        .ok_or(AlibiError::NotKsDrift("no \"data\" object"))?;
    let p_vals = numbers(data.get("p_val")).ok_or(AlibiError::NotKsDrift("no \"p_val\" list"))?;
    let threshold = data
        .get("threshold")
        .and_then(Value::as_f64)
        .map(lenient_json::restore_infinity)
        .ok_or(AlibiError::NotKsDrift("no numeric \"threshold\""))?;
    if !data.contains_key("is_drift") {
        return Err(AlibiError::NotKsDrift("no \"is_drift\""));
    }
    let distances = numbers(data.get("distance")).unwrap_or_default();
    let named = features.len() == p_vals.len();
    let mut table = WindowTable::default();
    for (i, &p) in p_vals.iter().enumerate() {
        let mut stats = BTreeMap::new();
        stats.insert(Statistic::PValue, p);
        if let Some(&d) = distances.get(i) {
            stats.insert(Statistic::KsStat, d);
        }
        // NaN p-value or threshold: no verdict (unknown is never "not drifted").
        let verdict = (!p.is_nan() && !threshold.is_nan()).then_some(Verdict {
            drifted: p < threshold,
            statistic: Statistic::PValue,
            value: p,
            threshold,
            comparison: Comparison::Below,
        });
        table.features.push(FeatureRow {
            feature: if named {
                features[i].clone()
            } else {
                format!("feature[{i}]")
            },
            stats,
            test: Some("alibi-detect KSDrift p_val".into()),
            column_type: None,
            verdict,
        });
    }
    // Batch drift: one flag for the dataset, as alibi-detect decided it.
    table.dataset_drifted = match data.get("is_drift") {
        Some(Value::Number(n)) => n.as_f64().map(|v| v >= 1.0),
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    };
    if table.features.is_empty() {
        return Err(AlibiError::NotKsDrift("an empty \"p_val\" list"));
    }
    Ok(table.complete(thresholds))
}

/// A JSON list of numbers; `null` (NaN as Python's json writes it, made lenient) reads as NaN.
fn numbers(v: Option<&Value>) -> Option<Vec<f64>> {
    let list = v?.as_array()?;
    list.iter()
        .map(|x| match x {
            Value::Null => Some(f64::NAN),
            Value::Number(n) => n.as_f64().map(lenient_json::restore_infinity),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        feature_names(Some(s))
    }

    #[test]
    fn reads_batch_output_with_names_from_the_tag() {
        let bytes = br#"{"meta": {"name": "KSDrift", "detector_type": "drift"},
            "data": {"is_drift": 1, "distance": [0.02, 0.41, 0.05],
                     "p_val": [0.71, 1e-12, 0.2], "threshold": 0.016666666666666666}}"#;
        let t = parse_ks_drift(
            bytes,
            &names("age, income,tenure"),
            &DriftThresholds::default(),
        )
        .unwrap();
        assert_eq!(t.features.len(), 3);
        let income = t.feature("income").unwrap();
        assert!(income.drifted());
        assert_eq!(income.stat(&Statistic::KsStat), Some(0.41));
        assert!(!t.feature("age").unwrap().drifted());
        assert_eq!(t.dataset_drifted, Some(true));
        assert!((t.drift_share.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn p_value_equal_to_the_threshold_is_not_drift_as_in_alibi_detect() {
        let bytes = br#"{"data": {"is_drift": 0, "p_val": [0.05], "threshold": 0.05}}"#;
        let t = parse_ks_drift(bytes, &names("x"), &DriftThresholds::default()).unwrap();
        assert!(!t.feature("x").unwrap().drifted());
        assert_eq!(t.dataset_drifted, Some(false));
    }

    #[test]
    fn without_one_name_per_column_columns_are_named_by_position() {
        let bytes = br#"{"data": {"is_drift": 0, "p_val": [0.5, 0.4], "threshold": 0.025}}"#;
        let t = parse_ks_drift(bytes, &names("only_one"), &DriftThresholds::default()).unwrap();
        assert!(t.feature("feature[1]").is_some());
        let t = parse_ks_drift(bytes, &[], &DriftThresholds::default()).unwrap();
        assert!(t.feature("feature[0]").is_some());
    }

    #[test]
    fn nan_p_value_has_no_verdict() {
        let bytes = br#"{"data": {"is_drift": [0, 1], "p_val": [NaN, 0.001], "distance": [NaN, Infinity], "threshold": 0.05}}"#;
        let t = parse_ks_drift(bytes, &names("a,b"), &DriftThresholds::default()).unwrap();
        assert!(t.feature("a").unwrap().verdict.is_none());
        assert_eq!(
            t.feature("b").unwrap().stat(&Statistic::KsStat),
            Some(f64::INFINITY)
        );
        assert!(t.feature("b").unwrap().drifted());
        // A per-feature is_drift list is no batch verdict: the share decides.
        assert_eq!(t.drift_share, Some(1.0));
    }

    #[test]
    fn other_json_is_not_ks_drift() {
        let d = DriftThresholds::default();
        assert!(parse_ks_drift(br#"{"metrics": []}"#, &[], &d).is_err());
        assert!(parse_ks_drift(br#"{"data": {"p_val": [0.1]}}"#, &[], &d).is_err());
        assert!(parse_ks_drift(b"not json", &[], &d).is_err());
        assert!(parse_ks_drift(
            br#"{"data": {"is_drift": 0, "p_val": [], "threshold": 0.05}}"#,
            &[],
            &d
        )
        .is_err());
    }

    #[test]
    fn the_fixture_from_real_alibi_detect_reads() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/alibi/ksdrift_income_drifted.json");
        let bytes = std::fs::read(path).unwrap();
        let features = names("age,income,tenure_months,utilization");
        let t = parse_ks_drift(&bytes, &features, &DriftThresholds::default()).unwrap();
        assert_eq!(t.features.len(), 4);
        assert!(t.feature("income").unwrap().drifted());
        assert!(!t.feature("age").unwrap().drifted());
        assert_eq!(t.dataset_drifted, Some(true));
    }
}
