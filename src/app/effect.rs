//! What `update` asks the outside world to do. The runtime carries effects out (background
//! tasks, timers, the theme) and feeds the outcome back as actions.

use super::action::{Action, RequestId};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadModels {
        request: RequestId,
    },
    /// Server-side search of model names (long lists).
    SearchModels {
        request: RequestId,
        text: String,
    },
    LoadVersions {
        request: RequestId,
        model: String,
    },
    LoadDetail {
        request: RequestId,
        model: String,
        version: String,
    },
    /// The full history of one metric of a run.
    LoadHistory {
        request: RequestId,
        run_id: String,
        key: String,
    },
    /// A version's monitoring runs, drift/perf histories and histograms, judged by `thresholds`.
    LoadMonitoring {
        request: RequestId,
        model: String,
        version: String,
        thresholds: crate::evidence::drift::DriftThresholds,
    },
    /// Whether each monitored version of `model` drifted in its latest window (one request).
    LoadDriftMarks {
        request: RequestId,
        model: String,
        thresholds: crate::evidence::drift::DriftThresholds,
    },
    /// Whether each monitored model has a version whose latest window drifted (one paged search
    /// of monitoring runs across experiments).
    LoadModelDriftMarks {
        request: RequestId,
        thresholds: crate::evidence::drift::DriftThresholds,
    },
    /// A version's lineage tree.
    LoadLineage {
        request: RequestId,
        model: String,
        version: String,
    },
    /// One run in full (the run view opened from the Lineage tab).
    LoadRun {
        request: RequestId,
        run_id: String,
    },
    /// Every model's delivery figures (`:velocity`).
    LoadVelocity {
        request: RequestId,
        thresholds: crate::evidence::drift::DriftThresholds,
    },
    /// Write a version's evidence pack into `dir`.
    Export {
        model: String,
        version: String,
        dir: std::path::PathBuf,
    },
    /// Send `action` back after a delay (debouncing).
    After {
        delay_ms: u64,
        action: Box<Action>,
    },
    /// Forget cached server data (refresh).
    Invalidate,
    /// Re-resolve the config with this profile and connect to its server.
    SwitchProfile {
        name: String,
    },
    SetTheme {
        name: String,
    },
}
