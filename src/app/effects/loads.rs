//! Data loads: lists, a version's detail and its tabs' evidence, the run view, velocity. Each
//! answers once; a superseded request's answer is dropped by `update` (by request id).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::EffectRunner;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::screens::Monitored;
use crate::evidence::drift::{self, DriftThresholds};
use crate::mlflow::{MlflowError, Run};
use crate::registry::MonitoringData;

impl EffectRunner {
    pub(super) fn load(&self, effect: Effect) {
        let registry = self.registry();
        match effect {
            Effect::LoadModels { request } => self.load_models(registry, request),
            Effect::SearchModels { request, text } => self.spawn_answer(
                async move { registry.models(Some(&text)).await },
                move |result| Action::ModelSearchLoaded { request, result },
            ),
            Effect::LoadVersions { request, model } => self.spawn_answer(
                async move { registry.versions(&model).await.map(Box::new) },
                move |result| Action::VersionsLoaded { request, result },
            ),
            Effect::LoadDetail {
                request,
                model,
                version,
            } => self.spawn_answer(
                async move {
                    registry
                        .version_detail(&model, &version)
                        .await
                        .map(Box::new)
                },
                move |result| Action::DetailLoaded { request, result },
            ),
            Effect::LoadHistory {
                request,
                run_id,
                key,
            } => {
                let (run, metric) = (run_id.clone(), key.clone());
                self.spawn_answer(
                    async move { registry.client().get_metric_history(&run, &metric).await },
                    move |result| Action::HistoryLoaded {
                        request,
                        run_id,
                        key,
                        result,
                    },
                )
            }
            Effect::LoadMonitoring {
                request,
                model,
                version,
                thresholds,
            } => self.spawn_answer(
                async move {
                    let data = registry.monitoring(&model, &version).await;
                    data.map(|data| data.map(|d| Arc::new(monitored(d, &thresholds))))
                },
                move |result| Action::MonitoringLoaded { request, result },
            ),
            Effect::LoadDriftMarks {
                request,
                model,
                thresholds,
            } => self.spawn_answer(
                async move {
                    let runs = registry.monitoring_runs(&model, None).await?;
                    let artifacts = registry.json_artifacts_of(&report_only(&runs)).await?;
                    Ok::<_, MlflowError>(drift_marks(&runs, &artifacts, &thresholds))
                },
                move |result| Action::DriftMarksLoaded { request, result },
            ),
            Effect::LoadModelDriftMarks {
                request,
                thresholds,
            } => self.spawn_answer(
                async move {
                    let runs = registry.all_monitoring_runs().await?;
                    let artifacts = registry.json_artifacts_of(&report_only(&runs)).await?;
                    Ok::<_, MlflowError>(model_drift_marks(&runs, &artifacts, &thresholds))
                },
                move |result| Action::ModelDriftMarksLoaded { request, result },
            ),
            Effect::LoadLineage {
                request,
                model,
                version,
            } => self.spawn_answer(
                async move {
                    let data = registry.lineage(&model, &version).await;
                    data.map(|d| Arc::new(crate::evidence::lineage::build_lineage(&d.input())))
                },
                move |result| Action::LineageLoaded { request, result },
            ),
            Effect::LoadRun { request, run_id } => self.spawn_answer(
                async move { registry.client().get_run(&run_id).await.map(Box::new) },
                move |result| Action::RunLoaded { request, result },
            ),
            Effect::LoadVelocity {
                request,
                thresholds,
            } => self.spawn_answer(
                async move { registry.velocity(&thresholds).await },
                move |result| Action::VelocityLoaded { request, result },
            ),
            other => self.misrouted("the data loads", other),
        }
    }
}

/// Judge the monitoring data and parse its histograms, off the UI thread.
fn monitored(data: MonitoringData, thresholds: &DriftThresholds) -> Monitored {
    let run = data.latest_run();
    Monitored {
        run_id: run.map(|r| r.info.run_id.clone()).unwrap_or_default(),
        run_name: run.and_then(|r| r.info.run_name.clone()),
        runs: data.runs.len(),
        history: data.history(thresholds),
        reports: data.reports(thresholds),
        histograms: data
            .histograms
            .as_deref()
            .map(|bytes| drift::Histograms::parse(bytes).map_err(|e| e.to_string())),
    }
}

/// JSON artifacts (path, bytes) by run id.
pub type RunArtifacts = HashMap<String, Vec<(String, Vec<u8>)>>;

/// The runs whose artifacts the markers need: the newest run of each version, when it logged
/// no drift metric (its evidence is an Evidently report or alibi-detect output).
pub fn report_only(runs: &[Run]) -> Vec<&Run> {
    let mut seen = HashSet::new();
    newest_first(runs)
        .into_iter()
        .filter(|r| {
            let key = (
                r.tag("monitoring.model_name"),
                r.tag("monitoring.model_version"),
            );
            key.1.is_some() && seen.insert(key)
        })
        .filter(|r| !drift::has_drift_metrics(r))
        .collect()
}

/// Runs by the newest window they hold (ties: the search's order, the latest start first).
fn newest_first(runs: &[Run]) -> Vec<&Run> {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(drift::latest_window_end(r)));
    sorted
}

