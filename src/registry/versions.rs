use std::collections::HashMap;
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use super::Registry;
use crate::mlflow::{
    filter, LoggedModel, MlflowError, ModelVersion, RegisteredModel, Run, RunSearch,
    MAX_VERSIONS_PAGE,
};

/// Run ids per `runs/search`: keeps the filter string well under URL and parser limits.
const RUN_IDS_PER_SEARCH: usize = 200;

/// What became of a version's source run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", content = "run", rename_all = "snake_case")]
pub enum RunState {
    /// The version names no run (registered from a path).
    NoRun,
    Active(Arc<Run>),
    /// The run was deleted but can still be read.
    Deleted(Arc<Run>),
    /// The version names a run the server no longer has.
    Missing,
}

impl RunState {
    pub fn run(&self) -> Option<&Run> {
        match self {
            RunState::Active(r) | RunState::Deleted(r) => Some(r),
            _ => None,
        }
    }

    fn from_run(run: Arc<Run>) -> Self {
        if run.is_deleted() {
            RunState::Deleted(run)
        } else {
            RunState::Active(run)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionRow {
    pub version: ModelVersion,
    pub run: RunState,
}

impl VersionRow {
    /// Who made the version: the registry's `user_id` when set (MLflow often leaves it empty),
    /// else the source run's user.
    pub fn creator(&self) -> Option<&str> {
        let from_version = self.version.user_id.as_deref().filter(|u| !u.is_empty());
        from_version.or_else(|| {
            let run = self.run.run()?;
            run.info
                .user_id
                .as_deref()
                .filter(|u| !u.is_empty())
                .or_else(|| run.tag("mlflow.user"))
        })
    }
}

/// A model with all its versions, newest first, each with its run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelVersions {
    pub model: RegisteredModel,
    pub versions: Vec<VersionRow>,
}

/// One version in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionDetail {
    pub version: ModelVersion,
    pub run: RunState,
    /// MLflow 3's logged model; `None` on 2.x servers or when the version has none.
    pub logged_model: Option<LoggedModel>,
}

impl Registry {
    /// Every version of `name` with its source run, in a handful of round trips: the model (for
    /// aliases, which version searches omit), the versions, the experiments, then runs in batches.
    pub async fn versions(&self, name: &str) -> Result<ModelVersions, MlflowError> {
        let model_fut = self.client.get_registered_model(name);
        let versions_fut = self.versions_of(name);
        let experiments_fut = self.experiment_ids();
        let (model, versions, experiment_ids) =
            tokio::try_join!(model_fut, versions_fut, experiments_fut)?;

        let aliases = aliases_by_version(&model);
        let run_ids: Vec<&str> = versions.iter().filter_map(|v| v.run_id()).collect();
        let runs = self.runs_by_id(&run_ids, &experiment_ids).await?;

        let mut rows: Vec<VersionRow> = versions
            .into_iter()
            .map(|mut version| {
                version.aliases = aliases.get(&version.version).cloned().unwrap_or_default();
                let run = match version.run_id() {
                    None => RunState::NoRun,
                    Some(id) => runs
                        .get(id)
                        .cloned()
                        .map(RunState::from_run)
                        .unwrap_or(RunState::Missing),
                };
                VersionRow { version, run }
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.version.number()));
        Ok(ModelVersions {
            model,
            versions: rows,
        })
    }

    /// One version with its run and (MLflow 3) its logged model.
    pub async fn version_detail(
        &self,
        name: &str,
        version: &str,
    ) -> Result<VersionDetail, MlflowError> {
        let version = self.client.get_model_version(name, version).await?;
        let run_fut = async {
            match version.run_id() {
                None => Ok(RunState::NoRun),
                Some(id) => self.run(id).await,
            }
        };
        let logged_fut = async {
            match version.logged_model_id() {
                // Lineage extras must not sink the page: degrade to "unknown".
                Some(id) => Ok::<_, MlflowError>(
                    self.client
                        .get_logged_model(id)
                        .await
                        .map_err(|e| tracing::warn!(error = %e, "logged model unavailable"))
                        .ok()
                        .flatten(),
                ),
                None => Ok(None),
            }
        };
        let (run, logged_model) = tokio::try_join!(run_fut, logged_fut)?;
        Ok(VersionDetail {
            version,
            run,
            logged_model,
        })
    }

