//! `tollgate drift` and `tollgate lineage` against the real, seeded MLflow server.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use serde_json::Value;
use support::live::{live, stdout};

fn node_ids(tree: &Value, kind: &str, out: &mut Vec<String>) {
    if tree["kind"] == kind {
        if let Some(id) = tree["opens"]["run_id"].as_str() {
            out.push(id.to_string());
        }
    }
    for child in tree["children"].as_array().into_iter().flatten() {
        node_ids(child, kind, out);
    }
}

#[test]
fn drift_names_the_seeded_drifting_feature_and_when_it_began() {
    let live = live();
    for m in live.manifest["monitoring"].as_array().unwrap() {
        let model = m["model_name"].as_str().unwrap();
        let version = m["model_version"].as_str().unwrap();
        let report = live.json(&["drift", model, version, "--json"]);
        let d = &report["monitored_versions"][0];
        assert_eq!(d["monitoring_run_id"], m["run_id"]);
        assert_eq!(d["window_count"], m["windows"]);
        let drifting = m["drifting_feature"].as_str().unwrap();
        let drifted: Vec<&str> = d["drifted_features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert_eq!(
            drifted,
            [drifting],
            "{model}: only the seeded feature drifts"
        );
        let onset = d["onsets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["feature"] == drifting)
            .expect("an onset for the drifting feature");
        // The seed's drift grows gradually from its start step; detection follows within days.
        let start = m["drift_starts_at_step"].as_i64().unwrap();
        let step = onset["step"].as_i64().unwrap();
        assert!(
            (start..start + 6).contains(&step),
            "{model}: onset {step}, seeded start {start}"
        );
        let end_ms = m["window_end_ms"][step as usize].as_i64().unwrap();
        let day = chrono::DateTime::from_timestamp_millis(end_ms)
            .unwrap()
            .format("%Y-%m-%d")
            .to_string();
        assert_eq!(onset["since"], day.as_str());
        assert!(d["perf_latest"].as_object().is_some_and(|p| !p.is_empty()));
    }
}

#[test]
fn drift_without_a_version_covers_the_monitored_versions() {
    let live = live();
    let m = &live.manifest["monitoring"][0];
    let model = m["model_name"].as_str().unwrap();
    let report = live.json(&["drift", model, "--json"]);
    let versions: Vec<&str> = report["monitored_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["version"].as_str().unwrap())
        .collect();
    assert!(
        versions.contains(&m["model_version"].as_str().unwrap()),
        "{versions:?}"
    );
    let out = live.tollgate(&["drift", model]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{} drifting since",
            m["drifting_feature"].as_str().unwrap()
        )),
        "{text}"
    );
}

