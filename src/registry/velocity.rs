//! What the `:velocity` view is computed from: every version and every model (for who holds
//! `@champion`; one paged search each), the audit
//! trail with each record's verification (as `tollgate audit` reads it), the training runs of
//! the promoted versions (one request each, a bounded few at once: promotions are few), and
//! where drift first crossed its threshold (the newest monitoring run of each monitored
//! version, a few requests each: monitored versions are few).

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::Registry;
use crate::evidence::drift::DriftThresholds;
use crate::governance::decision::Decision;
use crate::governance::velocity::{
    is_serving, parse_commit_time, velocity, DriftStart, ModelVelocity, Recorded, VersionTimes,
    COMMIT_TAG, COMMIT_TIME_TAG,
};
use crate::mlflow::{MlflowError, Run};

/// Monitored versions read at once.
const MONITORING_CONCURRENCY: usize = 4;
/// Training runs read at once.
const RUN_CONCURRENCY: usize = 8;

impl Registry {
    /// Every model's delivery figures (see [`crate::governance::velocity`]).
    pub async fn velocity(
        &self,
        thresholds: &DriftThresholds,
    ) -> Result<Vec<ModelVelocity>, MlflowError> {
        let versions_fut = self
            .client
            .search_model_versions(None, self.page_size().max(1000));
        // Version searches leave aliases out: the models' own listing says who holds
        // `@champion`.
        let models_fut = self.client.search_registered_models(None, self.page_size);
        let (all_versions, models, audit, monitoring_runs) = tokio::try_join!(
            versions_fut,
            models_fut,
            self.audit_runs(None),
            self.all_monitoring_runs()
        )?;
        let champions: BTreeSet<(&str, &str)> = models
            .iter()
            .flat_map(|m| {
                m.aliases
                    .iter()
                    .filter(|a| a.alias == "champion")
                    .map(move |a| (m.name.as_str(), a.version.as_str()))
            })
            .collect();
        let audit: Vec<Recorded> = audit
            .iter()
            .filter_map(|r| {
                Some(Recorded {
                    model: r.model.clone(),
                    entry: r.entry()?,
                    verified: r.verification.is_verified(),
                })
            })
            .collect();
        // Lead times need the training runs of the versions promoted (verified approvals to a
        // serving target) only.
        let promoted: BTreeSet<(&str, &str)> = audit
            .iter()
            .filter(|r| {
                r.verified && r.entry.decision == Decision::Approved && is_serving(&r.entry.target)
            })
            .map(|r| (r.model.as_str(), r.entry.version.as_str()))
            .collect();
        let wanted: Vec<(usize, String)> = all_versions
            .iter()
            .enumerate()
            .filter(|(_, v)| promoted.contains(&(v.name.as_str(), v.version.as_str())))
            .filter_map(|(i, v)| Some((i, v.run_id.clone().filter(|r| !r.is_empty())?)))
            .collect();
        let runs: Vec<(usize, Option<Run>)> = stream::iter(wanted)
            .map(|(i, run_id)| async move {
                match self.client.get_run(&run_id).await {
                    Ok(run) => Ok((i, Some(run))),
                    // A deleted or unreadable run: the lead time falls back to registration.
                    Err(MlflowError::NotFound { .. }) => Ok((i, None)),
                    Err(e) => Err(e),
                }
            })
            .buffer_unordered(RUN_CONCURRENCY)
            .try_collect()
            .await?;
        let versions: Vec<VersionTimes> = all_versions
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let run = runs
                    .iter()
                    .find(|(j, _)| *j == i)
                    .and_then(|(_, r)| r.as_ref());
                VersionTimes {
                    model: v.name.clone(),
                    version: v.version.clone(),
                    created_ms: v.creation_timestamp.unwrap_or(0),
                    run_started_ms: run.and_then(|r| r.info.start_time),
                    commit_ms: run.and_then(commit_time),
                    serving_now: v.current_stage.as_deref() == Some("Production")
                        || v.aliases.iter().any(|a| a == "champion")
                        || champions.contains(&(v.name.as_str(), v.version.as_str())),
                }
            })
            .collect();
        // The newest monitoring run of each version (runs come newest first).
        let mut monitored: Vec<(String, String)> = Vec::new();
        for run in &monitoring_runs {
            if let (Some(m), Some(v)) = (
                run.tag("monitoring.model_name"),
                run.tag("monitoring.model_version"),
            ) {
                let key = (m.to_string(), v.to_string());
                if !monitored.contains(&key) {
                    monitored.push(key);
                }
            }
        }
        let drift: Vec<DriftStart> = stream::iter(monitored)
            .map(|(model, version)| async move {
                let Some(data) = self.monitoring(&model, &version).await? else {
                    return Ok::<_, MlflowError>(None);
                };
                let history = data.history(thresholds);
                let first = history.first_drifted_window().map(|w| w.window_end_ms);
                Ok(first.map(|at_ms| DriftStart {
                    model,
                    version,
                    at_ms,
                }))
            })
            .buffer_unordered(MONITORING_CONCURRENCY)
            .try_filter_map(|d| async move { Ok(d) })
            .try_collect()
            .await?;
        Ok(velocity(&versions, &audit, &drift))
    }
}

/// When the run's commit was made: only when the run names a commit and a time for it.
fn commit_time(run: &Run) -> Option<i64> {
    run.tag(COMMIT_TAG).filter(|c| !c.trim().is_empty())?;
    parse_commit_time(run.tag(COMMIT_TIME_TAG)?)
}
