//! Monitoring evidence of a version: the runs tagged `monitoring.model_name` /
//! `monitoring.model_version` (in any experiment), their metric histories and histogram artifact.

use std::collections::HashMap;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::artifacts::is_absent;
use super::Registry;
use crate::mlflow::{filter, Metric, MlflowError, Run, RunSearch};

/// The evidence convention's histogram artifact.
pub const HISTOGRAMS_ARTIFACT: &str = "drift/histograms.json";
/// Metric histories are many small requests: allow more in flight than for other fan-outs.
const HISTORY_CONCURRENCY: usize = 8;

/// The latest monitoring run of a version, with what the drift and performance views need.
#[derive(Debug, Clone, Default)]
pub struct MonitoringData {
    /// Every monitoring run of the version, newest first.
    pub runs: Vec<Run>,
    /// Histories of the newest run's `drift.*` and `perf.*` metrics, by key.
    pub histories: HashMap<String, Vec<Metric>>,
    /// The newest run's histogram artifact, when it has one.
    pub histograms: Option<Vec<u8>>,
    /// Other JSON artifacts of the newest run (path, bytes): candidates for Evidently reports,
    /// which monitoring jobs often log instead of, or beside, drift metrics.
    pub json_artifacts: Vec<(String, Vec<u8>)>,
}

impl MonitoringData {
    pub fn latest_run(&self) -> Option<&Run> {
        self.runs.first()
    }
}

impl Registry {
    /// Monitoring runs of `model` (and of one version, when given), newest first.
    pub async fn monitoring_runs(
        &self,
        model: &str,
        version: Option<&str>,
    ) -> Result<Vec<Run>, MlflowError> {
        let Some(by_model) = filter::tag_equals("monitoring.model_name", model) else {
            // A name no filter can express: search by version tag alone, then check the name.
            return self.monitoring_runs_unfiltered(model, version).await;
        };
        let mut clauses = vec![by_model];
        if let Some(v) = version {
            clauses.extend(filter::tag_equals("monitoring.model_version", v));
        }
        let search = RunSearch {
            experiment_ids: self.experiment_ids().await?,
            filter: Some(clauses.join(" AND ")),
            order_by: vec!["attributes.start_time DESC".into()],
            ..RunSearch::default()
        };
        if search.experiment_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.client.search_runs(&search).await
    }

    /// Every monitoring run of every model, newest first: one paged search across experiments,
    /// for the models list's drift markers (never a request per model).
    pub async fn all_monitoring_runs(&self) -> Result<Vec<Run>, MlflowError> {
        let search = RunSearch {
            experiment_ids: self.experiment_ids().await?,
            filter: Some("tags.`monitoring.model_name` != ''".into()),
            order_by: vec!["attributes.start_time DESC".into()],
            ..RunSearch::default()
        };
        if search.experiment_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.client.search_runs(&search).await
    }

    async fn monitoring_runs_unfiltered(
        &self,
        model: &str,
        version: Option<&str>,
    ) -> Result<Vec<Run>, MlflowError> {
        let search = RunSearch {
            experiment_ids: self.experiment_ids().await?,
            filter: Some("tags.`monitoring.model_name` != ''".into()),
            order_by: vec!["attributes.start_time DESC".into()],
            ..RunSearch::default()
        };
        Ok(self
            .client
            .search_runs(&search)
            .await?
            .into_iter()
            .filter(|r| r.tag("monitoring.model_name") == Some(model))
            .filter(|r| version.is_none_or(|v| r.tag("monitoring.model_version") == Some(v)))
            .collect())
    }

    /// The version's monitoring evidence: runs, the newest run's drift and performance
    /// histories (fetched concurrently) and its histogram artifact. `None` when unmonitored.
    pub async fn monitoring(
        &self,
        model: &str,
        version: &str,
    ) -> Result<Option<MonitoringData>, MlflowError> {
        let runs = self.monitoring_runs(model, Some(version)).await?;
        let Some(latest) = runs.first() else {
            return Ok(None);
        };
        let run_id = latest.info.run_id.clone();
        let keys: Vec<String> = latest
            .data
            .metrics
            .iter()
            .map(|m| m.key.clone())
            .filter(|k| k.starts_with("drift.") || k.starts_with("perf."))
            .collect();
        let histories_fut = stream::iter(keys)
            .map(|key| {
                let run_id = run_id.clone();
                async move {
                    let history = self.client.get_metric_history(&run_id, &key).await?;
                    Ok::<_, MlflowError>((key, history))
                }
            })
            .buffer_unordered(HISTORY_CONCURRENCY)
            .try_collect::<HashMap<_, _>>();
        let histograms_fut = self.optional_artifact(&run_id, HISTOGRAMS_ARTIFACT);
        let reports_fut = self.json_artifacts(&run_id);
        let (histories, histograms, json_artifacts) =
            tokio::try_join!(histories_fut, histograms_fut, reports_fut)?;
        Ok(Some(MonitoringData {
            runs,
            histories,
            histograms,
            json_artifacts,
        }))
    }
}

impl Registry {
    /// JSON files at the top of a run's artifacts and one folder down (reports are usually logged
    /// as `report.json` or `evidently/<name>.json`), at most [`MAX_REPORTS`] of them.
    async fn json_artifacts(&self, run_id: &str) -> Result<Vec<(String, Vec<u8>)>, MlflowError> {
        let root = match self.client.list_artifacts(run_id, None).await {
            Ok(files) => files,
            Err(e) if is_absent(&e) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut files: Vec<String> = Vec::new();
        for entry in &root {
            if entry.is_dir {
                // One level down, only in folders whose name says they hold reports.
                let name = entry.path.to_ascii_lowercase();
                if ["evidently", "report", "drift", "monitoring"]
                    .iter()
                    .any(|w| name.contains(w))
                {
                    let inner = self
                        .client
                        .list_artifacts(run_id, Some(&entry.path))
                        .await?;
                    files.extend(inner.into_iter().filter(|f| !f.is_dir).map(|f| f.path));
                }
            } else {
                files.push(entry.path.clone());
            }
        }
        files.retain(|p| p.ends_with(".json") && p != HISTOGRAMS_ARTIFACT);
        files.sort();
        files.truncate(MAX_REPORTS);
        let mut out = Vec::new();
        for path in files {
            match self.client.get_artifact(run_id, &path).await {
                Ok(bytes) => out.push((path, bytes)),
                Err(e) if is_absent(&e) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

/// Reports read per monitoring run; more would slow the tab for little gain.
const MAX_REPORTS: usize = 4;
