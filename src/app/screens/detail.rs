//! One version in full, in tabs: overview, metrics, fairness, drift, lineage, gate, audit.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::matches;
use crate::app::cursor::ListCursor;
use crate::app::remote::Remote;
use crate::evidence::drift::{DriftHistory, Histograms};
use crate::evidence::lineage::LineageNode;
use crate::mlflow::{Metric, Param};
use crate::registry::VersionDetail;

/// A version's monitoring evidence, ready to draw (built off the UI thread).
#[derive(Debug, Clone, PartialEq)]
pub struct Monitored {
    pub run_id: String,
    pub run_name: Option<String>,
    /// How many monitoring runs the version has (the newest is shown).
    pub runs: usize,
    pub history: DriftHistory,
    /// Evidently reports among the run's JSON artifacts (the latest window when the run logged
    /// no drift metrics).
    pub reports: Vec<crate::evidence::drift::ReadReport>,
    /// The histogram artifact: absent, or parsed, or why it could not be.
    pub histograms: Option<Result<Histograms, String>>,
}

/// The Drift tab's data: `None` inside when the version is not monitored.
pub type Monitoring = Option<Arc<Monitored>>;

/// One line of the Lineage tab's tree: the node, its depth and its path of child indices.
#[derive(Debug, Clone, Copy)]
pub struct TreeLine<'a> {
    pub node: &'a LineageNode,
    pub depth: usize,
    pub expanded: bool,
    pub last: bool,
}

