//! Reports produced by the real `evidently` package (scripts/fixtures/make_evidently_reports.py).

use super::*;

const V04_SMALL: &[u8] =
    include_bytes!("../../../tests/fixtures/evidently/evidently_0_4_40_datadrift_500rows.json");
const V04_LARGE: &[u8] =
    include_bytes!("../../../tests/fixtures/evidently/evidently_0_4_40_datadrift_5000rows.json");
const V04_PSI: &[u8] =
    include_bytes!("../../../tests/fixtures/evidently/evidently_0_4_40_datadrift_psi.json");
const V07_SMALL: &[u8] =
    include_bytes!("../../../tests/fixtures/evidently/evidently_0_7_23_datadrift_500rows.json");
const V07_LARGE: &[u8] =
    include_bytes!("../../../tests/fixtures/evidently/evidently_0_7_23_datadrift_5000rows.json");
const V070_SMALL: &[u8] =
    include_bytes!("../../../tests/fixtures/evidently/evidently_0_7_0_datadrift_500rows.json");
const V070_LARGE: &[u8] =
    include_bytes!("../../../tests/fixtures/evidently/evidently_0_7_0_datadrift_5000rows.json");

fn read(bytes: &[u8]) -> EvidentlyReport {
    parse_report(bytes, &DriftThresholds::default()).unwrap()
}

fn drifted(report: &EvidentlyReport) -> Vec<&str> {
    report
        .table
        .drifted_features()
        .map(|f| f.feature.as_str())
        .collect()
}

#[test]
fn legacy_small_reference_uses_ks_and_chi_squared() {
    let r = read(V04_SMALL);
    assert_eq!(r.shape, ReportShape::Legacy);
    assert_eq!(r.evidently_version.as_deref(), Some("0.4.40"));
    assert_eq!(drifted(&r), ["income", "region", "tenure"]);
    let income = r.table.feature("income").unwrap();
    assert_eq!(income.test.as_deref(), Some("K-S p_value"));
    assert_eq!(income.column_type.as_deref(), Some("num"));
    let v = income.verdict.as_ref().unwrap();
    assert_eq!(v.statistic, Statistic::PValue);
    assert_eq!(v.threshold, 0.05);
    assert!(v.value < 1e-10);
    let region = r.table.feature("region").unwrap();
    assert_eq!(region.test.as_deref(), Some("chi-square p_value"));
    assert_eq!(region.column_type.as_deref(), Some("cat"));
    assert_eq!(r.table.drift_share, Some(0.75));
    assert_eq!(r.table.dataset_drifted, Some(true));
}

#[test]
fn legacy_large_reference_uses_distances() {
    let r = read(V04_LARGE);
    assert_eq!(drifted(&r), ["income"]);
    let income = r.table.feature("income").unwrap();
    assert_eq!(
        income.verdict.as_ref().unwrap().statistic,
        Statistic::Wasserstein
    );
    assert!((income.stat(&Statistic::Wasserstein).unwrap() - 0.5172).abs() < 1e-3);
    let region = r.table.feature("region").unwrap();
    assert!(region.stat(&Statistic::JsDistance).is_some());
    assert_eq!(r.table.drift_share, Some(0.25));
    assert_eq!(r.table.dataset_drifted, Some(false));
}

#[test]
fn legacy_distributions_are_kept() {
    let r = read(V04_SMALL);
    let income = &r.distributions["income"];
    let reference = income.reference.as_ref().unwrap();
    assert_eq!(reference.edges.len(), reference.values.len() + 1);
    assert!(reference.categories.is_empty());
    let region = r.distributions["region"].current.as_ref().unwrap();
    assert!(region.edges.is_empty());
    assert!(region.categories.contains(&"north".to_string()));
}

#[test]
fn legacy_psi_report() {
    let r = read(V04_PSI);
    assert_eq!(drifted(&r), ["income"]);
    let v = r.table.feature("income").unwrap().verdict.clone().unwrap();
    assert_eq!(v.statistic, Statistic::Psi);
    assert_eq!(v.threshold, 0.2);
}

#[test]
fn snapshot_07_matches_the_legacy_verdicts() {
    for (snapshot, legacy) in [(V07_SMALL, V04_SMALL), (V07_LARGE, V04_LARGE)] {
        let s = read(snapshot);
        let l = read(legacy);
        assert_eq!(s.shape, ReportShape::Snapshot);
        assert_eq!(drifted(&s), drifted(&l));
        assert_eq!(s.table.drift_share, l.table.drift_share);
        assert_eq!(s.table.dataset_drifted, l.table.dataset_drifted);
        for row in &s.table.features {
            let other = l.table.feature(&row.feature).unwrap();
            assert_eq!(
                row.stats.keys().collect::<Vec<_>>(),
                other.stats.keys().collect::<Vec<_>>()
            );
            assert_eq!(row.test, other.test);
        }
    }
}

