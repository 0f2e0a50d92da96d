//! Tab 2 (for now): the run's metrics and params as a table. Curves arrive with the evidence
//! views; this tab keeps the selection so they can hang off it.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::app::screens::{DetailScreen, MetricEntry};
use crate::registry::VersionDetail;
use crate::ui::format::{date, metric, span};
use crate::ui::theme::Theme;
use crate::ui::{panel, table};

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    block_area: Rect,
    d: &DetailScreen,
    detail: &VersionDetail,
    theme: &Theme,
) {
    if detail.run.run().is_none() {
        panel::empty(
            frame,
            area,
            "This version has no readable source run, so no metrics.",
            "",
            theme,
        );
        return;
    }
    let entries = d.metric_entries();
    let wide = area.width >= 100;
    // Values sit next to their names: as wide as the longest param value needs, within reason.
    let value_width = entries
        .iter()
        .map(|e| match e {
            MetricEntry::Param(p) => crate::text::width(&crate::text::sanitize_line(&p.value)),
            _ => 10,
        })
        .max()
        .unwrap_or(10)
        .clamp(12, (area.width as usize / 3).max(12)) as u16;
    let mut columns = vec![
        table::Column::new("NAME", Constraint::Fill(1)),
        table::Column::new("VALUE", Constraint::Length(value_width)),
        table::Column::new("STEP", Constraint::Length(8)).right(),
    ];
    if wide {
        columns.push(table::Column::new("LOGGED", Constraint::Length(16)));
    }
    // The scrollbar runs beside the table only, on the block's right border.
    let scrollbar = Rect::new(block_area.x, area.y, block_area.width, area.height);
    table::draw(
        frame,
        area,
        scrollbar,
        table::Rows {
            columns: &columns,
            len: entries.len(),
            cursor: &d.cursor,
        },
        theme,
        &|i, w| match entries.get(i) {
            Some(MetricEntry::Section { title, count }) => vec![Line::from(Span::styled(
                format!("{title} ({count})"),
                theme.title(),
            ))],
            Some(MetricEntry::Metric(m)) => {
                let mut cells = vec![
                    Line::from(span(&m.key, w[0] as usize, theme.base())),
                    Line::from(span(&metric(m.value), w[1] as usize, theme.base())),
                    Line::from(Span::styled(m.step.to_string(), theme.muted())),
                ];
                if wide {
                    cells.push(Line::from(Span::styled(
                        date(Some(m.timestamp), true),
                        theme.muted(),
                    )));
                }
                cells
            }
            Some(MetricEntry::Param(p)) => vec![
                Line::from(span(&p.key, w[0] as usize, theme.base())),
                Line::from(span(&p.value, w[1] as usize, theme.base())),
            ],
            None => Vec::new(),
        },
    );
}
