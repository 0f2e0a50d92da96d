//! Line charts of metric curves: every series downsampled to the chart's width first (a
//! 30,000-point history draws as fast as a 30-point one, its extremes kept), braille markers,
//! or dots when the settings ask for plain characters.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};
use ratatui::Frame;

use super::format::metric;
use super::theme::Theme;
use crate::evidence::downsample::{for_screen, Point};

/// One curve: its legend name (sanitized here) and points in x order.
pub struct Series {
    pub name: String,
    pub points: Vec<Point>,
    pub color: Color,
}

/// A horizontal reference line (a threshold) across the chart.
pub struct HLine {
    pub name: String,
    pub y: f64,
    pub color: Color,
}

/// How the x axis reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum XAxis {
    Step,
    /// Milliseconds since the epoch, labelled as dates.
    Time,
    /// A feature's values (a distribution's bins), labelled as numbers.
    Value,
}

pub struct LineChart<'a> {
    pub title: Line<'static>,
    pub series: &'a [Series],
    pub hlines: &'a [HLine],
    pub x: XAxis,
    pub ascii: bool,
    /// Name the series in the title, each in its colour.
    pub legend: bool,
}

fn x_label(x: f64, axis: XAxis) -> String {
    match axis {
        XAxis::Step => format!("{}", x.round() as i64),
        XAxis::Time => super::format::date(Some(x as i64), false),
        XAxis::Value => super::format::metric(x),
    }
}

/// Draw the chart into `area` (bordered block with the title).
pub fn draw(frame: &mut Frame, area: Rect, chart: LineChart, theme: &Theme) {
    // Series legends ride in the title (always visible, however small the chart).
    let mut title = chart.title.clone();
    if chart.legend {
        for s in chart.series {
            title
                .spans
                .push(Span::styled("■ ", Style::default().fg(s.color)));
            title.spans.push(Span::styled(
                format!("{} ", crate::text::sanitize_line(&s.name)),
                theme.base(),
            ));
        }
    }
    let mut block = Block::bordered()
        .border_style(theme.border(false))
        .title(title);
    // Thresholds are named on the bottom border, never in a box over the plot: a legend box
    // sits where a rising curve ends and would hide it, and the top border holds the title.
    if !chart.hlines.is_empty() {
        let mut spans = Vec::new();
        for h in chart.hlines {
            let style = Style::default().fg(h.color);
            spans.push(Span::styled(" ─ ", style));
            spans.push(Span::styled(
                format!("{} ", crate::text::sanitize_line(&h.name)),
                style,
            ));
        }
        block = block.title_bottom(Line::from(spans).right_aligned());
    }
    let inner = block.inner(area);
    // Braille packs 2 points per column; keep a few more than the columns for both.
    let columns = (inner.width as usize).max(1) * 2;
    let sampled: Vec<Vec<Point>> = chart
        .series
        .iter()
        .map(|s| for_screen(&s.points, columns))
        .collect();
    let (mut x_min, mut x_max) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut y_min, mut y_max) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in sampled.iter().flatten() {
        x_min = x_min.min(p.0);
        x_max = x_max.max(p.0);
        y_min = y_min.min(p.1);
        y_max = y_max.max(p.1);
    }
    for h in chart.hlines {
        y_min = y_min.min(h.y);
        y_max = y_max.max(h.y);
    }
    if !x_min.is_finite() || !y_min.is_finite() {
        frame.render_widget(block, area);
        return;
    }
    if x_max <= x_min {
        x_max = x_min + 1.0;
    }
    let pad = if y_max > y_min {
        (y_max - y_min) * 0.05
    } else {
        y_min.abs().max(1.0) * 0.05
    };
    let (y_lo, y_hi) = (y_min - pad, y_max + pad);
    let marker = if chart.ascii {
        Marker::Dot
    } else {
        Marker::Braille
    };
    let hline_points: Vec<[Point; 2]> = chart
        .hlines
        .iter()
        .map(|h| [(x_min, h.y), (x_max, h.y)])
        .collect();
    let mut datasets: Vec<Dataset> = Vec::new();
    for (h, pts) in chart.hlines.iter().zip(&hline_points) {
        datasets.push(
            Dataset::default()
                .marker(marker)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(h.color))
                .data(pts),
        );
    }
    for (s, pts) in chart.series.iter().zip(&sampled) {
        datasets.push(
            Dataset::default()
                .marker(marker)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(s.color))
                .data(pts),
        );
    }
    let x_labels = vec![
        Span::styled(x_label(x_min, chart.x), theme.muted()),
        Span::styled(x_label(x_max, chart.x), theme.muted()),
    ];
    let y_labels = vec![
        Span::styled(metric(y_min), theme.muted()),
        Span::styled(metric(y_max), theme.muted()),
    ];
    let widget = Chart::new(datasets)
        .block(block)
        .style(theme.base())
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([x_min, x_max])
                .labels(x_labels)
                .style(theme.border(false)),
        )
        .y_axis(
            Axis::default()
                .bounds([y_lo, y_hi])
                .labels(y_labels)
                .style(theme.border(false)),
        );
    frame.render_widget(widget, area);
}