#[test]
fn snapshot_070_with_metric_id() {
    assert!(String::from_utf8_lossy(V070_SMALL).contains("\"metric_id\""));
    let s = read(V070_SMALL);
    assert_eq!(s.shape, ReportShape::Snapshot);
    assert_eq!(drifted(&s), drifted(&read(V04_SMALL)));
    let income = s.table.feature("income").unwrap();
    assert_eq!(
        income.verdict.as_ref().unwrap().statistic,
        Statistic::PValue
    );
    assert!(income.test.as_deref().unwrap().contains("inferred"));
    let large = read(V070_LARGE);
    assert_eq!(drifted(&large), ["income"]);
    assert_eq!(large.table.drift_share, Some(0.25));
    assert_eq!(large.table.dataset_drifted, Some(false));
}

#[test]
fn snapshot_070_ambiguous_scores_get_no_verdict() {
    // 0.07 is neither a drifting p-value nor a drifting distance: a count of 1 fits no reading.
    let text = r#"{"metrics": [
        {"metric_id": "DriftedColumnsCount(drift_share=0.5)", "value": {"count": 1.0, "share": 0.5}},
        {"metric_id": "ValueDrift(column=a)", "value": 0.07},
        {"metric_id": "ValueDrift(column=b)", "value": 0.07}
    ]}"#;
    let r = read(text.as_bytes());
    assert!(r.table.features.iter().all(|f| f.verdict.is_none()));
    assert_eq!(r.table.drift_share, Some(0.5));
    assert_eq!(r.table.dataset_drifted, Some(true));
}

#[test]
fn snapshot_without_config_type_or_threshold() {
    let text = r#"{"metrics": [
        {"metric_id": "ValueDrift(column=x,method=PSI)", "config": {"column": "x", "method": "PSI"},
         "value": 0.3},
        {"metric_id": "DriftedColumnsCount(drift_share=0.5)", "config": {}, "value": {"count": 1, "share": 1.0}}
    ]}"#;
    let r = read(text.as_bytes());
    let v = r.table.feature("x").unwrap().verdict.clone().unwrap();
    // No threshold in the report: tollgate's PSI default (0.2) applies.
    assert_eq!(v.threshold, 0.2);
    assert!(v.drifted);
    assert_eq!(r.table.dataset_drifted, Some(true));
}

#[test]
fn column_drift_metric_and_nan_scores() {
    let text = r#"{"version": "0.4.16", "metrics": [{"metric": "ColumnDriftMetric", "result": {
        "column_name": "amount", "column_type": "num", "stattest_name": "Hellinger distance (normed)",
        "stattest_threshold": 0.1, "drift_score": NaN, "drift_detected": false}}]}"#;
    let r = read(text.as_bytes());
    let row = r.table.feature("amount").unwrap();
    assert!(row.stats.is_empty());
    assert!(row.verdict.is_none());
}

#[test]
fn test_names_map_to_statistics() {
    use Comparison::*;
    assert_eq!(
        statistic_of_test("K-S p_value"),
        (Statistic::PValue, Some(AtMost))
    );
    assert_eq!(
        statistic_of_test("Z-test p_value"),
        (Statistic::PValue, Some(Below))
    );
    assert_eq!(
        statistic_of_test("Wasserstein distance (normed)"),
        (Statistic::Wasserstein, Some(AtLeast))
    );
    assert_eq!(
        statistic_of_test("Jensen-Shannon distance"),
        (Statistic::JsDistance, Some(AtLeast))
    );
    assert_eq!(statistic_of_test("PSI").0, Statistic::Psi);
    assert_eq!(
        statistic_of_test("Kullback-Leibler divergence").0,
        Statistic::Other("Kullback-Leibler divergence".into())
    );
}

#[test]
fn not_a_drift_report() {
    let t = DriftThresholds::default();
    assert!(matches!(
        parse_report(b"{", &t),
        Err(EvidentlyError::Json(_))
    ));
    assert!(matches!(
        parse_report(br#"{"suite": {}}"#, &t),
        Err(EvidentlyError::NotADriftReport(m)) if m.contains("Report.save")
    ));
    assert!(matches!(
        parse_report(
            br#"{"metrics": [{"metric": "ClassificationQualityMetric", "result": {}}]}"#,
            &t
        ),
        Err(EvidentlyError::NotADriftReport(_))
    ));
}
