//! The levels of the breadcrumb: the models list, one model's versions, one version's detail.
//! Each holds its own data, filter and cursor, so going back shows the list as it was left.

mod detail;
mod governance;
mod inbox;
mod models;
mod run;
mod velocity;
mod versions;

pub use detail::{
    tree_lines, DetailScreen, DetailTab, MetricEntry, Monitored, Monitoring, TreeLine,
};
pub use governance::{agreement, Agreement, AuditTrail};
pub use inbox::InboxScreen;
pub use models::{ModelSort, ModelSortColumn, ModelsScreen, ServerSearch};
pub use run::{RunEntry, RunScreen};
pub use velocity::VelocityScreen;
pub use versions::{Compare, VersionsScreen, MAX_METRIC_COLUMNS};

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

impl Screen {
    /// The breadcrumb segment naming this level (server text: sanitize before drawing).
    pub fn crumb(&self) -> String {
        match self {
            Screen::Models(_) => "Models".to_string(),
            Screen::Versions(v) => v.model.clone(),
            Screen::Detail(d) => format!("version {}", d.version),
            Screen::Inbox(_) => "Inbox".to_string(),
            Screen::Run(r) => r.crumb(),
            Screen::Velocity(_) => "Velocity".to_string(),
        }
    }

    pub fn is_loading(&self) -> bool {
        match self {
            Screen::Models(m) => m.is_loading(),
            Screen::Versions(v) => {
                v.data.is_loading()
                    || v.compare.as_ref().is_some_and(|c| {
                        c.histories.values().any(super::remote::Remote::is_loading)
                    })
            }
            Screen::Detail(d) => d.is_loading(),
            Screen::Inbox(i) => i.data.is_loading(),
            Screen::Run(r) => r.is_loading(),
            Screen::Velocity(v) => v.data.is_loading(),
        }
    }

    pub fn filter(&self) -> &str {
        match self {
            Screen::Models(m) => &m.filter,
            Screen::Versions(v) => &v.filter,
            Screen::Detail(d) => &d.filter,
            Screen::Inbox(_) | Screen::Run(_) | Screen::Velocity(_) => "",
        }
    }
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
