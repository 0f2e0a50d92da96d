//! The registry layer's gatherers against the real, seeded MLflow server.

mod support;

use support::live::live;
use tollgate::mlflow::{ConnectionSettings, MlflowClient};
use tollgate::registry::Registry;

fn registry(uri: &str) -> (Registry, MlflowClient) {
    let client = MlflowClient::new(ConnectionSettings::new(uri)).unwrap();
    (Registry::new(client.clone(), 1000), client)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
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
    let psi = &data.histories[&format!("drift.{feature}.psi")];
    assert_eq!(psi.len(), 30);
    assert!(data.histories.contains_key("drift.share"));
    assert!(data.histories.keys().any(|k| k.starts_with("perf.")));
    assert!(data.histograms.is_some());
    // Bounded: the search (+ experiments), one history per metric, the histogram artifact, and
    // two listings looking for reports (the root and its `drift/` folder).
    let expected = 2 + data.histories.len() as u64 + 1 + 2;
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
