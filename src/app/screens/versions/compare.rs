//! The compare view (`c` on the versions list): marked versions side by side with the champion,
//! every metric of their runs, and the selected metric's curves overlaid.

use super::VersionsScreen;
use crate::app::cursor::ListCursor;
use crate::app::effect::Effect;
use crate::app::remote::Remote;
use crate::app::screens::Ctx;

/// Marked versions side by side: every metric of their runs, differences to the champion,
/// and the selected metric's curves overlaid.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Compare {
    /// The versions compared, the champion (baseline) first when it has a run.
    pub versions: Vec<String>,
    /// The selected metric row.
    pub cursor: ListCursor,
    /// Histories by (run id, metric key), fetched when a metric is selected.
    pub histories: std::collections::BTreeMap<(String, String), Remote<Vec<crate::mlflow::Metric>>>,
}

impl VersionsScreen {
    /// The compare view's rows: every metric any compared version's run logged, by name.
    pub fn compare_metrics(&self) -> Vec<String> {
        let Some(c) = &self.compare else {
            return Vec::new();
        };
        let mut keys: Vec<String> = c
            .versions
            .iter()
            .filter_map(|v| self.version_row(v)?.run.run())
            .flat_map(|r| r.data.metrics.iter().map(|m| m.key.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// (version, run id) of each compared version that has a readable run.
    pub fn compare_runs(&self) -> Vec<(String, String)> {
        let Some(c) = &self.compare else {
            return Vec::new();
        };
        c.versions
            .iter()
            .filter_map(|v| {
                let run = self.version_row(v)?.run.run()?;
                Some((v.clone(), run.info.run_id.clone()))
            })
            .collect()
    }

    /// Open the compare view on the marked versions (else the selected one) and the champion.
    pub fn open_compare(&mut self) {
        let mut versions: Vec<String> = self.marked.iter().cloned().collect();
        if versions.is_empty() {
            versions.extend(self.selected().map(|r| r.version.version.clone()));
        }
        // Newest first, as the list shows them.
        versions.sort_by_key(|v| std::cmp::Reverse(v.parse::<u64>().unwrap_or(0)));
        if let Some(champion) = &self.champion {
            versions.retain(|v| v != champion);
            versions.insert(0, champion.clone());
        }
        self.compare = Some(Compare {
            versions,
            ..Compare::default()
        });
    }

    /// The selected metric: each compared run's history, once.
    pub(super) fn ensure_compare_histories(&mut self, ctx: &mut Ctx) {
        let metrics = self.compare_metrics();
        let runs = self.compare_runs();
        let Some(c) = self.compare.as_mut() else {
            return;
        };
        let Some(key) = metrics.get(c.cursor.selected).cloned() else {
            return;
        };
        let wanted: Vec<String> = runs
            .into_iter()
            .map(|(_, run)| run)
            .filter(|run| !c.histories.contains_key(&(run.clone(), key.clone())))
            .collect();
        for run_id in wanted {
            let request = ctx.new_request();
            c.histories
                .insert((run_id.clone(), key.clone()), Remote::loading(request));
            ctx.effect(Effect::LoadHistory {
                request,
                run_id,
                key: key.clone(),
            });
        }
    }
}
