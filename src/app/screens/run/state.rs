//! One run that is not the version's own (a parent run, the run that produced a dataset, another
//! version's run), opened from the Lineage tab: its metrics with their curves, params and the
//! tags that say where it came from.

use std::collections::BTreeMap;

use crate::app::cursor::ListCursor;
use crate::app::remote::Remote;
use crate::mlflow::{Metric, Param, Run, Tag};

/// Tags worth showing of a run reached through lineage: who, what code, which parent.
const KEY_TAGS: [&str; 6] = [
    "mlflow.runName",
    "mlflow.user",
    "mlflow.source.name",
    "mlflow.source.git.commit",
    "mlflow.parentRunId",
    "mlflow.source.type",
];

/// One line of the run view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RunEntry<'a> {
    Section { title: &'static str, count: usize },
    Metric(&'a Metric),
    Param(&'a Param),
    Tag(&'a Tag),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunScreen {
    pub run_id: String,
    /// The lineage node's label, for the breadcrumb until the run has loaded.
    pub label: String,
    pub data: Remote<Run>,
    pub cursor: ListCursor,
    /// Metric histories by key, fetched when a metric is selected, kept until refresh.
    pub histories: BTreeMap<String, Remote<Vec<Metric>>>,
    /// Curves by time instead of by step.
    pub by_time: bool,
}

impl RunScreen {
    pub fn new(run_id: &str, label: &str, data: Remote<Run>) -> Self {
        RunScreen {
            run_id: run_id.to_string(),
            label: label.to_string(),
            data,
            cursor: ListCursor::default(),
            histories: BTreeMap::new(),
            by_time: false,
        }
    }

    /// Metrics, params and key tags, each sorted by name, under their headings.
    pub fn entries(&self) -> Vec<RunEntry<'_>> {
        let Some(run) = self.data.data.as_ref() else {
            return Vec::new();
        };
        let mut metrics: Vec<&Metric> = run.data.metrics.iter().collect();
        metrics.sort_by(|a, b| a.key.cmp(&b.key));
        let mut params: Vec<&Param> = run.data.params.iter().collect();
        params.sort_by(|a, b| a.key.cmp(&b.key));
        let tags: Vec<&Tag> = KEY_TAGS
            .iter()
            .filter_map(|k| run.data.tags.iter().find(|t| t.key == *k))
            .collect();
        let mut out = vec![RunEntry::Section {
            title: "Metrics",
            count: metrics.len(),
        }];
        out.extend(metrics.into_iter().map(RunEntry::Metric));
        out.push(RunEntry::Section {
            title: "Params",
            count: params.len(),
        });
        out.extend(params.into_iter().map(RunEntry::Param));
        out.push(RunEntry::Section {
            title: "Tags",
            count: tags.len(),
        });
        out.extend(tags.into_iter().map(RunEntry::Tag));
        out
    }

    /// The selected metric, when the cursor is on one.
    pub fn selected_metric(&self) -> Option<&Metric> {
        match self.entries().get(self.cursor.selected) {
            Some(RunEntry::Metric(m)) => Some(m),
            _ => None,
        }
    }

    /// Keep the selection off headings: step on in `direction`, or back at the ends.
    pub fn settle_on_entry(&mut self, direction: isize, rows: usize) {
        // Entries borrow the screen; the cursor moves after.
        let headings: Vec<bool> = self
            .entries()
            .iter()
            .map(|e| matches!(e, RunEntry::Section { .. }))
            .collect();
        self.cursor.settle_off(
            |i| headings.get(i).copied().unwrap_or(false),
            direction,
            headings.len(),
            rows,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::screens::ScreenBehaviour;

    fn run() -> Run {
        let mut r = Run::default();
        r.info.run_id = "abcdef0123456789".into();
        r.info.run_name = Some("hpo-sweep".into());
        r.data.metrics = vec![
            Metric {
                key: "val_auc".into(),
                value: 0.8,
                timestamp: 0,
                step: 3,
            },
            Metric {
                key: "best_val_auc".into(),
                value: 0.85,
                timestamp: 0,
                step: 0,
            },
        ];
        r.data.params = vec![Param {
            key: "search".into(),
            value: "random".into(),
        }];
        r.data.tags = vec![
            Tag {
                key: "team".into(),
                value: "risk".into(),
            },
            Tag {
                key: "mlflow.user".into(),
                value: "ana".into(),
            },
        ];
        r
    }

    #[test]
    fn entries_list_metrics_params_and_key_tags_and_skip_headings() {
        let mut s = RunScreen::new("abcdef0123456789", "parent run", Remote::default());
        assert_eq!(s.crumb(), "run abcdef01");
        s.data.data = Some(run());
        assert_eq!(s.crumb(), "run hpo-sweep");
        let e = s.entries();
        assert_eq!(e.len(), 7, "3 headings, 2 metrics, 1 param, 1 key tag");
        assert!(matches!(e[1], RunEntry::Metric(m) if m.key == "best_val_auc"));
        assert!(matches!(e[6], RunEntry::Tag(t) if t.key == "mlflow.user"));
        s.settle_on_entry(1, 10);
        assert_eq!(
            s.selected_metric().map(|m| m.key.as_str()),
            Some("best_val_auc")
        );
    }
}
