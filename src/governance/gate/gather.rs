//! Building gate evidence from the registry's objects (already fetched: still pure).

use std::collections::BTreeMap;

use super::{Baseline, DriftEvidence, Evidence};
use crate::evidence::drift::DriftHistory;
use crate::mlflow::{ModelVersion, RegisteredModel, Run, Tag};

/// The latest value of each metric (a run's `data.metrics` holds one entry per key already;
/// a logged model's metrics may repeat keys across steps).
fn latest_metrics(run: Option<&Run>) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, (i64, i64, f64)> = BTreeMap::new();
    for m in run.map(|r| r.data.metrics.as_slice()).unwrap_or_default() {
        let newer = out
            .get(&m.key)
            .is_none_or(|&(step, ts, _)| (m.step, m.timestamp) >= (step, ts));
        if newer {
            out.insert(m.key.clone(), (m.step, m.timestamp, m.value));
        }
    }
    out.into_iter().map(|(k, (_, _, v))| (k, v)).collect()
}

fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

impl Evidence {
    /// Evidence about `version`, its source run (pass `None` when the run is missing or
    /// deleted) and its registered model. Artifacts, baselines and drift are left to the caller.
    pub fn for_version(
        version: &ModelVersion,
        run: Option<&Run>,
        model: Option<&RegisteredModel>,
    ) -> Evidence {
        let mut aliases = version.aliases.clone();
        aliases.sort();
        Evidence {
            model: version.name.clone(),
            version: version.version.clone(),
            stage: version.stage().map(String::from),
            aliases,
            run_id: run.map(|r| r.info.run_id.clone()),
            metrics: latest_metrics(run),
            tags: tag_map(&version.tags),
            run_tags: tag_map(run.map(|r| r.data.tags.as_slice()).unwrap_or_default()),
            model_tags: tag_map(model.map(|m| m.tags.as_slice()).unwrap_or_default()),
            artifacts: None,
            baselines: BTreeMap::new(),
            drift: None,
        }
    }
}

impl Baseline {
    /// The baseline held by `version`, with its run's metrics.
    pub fn from_version(version: &ModelVersion, run: Option<&Run>) -> Baseline {
        Baseline {
            version: version.version.clone(),
            run_id: run.map(|r| r.info.run_id.clone()),
            metrics: latest_metrics(run),
        }
    }
}

impl DriftEvidence {
    /// The latest window of a monitoring run's drift history; `None` when it logged no drift.
    pub fn from_history(run_id: &str, history: &DriftHistory) -> Option<DriftEvidence> {
        history.latest().map(|window| DriftEvidence {
            run_id: run_id.to_string(),
            artifact_path: None,
            window,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::evidence::drift::DriftThresholds;
    use crate::mlflow::{Metric, RunData, RunInfo, Tag};

    fn metric(key: &str, value: f64, step: i64) -> Metric {
        Metric {
            key: key.into(),
            value,
            timestamp: 1000 + step,
            step,
        }
    }

    #[test]
    fn evidence_from_a_version_and_its_run() {
        let version = ModelVersion {
            name: "credit".into(),
            version: "7".into(),
            current_stage: Some("None".into()),
            aliases: vec!["b".into(), "a".into()],
            tags: vec![Tag {
                key: "owner".into(),
                value: "risk".into(),
            }],
            ..ModelVersion::default()
        };
        let run = Run {
            info: RunInfo {
                run_id: "r7".into(),
                ..RunInfo::default()
            },
            data: RunData {
                metrics: vec![metric("auc", 0.9, 2), metric("auc", 0.8, 1)],
                ..RunData::default()
            },
            ..Run::default()
        };
        let model = RegisteredModel {
            name: "credit".into(),
            tags: vec![Tag {
                key: "team".into(),
                value: "risk-ml".into(),
            }],
            ..RegisteredModel::default()
        };
        let ev = Evidence::for_version(&version, Some(&run), Some(&model));
        assert_eq!(ev.model_tags["team"], "risk-ml");
        assert_eq!(ev.stage, None);
        assert_eq!(ev.aliases, ["a", "b"]);
        assert_eq!(ev.run_id.as_deref(), Some("r7"));
        assert_eq!(ev.metrics["auc"], 0.9);
        assert_eq!(ev.tags["owner"], "risk");
        let base = Baseline::from_version(&version, None);
        assert_eq!(base.version, "7");
        assert!(base.metrics.is_empty());
    }

    #[test]
    fn drift_evidence_from_history() {
        let mut h = HashMap::new();
        h.insert(
            "drift.income.psi".to_string(),
            vec![metric("drift.income.psi", 0.3, 0)],
        );
        let history = DriftHistory::from_metric_histories(&h, &DriftThresholds::default());
        let d = DriftEvidence::from_history("mon", &history).unwrap();
        assert_eq!(d.run_id, "mon");
        assert!(d.window.feature("income").unwrap().drifted());
        let empty =
            DriftHistory::from_metric_histories(&HashMap::new(), &DriftThresholds::default());
        assert!(DriftEvidence::from_history("mon", &empty).is_none());
    }
}