/// Whether one run says drift: its latest drift metrics, else its first drift report
/// (`artifacts`: the run's JSON artifacts, when read).
fn run_drifted(run: &Run, artifacts: &RunArtifacts, thresholds: &DriftThresholds) -> bool {
    if drift::has_drift_metrics(run) {
        return drift::latest_values_drifted(&run.data.metrics, thresholds);
    }
    let Some(files) = artifacts.get(&run.info.run_id) else {
        return false;
    };
    let features = run.tag(crate::evidence::alibi::FEATURES_TAG);
    drift::read_run_reports(files, features, thresholds)
        .first()
        .is_some_and(|r| {
            r.table.dataset_drifted == Some(true) || r.table.drifted_features().next().is_some()
        })
}

/// Version -> whether its newest monitoring run says drift, by its latest values or, for a run
/// that logged only a report, by the report.
pub fn drift_marks(
    runs: &[Run],
    artifacts: &RunArtifacts,
    thresholds: &DriftThresholds,
) -> BTreeMap<String, bool> {
    let mut marks = BTreeMap::new();
    // The run holding a version's newest window is the one that counts.
    for run in newest_first(runs) {
        if let Some(version) = run.tag("monitoring.model_version") {
            marks
                .entry(version.to_string())
                .or_insert_with(|| run_drifted(run, artifacts, thresholds));
        }
    }
    marks
}

/// Model -> whether any of its monitored versions drifted in its newest run.
pub fn model_drift_marks(
    runs: &[Run],
    artifacts: &RunArtifacts,
    thresholds: &DriftThresholds,
) -> BTreeMap<String, bool> {
    let mut by_model: BTreeMap<&str, Vec<Run>> = BTreeMap::new();
    for run in runs {
        if let Some(model) = run.tag("monitoring.model_name") {
            by_model.entry(model).or_default().push(run.clone());
        }
    }
    by_model
        .into_iter()
        .map(|(model, runs)| {
            let drifted = drift_marks(&runs, artifacts, thresholds)
                .values()
                .any(|d| *d);
            (model.to_string(), drifted)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{drift_marks, model_drift_marks};
    use crate::mlflow::{Metric, Run, Tag};

    fn run(version: &str, metrics: &[(&str, f64)]) -> Run {
        let mut r = Run::default();
        r.data.tags.push(Tag {
            key: "monitoring.model_version".into(),
            value: version.into(),
        });
        r.data.metrics = metrics
            .iter()
            .map(|(k, v)| Metric {
                key: k.to_string(),
                value: *v,
                timestamp: 0,
                step: 0,
            })
            .collect();
        r
    }

    #[test]
    fn the_newest_run_of_each_version_decides_its_marker() {
        let runs = [
            run(
                "4",
                &[
                    ("drift.income.psi", 0.6),
                    ("drift.age.psi", 0.01),
                    ("drift.share", 0.17),
                ],
            ),
            run("4", &[("drift.income.psi", 0.01)]),
            run("3", &[("drift.share", 0.6)]),
            run("2", &[("drift.age.psi", 0.05), ("drift.share", 0.0)]),
        ];
        let marks = drift_marks(&runs, &Default::default(), &Default::default());
        assert_eq!(marks.get("4"), Some(&true), "a drifted feature is enough");
        assert_eq!(marks.get("3"), Some(&true), "the dataset share");
        assert_eq!(marks.get("2"), Some(&false));
        assert_eq!(marks.get("1"), None, "not monitored");
    }

    fn of_model(model: &str, mut r: Run) -> Run {
        r.data.tags.push(Tag {
            key: "monitoring.model_name".into(),
            value: model.into(),
        });
        r
    }

    #[test]
    fn a_model_is_marked_when_any_versions_newest_run_drifted() {
        let runs = [
            of_model("a", run("2", &[("drift.income.psi", 0.01)])),
            of_model("a", run("1", &[("drift.income.psi", 0.6)])),
            of_model("b", run("7", &[("drift.age.psi", 0.01)])),
            // An older run of b v7 drifted, but the newest one decides.
            of_model("b", run("7", &[("drift.age.psi", 0.9)])),
        ];
        let marks = model_drift_marks(&runs, &Default::default(), &Default::default());
        assert_eq!(marks.get("a"), Some(&true), "version 1 still drifts");
        assert_eq!(marks.get("b"), Some(&false));
        assert_eq!(marks.get("c"), None, "not monitored");
    }

    #[test]
    fn a_report_only_run_is_judged_by_its_report() {
        let mut alibi = run("5", &[("perf.auc", 0.8)]);
        alibi.info.run_id = "r5".into();
        alibi.data.tags.push(Tag {
            key: "monitoring.features".into(),
            value: "age,income".into(),
        });
        let mut quiet = run("6", &[]);
        quiet.info.run_id = "r6".into();
        let runs = [alibi, quiet];
        let only: Vec<&str> = super::report_only(&runs)
            .iter()
            .map(|r| r.info.run_id.as_str())
            .collect();
        assert_eq!(
            only,
            ["r5", "r6"],
            "no drift metric: their reports are needed"
        );
        let mut artifacts = super::RunArtifacts::new();
        artifacts.insert(
            "r5".into(),
            vec![(
                "drift/alibi_ksdrift.json".into(),
                br#"{"data": {"is_drift": 1, "p_val": [0.4, 1e-9], "distance": [0.02, 0.3], "threshold": 0.025}}"#.to_vec(),
            )],
        );
        artifacts.insert("r6".into(), vec![("notes.json".into(), b"{}".to_vec())]);
        let marks = drift_marks(&runs, &artifacts, &Default::default());
        assert_eq!(marks.get("5"), Some(&true));
        assert_eq!(
            marks.get("6"),
            Some(&false),
            "no report: nothing says drift"
        );
    }
}