/// The tree's lines with folded nodes' descendants left out, depth first.
pub fn tree_lines<'a>(
    root: &'a LineageNode,
    folded: &std::collections::BTreeSet<Vec<usize>>,
) -> Vec<(Vec<usize>, TreeLine<'a>)> {
    fn walk<'a>(
        node: &'a LineageNode,
        path: Vec<usize>,
        depth: usize,
        last: bool,
        folded: &std::collections::BTreeSet<Vec<usize>>,
        out: &mut Vec<(Vec<usize>, TreeLine<'a>)>,
    ) {
        let expanded = !folded.contains(&path);
        out.push((
            path.clone(),
            TreeLine {
                node,
                depth,
                expanded,
                last,
            },
        ));
        if expanded {
            let n = node.children.len();
            for (i, c) in node.children.iter().enumerate() {
                let mut p = path.clone();
                p.push(i);
                walk(c, p, depth + 1, i + 1 == n, folded, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, Vec::new(), 0, true, folded, &mut out);
    out
}

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

/// One line of the Metrics tab: a section heading, a metric or a param.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricEntry<'a> {
    Section { title: &'static str, count: usize },
    Metric(&'a Metric),
    Param(&'a Param),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailScreen {
    pub model: String,
    pub version: String,
    pub data: Remote<VersionDetail>,
    pub tab: DetailTab,
    /// Metrics tab: the selected entry; Overview: `offset` is the scroll position.
    pub cursor: ListCursor,
    /// Narrows the Metrics tab (metric and param names).
    pub filter: String,
    /// Metric histories of the version's run, by key, fetched when a metric is selected and
    /// kept until refresh.
    pub histories: BTreeMap<String, Remote<Vec<Metric>>>,
    /// Metrics tab: curves by time instead of by step.
    pub by_time: bool,
    /// Drift tab: asked for on first visit (`None` until then), kept until refresh.
    pub monitoring: Option<Remote<Monitoring>>,
    /// Lineage tab: the tree, asked for on first visit, kept until refresh.
    pub lineage: Option<Remote<Arc<LineageNode>>>,
    /// Lineage tab: paths of folded nodes.
    pub folded: std::collections::BTreeSet<Vec<usize>>,
    /// Gate tab: the target chosen with `T`; `None` follows the pending request (else Production).
    pub gate_target: Option<crate::governance::Target>,
    /// Gate tab: the policy evaluated per target, each asked for once and kept until refresh.
    pub gates: BTreeMap<crate::governance::Target, Remote<Arc<crate::governance::GateReport>>>,
    /// Gate tab: the selected check's evidence is open.
    pub evidence_open: bool,
    /// Gate and Audit tabs: the model's audit runs, asked for on first visit.
    pub audit: Option<Remote<super::governance::AuditTrail>>,
}

impl DetailScreen {
    pub fn new(model: &str, version: &str, data: Remote<VersionDetail>) -> Self {
        DetailScreen {
            model: model.to_string(),
            version: version.to_string(),
            data,
            tab: DetailTab::Overview,
            cursor: ListCursor::default(),
            filter: String::new(),
            histories: BTreeMap::new(),
            by_time: false,
            monitoring: None,
            lineage: None,
            folded: Default::default(),
            gate_target: None,
            gates: BTreeMap::new(),
            evidence_open: false,
            audit: None,
        }
    }

    /// Whether anything of this screen is on its way (spinner ticks run meanwhile).
    pub fn is_loading(&self) -> bool {
        self.data.is_loading()
            || self.histories.values().any(Remote::is_loading)
            || self.monitoring.as_ref().is_some_and(Remote::is_loading)
            || self.lineage.as_ref().is_some_and(Remote::is_loading)
            || self.gates.values().any(Remote::is_loading)
            || self.audit.as_ref().is_some_and(Remote::is_loading)
    }

    /// The version's source run id, once the detail has loaded with a readable run.
    pub fn run_id(&self) -> Option<&str> {
        self.data
            .data
            .as_ref()
            .and_then(|d| d.run.run())
            .map(|r| r.info.run_id.as_str())
    }

    /// The metric selected on the Metrics tab.
    pub fn selected_metric(&self) -> Option<&Metric> {
        if self.tab != DetailTab::Metrics {
            return None;
        }
        match self.metric_entries().get(self.cursor.selected) {
            Some(MetricEntry::Metric(m)) => Some(m),
            _ => None,
        }
    }

    /// The Metrics tab's lines, filtered, metrics then params, each sorted by name.
    pub fn metric_entries(&self) -> Vec<MetricEntry<'_>> {
        let Some(run) = self.data.data.as_ref().and_then(|d| d.run.run()) else {
            return Vec::new();
        };
        let needle = self.filter.to_lowercase();
        let mut metrics: Vec<&Metric> = run
            .data
            .metrics
            .iter()
            .filter(|m| matches(&m.key, &needle))
            .collect();
        metrics.sort_by(|a, b| a.key.cmp(&b.key));
        let mut params: Vec<&Param> = run
            .data
            .params
            .iter()
            .filter(|p| matches(&p.key, &needle))
            .collect();
        params.sort_by(|a, b| a.key.cmp(&b.key));
        let mut out = Vec::with_capacity(metrics.len() + params.len() + 2);
        out.push(MetricEntry::Section {
            title: "Metrics",
            count: metrics.len(),
        });
        out.extend(metrics.into_iter().map(MetricEntry::Metric));
        out.push(MetricEntry::Section {
            title: "Params",
            count: params.len(),
        });
        out.extend(params.into_iter().map(MetricEntry::Param));
        out
    }

    /// Keep the Metrics tab's selection off section headings: step on in `direction`
    /// (+1 down, -1 up), or the other way at the ends.
    pub fn settle_on_entry(&mut self, direction: isize, rows: usize) {
        if self.tab != DetailTab::Metrics {
            return;
        }
        // Entries borrow the screen; the cursor moves after.
        let headings: Vec<bool> = self
            .metric_entries()
            .iter()
            .map(|e| matches!(e, MetricEntry::Section { .. }))
            .collect();
        self.cursor.settle_off(
            |i| headings.get(i).copied().unwrap_or(false),
            direction,
            headings.len(),
            rows,
        );
    }

    /// Lines the current tab can scroll through (the Overview's count is an upper bound;
    /// drawing clamps to what it laid out).
    pub fn scroll_len(&self) -> usize {
        match self.tab {
            DetailTab::Metrics => self.metric_entries().len(),
            DetailTab::Fairness => self.fairness_attributes(),
            DetailTab::Drift => self.drift_features().len(),
            DetailTab::Lineage => self
                .lineage_tree()
                .map_or(0, |t| tree_lines(t, &self.folded).len()),
            DetailTab::Overview => self.data.data.as_ref().map_or(0, overview_line_bound),
            DetailTab::Gate | DetailTab::Audit => self.governance_len(),
        }
    }
}

impl DetailScreen {
    /// The lineage tree, once loaded.
    pub fn lineage_tree(&self) -> Option<&LineageNode> {
        self.lineage.as_ref()?.data.as_deref()
    }

    /// The selected lineage node and its path.
    pub fn selected_node(&self) -> Option<(Vec<usize>, &LineageNode)> {
        let tree = self.lineage_tree()?;
        tree_lines(tree, &self.folded)
            .into_iter()
            .nth(self.cursor.selected)
            .map(|(p, l)| (p, l.node))
    }

    /// The monitored evidence, once loaded.
    pub fn monitored(&self) -> Option<&Monitored> {
        self.monitoring.as_ref()?.data.as_ref()?.as_deref()
    }

    /// The latest drift window, drifted features first (triage starts at the top), then by name.
    pub fn drift_table(&self) -> Option<crate::evidence::drift::WindowTable> {
        let m = self.monitored()?;
        let (mut t, _) = crate::evidence::drift::latest_table(&m.history, &m.reports)?;
        t.features.sort_by(|a, b| {
            b.drifted()
                .cmp(&a.drifted())
                .then(a.feature.cmp(&b.feature))
        });
        Some(t)
    }

    /// The features of the latest drift window, in the Drift tab's order.
    pub fn drift_features(&self) -> Vec<String> {
        self.drift_table()
            .map(|t| t.features.into_iter().map(|f| f.feature).collect())
            .unwrap_or_default()
    }

    /// How many sensitive attributes the run logged (the Fairness tab's j/k choice).
    fn fairness_attributes(&self) -> usize {
        let Some(run) = self.data.data.as_ref().and_then(|d| d.run.run()) else {
            return 0;
        };
        crate::evidence::fairness::Fairness::from_metrics(
            &run.data.metrics,
            &Default::default(),
            &Default::default(),
        )
        .attributes()
        .len()
    }
}

fn overview_line_bound(detail: &VersionDetail) -> usize {
    let v = &detail.version;
    let description = v
        .description
        .as_deref()
        .map_or(0, |d| d.lines().count() + d.len() / 40);
    let run_tags = detail
        .run
        .run()
        .map_or(0, |r| r.data.tags.len() + r.inputs.dataset_inputs.len());
    40 + v.tags.len() + description + run_tags
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
