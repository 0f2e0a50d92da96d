//! The client's typed calls against the real, seeded MLflow server: runs, metric histories,
//! experiments, artifacts, MLflow 3 logged models.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use support::live::live;
use support::{client, rt};
use tollgate::mlflow::RunSearch;

#[test]
fn monitoring_history_has_one_step_per_window_stamped_at_window_end() {
    let live = live();
    let c = client(&live.uri);
    let monitoring = live.manifest["monitoring"].as_array().unwrap();
    assert!(!monitoring.is_empty(), "the seed logs monitoring runs");
    let run_id = monitoring[0]["run_id"].as_str().unwrap();
    let run = rt().block_on(c.get_run(run_id)).unwrap();
    let name = run.tag("monitoring.model_name").expect("monitoring tag");
    assert_eq!(name, monitoring[0]["model_name"].as_str().unwrap());
    let drift_key = run
        .data
        .metrics
        .iter()
        .map(|m| m.key.as_str())
        .find(|k| k.starts_with("drift.") && k.ends_with(".psi"))
        .expect("a drift metric");
    let history = rt()
        .block_on(c.get_metric_history(run_id, drift_key))
        .unwrap();
    assert_eq!(history.len(), 30, "{drift_key}");
    let steps: Vec<i64> = history.iter().map(|m| m.step).collect();
    assert_eq!(steps, (0..30).collect::<Vec<_>>());
    assert!(history.windows(2).all(|w| w[1].timestamp > w[0].timestamp));
}

#[test]
fn monitoring_runs_are_found_by_tag_filter() {
    let live = live();
    let c = client(&live.uri);
    let m = &live.manifest["monitoring"][0];
    let model = m["model_name"].as_str().unwrap();
    let experiments: Vec<String> = rt()
        .block_on(c.search_experiments())
        .unwrap()
        .into_iter()
        .map(|e| e.experiment_id)
        .collect();
    let filter = tollgate::mlflow::filter::tag_equals("monitoring.model_name", model).unwrap();
    let runs = rt()
        .block_on(c.search_runs(&RunSearch {
            experiment_ids: experiments,
            filter: Some(filter),
            ..RunSearch::default()
        }))
        .unwrap();
    assert!(runs
        .iter()
        .any(|r| r.info.run_id == m["run_id"].as_str().unwrap()));
}

#[test]
fn artifacts_are_listed_and_read() {
    let live = live();
    let c = client(&live.uri);
    let m = &live.manifest["monitoring"][0];
    let run_id = m["run_id"].as_str().unwrap();
    let files = rt()
        .block_on(c.list_artifacts(run_id, Some("drift")))
        .unwrap();
    assert!(
        files.iter().any(|f| f.path == "drift/histograms.json"),
        "{files:?}"
    );
    let bytes = rt()
        .block_on(c.get_artifact(run_id, "drift/histograms.json"))
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert!(json["features"].as_object().is_some_and(|f| !f.is_empty()));
}

#[test]
fn a_missing_artifact_is_not_found() {
    let live = live();
    let c = client(&live.uri);
    let run_id = live.manifest["monitoring"][0]["run_id"].as_str().unwrap();
    let err = rt()
        .block_on(c.get_artifact(run_id, "no/such/file.json"))
        .unwrap_err();
    assert!(
        err.is_not_found()
            || matches!(err, tollgate::mlflow::MlflowError::Http { status: 404, .. }),
        "{err:?}"
    );
}

#[test]
fn mlflow3_logged_models_are_read() {
    let live = live();
    let c = client(&live.uri);
    let seeded = live.model("credit-risk-scorer");
    let version = &seeded["versions"][0];
    let model_id = version["model_id"]
        .as_str()
        .expect("core versions come from logged models");
    let logged = rt()
        .block_on(c.get_logged_model(model_id))
        .unwrap()
        .expect("present on 3.x");
    assert_eq!(logged.info.model_id, model_id);
    assert_eq!(
        logged.info.source_run_id.as_deref(),
        version["run_id"].as_str()
    );
    assert!(rt()
        .block_on(c.get_logged_model("m-00000000000000000000000000000000"))
        .unwrap()
        .is_none());
}

#[test]
fn runs_carry_parent_links_and_code_tags() {
    let live = live();
    let c = client(&live.uri);
    let seeded = live.model("credit-risk-scorer");
    let run_id = seeded["versions"][0]["run_id"].as_str().unwrap();
    let run = rt().block_on(c.get_run(run_id)).unwrap();
    let parent = run
        .parent_run_id()
        .expect("registered runs are children of a search run");
    let parent = rt().block_on(c.get_run(parent)).unwrap();
    assert_eq!(parent.info.experiment_id, run.info.experiment_id);
    assert!(run
        .tag("mlflow.source.git.commit")
        .is_some_and(|c| c.len() == 40));
}

#[test]
fn a_deleted_run_is_still_readable() {
    let live = live();
    let c = client(&live.uri);
    let name = live.edge("deleted_run");
    let run_id = live.model(&name)["versions"][0]["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let run = rt().block_on(c.get_run(&run_id)).unwrap();
    assert!(run.is_deleted());
}

#[test]
fn a_gone_run_is_not_found() {
    let live = live();
    let c = client(&live.uri);
    let name = live.edge("orphan_run");
    let run_id = live.model(&name)["versions"][0]["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let err = rt().block_on(c.get_run(&run_id)).unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(err.to_string().contains(&run_id));
}
