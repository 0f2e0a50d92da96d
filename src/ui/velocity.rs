//! `:velocity`: per model, verified promotions (with a sparkline of promotions per month),
//! versions serving that were promoted outside tollgate, median lead time from the commit or
//! training run to Production / @champion, change failure rate and median time to restore;
//! below, the selected model's promotions per month as bars. Definitions:
//! [`crate::governance::velocity`].

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block};
use ratatui::Frame;

use super::format::{clip, span};
use super::frame::ScreenFrame;
use super::theme::Theme;
use super::{panel, scrollbar_area, scrollbar_beside, table};
use crate::app::screens::VelocityScreen;
use crate::app::State;
use crate::governance::velocity::{human_duration, ModelVelocity};

/// Months shown in a row's sparkline (the most recent).
const SPARK_MONTHS: usize = 12;
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

pub fn draw(frame: &mut Frame, area: Rect, state: &State, v: &VelocityScreen, theme: &Theme) {
    let title = vec![
        Span::styled(" Velocity ", theme.title()),
        Span::styled(
            "verified audit trail + training runs + monitoring ",
            theme.muted(),
        ),
    ];
    let Some((inner, rows)) = ScreenFrame::new(title).around(
        frame,
        area,
        state,
        theme,
        &v.data,
        ("velocity figures", "the velocity figures"),
    ) else {
        return;
    };
    if rows.is_empty() {
        panel::empty(
            frame,
            inner,
            "No promotions, decisions or drift recorded yet.",
            "Decisions recorded by tollgate approve / reject / rollback, versions in Production and drift fill this view.",
            theme,
        );
        return;
    }
    let chart_height = if inner.height >= 14 { 7 } else { 0 };
    let [table_area, chart_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(chart_height)]).areas(inner);
    draw_table(frame, table_area, scrollbar_area(area), v, rows, theme);
    if chart_height > 0 {
        if let Some(m) = v.selected() {
            draw_months(frame, chart_area, m, theme);
        }
    }
}

fn draw_table(
    frame: &mut Frame,
    area: Rect,
    scrollbar: Rect,
    v: &VelocityScreen,
    rows: &[ModelVelocity],
    theme: &Theme,
) {
    let columns = [
        table::Column::new("MODEL", Constraint::Min(14)),
        table::Column::new("PROMO", Constraint::Length(5)).right(),
        table::Column::new("OUTSIDE", Constraint::Length(7)).right(),
        table::Column::new("PER MONTH", Constraint::Length(SPARK_MONTHS as u16)),
        table::Column::new("LEAD", Constraint::Length(7)).right(),
        table::Column::new("CFR", Constraint::Length(9)).right(),
        table::Column::new("RESTORE", Constraint::Length(8)).right(),
    ];
    let scrollbar = scrollbar_beside(scrollbar, area);
    table::List::new(&columns, rows, &v.cursor).draw(frame, (area, scrollbar), theme, &|m, w| {
        let dash = || "-".to_string();
        // Failed promotions over promotions (roll backs, drift while serving).
        let cfr = match m.change_failure_rate() {
            Some(r) => format!("{:.0}% {}/{}", r * 100.0, m.failed_promotions, m.promotions),
            None => dash(),
        };
        let restore = match (m.median_restore_ms(), m.open_incidents) {
            (Some(ms), 0) => human_duration(ms),
            (Some(ms), _) => format!("{}+", human_duration(ms)),
            (None, n) if n > 0 => "open".to_string(),
            _ => dash(),
        };
        let cfr_style = match m.change_failure_rate() {
            Some(r) if r >= 0.3 => theme.error(),
            _ => theme.base(),
        };
        // Marked in words too (`!`), so it reads without colour.
        let outside = match m.outside.len() {
            0 => Span::styled(dash(), theme.muted()),
            n => Span::styled(format!("! {n}"), theme.warn()),
        };
        vec![
            Line::from(span(&m.model, w[0] as usize, theme.base())),
            Line::from(Span::styled(m.promotions.to_string(), theme.base())),
            Line::from(outside),
            Line::from(Span::styled(sparkline(m), theme.accent())),
            Line::from(Span::styled(
                m.median_lead_time_ms().map_or_else(dash, human_duration),
                theme.base(),
            )),
            Line::from(Span::styled(cfr, cfr_style)),
            Line::from(Span::styled(
                restore,
                if m.open_incidents > 0 {
                    theme.error()
                } else {
                    theme.base()
                },
            )),
        ]
    });
}

/// What the figures leave out, said in the chart's title: versions promoted outside tollgate
/// (no verified approval), records not counted, and where lead times start.
fn notes(m: &ModelVelocity, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if !m.outside.is_empty() {
        let versions: Vec<String> = m.outside.iter().map(|v| format!("v{v}")).collect();
        spans.push(Span::styled(
            clip(&format!("! outside tollgate: {} ", versions.join(", ")), 40),
            theme.warn(),
        ));
    }
    if m.unverified > 0 {
        spans.push(Span::styled(
            format!("! {} unverified not counted ", m.unverified),
            theme.warn(),
        ));
    }
    let s = &m.lead_starts;
    if s.commit + s.run_start + s.registration > 0 {
        let mut from = Vec::new();
        for (n, what) in [
            (s.commit, "commit"),
            (s.run_start, "run start"),
            (s.registration, "registration"),
        ] {
            if n > 0 {
                from.push(format!("{what} {n}"));
            }
        }
        spans.push(Span::styled(
            format!("lead from {} ", from.join(", ")),
            theme.muted(),
        ));
    }
    spans
}

/// The last months' promotions as one character each.
fn sparkline(m: &ModelVelocity) -> String {
    let months = &m.per_month[m.per_month.len().saturating_sub(SPARK_MONTHS)..];
    let max = months.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    months
        .iter()
        .map(|(_, n)| {
            if *n == 0 {
                ' '
            } else {
                SPARKS[(n * (SPARKS.len() - 1)).div_ceil(max).min(SPARKS.len() - 1)]
            }
        })
        .collect()
}

/// The selected model's promotions per month as bars, labelled by month.
fn draw_months(frame: &mut Frame, area: Rect, m: &ModelVelocity, theme: &Theme) {
    let mut title = vec![
        Span::styled(format!(" {} ", clip(&m.model, 30)), theme.title()),
        Span::styled(
            format!(
                "promotions per month (avg {:.1}) ",
                m.promotions_per_month()
            ),
            theme.muted(),
        ),
    ];
    title.extend(notes(m, theme));
    let block = Block::bordered()
        .border_style(theme.border(false))
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if m.per_month.is_empty() {
        let hint = if m.outside.is_empty() {
            ""
        } else {
            "The versions serving were promoted outside tollgate: no verified approval records it."
        };
        panel::empty(frame, inner, "No verified promotion recorded.", hint, theme);
        return;
    }
    // As many recent months as fit at five columns each.
    let fit = (inner.width as usize / 6).max(1);
    let months = &m.per_month[m.per_month.len().saturating_sub(fit)..];
    let bars: Vec<Bar> = months
        .iter()
        .map(|(month, n)| {
            Bar::default()
                .value(*n as u64)
                .label(Line::from(month.get(2..).unwrap_or(month).to_string()))
                .style(Style::default().fg(theme.chart(0)))
                .value_style(theme.base())
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(5)
        .bar_gap(1)
        .label_style(theme.muted());
    frame.render_widget(chart, inner);
}
