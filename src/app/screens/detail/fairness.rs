//! Tab 3, Fairness: the run's `fairness.*` metrics per sensitive attribute, judged by the
//! policy's bounds. It reads the version's run (the screen's header data): no state of its own.

use crate::registry::VersionDetail;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FairnessTab;

impl FairnessTab {
    /// How many sensitive attributes the run logged (the tab's j/k choice).
    pub fn scroll_len(self, detail: Option<&VersionDetail>) -> usize {
        let Some(run) = detail.and_then(|d| d.run.run()) else {
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
