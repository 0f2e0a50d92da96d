//! Tab 4: drift monitoring of the version. The latest window's per-feature table, the selected
//! feature's deciding statistic over every window with its threshold and drift onset, the live
//! performance metrics over the same windows, and reference vs current histograms.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};
use ratatui::Frame;

use super::TabView;
use crate::app::screens::{DetailScreen, DriftPanel, Monitored};
use crate::app::State;
use crate::evidence::drift::{
    day_of, latest_table, FeatureHistogram, FeatureRow, LatestSource, Statistic, WindowTable,
};
use crate::evidence::evidently::SmallDistribution;
use crate::ui::chart::{self, HLine, LineChart, Series, XAxis};
use crate::ui::format::{clip, metric, span};
use crate::ui::theme::Theme;
use crate::ui::{panel, scrollbar_beside, table};

/// Columns of the feature table, in order; shown only when some feature logged them.
const STATS: [Statistic; 7] = [
    Statistic::Psi,
    Statistic::KsStat,
    Statistic::PValue,
    Statistic::JsDistance,
    Statistic::Wasserstein,
    Statistic::ZScore,
    Statistic::IqrOverlap,
];

pub fn draw(frame: &mut Frame, view: &TabView, d: &DetailScreen) {
    let TabView {
        area,
        block_area,
        state,
        theme,
    } = *view;
    let Some(monitoring) = view.data(
        frame,
        d.drift.monitoring.as_ref(),
        ("monitoring runs", "the monitoring runs"),
    ) else {
        return;
    };
    let Some(m) = monitoring.as_deref() else {
        panel::empty(
            frame,
            area,
            &format!("Not monitored: no monitoring run for version {}.", d.version),
            "Monitoring runs carry tags monitoring.model_name and monitoring.model_version, and log drift.<feature>.<statistic> per window.",
            theme,
        );
        return;
    };
    let Some(latest) = d.drift_table() else {
        panel::empty(
            frame,
            area,
            "The monitoring run logged no drift metrics and no Evidently report yet.",
            "Log drift.<feature>.<statistic> (psi, ks_stat, p_value, ...) and drift.share per window, or an Evidently report as a JSON artifact.",
            theme,
        );
        return;
    };

    let table_height = (latest.features.len() as u16 + 2)
        .min(area.height * 2 / 5)
        .max(3);
    let [summary_area, table_area, charts_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(table_height),
        Constraint::Fill(1),
    ])
    .areas(area);
    draw_summary(frame, summary_area, m, &latest, theme);
    draw_table(frame, table_area, block_area, d, &latest, theme);

    let selected = latest.features.get(
        d.cursor
            .selected
            .min(latest.features.len().saturating_sub(1)),
    );
    let Some(row) = selected else {
        return;
    };
    // The selected panel first, then as many of the others as fit (`v` cycles).
    let fit = if charts_area.width >= 140 {
        3
    } else if charts_area.width >= 100 {
        2
    } else {
        1
    };
    let panes =
        Layout::horizontal(vec![Constraint::Ratio(1, fit); fit as usize]).split(charts_area);
    for (panel, area) in d.drift.panel.order().into_iter().zip(panes.iter()) {
        let area = *area;
        match panel {
            DriftPanel::Trend => draw_over_time(frame, area, state, m, row, theme),
            DriftPanel::Histogram => draw_histogram(frame, area, m, &row.feature, theme),
            DriftPanel::Perf => draw_perf(frame, area, state, m, theme),
        }
    }
}

