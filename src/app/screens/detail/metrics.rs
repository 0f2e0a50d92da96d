//! Tab 2, Metrics: the run's metrics and params (filtered with `/`), and the selected metric's
//! curve, its history asked for when it is selected.

use std::collections::BTreeMap;

use super::{DetailScreen, DetailTab};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::remote::Remote;
use crate::app::screens::behaviour::answer_history;
use crate::app::screens::{matches, Ctx};
use crate::mlflow::{Metric, Param};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricsTab {
    /// Narrows the list (metric and param names).
    pub filter: String,
    /// Metric histories of the version's run, by key, fetched when a metric is selected and
    /// kept until refresh.
    pub histories: BTreeMap<String, Remote<Vec<Metric>>>,
    /// Curves by time instead of by step.
    pub by_time: bool,
}

/// One line of the Metrics tab: a section heading, a metric or a param.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricEntry<'a> {
    Section { title: &'static str, count: usize },
    Metric(&'a Metric),
    Param(&'a Param),
}

impl MetricsTab {
    pub fn is_loading(&self) -> bool {
        self.histories.values().any(Remote::is_loading)
    }

    /// A history this tab asked for.
    pub fn answer(&mut self, action: Action) -> Option<Action> {
        let histories = &mut self.histories;
        answer_history(action, move |_, key| histories.get_mut(key))
    }

    /// The history of `key` in run `run_id` (the selected metric), once.
    pub fn ensure_loaded(&mut self, run_id: &str, key: &str, ctx: &mut Ctx) {
        if self.histories.contains_key(key) {
            return;
        }
        let request = ctx.new_request();
        self.histories
            .insert(key.to_string(), Remote::loading(request));
        ctx.effect(Effect::LoadHistory {
            request,
            run_id: run_id.to_string(),
            key: key.to_string(),
        });
    }

    /// `r`: histories are asked for again when shown.
    pub fn refresh(&mut self) {
        self.histories.clear();
    }
}

impl DetailScreen {
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
        let needle = self.metrics.filter.to_lowercase();
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
}
