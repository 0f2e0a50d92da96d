//! The one `Action` type: every key press, every finished request and every timer becomes an
//! action, and only `update` turns actions into state changes. The variants a user can bind in
//! the config file's `[keys]` table deserialize from their snake_case names (`move_down`,
//! `{ select_tab = 3 }`); the internal ones (`#[serde(skip)]`) carry data and are never bound.

use serde::Deserialize;

use crate::registry::{ModelSummary, ModelVersions, VersionDetail};

// Large answers are boxed so every action stays small as it moves through the channel.

/// Identifies one background request, so a late answer to a superseded request is dropped.
pub type RequestId = u64;

pub use super::error::LoadError;

/// A background task's answer to `update`.
pub type Answer<T> = Result<T, LoadError>;

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
    /// Drift tab: the next lower panel first (trend, histogram, `perf.*`); at 80 columns, where
    /// one panel fits, the way to each of them.
    CycleDriftPanel,

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
    /// One page of the models list while more follow (shown as it arrives on a first load).
    #[serde(skip)]
    ModelsPage {
        request: RequestId,
        rows: Vec<ModelSummary>,
    },
    /// The list's last page (every row when it came in one answer), or why listing stopped.
    #[serde(skip)]
    ModelsLoaded {
        request: RequestId,
        result: Answer<Vec<ModelSummary>>,
    },
    /// Versions per model, after the list (counting reads every version).
    #[serde(skip)]
    ModelCountsLoaded {
        request: RequestId,
        result: Answer<std::sync::Arc<std::collections::HashMap<String, usize>>>,
    },
    #[serde(skip)]
    ModelSearchLoaded {
        request: RequestId,
        result: Answer<Vec<ModelSummary>>,
    },
    #[serde(skip)]
    VersionsLoaded {
        request: RequestId,
        result: Answer<Box<ModelVersions>>,
    },
    #[serde(skip)]
    DetailLoaded {
        request: RequestId,
        result: Answer<Box<VersionDetail>>,
    },
    /// One metric's full history (Metrics tab and compare curves), for the screen that asked.
    #[serde(skip)]
    HistoryLoaded {
        request: RequestId,
        run_id: String,
        key: String,
        result: Answer<Vec<crate::mlflow::Metric>>,
    },
    /// Drift markers of a model's versions (version -> latest window drifted).
    #[serde(skip)]
    DriftMarksLoaded {
        request: RequestId,
        result: Answer<std::collections::BTreeMap<String, bool>>,
    },
    /// Drift markers of the models list (model -> a monitored version's latest window drifted).
    #[serde(skip)]
    ModelDriftMarksLoaded {
        request: RequestId,
        result: Answer<std::collections::BTreeMap<String, bool>>,
    },
    /// A run opened from the Lineage tab.
    #[serde(skip)]
    RunLoaded {
        request: RequestId,
        result: Answer<Box<crate::mlflow::Run>>,
    },
    /// Every model's delivery figures (`:velocity`).
    #[serde(skip)]
    VelocityLoaded {
        request: RequestId,
        result: Answer<Vec<crate::governance::velocity::ModelVelocity>>,
    },
    /// The evidence pack was written (to this folder, this many files) or failed.
    #[serde(skip)]
    ExportDone {
        result: Answer<(std::path::PathBuf, usize)>,
    },
    /// A version's lineage tree (Lineage tab).
    #[serde(skip)]
    LineageLoaded {
        request: RequestId,
        result: Answer<std::sync::Arc<crate::evidence::lineage::LineageNode>>,
    },
    /// A version's monitoring evidence (Drift tab).
    #[serde(skip)]
    MonitoringLoaded {
        request: RequestId,
        result: Answer<crate::app::screens::Monitoring>,
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
    PolicyChanged(Answer<Option<Box<crate::governance::Policy>>>),
    #[serde(skip)]
    ProfileFailed {
        name: String,
        error: LoadError,
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
        result: Answer<std::sync::Arc<crate::governance::GateReport>>,
    },
    /// The model's audit runs, newest first (Gate and Audit tabs).
    #[serde(skip)]
    AuditLoaded {
        request: RequestId,
        result: Answer<crate::app::screens::AuditTrail>,
    },
    /// Unapproved changes per model (versions list, inbox, Gate tab; `:verify`).
    #[serde(skip)]
    UnapprovedLoaded {
        request: RequestId,
        result: Answer<crate::app::screens::UnapprovedMarks>,
    },
    /// Every pending promotion request (`:inbox`).
    #[serde(skip)]
    InboxLoaded {
        request: RequestId,
        result: Answer<Vec<crate::registry::PendingRequest>>,
    },
    /// Pending requests per model name (the models list's marker).
    #[serde(skip)]
    PendingMarksLoaded {
        request: RequestId,
        result: Answer<std::collections::BTreeMap<String, usize>>,
    },
    /// The decision dialog's review: the gate report and what blocks the decision.
    #[serde(skip)]
    DecisionPrepared {
        request: RequestId,
        result: Answer<Box<crate::registry::decide::Prepared>>,
    },
    /// The roll back dialog's plan, or why there is nothing to roll back to.
    #[serde(skip)]
    RollbackPlanned {
        request: RequestId,
        result: Answer<crate::registry::decide::RollbackPlan>,
    },
    /// A decision or roll back was written (a summary), or why not (typed: stale, lost race,
    /// refused, written in part).
    #[serde(skip)]
    DecisionCommitted {
        request: RequestId,
        result: Answer<String>,
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
            Action::CycleDriftPanel => {
                "drift: next lower panel, trend / histogram / perf.* (Drift tab)"
            }
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
