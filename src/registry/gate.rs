//! Gate evidence for one version, read fresh from the registry (never from the session cache:
//! a decision must be bound to what the server holds now). Everything the policy's gates for the
//! target need is fetched concurrently: the version, its run, the registered model, the baseline
//! holders, the run's artifact listing and the latest monitoring window.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::artifacts::is_absent;
use super::Registry;
use crate::evidence::drift::DriftThresholds;
use crate::governance::{Baseline, Check, DriftEvidence, Evidence, GateReport, Policy, Target};
use crate::mlflow::{MlflowError, ModelVersion, RegisteredModel, Run};

/// How deep `require_artifact` folder checks look into the run's artifacts.
const ARTIFACT_DEPTH: usize = 4;
/// At most this many artifact paths are listed (a run with a huge tree stays cheap).
const ARTIFACT_LIMIT: usize = 2000;

/// The evidence and the objects it was read from (four-eyes needs the creators).
#[derive(Debug, Clone)]
pub struct GatheredVersion {
    pub evidence: Evidence,
    pub version: ModelVersion,
    pub run: Option<Run>,
    pub model: RegisteredModel,
}

impl GatheredVersion {
    /// The source run's creator: its `mlflow.user` tag, else its `user_id`.
    pub fn run_creator(&self) -> Option<&str> {
        let run = self.run.as_ref()?;
        run.tag("mlflow.user")
            .or(run.info.user_id.as_deref())
            .filter(|u| !u.trim().is_empty())
    }

    /// The version's `user_id`, when the registry recorded one.
    pub fn version_creator(&self) -> Option<&str> {
        self.version
            .user_id
            .as_deref()
            .filter(|u| !u.trim().is_empty())
    }
}

impl Registry {
    /// Everything `policy`'s gates for `target` need about `version` of `model`.
    pub async fn gate_evidence(
        &self,
        policy: &Policy,
        model: &str,
        version: &str,
        target: &Target,
    ) -> Result<GatheredVersion, MlflowError> {
        let needs_drift = policy
            .gates_for(target)
            .any(|g| matches!(g.check, Check::Drift { .. }));
        let needs_artifacts = policy
            .gates_for(target)
            .any(|g| matches!(g.check, Check::RequireArtifact { .. }));

        let drift_fut = async {
            if needs_drift {
                self.latest_drift(model, version).await
            } else {
                Ok(None)
            }
        };
        let (mv, registered, drift) = tokio::try_join!(
            self.client.get_model_version(model, version),
            self.client.get_registered_model(model),
            drift_fut
        )?;

        let run_fut = async {
            match mv.run_id() {
                Some(id) => self.fresh_run(id).await,
                None => Ok(None),
            }
        };
        let artifacts_fut = async {
            match (needs_artifacts, mv.run_id()) {
                (true, Some(id)) => self.artifact_paths(id).await,
                _ => Ok(None),
            }
        };
        let baseline_targets = policy.baselines_for(target);
        let baselines_fut = self.baselines(&registered, &baseline_targets);
        let (run, artifacts, baselines) = tokio::try_join!(run_fut, artifacts_fut, baselines_fut)?;

        let mut evidence = Evidence::for_version(&mv, run.as_ref(), Some(&registered));
        evidence.artifacts = artifacts;
        evidence.baselines = baselines;
        evidence.drift = drift;
        Ok(GatheredVersion {
            evidence,
            version: mv,
            run,
            model: registered,
        })
    }

    /// A run read from the server now; `None` when it is gone.
    async fn fresh_run(&self, run_id: &str) -> Result<Option<Run>, MlflowError> {
        match self.client.get_run(run_id).await {
            Ok(run) => Ok(Some(run)),
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The version now holding each baseline target, with its run's metrics.
    async fn baselines(
        &self,
        model: &RegisteredModel,
        targets: &[Target],
    ) -> Result<BTreeMap<Target, Baseline>, MlflowError> {
        let holders: Vec<(Target, String)> = targets
            .iter()
            .filter_map(|t| holder(model, t).map(|v| (t.clone(), v)))
            .collect();
        stream::iter(holders)
            .map(|(target, version)| async move {
                let mv = self.client.get_model_version(&model.name, &version).await?;
                let run = match mv.run_id() {
                    Some(id) => self.fresh_run(id).await?,
                    None => None,
                };
                Ok::<_, MlflowError>((target, Baseline::from_version(&mv, run.as_ref())))
            })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await
    }

    /// Every artifact path of a run, folders descended breadth-first up to a depth and a count.
    async fn artifact_paths(&self, run_id: &str) -> Result<Option<Vec<String>>, MlflowError> {
        let mut paths = Vec::new();
        let mut level: Vec<Option<String>> = vec![None];
        for _ in 0..ARTIFACT_DEPTH {
            if level.is_empty() || paths.len() >= ARTIFACT_LIMIT {
                break;
            }
            let listings: Vec<Vec<crate::mlflow::FileInfo>> = stream::iter(level)
                .map(|dir| async move { self.client.list_artifacts(run_id, dir.as_deref()).await })
                .buffer_unordered(self.concurrency)
                .try_collect()
                .await?;
            level = Vec::new();
            for file in listings.into_iter().flatten() {
                if file.is_dir {
                    paths.push(format!("{}/", file.path));
                    level.push(Some(file.path));
                } else {
                    paths.push(file.path);
                }
            }
        }
        paths.sort();
        Ok(Some(paths))
    }

    /// The latest monitoring window of the version; `None` when it is unmonitored.
    async fn latest_drift(
        &self,
        model: &str,
        version: &str,
    ) -> Result<Option<DriftEvidence>, MlflowError> {
        let Some(data) = self.monitoring(model, version).await? else {
            return Ok(None);
        };
        let Some(run) = data.latest_run() else {
            return Ok(None);
        };
        let history = data.history(&DriftThresholds::default());
        Ok(DriftEvidence::from_history(&run.info.run_id, &history))
    }
}

/// The version holding `target` now: an alias's version, or the newest version in a stage.
pub fn holder(model: &RegisteredModel, target: &Target) -> Option<String> {
    match target {
        Target::Alias(a) => model
            .aliases
            .iter()
            .find(|x| &x.alias == a)
            .map(|x| x.version.clone()),
        Target::Stage(_) => model
            .latest_versions
            .iter()
            .filter(|v| target.held_by(v.stage(), &[]))
            .max_by_key(|v| v.number())
            .map(|v| v.version.clone()),
    }
}

/// The version tag recording a report: (`tollgate.gate.<TARGET>`, the report's own status:
/// `pass`, `fail`, `missing`, ...). Never flattened to pass/fail: a `missing` report is not a
/// failed one, and the inbox reader must see which.
pub fn gate_status_tag(report: &GateReport) -> (String, String) {
    (
        format!("tollgate.gate.{}", report.target.tag_key()),
        report.status.as_str().to_string(),
    )
}
