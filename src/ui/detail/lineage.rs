//! Tab 5: the version's lineage as a foldable tree (Space folds, Enter opens a version or the
//! run's metrics); links that could not be followed are marked leaves (✗), never errors.

use ratatui::layout::Constraint;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::TabView;
use crate::app::screens::{tree_lines, DetailScreen};
use crate::ui::format::span;
use crate::ui::{scrollbar_beside, table};

pub fn draw(frame: &mut Frame, view: &TabView, d: &DetailScreen) {
    let TabView {
        area,
        block_area,
        theme,
        ..
    } = *view;
    let Some(tree) = view.data(
        frame,
        d.lineage.tree.as_ref(),
        ("the lineage", "the lineage"),
    ) else {
        return;
    };
    let lines = tree_lines(tree, &d.lineage.folded);
    let missing = tree.missing_links().len();
    let title = if missing > 0 {
        format!("LINEAGE  ({missing} missing link(s) marked ✗; Space folds, Enter opens)")
    } else {
        "LINEAGE  (Space folds, Enter opens)".to_string()
    };
    let columns = [table::Column::new(&title, Constraint::Fill(1))];
    let scrollbar = scrollbar_beside(block_area, area);
    table::List::new(&columns, &lines, &d.cursor).draw(
        frame,
        (area, scrollbar),
        theme,
        &|(_, l), w| {
            let n = l.node;
            let fold = if n.children.is_empty() {
                "  "
            } else if l.expanded {
                "▾ "
            } else {
                "▸ "
            };
            let mut spans = vec![
                Span::raw("  ".repeat(l.depth)),
                Span::styled(fold, theme.muted()),
            ];
            if n.missing {
                spans.push(Span::styled("✗ ", theme.warn()));
            }
            let style = if n.missing {
                theme.warn()
            } else if n.opens.is_some() {
                theme.accent()
            } else {
                theme.base()
            };
            let used: usize = spans.iter().map(|s| s.width()).sum();
            let room = (w[0] as usize).saturating_sub(used);
            spans.push(span(&n.label, room, style));
            if let Some(detail) = &n.detail {
                let used: usize = spans.iter().map(|s| s.width()).sum();
                let room = (w[0] as usize).saturating_sub(used + 2);
                if room > 4 {
                    spans.push(Span::raw("  "));
                    spans.push(span(detail, room, theme.muted()));
                }
            }
            vec![Line::from(spans)]
        },
    );
}
