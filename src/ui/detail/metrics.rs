//! Tab 2: the run's metrics and params as a table, and the selected metric's curve (its full
//! history, by step or by time, downsampled to the chart's width).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::TabView;
use crate::app::remote::Remote;
use crate::app::screens::{DetailScreen, MetricEntry};
use crate::app::State;
use crate::mlflow::Metric;
use crate::registry::VersionDetail;
use crate::ui::chart::{self, LineChart, Series, XAxis};
use crate::ui::format::{clip, date, metric, span};
use crate::ui::theme::Theme;
use crate::ui::{panel, scrollbar_beside, table};

pub fn draw(frame: &mut Frame, view: &TabView, d: &DetailScreen, detail: &VersionDetail) {
    let TabView {
        area,
        block_area,
        state,
        theme,
    } = *view;
    if detail.run.run().is_none() || area.height < 10 {
        return draw_table(frame, area, block_area, d, detail, theme);
    }
    let (table_area, chart_area) = if area.width >= 120 {
        let [t, c] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(area);
        (t, c)
    } else {
        let [t, c] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Fill(1)]).areas(area);
        (t, c)
    };
    // The table's scrollbar follows the table, not the whole block.
    let bar = Rect::new(
        block_area.x,
        table_area.y,
        if area.width >= 120 {
            table_area.width + 2
        } else {
            block_area.width
        },
        table_area.height,
    );
    draw_table(frame, table_area, bar, d, detail, theme);
    draw_curve(frame, chart_area, state, d, theme);
}

/// The selected metric's curve, or why there is none.
fn draw_curve(frame: &mut Frame, area: Rect, state: &State, d: &DetailScreen, theme: &Theme) {
    let selected = d.selected_metric();
    let history = selected.and_then(|m| d.metrics.histories.get(&m.key));
    curve(
        frame,
        area,
        state,
        selected,
        history,
        d.metrics.by_time,
        theme,
    );
}

/// A metric's curve from its history (by step or by time), or why there is none; the run view
/// draws its curves with it too.
pub(crate) fn curve(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    selected: Option<&Metric>,
    history: Option<&Remote<Vec<Metric>>>,
    by_time: bool,
    theme: &Theme,
) {
    let Some(m) = selected else {
        panel::empty(frame, area, "Select a metric to see its curve.", "", theme);
        return;
    };
    let failed = format!("the history of {}", m.key);
    let Some(points) = panel::remote_data(
        frame,
        area,
        history,
        ("the metric's history", &failed),
        state.spinner,
        theme,
    ) else {
        return;
    };
    if points.len() < 2 {
        panel::empty(
            frame,
            area,
            &format!("{}: one value logged, no curve.", m.key),
            "Metrics logged at several steps draw here.",
            theme,
        );
        return;
    }
    let axis = if by_time { XAxis::Time } else { XAxis::Step };
    let mut xy: Vec<(f64, f64)> = points
        .iter()
        .map(|p| {
            let x = if by_time { p.timestamp } else { p.step };
            (x as f64, p.value)
        })
        .collect();
    // Histories come in logging order; charts need x order (stable: equal x keep their order).
    if xy.windows(2).any(|w| w[1].0 < w[0].0) {
        xy.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let mut title = Line::from(vec![
        Span::styled(format!(" {} ", clip(&m.key, 40)), theme.title()),
        Span::styled(
            format!(
                "{} points, by {} (t toggles) ",
                points.len(),
                if by_time { "time" } else { "step" }
            ),
            theme.muted(),
        ),
    ]);
    // NaN and ±Inf have no place on the axes: the chart leaves them out, the title says so.
    let non_finite = points.iter().filter(|p| !p.value.is_finite()).count();
    if non_finite > 0 {
        title.spans.push(Span::styled(
            format!("{non_finite} NaN/±Inf not drawn "),
            theme.warn(),
        ));
    }
    let series = [Series {
        name: m.key.clone(),
        points: xy,
        color: theme.chart(0),
    }];
    chart::draw(
        frame,
        area,
        LineChart {
            title,
            series: &series,
            hlines: &[],
            x: axis,
            ascii: state.settings.ascii,
            legend: false,
        },
        theme,
    );
}

fn draw_table(
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
    let scrollbar = scrollbar_beside(block_area, area);
    table::List::new(&columns, &entries, &d.cursor).draw(
        frame,
        (area, scrollbar),
        theme,
        &|entry, w| match entry {
            MetricEntry::Section { title, count } => vec![Line::from(Span::styled(
                format!("{title} ({count})"),
                theme.title(),
            ))],
            MetricEntry::Metric(m) => {
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
            MetricEntry::Param(p) => vec![
                Line::from(span(&p.key, w[0] as usize, theme.base())),
                Line::from(span(&p.value, w[1] as usize, theme.base())),
            ],
        },
    );
}
