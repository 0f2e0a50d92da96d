//! The registry layer's gatherers against the real, seeded MLflow server.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use support::live::live;
use support::rt;
use tollgate::mlflow::{ConnectionSettings, MlflowClient};
use tollgate::registry::Registry;

fn registry(uri: &str) -> (Registry, MlflowClient) {
    let client = MlflowClient::new(ConnectionSettings::new(uri)).unwrap();
    (Registry::new(client.clone(), 1000), client)
}

#[test]
fn monitoring_of_a_monitored_version_has_histories_and_histograms() {
    let live = live();
    let (registry, client) = registry(&live.uri);
    let m = &live.manifest["monitoring"][0];
    let model = m["model_name"].as_str().unwrap();
    let version = m["model_version"].as_str().unwrap();
    let data = rt()
        .block_on(registry.monitoring(model, version))
        .unwrap()
        .expect("monitored");
    assert_eq!(
        data.latest_run().unwrap().info.run_id,
        m["run_id"].as_str().unwrap()
    );
    let feature = m["drifting_feature"].as_str().unwrap();
    let histories = data.latest_histories();
    let psi = &histories[&format!("drift.{feature}.psi")];
    assert_eq!(psi.len(), 30);
    assert!(histories.contains_key("drift.share"));
    assert!(histories.keys().any(|k| k.starts_with("perf.")));
    assert!(data.histograms.is_some());
    // Bounded: the search (+ experiments), one history per metric, the histogram artifact (one
    // read: it is there; only a 5xx would make tollgate list its folder, since MLflow 2 answers
    // a missing file with 500), and two listings looking for reports (the root and `drift/`).
    let expected = 2 + histories.len() as u64 + 1 + 2;
    assert_eq!(client.request_count(), expected);
}

#[test]
fn an_unmonitored_version_has_no_monitoring() {
    let live = live();
    let (registry, _) = registry(&live.uri);
    let data = rt()
        .block_on(registry.monitoring("churn-predictor", "1"))
        .unwrap();
    assert!(data.is_none());
}

#[test]
fn monitoring_runs_are_found_for_awkward_names_too() {
    let live = live();
    let (registry, _) = registry(&live.uri);
    // No seeded monitoring for these; the point is that the filter is valid for every name.
    for name in live.awkward_models() {
        let runs = rt()
            .block_on(registry.monitoring_runs(&name, None))
            .unwrap();
        assert!(runs
            .iter()
            .all(|r| r.tag("monitoring.model_name") == Some(name.as_str())));
    }
}

/// The models list's drift markers come from one search across experiments: every seeded
/// monitoring run is in it, and the seeded drifting model is marked.
#[test]
fn every_monitoring_run_comes_from_one_search() {
    let live = live();
    let (registry, client) = registry(&live.uri);
    let runs = rt().block_on(registry.all_monitoring_runs()).unwrap();
    // The experiments listing and the runs search (a page holds every seeded run).
    assert!(client.request_count() <= 3, "{}", client.request_count());
    let marks =
        tollgate::app::effects::model_drift_marks(&runs, &Default::default(), &Default::default());
    for m in live.manifest["monitoring"].as_array().unwrap() {
        let id = m["run_id"].as_str().unwrap();
        assert!(runs.iter().any(|r| r.info.run_id == id), "{id}");
        let model = m["model_name"].as_str().unwrap();
        assert_eq!(
            marks.get(model),
            Some(&true),
            "{model} drifts in its latest window"
        );
    }
}

/// `:velocity` on the seeded registry: the seed put versions in Production by hand, with no
/// record of an approval, so they are counted as promoted outside tollgate (and have no lead
/// time); the drifting monitored versions have an onset.
#[test]
fn velocity_of_the_seeded_registry() {
    let live = live();
    let (registry, _) = registry(&live.uri);
    let figures = rt()
        .block_on(registry.velocity(&Default::default()))
        .unwrap();
    let credit = figures
        .iter()
        .find(|v| v.model == "credit-risk-scorer")
        .expect("credit-risk-scorer has a version in Production");
    assert!(!credit.outside.is_empty(), "{credit:?}");
    assert!(credit.lead_times_ms.iter().all(|ms| *ms >= 0));
    let monitored = live.manifest["monitoring"][0]["model_name"]
        .as_str()
        .unwrap();
    let m = figures.iter().find(|v| v.model == monitored).unwrap();
    assert!(
        m.open_incidents + m.restore_times_ms.len() >= 1,
        "the seeded drift is an incident: {m:?}"
    );
}
