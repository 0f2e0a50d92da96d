//! The drift marker shared by the models and versions lists: `●` on a row whose latest
//! monitoring window drifted, and its legend on the list's border.

use std::collections::BTreeMap;

use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::Remote;

/// A row (model or version) whose latest monitoring window drifted.
pub const DRIFTED: &str = "●";
/// Markers from before a refresh that failed.
pub const STALE: &str = "(stale)";

/// Drift markers by row key, as the lists hold them (`None`: not asked for yet).
pub type DriftMarks = Option<Remote<BTreeMap<String, bool>>>;

/// Whether the markers are from before a refresh that failed.
pub fn drift_stale(marks: &DriftMarks) -> bool {
    marks.as_ref().is_some_and(|d| d.stale)
}

/// One row's marker: `●` in the error colour, muted when the markers are stale; empty when the
/// row did not drift or is not monitored.
pub fn drift_marker(drifted: Option<bool>, stale: bool, theme: &Theme) -> Span<'static> {
    match drifted {
        Some(true) if stale => Span::styled(DRIFTED, theme.muted()),
        Some(true) => Span::styled(DRIFTED, theme.error()),
        _ => Span::raw(""),
    }
}

/// The markers' legend: `● drifted`, and `(stale)` when they are from before a refresh that
/// failed (then also when no row is marked: "none drifted" is as old).
pub fn drift_legend(marks: &DriftMarks, theme: &Theme) -> Option<Line<'static>> {
    let any = marks
        .as_ref()
        .and_then(|d| d.data.as_ref())
        .is_some_and(|m| m.values().any(|d| *d));
    let stale = drift_stale(marks);
    let mut spans = match (any, stale) {
        (true, _) => vec![
            Span::styled(format!(" {DRIFTED} "), theme.error()),
            Span::styled("drifted ", theme.muted()),
        ],
        (false, true) => vec![Span::styled(" drift markers ", theme.muted())],
        (false, false) => return None,
    };
    if stale {
        spans.push(Span::styled(format!("{STALE} "), theme.warn()));
    }
    Some(Line::from(spans))
}
