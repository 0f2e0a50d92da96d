//! What the `:velocity` view is computed from: every version's timestamps (one paged search),
//! the audit trail, and where drift first crossed its threshold (the newest monitoring run of
//! each, a few requests per monitored version: monitored versions are few).

use futures::stream::{self, StreamExt, TryStreamExt};

use super::Registry;
use crate::evidence::drift::DriftThresholds;
use crate::governance::velocity::{velocity, DriftStart, ModelVelocity, VersionTimes};
use crate::mlflow::MlflowError;

/// Monitored versions read at once.
const MONITORING_CONCURRENCY: usize = 4;

impl Registry {
    /// Every model's delivery figures (see [`crate::governance::velocity`]).
    pub async fn velocity(
        &self,
        thresholds: &DriftThresholds,
    ) -> Result<Vec<ModelVelocity>, MlflowError> {
        let versions_fut = self
            .client
            .search_model_versions(None, self.page_size().max(1000));
        let (all_versions, audit, monitoring_runs) = tokio::try_join!(
            versions_fut,
            self.audit_runs(None),
            self.all_monitoring_runs()
        )?;
        let versions: Vec<VersionTimes> = all_versions
            .iter()
            .map(|v| VersionTimes {
                model: v.name.clone(),
                version: v.version.clone(),
                created_ms: v.creation_timestamp.unwrap_or(0),
                production_since_ms: (v.current_stage.as_deref() == Some("Production"))
                    .then_some(v.last_updated_timestamp)
                    .flatten(),
            })
            .collect();
        let audit: Vec<_> = audit
            .iter()
            .filter_map(|r| Some((r.model.clone(), r.entry()?)))
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