fn draw_summary(frame: &mut Frame, area: Rect, m: &Monitored, t: &WindowTable, theme: &Theme) {
    let mut spans = vec![
        Span::styled("monitoring ", theme.muted()),
        span(
            m.run_name.as_deref().unwrap_or(&m.run_id),
            (area.width as usize).saturating_sub(62).max(12),
            theme.accent(),
        ),
    ];
    match latest_table(&m.history, &m.reports) {
        // No drift metrics: the table is a report's (Evidently, alibi-detect); say which.
        Some((_, LatestSource::Report(r))) => {
            let era = match r.shape {
                crate::evidence::evidently::ReportShape::Legacy => "Evidently 0.4-0.6",
                crate::evidence::evidently::ReportShape::Snapshot => "Evidently 0.7",
                crate::evidence::evidently::ReportShape::AlibiKsDrift => "alibi-detect KSDrift",
            };
            spans.push(Span::styled(format!(" · {era} report "), theme.muted()));
            spans.push(span(&r.path, 28, theme.base()));
        }
        _ => spans.push(Span::styled(
            format!(
                " · {} windows to {}",
                m.history.windows.len(),
                t.window_end_ms.map(day_of).unwrap_or_else(|| "-".into())
            ),
            theme.muted(),
        )),
    }
    if let Some(share) = t.drift_share {
        spans.push(Span::styled(
            format!(" · share {} ", crate::text::fixed(share, 2)),
            theme.muted(),
        ));
        if t.dataset_drifted == Some(true) {
            spans.push(Span::styled("DRIFTED", theme.error()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_table(
    frame: &mut Frame,
    area: Rect,
    block_area: Rect,
    d: &DetailScreen,
    t: &WindowTable,
    theme: &Theme,
) {
    let stats: Vec<&Statistic> = STATS
        .iter()
        .filter(|s| t.features.iter().any(|f| f.stat(s).is_some()))
        .collect();
    let mut columns = vec![table::Column::new("FEATURE", Constraint::Fill(1))];
    for s in &stats {
        let title = match s {
            Statistic::JsDistance => "JS",
            Statistic::Wasserstein => "WASSER.",
            Statistic::ZScore => "Z",
            Statistic::IqrOverlap => "IQR",
            other => other.label(),
        };
        columns.push(table::Column::new(title, Constraint::Length(8)).right());
    }
    columns.push(table::Column::new("DRIFT", Constraint::Length(7)));
    let scrollbar = scrollbar_beside(block_area, area);
    table::List::new(&columns, &t.features, &d.cursor).draw(
        frame,
        (area, scrollbar),
        theme,
        &|f, w| {
            let mut cells = vec![Line::from(span(&f.feature, w[0] as usize, theme.base()))];
            for s in &stats {
                cells.push(Line::from(Span::styled(
                    f.stat(s).map(metric).unwrap_or_else(|| "-".into()),
                    theme.base(),
                )));
            }
            cells.push(Line::from(match &f.verdict {
                Some(v) if v.drifted => Span::styled("● yes", theme.error()),
                Some(_) => Span::styled("no", theme.ok()),
                None => Span::styled("-", theme.muted()),
            }));
            cells
        },
    );
}

/// The statistic that decides the feature's verdict (the one the chart and onset use).
fn deciding_stat(m: &Monitored, row: &FeatureRow) -> Option<Statistic> {
    if let Some(v) = &row.verdict {
        return Some(v.statistic.clone());
    }
    m.history
        .thresholds
        .decide_by
        .iter()
        .find(|s| row.stat(s).is_some())
        .cloned()
        .or_else(|| row.stats.keys().next().cloned())
}

fn draw_over_time(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    m: &Monitored,
    row: &FeatureRow,
    theme: &Theme,
) {
    if m.history.has_no_trend() {
        // A report is one window: no "over time", but its distributions, if any.
        let distributions = m
            .reports
            .first()
            .and_then(|r| r.distributions.get(&row.feature));
        if let Some(d) = distributions {
            if let (Some(reference), Some(current)) = (&d.reference, &d.current) {
                draw_distributions(frame, area, state, &row.feature, reference, current, theme);
                return;
            }
        }
        panel::empty(
            frame,
            area,
            "One window only (an Evidently report): no drift over time.",
            "Log drift.<feature>.<statistic> per window to see the trend and the onset.",
            theme,
        );
        return;
    }
    let Some(stat) = deciding_stat(m, row) else {
        panel::empty(
            frame,
            area,
            "No statistic logged for this feature.",
            "",
            theme,
        );
        return;
    };
    let points: Vec<(f64, f64)> = m
        .history
        .statistic_series(&row.feature, &stat)
        .iter()
        .map(|p| (p.window_end_ms as f64, p.value))
        .collect();
    let feature = clip(&row.feature, 24);
    let mut title = vec![match m.history.drifting_since_by(&row.feature, &stat) {
        Some(onset) => Span::styled(
            format!(" {feature} drifting since {} ", onset.day()),
            theme.error(),
        ),
        None => Span::styled(format!(" {feature} not drifting "), theme.ok()),
    }];
    title.push(Span::styled(
        format!("· {} by window ", stat.label()),
        theme.muted(),
    ));
    let hlines: Vec<HLine> = m
        .history
        .thresholds
        .threshold(&stat)
        .map(|y| HLine {
            name: format!("threshold {}", metric(y)),
            y,
            color: theme.palette.error,
        })
        .into_iter()
        .collect();
    let series = [Series {
        name: stat.label().to_string(),
        points,
        color: theme.chart(0),
    }];
    chart::draw(
        frame,
        area,
        LineChart {
            title: Line::from(title),
            series: &series,
            hlines: &hlines,
            x: XAxis::Time,
            ascii: state.settings.ascii,
            legend: false,
        },
        theme,
    );
}

fn draw_perf(frame: &mut Frame, area: Rect, state: &State, m: &Monitored, theme: &Theme) {
    if m.history.perf.is_empty() {
        panel::empty(frame, area, "No perf.* metrics logged.", "", theme);
        return;
    }
    let series: Vec<Series> = m
        .history
        .perf
        .iter()
        .enumerate()
        .map(|(i, (name, points))| Series {
            name: name.clone(),
            points: points
                .iter()
                .map(|p| (p.window_end_ms as f64, p.value))
                .collect(),
            color: theme.chart(i + 1),
        })
        .collect();
    chart::draw(
        frame,
        area,
        LineChart {
            title: Line::from(Span::styled(" live performance (perf.*) ", theme.title())),
            series: &series,
            hlines: &[],
            x: XAxis::Time,
            ascii: state.settings.ascii,
            legend: true,
        },
        theme,
    );
}

fn draw_histogram(frame: &mut Frame, area: Rect, m: &Monitored, feature: &str, theme: &Theme) {
    let histogram = match &m.histograms {
        None => {
            panel::empty(frame, area, "No histogram artifact logged.", "", theme);
            return;
        }
        Some(Err(e)) => {
            let error = crate::app::action::LoadError::Other(e.clone());
            panel::error(frame, area, "the histogram artifact", &error, theme);
            return;
        }
        Some(Ok(h)) => h.features.get(feature),
    };
    let Some(h) = histogram else {
        panel::empty(frame, area, "No histogram for this feature.", "", theme);
        return;
    };
    let block = Block::bordered()
        .border_style(theme.border(false))
        .title(Line::from(vec![
            Span::styled(format!(" {} ", clip(feature, 24)), theme.title()),
            Span::styled("■ reference ", Style::default().fg(theme.chart(4))),
            Span::styled("■ current ", Style::default().fg(theme.chart(5))),
        ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    draw_bars(frame, inner, h, theme);
}

fn draw_bars(frame: &mut Frame, area: Rect, h: &FeatureHistogram, theme: &Theme) {
    let bins = h.bins().max(1);
    let reference = FeatureHistogram::shares(&h.reference);
    let current = h
        .window(None)
        .map(|w| FeatureHistogram::shares(&w.counts))
        .unwrap_or_default();
    // Two bars per bin, a gap between bins; as wide as fits.
    let per_bin = area.width as usize / bins;
    // A gap between bins only when there is room for it and two bars.
    let gap = u16::from(per_bin >= 3);
    let bar_width = (per_bin.saturating_sub(gap as usize) / 2).clamp(1, 6) as u16;
    let labels = h.bin_labels();
    let max = reference
        .iter()
        .chain(&current)
        .fold(0.0f64, |a, b| a.max(*b));
    let scale = |v: f64| (v / max.max(1e-9) * 1000.0).round() as u64;
    let mut chart = BarChart::default()
        .bar_width(bar_width)
        .bar_gap(0)
        .group_gap(gap)
        .max(1000)
        .label_style(theme.muted());
    for i in 0..bins {
        let r = reference.get(i).copied().unwrap_or(0.0);
        let c = current.get(i).copied().unwrap_or(0.0);
        let label = if per_bin >= 6 {
            clip(labels.get(i).map(String::as_str).unwrap_or(""), per_bin - 1)
        } else {
            String::new()
        };
        chart = chart.data(
            BarGroup::default().label(Line::from(label)).bars(&[
                Bar::default()
                    .value(scale(r))
                    .text_value(String::new())
                    .style(Style::default().fg(theme.chart(4))),
                Bar::default()
                    .value(scale(c))
                    .text_value(String::new())
                    .style(Style::default().fg(theme.chart(5))),
            ]),
        );
    }
    frame.render_widget(chart, area);
}

/// An Evidently report's reference and current distributions of one column: densities over each
/// side's own bins as two curves (Evidently bins the two samples apart), or shares per category
/// as paired bars.
fn draw_distributions(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    feature: &str,
    reference: &SmallDistribution,
    current: &SmallDistribution,
    theme: &Theme,
) {
    let title = Line::from(vec![
        Span::styled(format!(" {} ", clip(feature, 24)), theme.title()),
        Span::styled("Evidently: reference vs current ", theme.muted()),
    ]);
    if reference.edges.is_empty() {
        let block = Block::bordered()
            .border_style(theme.border(false))
            .title(Line::from(vec![
                Span::styled(format!(" {} ", clip(feature, 24)), theme.title()),
                Span::styled("■ reference ", Style::default().fg(theme.chart(4))),
                Span::styled("■ current ", Style::default().fg(theme.chart(5))),
            ]));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let h = FeatureHistogram {
            kind: "categorical".into(),
            bin_edges: Vec::new(),
            categories: reference.categories.clone(),
            reference: reference.values.clone(),
            windows: vec![crate::evidence::drift::HistogramWindow {
                step: 0,
                window_end_ms: None,
                rows: None,
                // Current counts in the reference's category order.
                counts: reference
                    .categories
                    .iter()
                    .map(|c| {
                        current
                            .categories
                            .iter()
                            .position(|x| x == c)
                            .and_then(|i| current.values.get(i))
                            .copied()
                            .unwrap_or(0.0)
                    })
                    .collect(),
            }],
        };
        draw_bars(frame, inner, &h, theme);
        return;
    }
    let curve = |d: &SmallDistribution| -> Vec<(f64, f64)> {
        d.edges
            .windows(2)
            .zip(&d.values)
            .map(|(e, v)| ((e[0] + e[1]) / 2.0, *v))
            .collect()
    };
    let series = [
        Series {
            name: "reference".into(),
            points: curve(reference),
            color: theme.chart(4),
        },
        Series {
            name: "current".into(),
            points: curve(current),
            color: theme.chart(5),
        },
    ];
    chart::draw(
        frame,
        area,
        LineChart {
            title,
            series: &series,
            hlines: &[],
            x: XAxis::Value,
            ascii: state.settings.ascii,
            legend: true,
        },
        theme,
    );
}