#[test]
fn an_unmonitored_model_says_so() {
    let live = live();
    let out = live.tollgate(&["drift", "churn-predictor"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("no monitoring runs"));
}

#[test]
fn lineage_reaches_parent_and_grandparent_runs() {
    let live = live();
    for chain in live.manifest["run_chains"].as_array().unwrap() {
        let model = chain["model"].as_str().unwrap();
        let version = chain["version"].as_str().unwrap();
        let tree = live.json(&["lineage", model, version, "--json"]);
        assert_eq!(tree["kind"], "registered_model");
        let mut runs = Vec::new();
        node_ids(&tree, "run", &mut runs);
        assert_eq!(runs, [chain["child"].as_str().unwrap()]);
        let mut parents = Vec::new();
        node_ids(&tree, "parent_run", &mut parents);
        let expected: Vec<&str> = ["parent", "grandparent"]
            .iter()
            .filter_map(|k| chain[*k].as_str())
            .collect();
        assert_eq!(parents, expected, "{model} v{version}");
    }
}

#[test]
fn lineage_shows_datasets_with_digests_and_the_logged_model() {
    let live = live();
    let seeded = live.model("credit-risk-scorer");
    let v = &seeded["versions"][3];
    let tree = live.json(&[
        "lineage",
        "credit-risk-scorer",
        v["version"].as_str().unwrap(),
        "--json",
    ]);
    let text = serde_json::to_string(&tree).unwrap();
    assert!(text.contains("\"logged_model\""), "{text}");
    assert!(text.contains(v["model_id"].as_str().unwrap()));
    let human = stdout(&live.tollgate(&[
        "lineage",
        "credit-risk-scorer",
        v["version"].as_str().unwrap(),
    ]));
    assert!(
        human.contains("(training)") && human.contains("digest "),
        "{human}"
    );
}

#[test]
fn a_gone_run_is_a_marked_leaf_not_an_error() {
    let live = live();
    let name = live.edge("orphan_run");
    let out = live.tollgate(&["lineage", &name, "1"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("[missing]"), "{}", stdout(&out));
}

/// Reports made by the real `evidently` package (tests/fixtures/evidently), logged as artifacts
/// of a monitoring run, read into the same drift view as drift metrics.
#[test]
fn evidently_reports_logged_as_artifacts_are_read() {
    use support::rest::Rest;
    use support::unique;
    let live = live();
    let rest = Rest::new(&live.uri);
    let experiment = rest.experiment(&unique("evidently-monitoring"));
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evidently");
    for (file, shape) in [
        ("evidently_0_4_40_datadrift_5000rows.json", "legacy"),
        ("evidently_0_7_23_datadrift_500rows.json", "snapshot"),
    ] {
        let model = unique("evidently-model");
        rest.model_with_version(&model, &experiment);
        let run_id = rest.monitoring_run(&experiment, &model, "1");
        let bytes = std::fs::read(fixtures.join(file)).unwrap();
        rest.put_artifact(&experiment, &run_id, "evidently/data_drift.json", bytes);
        let report = live.json(&["drift", &model, "1", "--json"]);
        let d = &report["monitored_versions"][0];
        assert_eq!(d["monitoring_run_id"], run_id.as_str());
        let r = &d["evidently_reports"][0];
        assert_eq!(r["path"], "evidently/data_drift.json", "{file}");
        assert_eq!(r["shape"], shape, "{file}");
        // The fixtures shift `income` by 20%: every Evidently version calls it drifted.
        let drifted: Vec<&str> = d["drifted_features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert!(drifted.contains(&"income"), "{file}: {drifted:?}");
        let text = stdout(&live.tollgate(&["drift", &model, "1"]));
        assert!(
            text.contains("Evidently report evidently/data_drift.json"),
            "{text}"
        );
    }
}

#[test]
fn fairness_reads_aggregates_groups_and_the_four_fifths_ratio() {
    let live = live();
    for low in live.manifest["fairness"]["disparate_impact_below_0_8"]
        .as_array()
        .unwrap()
    {
        let model = low["model"].as_str().unwrap();
        let version = low["version"].as_str().unwrap();
        let report = live.json(&["fairness", model, version, "--json"]);
        let fairness = &report["fairness"];
        assert_eq!(fairness["state"], "logged");
        let di = fairness["aggregates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["metric"] == "disparate_impact")
            .expect("disparate impact logged");
        assert!((di["value"].as_f64().unwrap() - low["value"].as_f64().unwrap()).abs() < 1e-6);
        assert_eq!(di["ideal"], 1.0);
        let sex = fairness["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["attribute"] == "sex")
            .expect("per-group values for sex");
        let groups: Vec<&str> = sex["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["group"].as_str().unwrap())
            .collect();
        assert_eq!(groups, ["female", "male"]);
        // The ratio of selection rates, computed by tollgate, is the logged disparate impact.
        let ff = &sex["four_fifths"];
        assert!(
            (ff["ratio"].as_f64().unwrap() - low["value"].as_f64().unwrap()).abs() < 1e-3,
            "{ff}"
        );
        assert_eq!(ff["passes"], false);
    }
}

#[test]
fn a_version_without_fairness_evidence_says_what_to_log() {
    let live = live();
    let name = live.edge("escape");
    let out = live.tollgate(&["fairness", &name, "1"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("no fairness evidence logged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        live.json(&["fairness", &name, "1", "--json"])["fairness"]["state"],
        "no_evidence"
    );
}

/// A mean-shift monitor that logs only `z_score` and `iqr_overlap_ratio`: both are judged (a
/// drop past -3 sigma drifts, an overlap under half drifts), and the table shows their columns.
#[test]
fn the_mean_shift_monitors_statistics_are_judged() {
    use serde_json::json;
    use support::rest::Rest;
    use support::unique;
    let live = live();
    let rest = Rest::new(&live.uri);
    let experiment = rest.experiment(&unique("mean-shift-monitoring"));
    let model = unique("mean-shift-model");
    rest.model_with_version(&model, &experiment);
    let run_id = rest.monitoring_run(&experiment, &model, "1");
    let now = chrono::Utc::now().timestamp_millis();
    let metric =
        |key: &str, value: f64| json!({"key": key, "value": value, "timestamp": now, "step": 0});
    rest.post(
        "runs/log-batch",
        json!({"run_id": run_id, "metrics": [
            metric("drift.income.z_score", -4.2),
            metric("drift.income.iqr_overlap_ratio", 0.8),
            metric("drift.age.z_score", 0.4),
            metric("drift.age.iqr_overlap_ratio", 0.9),
            metric("drift.tenure.iqr_overlap_ratio", 0.3),
        ]}),
    );
    let report = live.json(&["drift", &model, "1", "--json"]);
    let d = &report["monitored_versions"][0];
    let drifted: Vec<&str> = d["drifted_features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(drifted.len(), 2, "{d}");
    assert!(
        drifted.contains(&"income") && drifted.contains(&"tenure"),
        "{drifted:?}"
    );
    let text = stdout(&live.tollgate(&["drift", &model, "1"]));
    assert!(
        text.contains("Z-SCORE") && text.contains("IQR OVERLAP"),
        "{text}"
    );
    assert!(text.contains("yes (z-score |x| > 3)"), "{text}");
}
