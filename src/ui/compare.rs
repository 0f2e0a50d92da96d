//! The compare view over the versions list (`Space` marks, `c` opens): every metric of the
//! compared versions' runs side by side with the difference to the champion, and the selected
//! metric's curves overlaid in distinct colour-blind-safe colours with a legend.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::chart::{self, LineChart, Series, XAxis};
use super::format::{clip, metric, span};
use super::theme::Theme;
use super::{panel, scrollbar_beside, table};
use crate::app::screens::VersionsScreen;
use crate::app::State;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    block_area: Rect,
    state: &State,
    v: &VersionsScreen,
    theme: &Theme,
) {
    let Some(c) = &v.compare else {
        return;
    };
    let metrics = v.compare_metrics();
    if metrics.is_empty() {
        panel::empty(
            frame,
            area,
            "The compared versions' runs logged no metrics.",
            "Esc or c closes the compare view.",
            theme,
        );
        return;
    }
    let [table_area, chart_area] = if area.height >= 16 {
        Layout::vertical([Constraint::Percentage(50), Constraint::Fill(1)]).areas(area)
    } else {
        [area, Rect::new(area.x, area.y + area.height, area.width, 0)]
    };
    let champion = v.champion.as_deref();
    let value = |version: &str, key: &str| -> Option<f64> {
        v.version_row(version)?.run.run()?.metric(key)
    };
    let mut columns = vec![table::Column::new("METRIC", Constraint::Fill(1))];
    for (i, version) in c.versions.iter().enumerate() {
        let star = if Some(version.as_str()) == champion {
            "★"
        } else {
            ""
        };
        let width = if Some(version.as_str()) == champion {
            9
        } else {
            18
        };
        let _ = i;
        columns.push(
            table::Column::new(
                &format!("v{}{star}", clip(version, 8)),
                Constraint::Length(width),
            )
            .right(),
        );
    }
    let scrollbar = scrollbar_beside(block_area, table_area);
    table::List::new(&columns, &metrics, &c.cursor).draw(
        frame,
        (table_area, scrollbar),
        theme,
        &|key, w| {
            let base = champion.and_then(|ch| value(ch, key));
            let mut cells = vec![Line::from(span(key, w[0] as usize, theme.base()))];
            for version in &c.versions {
                let x = value(version, key);
                let mut spans = vec![Span::styled(
                    x.map(metric).unwrap_or_else(|| "-".into()),
                    theme.base(),
                )];
                if Some(version.as_str()) != champion {
                    if let (Some(x), Some(b)) = (x, base) {
                        let d = x - b;
                        let style = if d == 0.0 {
                            theme.muted()
                        } else {
                            theme.accent()
                        };
                        spans.push(Span::styled(
                            format!(" ({}{})", if d >= 0.0 { "+" } else { "" }, metric(d)),
                            style,
                        ));
                    }
                }
                cells.push(Line::from(spans));
            }
            cells
        },
    );
    if chart_area.height < 6 {
        return;
    }
    let Some(key) = metrics.get(c.cursor.selected) else {
        return;
    };
    let mut series = Vec::new();
    let mut waiting = false;
    let mut single = true;
    for (i, (version, run)) in v.compare_runs().into_iter().enumerate() {
        match c
            .histories
            .get(&(run, key.clone()))
            .and_then(|h| h.data.as_ref())
        {
            Some(points) => {
                single &= points.len() < 2;
                let mut xy: Vec<(f64, f64)> =
                    points.iter().map(|p| (p.step as f64, p.value)).collect();
                xy.sort_by(|a, b| a.0.total_cmp(&b.0));
                let star = if Some(version.as_str()) == champion {
                    " ★"
                } else {
                    ""
                };
                series.push(Series {
                    name: format!("v{version}{star}"),
                    points: xy,
                    color: theme.chart(i),
                });
            }
            None => waiting = true,
        }
    }
    if series.is_empty() && waiting {
        panel::loading(frame, chart_area, "the curves", state.spinner, theme);
        return;
    }
    if single {
        panel::empty(
            frame,
            chart_area,
            &format!("{key}: one value per run, no curves to overlay."),
            "Esc or c closes the compare view.",
            theme,
        );
        return;
    }
    let title = Line::from(vec![
        Span::styled(format!(" {} ", clip(key, 40)), theme.title()),
        Span::styled("by step, overlaid ", theme.muted()),
    ]);
    chart::draw(
        frame,
        chart_area,
        LineChart {
            title,
            series: &series,
            hlines: &[],
            x: XAxis::Step,
            ascii: state.settings.ascii,
            legend: true,
        },
        theme,
    );
}
