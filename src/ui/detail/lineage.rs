//! Tab 5: the version's lineage as a foldable tree (Space folds, Enter opens a version or the
//! run's metrics); links that could not be followed are marked leaves (✗), never errors.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::app::screens::{tree_lines, DetailScreen};
use crate::app::State;
use crate::ui::format::span;
use crate::ui::theme::Theme;
use crate::ui::{panel, scrollbar_beside, table};

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    block_area: Rect,
    state: &State,
    d: &DetailScreen,
    theme: &Theme,
) {
    let Some(tree) = panel::remote_data(
        frame,
        area,
        d.lineage.tree.as_ref(),
        ("the lineage", "the lineage"),
        state.spinner,
        theme,
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
    table::draw_list(
        frame,
        area,
        scrollbar,
        table::List {
            columns: &columns,
            items: &lines,
            cursor: &d.cursor,
        },
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
