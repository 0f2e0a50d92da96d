//! Monitoring evidence of a version: the runs tagged `monitoring.model_name` /
//! `monitoring.model_version` (in any experiment), their metrics, and the drift reports and
//! histogram artifact they logged. Every monitoring run is part of the history (a run per window
//! is the usual shape of a scheduled job); the search returns each run's latest metrics, so a
//! year of daily runs costs one search, and metric histories are read only for runs that logged
//! more than one step.

use std::collections::HashMap;
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::artifacts::is_absent;
use super::Registry;
use crate::evidence::alibi::FEATURES_TAG;
use crate::evidence::drift::{
    has_drift_metrics, needs_histories, newest_window_first, read_run_reports, DriftHistory,
    DriftThresholds, MonitoringRun, ReadReport,
};
use crate::mlflow::{filter, Metric, MlflowError, Run, RunSearch};

/// The evidence convention's histogram artifact.
pub const HISTOGRAMS_ARTIFACT: &str = "drift/histograms.json";
/// Metric histories and artifacts are many small requests: allow more in flight than for other
/// fan-outs, but bounded.
const HISTORY_CONCURRENCY: usize = 8;

/// A version's monitoring evidence, from every one of its monitoring runs.
#[derive(Debug, Clone, Default)]
pub struct MonitoringData {
    /// Every monitoring run of the version, the one holding the newest window first.
    pub runs: Vec<Run>,
    /// Histories of `drift.*` and `perf.*` metrics (key -> values), by run id, for the runs that
    /// logged more than one step; other runs' latest metrics are their one window.
    pub histories: HashMap<String, HashMap<String, Vec<Metric>>>,
    /// The newest run's histogram artifact, when it has one.
    pub histograms: Option<Vec<u8>>,
    /// JSON artifacts (path, bytes) by run id: candidates for Evidently reports and alibi-detect
    /// output. Read for the newest run and for every run that logged no drift metric.
    pub json_artifacts: HashMap<String, Vec<(String, Vec<u8>)>>,
}

impl MonitoringData {
    pub fn latest_run(&self) -> Option<&Run> {
        self.runs.first()
    }

    /// The newest run's metric histories (empty when it logged one step).
    pub fn latest_histories(&self) -> HashMap<String, Vec<Metric>> {
        self.latest_run()
            .and_then(|r| self.histories.get(&r.info.run_id))
            .cloned()
            .unwrap_or_default()
    }

    /// The drift reports of the newest run's artifacts (shown as its reports).
    pub fn reports(&self, thresholds: &DriftThresholds) -> Vec<ReadReport> {
        self.latest_run()
            .map(|r| self.run_reports(r, thresholds))
            .unwrap_or_default()
    }

    fn run_reports(&self, run: &Run, thresholds: &DriftThresholds) -> Vec<ReadReport> {
        self.json_artifacts
            .get(&run.info.run_id)
            .map(|files| read_run_reports(files, run.tag(FEATURES_TAG), thresholds))
            .unwrap_or_default()
    }

    /// Drift over time across every monitoring run, judged by `thresholds`.
    pub fn history(&self, thresholds: &DriftThresholds) -> DriftHistory {
        let reports: Vec<Vec<ReadReport>> = self
            .runs
            .iter()
            .map(|r| self.run_reports(r, thresholds))
            .collect();
        let runs: Vec<MonitoringRun> = self
            .runs
            .iter()
            .zip(&reports)
            .map(|(run, reports)| MonitoringRun {
                run,
                histories: self.histories.get(&run.info.run_id),
                reports,
            })
            .collect();
        DriftHistory::from_runs(&runs, thresholds)
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

    /// The version's monitoring evidence: every run, the histories of the runs that logged a
    /// step per window, the JSON artifacts of the newest run and of the runs that logged no drift
    /// metric (reports only), each read concurrently with a bound, and the newest run's histogram
    /// artifact. `None` when unmonitored.
    pub async fn monitoring(
        &self,
        model: &str,
        version: &str,
    ) -> Result<Option<MonitoringData>, MlflowError> {
        let mut runs = self.monitoring_runs(model, Some(version)).await?;
        newest_window_first(&mut runs);
        let Some(latest) = runs.first() else {
            return Ok(None);
        };
        let latest_id = latest.info.run_id.clone();
        let history_reads: Vec<(String, String)> = runs
            .iter()
            .filter(|r| needs_histories(r))
            .flat_map(|r| {
                r.data
                    .metrics
                    .iter()
                    .filter(|m| m.key.starts_with("drift.") || m.key.starts_with("perf."))
                    .map(|m| (r.info.run_id.clone(), m.key.clone()))
            })
            .collect();
        let histories_fut = stream::iter(history_reads)
            .map(|(run_id, key)| async move {
                let history = self.client.get_metric_history(&run_id, &key).await?;
                Ok::<_, MlflowError>((run_id, key, history))
            })
            .buffer_unordered(HISTORY_CONCURRENCY)
            .try_fold(
                HashMap::<String, HashMap<String, Vec<Metric>>>::new(),
                |mut acc, (run_id, key, history)| async move {
                    acc.entry(run_id).or_default().insert(key, history);
                    Ok(acc)
                },
            );
        let artifact_runs: Vec<&Run> = runs
            .iter()
            .enumerate()
            .filter(|(i, r)| *i == 0 || !has_drift_metrics(r))
            .map(|(_, r)| r)
            .collect();
        let histograms_fut = self.optional_artifact(&latest_id, HISTOGRAMS_ARTIFACT);
        let reports_fut = self.json_artifacts_of(&artifact_runs);
        let (histories, histograms, json_artifacts) =
            tokio::try_join!(histories_fut, histograms_fut, reports_fut)?;
        Ok(Some(MonitoringData {
            runs,
            histories,
            histograms,
            json_artifacts,
        }))
    }

    /// JSON artifacts of several runs (path, bytes), by run id: a request or three per run,
    /// [`HISTORY_CONCURRENCY`] runs at a time, finished runs' answers kept for the session.
    pub async fn json_artifacts_of(
        &self,
        runs: &[&Run],
    ) -> Result<HashMap<String, Vec<(String, Vec<u8>)>>, MlflowError> {
        // Owned ids (not borrowed runs): the futures must not hold a borrow across awaits.
        let wanted: Vec<(String, bool)> = runs
            .iter()
            .map(|r| {
                // A running run may still log its report; only a finished one is kept.
                let finished = r.info.status.as_deref().is_some_and(|s| s != "RUNNING");
                (r.info.run_id.clone(), finished)
            })
            .collect();
        stream::iter(wanted)
            .map(|(id, finished)| async move {
                if let Some(files) = self.cache.json_artifacts(&id) {
                    return Ok::<_, MlflowError>((id, files.as_ref().clone()));
                }
                let files = self.json_artifacts(&id).await?;
                if finished {
                    self.cache.put_json_artifacts(&id, Arc::new(files.clone()));
                }
                Ok((id, files))
            })
            .buffer_unordered(HISTORY_CONCURRENCY)
            .try_collect()
            .await
    }
}

impl Registry {
    /// JSON files at the top of a run's artifacts and one folder down (reports are usually logged
    /// as `report.json`, `evidently/<name>.json` or `drift/alibi_ksdrift.json`), at most
    /// [`MAX_REPORTS`] of them.
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
                if ["evidently", "report", "drift", "monitoring", "alibi"]
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