    /// One run by id, from the cache when possible.
    pub async fn run(&self, run_id: &str) -> Result<RunState, MlflowError> {
        if let Some(run) = self.cache.run(run_id) {
            return Ok(RunState::from_run(run));
        }
        match self.client.get_run(run_id).await {
            Ok(run) => Ok(RunState::from_run(self.cache.put_run(run))),
            Err(MlflowError::NotFound { .. }) => Ok(RunState::Missing),
            Err(e) => Err(e),
        }
    }

    pub(super) async fn versions_of(&self, name: &str) -> Result<Vec<ModelVersion>, MlflowError> {
        match filter::name_equals(name) {
            Some(f) => {
                self.client
                    .search_model_versions(Some(&f), MAX_VERSIONS_PAGE)
                    .await
            }
            // A name no filter can express: read everything and keep this model's versions.
            None => Ok(self
                .client
                .search_model_versions(None, MAX_VERSIONS_PAGE)
                .await?
                .into_iter()
                .filter(|v| v.name == name)
                .collect()),
        }
    }

    pub(super) async fn experiment_ids(&self) -> Result<Vec<String>, MlflowError> {
        if let Some(ids) = self.cache.experiment_ids() {
            return Ok(ids);
        }
        let ids: Vec<String> = self
            .client
            .search_experiments()
            .await?
            .into_iter()
            .map(|e| e.experiment_id)
            .collect();
        self.cache.put_experiment_ids(ids.clone());
        Ok(ids)
    }

    /// Fetch runs by id with `attributes.run_id IN (...)`, batches in parallel (bounded).
    async fn runs_by_id(
        &self,
        run_ids: &[&str],
        experiment_ids: &[String],
    ) -> Result<HashMap<String, Arc<Run>>, MlflowError> {
        let mut found: HashMap<String, Arc<Run>> = HashMap::new();
        let mut wanted: Vec<&str> = Vec::new();
        for id in run_ids {
            match self.cache.run(id) {
                Some(run) => {
                    found.insert((*id).to_string(), run);
                }
                None if !wanted.contains(id) => wanted.push(id),
                None => {}
            }
        }
        if wanted.is_empty() || experiment_ids.is_empty() {
            return Ok(found);
        }
        // Filters are built up front so the stream's closure borrows nothing: a closure over
        // `&str` batches makes the future not provably `Send`, and the cockpit spawns it.
        let searches: Vec<RunSearch> = wanted
            .chunks(RUN_IDS_PER_SEARCH)
            .map(|batch| RunSearch {
                experiment_ids: experiment_ids.to_vec(),
                filter: Some(filter::run_id_in(batch)),
                include_deleted: true,
                ..RunSearch::default()
            })
            .collect();
        let client = &self.client;
        let results: Vec<Vec<Run>> = stream::iter(searches)
            .map(|search| async move { client.search_runs(&search).await })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        for run in results.into_iter().flatten() {
            let run = self.cache.put_run(run);
            found.insert(run.info.run_id.clone(), run);
        }
        Ok(found)
    }
}

fn aliases_by_version(model: &RegisteredModel) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for alias in &model.aliases {
        map.entry(alias.version.clone())
            .or_default()
            .push(alias.alias.clone());
    }
    for aliases in map.values_mut() {
        aliases.sort();
    }
    map
}

/// Metrics worth a column when nobody configured any: the usual quality, cost and size figures.
const PREFERRED_METRICS: &[&str] = &[
    "accuracy",
    "auc",
    "roc_auc",
    "f1",
    "f1_score",
    "precision",
    "recall",
    "rmse",
    "mae",
    "r2",
    "latency_p95_ms",
    "model_size_mb",
];

impl ModelVersions {
    /// Up to `max` metric names for table columns: preferred names the runs hold, then the most
    /// common other plain metrics. Evidence metrics (`fairness.*`, `drift.*`) have their own tabs.
    pub fn key_metrics(&self, max: usize) -> Vec<String> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for row in &self.versions {
            if let Some(run) = row.run.run() {
                for m in &run.data.metrics {
                    *counts.entry(m.key.as_str()).or_insert(0) += 1;
                }
            }
        }
        let mut chosen: Vec<String> = PREFERRED_METRICS
            .iter()
            .filter(|k| counts.contains_key(*k))
            .map(|k| k.to_string())
            .collect();
        let mut others: Vec<(&str, usize)> = counts
            .iter()
            .filter(|(k, _)| !k.contains('.') && !PREFERRED_METRICS.contains(k))
            .map(|(k, c)| (*k, *c))
            .collect();
        others.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        chosen.extend(others.into_iter().map(|(k, _)| k.to_string()));
        chosen.truncate(max);
        chosen
    }
}
