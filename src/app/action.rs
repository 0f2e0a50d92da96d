//! The one `Action` type: every key press, every finished request and every timer becomes an
//! action, and only `update` turns actions into state changes. The variants a user can bind in
//! the config file's `[keys]` table deserialize from their snake_case names (`move_down`,
//! `{ select_tab = 3 }`); the internal ones (`#[serde(skip)]`) carry data and are never bound.

use serde::Deserialize;

use crate::registry::{ModelSummary, ModelVersions, VersionDetail};

// Large answers are boxed so every action stays small as it moves through the channel.

/// Identifies one background request, so a late answer to a superseded request is dropped.
pub type RequestId = u64;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // ---- bindable: navigation ----
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    First,
    Last,
    /// Open the selected row (a model's versions, a version's detail).
    Open,
    /// One level up the breadcrumb (clears an active filter first).
    Back,
    /// Quit at the top level; one level back elsewhere.
    Quit,
    /// Quit from anywhere (Ctrl-C).
    ForceQuit,
    Help,
    Filter,
    Command,
    Refresh,
    CycleSort,
    ReverseSort,
    NextTab,
    PrevTab,
    /// Detail tab by number, 1-based.
    SelectTab(u8),
    /// Metrics tab: draw the curve by step or by time.
    ToggleTimeAxis,
    /// Lineage tab: fold or unfold the selected node.
    ToggleFold,
    /// Versions list: mark or unmark the selected version for comparing.
    Mark,
    /// Versions list: compare the marked versions (with the champion).
    Compare,
    /// Version detail: write the evidence pack (charts and report) to a folder.
    Export,
    /// Gate tab: evaluate for the next promotion target.
    CycleGateTarget,

    // ---- bindable: writes to the registry (refused under --read-only) ----
    RequestPromotion,
    Approve,
    Reject,
    Rollback,

    // ---- internal: input ----
    #[serde(skip)]
    Resize {
        width: u16,
        height: u16,
    },
    /// Spinner frame; sent only while something is loading.
    #[serde(skip)]
    Tick,
    #[serde(skip)]
    Edit(Edit),
    #[serde(skip)]
    PromptSubmit,
    #[serde(skip)]
    PromptCancel,
    #[serde(skip)]
    PromptComplete,
    #[serde(skip)]
    PromptCompleteBack,
    /// Decision dialog: next / previous field, submit, cancel.
    #[serde(skip)]
    DialogNext,
    #[serde(skip)]
    DialogPrev,
    #[serde(skip)]
    DialogSubmit,
    #[serde(skip)]
    DialogCancel,

    // ---- internal: answers from background tasks ----
    #[serde(skip)]
    ModelsLoaded {
        request: RequestId,
        result: Result<Vec<ModelSummary>, String>,
    },
    #[serde(skip)]
    ModelSearchLoaded {
        request: RequestId,
        result: Result<Vec<ModelSummary>, String>,
    },
    #[serde(skip)]
    VersionsLoaded {
        request: RequestId,
        result: Result<Box<ModelVersions>, String>,
    },
    #[serde(skip)]
    DetailLoaded {
        request: RequestId,
        result: Result<Box<VersionDetail>, String>,
    },
    /// One metric's full history (Metrics tab and compare curves), for the screen that asked.
    #[serde(skip)]
    HistoryLoaded {
        request: RequestId,
        run_id: String,
        key: String,
        result: Result<Vec<crate::mlflow::Metric>, String>,
    },
    /// Drift markers of a model's versions (version -> latest window drifted).
    #[serde(skip)]
    DriftMarksLoaded {
        request: RequestId,
        result: Result<std::collections::BTreeMap<String, bool>, String>,
    },
    /// Drift markers of the models list (model -> a monitored version's latest window drifted).
    #[serde(skip)]
    ModelDriftMarksLoaded {
        request: RequestId,
        result: Result<std::collections::BTreeMap<String, bool>, String>,
    },
    /// A run opened from the Lineage tab.
    #[serde(skip)]
    RunLoaded {
        request: RequestId,
        result: Result<Box<crate::mlflow::Run>, String>,
    },
    /// Every model's delivery figures (`:velocity`).
    #[serde(skip)]
    VelocityLoaded {
        request: RequestId,
        result: Result<Vec<crate::governance::velocity::ModelVelocity>, String>,
    },
    /// The evidence pack was written (to this folder, this many files) or failed.
    #[serde(skip)]
    ExportDone {
        result: Result<(std::path::PathBuf, usize), String>,
    },
    /// A version's lineage tree (Lineage tab).
    #[serde(skip)]
    LineageLoaded {
        request: RequestId,
        result: Result<std::sync::Arc<crate::evidence::lineage::LineageNode>, String>,
    },
    /// A version's monitoring evidence (Drift tab).
    #[serde(skip)]
    MonitoringLoaded {
        request: RequestId,
        result: Result<crate::app::screens::Monitoring, String>,
    },
    /// The filter text has been still for the debounce delay: search the server for it.
    #[serde(skip)]
    SearchDue {
        text: String,
    },
    #[serde(skip)]
    ProfileSwitched(crate::app::ServerContext),
    /// The policy of the profile switched to (`None`: it has none), or why it cannot be used.
    #[serde(skip)]
    PolicyChanged(Result<Option<Box<crate::governance::Policy>>, String>),
    #[serde(skip)]
    ProfileFailed {
        name: String,
        error: String,
    },
    #[serde(skip)]
    ThemeApplied(String),
    #[serde(skip)]
    ThemeFailed {
        name: String,
        error: String,
    },
    /// A message for the status line (e.g. a warning about the config file).
    #[serde(skip)]
    Notify(String),
    /// The configured policy evaluated for one version and target (Gate tab).
    #[serde(skip)]
    GateLoaded {
        request: RequestId,
        result: Result<std::sync::Arc<crate::governance::GateReport>, String>,
    },
    /// The model's audit runs, newest first (Gate and Audit tabs).
    #[serde(skip)]
    AuditLoaded {
        request: RequestId,
        result: Result<crate::app::screens::AuditTrail, String>,
    },
    /// Every pending promotion request (`:inbox`).
    #[serde(skip)]
    InboxLoaded {
        request: RequestId,
        result: Result<Vec<crate::registry::PendingRequest>, String>,
    },
    /// Pending requests per model name (the models list's marker).
    #[serde(skip)]
    PendingMarksLoaded {
        request: RequestId,
        result: Result<std::collections::BTreeMap<String, usize>, String>,
    },
    /// The decision dialog's review: the gate report and what blocks the decision.
    #[serde(skip)]
    DecisionPrepared {
        request: RequestId,
        result: Result<Box<crate::registry::decide::Prepared>, String>,
    },
    /// The roll back dialog's plan, or why there is nothing to roll back to.
    #[serde(skip)]
    RollbackPlanned {
        request: RequestId,
        result: Result<crate::registry::decide::RollbackPlan, String>,
    },
    /// A decision or roll back was written (a summary), or not (the message and details).
    #[serde(skip)]
    DecisionCommitted {
        request: RequestId,
        result: Result<String, (String, Vec<String>)>,
    },
}

