//! Tab 1, Overview: the version, its run and where it came from. It scrolls; everything it shows
//! is the screen's header data, so it has no state of its own.

use crate::registry::VersionDetail;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OverviewTab;

impl OverviewTab {
    /// Lines the Overview can scroll through: an upper bound (drawing clamps to what it laid out).
    pub fn scroll_len(self, detail: Option<&VersionDetail>) -> usize {
        detail.map_or(0, overview_line_bound)
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
