//! The levels of the breadcrumb, one folder each: the models list, one model's versions (and
//! their compare view), one version's detail (one file per tab), the inbox, a run reached through
//! lineage, and the velocity figures. Each folder holds the screen's state (`state.rs`, or the
//! tab's file) and its update logic (`update.rs`: the keys it handles, the answers it takes, what
//! it loads and reloads), behind [`ScreenBehaviour`].
//!
//! This file is the router: the only place in `app` that matches on [`Screen`].

mod behaviour;
mod ctx;
pub mod detail;
pub mod inbox;
pub mod models;
pub mod run;
pub mod unapproved;
pub mod velocity;
pub mod versions;

pub use behaviour::{DecisionSubject, Move, Notice, ScreenBehaviour};
pub use ctx::{Asked, Ctx};
pub use detail::{
    agreement, tree_lines, Agreement, AuditTrail, DetailScreen, DetailTab, DriftPanel, MetricEntry,
    Monitored, Monitoring, TreeLine,
};
pub use inbox::InboxScreen;
pub use models::{ModelSort, ModelSortColumn, ModelsScreen, ServerSearch};
pub use run::{RunEntry, RunScreen};
pub use unapproved::{Unapproved, UnapprovedMarks, UNAPPROVED_MARK, UNAPPROVED_WORD};
pub use velocity::VelocityScreen;
pub use versions::{Compare, VersionsScreen, MAX_METRIC_COLUMNS};

use super::effect::Effect;

// At most three screens exist at once (the breadcrumb), so their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Models(ModelsScreen),
    Versions(VersionsScreen),
    Detail(DetailScreen),
    Inbox(InboxScreen),
    /// A run reached through the Lineage tab.
    Run(RunScreen),
    /// `:velocity`: delivery figures per model.
    Velocity(VelocityScreen),
}

/// A screen about to be pushed, with the effect that loads its data.
#[derive(Debug)]
pub struct Opening {
    pub screen: Screen,
    pub load: Effect,
}

impl Screen {
    /// The screen's behaviour: everything else goes through it.
    pub fn behaviour(&self) -> &dyn ScreenBehaviour {
        match self {
            Screen::Models(s) => s,
            Screen::Versions(s) => s,
            Screen::Detail(s) => s,
            Screen::Inbox(s) => s,
            Screen::Run(s) => s,
            Screen::Velocity(s) => s,
        }
    }

    pub fn behaviour_mut(&mut self) -> &mut dyn ScreenBehaviour {
        match self {
            Screen::Models(s) => s,
            Screen::Versions(s) => s,
            Screen::Detail(s) => s,
            Screen::Inbox(s) => s,
            Screen::Run(s) => s,
            Screen::Velocity(s) => s,
        }
    }

    /// The models list, when this is it (the breadcrumb's first level always is).
    pub fn as_models(&self) -> Option<&ModelsScreen> {
        match self {
            Screen::Models(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_models_mut(&mut self) -> Option<&mut ModelsScreen> {
        match self {
            Screen::Models(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this level lists one model's versions (a detail under it needs not name the model).
    fn lists_versions(&self) -> bool {
        matches!(self, Screen::Versions(_))
    }

    /// The breadcrumb segment naming this level (server text: sanitize before drawing).
    pub fn crumb(&self) -> String {
        self.behaviour().crumb()
    }

    pub fn is_loading(&self) -> bool {
        self.behaviour().is_loading()
    }

    pub fn filter(&self) -> &str {
        self.behaviour().filter()
    }
}

/// The breadcrumb of a stack of screens, top last: each level's crumb, the model of a version
/// opened without its versions list below it (from the inbox), and the top screen's tab.
pub fn breadcrumb(screens: &[Screen]) -> Vec<String> {
    let mut crumbs = Vec::new();
    for (i, screen) in screens.iter().enumerate() {
        let below = i.checked_sub(1).and_then(|b| screens.get(b));
        if let Some(parent) = screen.behaviour().parent_crumb() {
            if !below.is_some_and(Screen::lists_versions) {
                crumbs.push(parent);
            }
        }
        crumbs.push(screen.crumb());
    }
    if let Some(inner) = screens.last().and_then(|s| s.behaviour().inner_crumb()) {
        crumbs.push(inner);
    }
    crumbs
}

/// Who made a version: the registry's `user_id`, which open-source MLflow often leaves empty,
/// else whoever ran the source run.
pub fn creator<'a>(
    version: &'a crate::mlflow::ModelVersion,
    run: Option<&'a crate::mlflow::Run>,
) -> Option<&'a str> {
    let non_empty = |s: Option<&'a str>| s.filter(|s| !s.trim().is_empty());
    non_empty(version.user_id.as_deref())
        .or_else(|| non_empty(run.and_then(|r| r.info.user_id.as_deref())))
        .or_else(|| non_empty(run.and_then(|r| r.tag("mlflow.user"))))
}

/// Case-insensitive "contains", the one rule every filter uses.
pub(crate) fn matches(haystack: &str, needle_lower: &str) -> bool {
    needle_lower.is_empty() || haystack.to_lowercase().contains(needle_lower)
}

#[cfg(test)]
mod tests {
    use super::creator;
    use crate::app::fixtures;

    #[test]
    fn creator_falls_back_to_the_run() {
        let mut row = fixtures::versions("m", 1).versions.remove(0);
        assert_eq!(creator(&row.version, row.run.run()), Some("bo"));
        row.version.user_id = Some(String::new());
        assert_eq!(
            creator(&row.version, row.run.run()),
            Some("ana"),
            "the run's user"
        );
        assert_eq!(creator(&row.version, None), None);
    }
}