/// Editing keys of the filter and command prompts. Fixed (not in the key map): they are the
/// same in every line editor users know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    DeleteWord,
    Clear,
}

impl Action {
    /// Actions that would change the registry; `--read-only` hides and refuses them.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Action::RequestPromotion | Action::Approve | Action::Reject | Action::Rollback
        )
    }

    /// One line for the help overlay; `None` for internal actions, which are never listed.
    pub fn describe(&self) -> Option<String> {
        let text = match self {
            Action::MoveUp => "move up",
            Action::MoveDown => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::First => "first row",
            Action::Last => "last row",
            Action::Open => "open",
            Action::Back => "back (clears the filter first)",
            Action::Quit => "quit (back one level below the top)",
            Action::ForceQuit => "quit from anywhere",
            Action::Help => "this help",
            Action::Filter => "filter the list",
            Action::Command => "command line (:inbox :velocity :model :theme …)",
            Action::Refresh => "refresh (retry after an error)",
            Action::CycleSort => "sort by the next column",
            Action::ReverseSort => "reverse the sort order",
            Action::NextTab => "next tab",
            Action::PrevTab => "previous tab",
            Action::SelectTab(n) => return Some(format!("tab {n}")),
            Action::ToggleTimeAxis => "curve by step / by time (Metrics tab)",
            Action::ToggleFold => "fold / unfold a node (Lineage tab)",
            Action::Mark => "mark / unmark a version for compare",
            Action::Compare => "compare the marked versions with the champion",
            Action::Export => "export the evidence pack to a folder",
            Action::CycleGateTarget => "gate: evaluate for the next target (Gate tab)",
            Action::RequestPromotion => "request promotion",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Rollback => "roll back",
            _ => return None,
        };
        Some(text.to_string())
    }

    /// A short label for the footer.
    pub fn short_label(&self) -> &'static str {
        match self {
            Action::Open => "open",
            Action::Back => "back",
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Filter => "filter",
            Action::Command => "cmd",
            Action::Refresh => "refresh",
            Action::CycleSort => "sort",
            Action::NextTab => "tab",
            Action::MoveDown => "down",
            Action::MoveUp => "up",
            _ => "",
        }
    }
}
