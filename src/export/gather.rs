//! Everything an evidence pack is drawn from, read from the registry in one go. The result is
//! plain data (serialized as the pack's `evidence.json`): the pack is a pure function of it.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use crate::evidence::downsample;
use crate::evidence::drift::{DriftHistory, DriftThresholds, Histograms};
use crate::evidence::fairness::{Fairness, FourFifthsRule, FAIRNESS_PREFIX};
use crate::evidence::lineage::{build_lineage, LineageNode};
use crate::mlflow::{LoggedModel, MlflowError, ModelVersion, Run};
use crate::registry::{Registry, RunState, VersionRow};

/// Points kept per curve: two per column of a 1000-pixel-wide chart is more than it can show.
pub const CURVE_COLUMNS: usize = 800;
/// Metric histories fetched at once.
const HISTORY_CONCURRENCY: usize = 8;

/// One metric's history as drawn: (step, value), downsampled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    /// Points the server holds for the metric.
    pub logged_points: usize,
    /// The points drawn (min/max per column, so spikes survive), sorted by step.
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub points: Vec<(f64, f64)>,
    /// The points whose value is NaN or ±Inf: listed, never drawn (a chart scaled to one would
    /// flatten every other point), written `"NaN"`/`"+Inf"`/`"-Inf"` in `evidence.json`.
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    pub non_finite: Vec<(f64, f64)>,
}

/// The version's monitoring evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Monitoring {
    pub run_id: String,
    pub history: DriftHistory,
    pub histograms: Option<Histograms>,
    /// Why the histogram artifact could not be read, when it could not.
    pub histograms_error: Option<String>,
}

/// The data of one evidence pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackData {
    pub model: String,
    pub version: ModelVersion,
    /// `active`, `deleted`, `missing` (the server lost it) or `no_run`.
    pub run_state: String,
    /// The source run, metrics, params and tags sorted by key.
    pub run: Option<Run>,
    pub creator: Option<String>,
    pub logged_model_id: Option<String>,
    /// Histories of the run's metrics logged at more than one step, by key.
    pub curves: BTreeMap<String, Curve>,
    pub fairness: Fairness,
    pub monitoring: Option<Monitoring>,
    pub lineage: LineageNode,
}

impl PackData {
    /// The newest timestamp in the data (ms): the pack says "as of" this, never "now", so the
    /// same data always gives the same files.
    pub fn as_of_ms(&self) -> Option<i64> {
        let v = &self.version;
        let run = self
            .run
            .iter()
            .flat_map(|r| [r.info.start_time, r.info.end_time]);
        let windows = self
            .monitoring
            .iter()
            .flat_map(|m| m.history.windows.last().map(|w| w.window_end_ms));
        [v.creation_timestamp, v.last_updated_timestamp]
            .into_iter()
            .chain(run)
            .flatten()
            .chain(windows)
            .max()
    }
}

/// Read everything the pack needs: the version and its run, the run's metric histories, its
/// monitoring evidence and its lineage. Requests go out concurrently.
pub async fn gather(
    registry: &Registry,
    model: &str,
    version: &str,
) -> Result<PackData, MlflowError> {
    let detail = registry.version_detail(model, version).await?;
    let run = detail.run.run().cloned().map(sorted_run);
    let curves_fut = curves(registry, run.as_ref());
    let monitoring_fut = registry.monitoring(model, version);
    let lineage_fut = registry.lineage(model, version);
    let (curves, monitoring, lineage) = tokio::try_join!(curves_fut, monitoring_fut, lineage_fut)?;

    let thresholds = DriftThresholds::default();
    let monitoring = monitoring.and_then(|m| {
        let run_id = m.latest_run()?.info.run_id.clone();
        let (histograms, histograms_error) = match m.histograms.as_deref().map(Histograms::parse) {
            None => (None, None),
            Some(Ok(h)) => (Some(h), None),
            Some(Err(e)) => (None, Some(e.to_string())),
        };
        Some(Monitoring {
            run_id,
            history: m.history(&thresholds),
            histograms,
            histograms_error,
        })
    });
    let fairness = match &run {
        Some(r) => Fairness::from_metrics(
            &r.data.metrics,
            &BTreeMap::new(),
            &FourFifthsRule::default(),
        ),
        None => Fairness::NoEvidence,
    };
    let row = VersionRow {
        version: detail.version.clone(),
        run: detail.run.clone(),
    };
    Ok(PackData {
        model: model.to_string(),
        run_state: match &detail.run {
            RunState::NoRun => "no_run",
            RunState::Active(_) => "active",
            RunState::Deleted(_) => "deleted",
            RunState::Missing => "missing",
        }
        .to_string(),
        creator: row.creator().map(str::to_string),
        logged_model_id: detail
            .logged_model
            .as_ref()
            .map(|lm: &LoggedModel| lm.info.model_id.clone())
            .or_else(|| detail.version.logged_model_id().map(str::to_string)),
        version: detail.version,
        run,
        curves,
        fairness,
        monitoring,
        lineage: build_lineage(&lineage.input()),
    })
}

/// The run with its metrics, params and tags in key order (servers do not promise an order).
fn sorted_run(mut run: Run) -> Run {
    run.data.metrics.sort_by(|a, b| a.key.cmp(&b.key));
    run.data.params.sort_by(|a, b| a.key.cmp(&b.key));
    run.data.tags.sort_by(|a, b| a.key.cmp(&b.key));
    run
}

/// Histories of the run's metrics that have more than one point. Fairness metrics are single
/// evaluations by the convention and are not fetched.
async fn curves(
    registry: &Registry,
    run: Option<&Run>,
) -> Result<BTreeMap<String, Curve>, MlflowError> {
    let Some(run) = run else {
        return Ok(BTreeMap::new());
    };
    let run_id = run.info.run_id.clone();
    let keys: Vec<String> = run
        .data
        .metrics
        .iter()
        .map(|m| m.key.clone())
        .filter(|k| !k.starts_with(FAIRNESS_PREFIX))
        .collect();
    let histories: Vec<(String, Vec<crate::mlflow::Metric>)> = stream::iter(keys)
        .map(|key| {
            let run_id = run_id.clone();
            async move {
                let history = registry.client().get_metric_history(&run_id, &key).await?;
                Ok::<_, MlflowError>((key, history))
            }
        })
        .buffer_unordered(HISTORY_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(histories
        .into_iter()
        .filter(|(_, h)| h.len() > 1)
        .map(|(key, mut history)| {
            history.sort_by_key(|m| (m.step, m.timestamp));
            let points: Vec<(f64, f64)> =
                history.iter().map(|m| (m.step as f64, m.value)).collect();
            let curve = Curve {
                logged_points: points.len(),
                points: downsample::for_screen(&points, CURVE_COLUMNS),
                non_finite: points
                    .iter()
                    .copied()
                    .filter(|p| !p.1.is_finite())
                    .collect(),
            };
            (key, curve)
        })
        .collect())
}
