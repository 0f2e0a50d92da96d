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
    /// Gather a version's gate evidence and evaluate `policy` for `target`.
    LoadGate {
        request: RequestId,
        model: String,
        version: String,
        target: crate::governance::Target,
        policy: std::sync::Arc<crate::governance::Policy>,
    },
    /// A model's audit runs.
    LoadAudit {
        request: RequestId,
        model: String,
    },
    /// Compare each model's registry state with its verified trail (unapproved changes).
    LoadUnapproved {
        request: RequestId,
        models: Vec<String>,
        policy: Option<std::sync::Arc<crate::governance::Policy>>,
    },
    /// Every pending promotion request.
    LoadInbox {
        request: RequestId,
    },
    /// Pending requests counted per model (one search over all versions).
    LoadPendingMarks {
        request: RequestId,
    },
    /// Read a version and evaluate its gates for the decision dialog.
    PrepareDecision {
        request: RequestId,
        policy: std::sync::Arc<crate::governance::Policy>,
        actor: crate::governance::decision::Actor,
        model: String,
        version: String,
        target: crate::governance::Target,
        decision: crate::governance::decision::Decision,
    },
    /// Write a prepared decision (re-checked right before writing).
    CommitDecision {
        request: RequestId,
        prepared: Box<crate::registry::decide::Prepared>,
        inputs: crate::registry::decide::DecisionInputs,
    },
    /// Find the version a roll back of `target` would return to.
    PlanRollback {
        request: RequestId,
        model: String,
        target: crate::governance::Target,
    },
    /// Record a rejection with no policy configured (no gate report).
    RejectWithoutPolicy {
        request: RequestId,
        actor: crate::governance::decision::Actor,
        model: String,
        version: String,
        target: crate::governance::Target,
        comment: String,
    },
    /// Write a planned roll back.
    CommitRollback {
        request: RequestId,
        plan: crate::registry::decide::RollbackPlan,
        actor: crate::governance::decision::Actor,
        comment: String,
        archive: Option<bool>,
    },
}
