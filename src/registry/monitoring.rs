//! Monitoring evidence of a version: the runs tagged `monitoring.model_name` /
//! `monitoring.model_version` (in any experiment), their metric histories and histogram artifact.

use std::collections::HashMap;

use futures::stream::{self, StreamExt, TryStreamExt};

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
        let histograms_fut = async {
            match self.client.get_artifact(&run_id, HISTOGRAMS_ARTIFACT).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if is_absent(&e) => Ok(None),
                Err(e) => Err(e),
            }
        };
        let (histories, histograms) = tokio::try_join!(histories_fut, histograms_fut)?;
        Ok(Some(MonitoringData {
            runs,
            histories,
            histograms,
        }))
    }
}

/// An artifact that is not there: MLflow answers 404, some proxies a bare 404.
pub(super) fn is_absent(e: &MlflowError) -> bool {
    matches!(
        e,
        MlflowError::NotFound { .. } | MlflowError::Http { status: 404, .. }
    )
}
