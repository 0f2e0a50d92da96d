//! The run view (Enter on a run in the Lineage tab): the run's metrics (latest values, and the
//! selected one's curve as on the Metrics tab), its params and the tags that say where it came
//! from.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::detail::metrics::curve;
use super::format::{clip, date, metric, span};
use super::frame::ScreenFrame;
use super::theme::Theme;
use super::{scrollbar_beside, table};
use crate::app::screens::{RunEntry, RunScreen};
use crate::app::State;
use crate::mlflow::Run;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, r: &RunScreen, theme: &Theme) {
    let title = vec![
        Span::styled(" run ", theme.title()),
        span(
            r.data
                .data
                .as_ref()
                .and_then(|run| run.info.run_name.as_deref())
                .unwrap_or(&r.label),
            40,
            theme.accent(),
        ),
        Span::styled(format!(" {} ", clip(&r.run_id, 32)), theme.muted()),
    ];
    let failed = format!("run {}", r.run_id);
    let Some((inner, run)) =
        ScreenFrame::new(title).around(frame, area, state, theme, &r.data, ("the run", &failed))
    else {
        return;
    };
    let [summary, _, content] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    draw_summary(frame, summary, run, theme);
    let (table_area, chart_area) = if content.width >= 120 {
        let [t, c] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(content);
        (t, c)
    } else {
        let [t, c] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Fill(1)]).areas(content);
        (t, c)
    };
    let bar = scrollbar_beside(area, table_area);
    draw_table(frame, table_area, bar, r, theme);
    if chart_area.height >= 5 {
        let selected = r.selected_metric();
        let history = selected.and_then(|m| r.histories.get(&m.key));
        curve(
            frame, chart_area, state, selected, history, r.by_time, theme,
        );
    }
}

/// Status, experiment, start and who ran it, on one line.
fn draw_summary(frame: &mut Frame, area: Rect, run: &Run, theme: &Theme) {
    let info = &run.info;
    let mut spans = vec![
        span(info.status.as_deref().unwrap_or("-"), 12, theme.accent()),
        Span::styled(
            format!(" · started {}", date(info.start_time, true)),
            theme.muted(),
        ),
    ];
    if let Some(e) = &info.experiment_id {
        spans.push(Span::styled(" · experiment ", theme.muted()));
        spans.push(span(e, 12, theme.base()));
    }
    if let Some(user) = run.tag("mlflow.user").or(info.user_id.as_deref()) {
        spans.push(Span::styled(" · by ", theme.muted()));
        spans.push(span(user, 20, theme.base()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_table(frame: &mut Frame, area: Rect, scrollbar: Rect, r: &RunScreen, theme: &Theme) {
    let entries = r.entries();
    let columns = [
        table::Column::new("NAME", Constraint::Fill(1)),
        table::Column::new("VALUE", Constraint::Fill(1)),
        table::Column::new("STEP", Constraint::Length(6)).right(),
    ];
    table::List::new(&columns, &entries, &r.cursor).draw(
        frame,
        (area, scrollbar),
        theme,
        &|entry, w| match entry {
            RunEntry::Section { title, count } => vec![Line::from(Span::styled(
                format!("{title} ({count})"),
                theme.title(),
            ))],
            RunEntry::Metric(m) => vec![
                Line::from(span(&m.key, w[0] as usize, theme.base())),
                Line::from(span(&metric(m.value), w[1] as usize, theme.base())),
                Line::from(Span::styled(m.step.to_string(), theme.muted())),
            ],
            RunEntry::Param(p) => vec![
                Line::from(span(&p.key, w[0] as usize, theme.base())),
                Line::from(span(&p.value, w[1] as usize, theme.base())),
            ],
            RunEntry::Tag(t) => vec![
                Line::from(span(&t.key, w[0] as usize, theme.muted())),
                Line::from(span(&t.value, w[1] as usize, theme.base())),
            ],
        },
    );
}
