//! Everything a version's lineage tree is built from: its logged model, source run, parent runs
//! up to the root, experiments, the runs that produced its datasets, and other versions trained
//! on a dataset with the same digest. Links that cannot be read are left out; the pure tree
//! builder (`evidence::lineage`) marks them as missing leaves.

use std::collections::{HashMap, HashSet};

use futures::stream::{self, StreamExt};

use super::{Registry, RunState};
use crate::evidence::lineage::{producing_run_id, DatasetUser, LineageInput};
use crate::mlflow::{filter, Experiment, LoggedModel, MlflowError, ModelVersion, Run, RunSearch};

/// A guard against corrupted parent tags that point in circles or very deep.
const MAX_PARENT_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub struct LineageData {
    pub version: ModelVersion,
    pub logged_model: Option<LoggedModel>,
    pub source_run: Option<Run>,
    /// Parent runs and dataset-producing runs, by id.
    pub runs: HashMap<String, Run>,
    pub experiments: HashMap<String, Experiment>,
    pub dataset_users: Vec<DatasetUser>,
}

impl LineageData {
    pub fn input(&self) -> LineageInput<'_> {
        LineageInput {
            version: &self.version,
            logged_model: self.logged_model.as_ref(),
            source_run: self.source_run.as_ref(),
            runs: &self.runs,
            experiments: &self.experiments,
            dataset_users: &self.dataset_users,
        }
    }
}

impl Registry {
    pub async fn lineage(&self, model: &str, version: &str) -> Result<LineageData, MlflowError> {
        let detail = self.version_detail(model, version).await?;
        let source_run = detail.run.run().cloned();
        let mut runs: HashMap<String, Run> = HashMap::new();

        if let Some(run) = &source_run {
            // Parents one hop at a time: each id is only known once its child is read.
            let mut seen: HashSet<String> = HashSet::from([run.info.run_id.clone()]);
            let mut next = run.parent_run_id().map(str::to_string);
            while let Some(id) = next.take() {
                if seen.len() > MAX_PARENT_DEPTH || !seen.insert(id.clone()) {
                    break;
                }
                if let RunState::Active(r) | RunState::Deleted(r) = self.run(&id).await? {
                    next = r.parent_run_id().map(str::to_string);
                    runs.insert(id, (*r).clone());
                }
            }
            let producers: Vec<String> = run
                .inputs
                .dataset_inputs
                .iter()
                .filter_map(|d| d.dataset.source.as_deref().and_then(producing_run_id))
                .map(str::to_string)
                .filter(|id| !runs.contains_key(id))
                .collect();
            for r in self.runs_concurrently(producers).await? {
                runs.insert(r.info.run_id.clone(), r);
            }
        }

        let experiment_ids: HashSet<String> = source_run
            .iter()
            .chain(runs.values())
            .filter_map(|r| r.info.experiment_id.clone())
            .collect();
        let experiments_fut = self.experiments_by_id(experiment_ids);
        let users_fut = self.dataset_users(source_run.as_ref());
        let (experiments, dataset_users) = tokio::try_join!(experiments_fut, users_fut)?;

        Ok(LineageData {
            version: detail.version,
            logged_model: detail.logged_model,
            source_run,
            runs,
            experiments,
            dataset_users,
        })
    }

    async fn runs_concurrently(&self, ids: Vec<String>) -> Result<Vec<Run>, MlflowError> {
        let states: Vec<Result<RunState, MlflowError>> = stream::iter(ids)
            .map(|id| async move { self.run(&id).await })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let mut out = Vec::new();
        for state in states {
            if let Some(run) = state?.run() {
                out.push(run.clone());
            }
        }
        Ok(out)
    }

    async fn experiments_by_id(
        &self,
        ids: HashSet<String>,
    ) -> Result<HashMap<String, Experiment>, MlflowError> {
        let results: Vec<Result<Experiment, MlflowError>> = stream::iter(ids)
            .map(|id| async move { self.client.get_experiment(&id).await })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let mut out = HashMap::new();
        for result in results {
            match result {
                Ok(e) => {
                    out.insert(e.experiment_id.clone(), e);
                }
                // An experiment that is gone is a missing link, not a failure.
                Err(MlflowError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Versions of any model whose run used a dataset with one of this run's digests: one run
    /// search per digest, then one version search for all the runs found.
    async fn dataset_users(&self, run: Option<&Run>) -> Result<Vec<DatasetUser>, MlflowError> {
        let Some(run) = run else {
            return Ok(Vec::new());
        };
        let digests: Vec<String> = run
            .inputs
            .dataset_inputs
            .iter()
            .map(|d| d.dataset.digest.clone())
            .filter(|d| !d.is_empty())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if digests.is_empty() {
            return Ok(Vec::new());
        }
        let experiment_ids = self.experiment_ids().await?;
        let mut digest_of_run: HashMap<String, Vec<String>> = HashMap::new();
        for digest in &digests {
            let Some(q) = filter::quote(digest) else {
                continue;
            };
            let search = RunSearch {
                experiment_ids: experiment_ids.clone(),
                filter: Some(format!("datasets.digest = {q}")),
                ..RunSearch::default()
            };
            for r in self.client.search_runs(&search).await? {
                digest_of_run
                    .entry(r.info.run_id.clone())
                    .or_default()
                    .push(digest.clone());
            }
        }
        if digest_of_run.is_empty() {
            return Ok(Vec::new());
        }
        let mut users = Vec::new();
        let ids: Vec<&str> = digest_of_run.keys().map(String::as_str).collect();
        for chunk in ids.chunks(100) {
            let list: Vec<String> = chunk.iter().filter_map(|id| filter::quote(id)).collect();
            let versions = self
                .client
                .search_model_versions(
                    Some(&format!("run_id IN ({})", list.join(","))),
                    crate::mlflow::MAX_VERSIONS_PAGE,
                )
                .await?;
            for v in versions {
                for digest in v
                    .run_id()
                    .and_then(|id| digest_of_run.get(id))
                    .into_iter()
                    .flatten()
                {
                    users.push(DatasetUser {
                        digest: digest.clone(),
                        model: v.name.clone(),
                        version: v.version.clone(),
                    });
                }
            }
        }
        users.sort_by(|a, b| (&a.model, &a.version).cmp(&(&b.model, &b.version)));
        Ok(users)
    }
}
