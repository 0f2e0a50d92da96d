//! One version in full, in tabs: overview, metrics, fairness, drift, lineage, gate, audit. This
//! file holds what the tabs share (the version's header data, the tab switch, the cursor, which
//! each tab starts afresh); each tab's own state, loading and reloading live in its file, the
//! keys and the routing of answers in `update.rs`.

mod audit;
mod drift;
mod fairness;
mod gate;
mod lineage;
mod metrics;
mod overview;
mod update;

pub use audit::{AuditTab, AuditTrail};
pub use drift::{DriftPanel, DriftTab, Monitored, Monitoring};
pub use fairness::FairnessTab;
pub use gate::{agreement, Agreement, GateTab};
pub use lineage::{tree_lines, LineageTab, TreeLine};
pub use metrics::{MetricEntry, MetricsTab};
pub use overview::OverviewTab;

use crate::app::action::RequestId;
use crate::app::cursor::ListCursor;
use crate::app::effect::Effect;
use crate::app::remote::Remote;
use crate::app::screens::{Opening, Screen};
use crate::registry::VersionDetail;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTab {
    Overview,
    Metrics,
    Fairness,
    Drift,
    Lineage,
    Gate,
    Audit,
}

impl DetailTab {
    pub const ALL: [DetailTab; 7] = [
        DetailTab::Overview,
        DetailTab::Metrics,
        DetailTab::Fairness,
        DetailTab::Drift,
        DetailTab::Lineage,
        DetailTab::Gate,
        DetailTab::Audit,
    ];

    /// 1-based, as the keys and the tab bar number them.
    pub fn number(self) -> u8 {
        DetailTab::ALL.iter().position(|t| *t == self).unwrap_or(0) as u8 + 1
    }

    pub fn from_number(n: u8) -> Option<DetailTab> {
        DetailTab::ALL.get((n as usize).checked_sub(1)?).copied()
    }

    pub fn next(self) -> DetailTab {
        DetailTab::ALL[self.number() as usize % DetailTab::ALL.len()]
    }

    pub fn prev(self) -> DetailTab {
        let i = self.number() as usize - 1;
        DetailTab::ALL[(i + DetailTab::ALL.len() - 1) % DetailTab::ALL.len()]
    }

    pub fn title(self) -> &'static str {
        match self {
            DetailTab::Overview => "Overview",
            DetailTab::Metrics => "Metrics",
            DetailTab::Fairness => "Fairness",
            DetailTab::Drift => "Drift",
            DetailTab::Lineage => "Lineage",
            DetailTab::Gate => "Gate",
            DetailTab::Audit => "Audit",
        }
    }

    /// Whether `/` narrows something on this tab.
    pub fn filterable(self) -> bool {
        self == DetailTab::Metrics
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailScreen {
    pub model: String,
    pub version: String,
    /// The version and its run: the header every tab reads.
    pub data: Remote<VersionDetail>,
    pub tab: DetailTab,
    /// The selected line of the tab shown (the Overview's scroll position); each tab starts
    /// at the top.
    pub cursor: ListCursor,
    pub overview: OverviewTab,
    pub metrics: MetricsTab,
    pub fairness: FairnessTab,
    pub drift: DriftTab,
    pub lineage: LineageTab,
    pub gate: GateTab,
    pub audit: AuditTab,
    /// The model's unapproved changes (the Gate tab says why this version is one).
    pub unapproved: crate::app::screens::Unapproved,
}

impl DetailScreen {
    pub fn new(model: &str, version: &str, data: Remote<VersionDetail>) -> Self {
        DetailScreen {
            model: model.to_string(),
            version: version.to_string(),
            data,
            tab: DetailTab::Overview,
            cursor: ListCursor::default(),
            overview: OverviewTab,
            metrics: MetricsTab::default(),
            fairness: FairnessTab,
            drift: DriftTab::default(),
            lineage: LineageTab::default(),
            gate: GateTab::default(),
            audit: AuditTab::default(),
            unapproved: Default::default(),
        }
    }

    /// The version, loading with `request`.
    pub fn loading(model: &str, version: &str, request: RequestId) -> Self {
        DetailScreen::new(model, version, Remote::loading(request))
    }

    /// The version `model` `version`, loading with `request`, ready to push.
    pub fn opening(model: &str, version: &str, request: RequestId) -> Opening {
        DetailScreen::loading(model, version, request).into_opening(request)
    }

    /// This screen, loading with `request`, to push with the effect that loads its version.
    pub fn into_opening(self, request: RequestId) -> Opening {
        let load = Effect::LoadDetail {
            request,
            model: self.model.clone(),
            version: self.version.clone(),
        };
        Opening {
            screen: Screen::Detail(self),
            load,
        }
    }

    /// How the status line names this version.
    pub(crate) fn about(&self) -> String {
        format!("version {} of '{}'", self.version, self.model)
    }

    /// The version's source run id, once the detail has loaded with a readable run.
    pub fn run_id(&self) -> Option<&str> {
        self.data
            .data
            .as_ref()
            .and_then(|d| d.run.run())
            .map(|r| r.info.run_id.as_str())
    }

    /// Show `tab`, at its top; what was open on the last one closes.
    pub fn select_tab(&mut self, tab: DetailTab, rows: usize) {
        if tab != self.tab {
            self.tab = tab;
            self.gate.evidence_open = false;
            self.cursor = Default::default();
            self.settle_on_entry(1, rows);
        }
    }

    /// Lines the current tab can scroll through (the Overview's count is an upper bound;
    /// drawing clamps to what it laid out).
    pub fn scroll_len(&self) -> usize {
        let detail = self.data.data.as_ref();
        match self.tab {
            DetailTab::Overview => self.overview.scroll_len(detail),
            DetailTab::Metrics => self.metric_entries().len(),
            DetailTab::Fairness => self.fairness.scroll_len(detail),
            DetailTab::Drift => self.drift_features().len(),
            DetailTab::Lineage => self.lineage.lines_shown(),
            DetailTab::Gate => self.gate_report().map_or(0, |r| r.checks.len()),
            DetailTab::Audit => self.audit_rows().len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_wrap_both_ways_and_number_from_one() {
        assert_eq!(DetailTab::Audit.next(), DetailTab::Overview);
        assert_eq!(DetailTab::Overview.prev(), DetailTab::Audit);
        assert_eq!(DetailTab::from_number(2), Some(DetailTab::Metrics));
        assert_eq!(DetailTab::from_number(0), None);
        assert_eq!(DetailTab::from_number(8), None);
        assert_eq!(DetailTab::Gate.number(), 6);
    }
}

#[cfg(test)]
mod gate_tests;
#[cfg(test)]
mod update_tests;
