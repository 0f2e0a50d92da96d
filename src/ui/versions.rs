//! One model's versions: version, stage, aliases, status, created, creator, and as many key
//! metrics as the width allows; the champion (or Production) version marked with ★.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::badge::{drift_legend, drift_marker, drift_stale};
use super::format::{clip, date, metric, span};
use super::frame::ScreenFrame;
use super::theme::Theme;
use super::{panel, scrollbar_area, table};
use crate::app::screens::{creator, VersionsScreen, UNAPPROVED_MARK, UNAPPROVED_WORD};
use crate::app::State;
use crate::registry::RunState;
use crate::text::width;

const WIDE: u16 = 120;
const CHAMPION: &str = "★";

pub fn draw(frame: &mut Frame, area: Rect, state: &State, v: &VersionsScreen, theme: &Theme) {
    let mut title = vec![Span::styled(
        format!(" {} ", clip(&v.model, 50)),
        theme.title(),
    )];
    if let Some(data) = &v.data.data {
        let total = data.versions.len();
        if v.filter.is_empty() {
            title.push(Span::styled(format!("{total} versions "), theme.muted()));
        } else {
            title.push(Span::styled(
                format!("/{} {} of {total} ", clip(&v.filter, 30), v.visible.len()),
                theme.accent(),
            ));
        }
    }
    if let Some(c) = &v.compare {
        title.push(Span::styled(
            format!(
                "compare {} version{} (Esc closes) ",
                c.versions.len(),
                if c.versions.len() == 1 { "" } else { "s" }
            ),
            theme.accent(),
        ));
    } else if !v.marked.is_empty() {
        title.push(Span::styled(
            format!("{} marked (c compares) ", v.marked.len()),
            theme.accent(),
        ));
    }
    let mut screen = ScreenFrame::new(title);
    let drift_stale = drift_stale(&v.drift);
    if let Some(legend) = drift_legend(&v.drift, theme) {
        screen = screen.right(legend);
    }
    if v.unapproved.any() {
        screen = screen.right(Line::from(vec![
            Span::styled(format!(" {UNAPPROVED_MARK} "), theme.error()),
            Span::styled(format!("{UNAPPROVED_WORD} "), theme.muted()),
        ]));
    }
    if let Some(champion) = &v.champion {
        screen = screen.right(Line::from(vec![
            Span::styled(format!(" {CHAMPION} "), theme.accent()),
            Span::styled(format!("serving v{} ", clip(champion, 10)), theme.muted()),
        ]));
    }
    let what = format!("the versions of '{}'", v.model);
    let Some((inner, data)) =
        screen.around(frame, area, state, theme, &v.data, ("versions", &what))
    else {
        return;
    };
    if v.visible.is_empty() {
        if data.versions.is_empty() {
            panel::empty(
                frame,
                inner,
                &format!("'{}' has no versions yet.", v.model),
                "",
                theme,
            );
        } else {
            let text = format!("No version matches '{}'.", v.filter);
            panel::empty(frame, inner, &text, "Esc clears the filter.", theme);
        }
        return;
    }

    if v.compare.is_some() {
        super::compare::draw(frame, inner, area, state, v, theme);
        return;
    }
    let wide = inner.width >= WIDE;
    // The first column: ★ for the serving version, ● when its latest monitoring window
    // drifted, ⊘ when it holds a target (or carries a decision tag) no verified record backs.
    let mut columns = vec![
        table::Column::new(
            "",
            Constraint::Length(if v.unapproved.any() { 3 } else { 2 }),
        ),
        table::Column::new("VER", Constraint::Length(4)).right(),
        table::Column::new("STAGE", Constraint::Length(10)),
        table::Column::new("ALIASES", Constraint::Length(if wide { 22 } else { 11 })),
        table::Column::new("STATUS", Constraint::Length(7)),
        table::Column::new("CREATED", Constraint::Length(if wide { 16 } else { 10 })),
        table::Column::new("CREATOR", Constraint::Length(if wide { 16 } else { 8 })),
    ];
    let fixed: u16 = columns
        .iter()
        .map(|c| constraint_len(c.width) + 1)
        .sum::<u16>()
        + 2;
    let mut room = inner.width.saturating_sub(fixed);
    let mut shown_metrics = Vec::new();
    for name in &v.metric_columns {
        let w = (width(name) as u16).clamp(8, 14);
        if w + 1 > room {
            break;
        }
        room -= w + 1;
        shown_metrics.push(name.as_str());
        columns.push(table::Column::new(name, Constraint::Length(w)).right());
    }
    // What is left names the run, when there is room for it to say something.
    let show_run = room >= 12;
    if show_run {
        columns.push(table::Column::new("RUN", Constraint::Fill(1)));
    }

    table::draw(
        frame,
        inner,
        scrollbar_area(area),
        table::Rows {
            columns: &columns,
            len: v.visible.len(),
            cursor: &v.cursor,
        },
        theme,
        &|i, w| {
            let Some(row) = v.row(i) else {
                return Vec::new();
            };
            let ver = &row.version;
            let champion = v.is_champion(row);
            let stage = ver.stage().unwrap_or("-");
            let aliases = ver
                .aliases
                .iter()
                .map(|a| format!("@{a}"))
                .collect::<Vec<_>>()
                .join(" ");
            let (status, status_style) = match ver.status.as_deref() {
                Some("READY") | None => ("READY", theme.ok()),
                Some("PENDING_REGISTRATION") => ("PENDING", theme.warn()),
                Some("FAILED_REGISTRATION") => ("FAILED", theme.error()),
                Some(other) => (other, theme.muted()),
            };
            let number_style = if champion {
                theme.accent()
            } else {
                theme.base()
            };
            let mut cells = vec![
                Line::from(vec![
                    Span::styled(if champion { CHAMPION } else { " " }, theme.accent()),
                    drift_marker(v.drifted(&ver.version), drift_stale, theme),
                    if v.unapproved.marked(&v.model, &ver.version) {
                        Span::styled(UNAPPROVED_MARK, theme.error())
                    } else {
                        Span::raw("")
                    },
                ]),
                if v.marked.contains(&ver.version) {
                    Line::from(vec![
                        Span::styled("+", theme.accent()),
                        span(
                            &ver.version,
                            (w[1] as usize).saturating_sub(1),
                            number_style,
                        ),
                    ])
                } else {
                    Line::from(span(&ver.version, w[1] as usize, number_style))
                },
                Line::from(span(stage, w[2] as usize, theme.stage(stage))),
                Line::from(span(&aliases, w[3] as usize, theme.alias())),
                Line::from(span(status, w[4] as usize, status_style)),
                Line::from(Span::styled(
                    date(ver.creation_timestamp, wide),
                    theme.muted(),
                )),
                Line::from(span(
                    creator(ver, row.run.run()).unwrap_or("-"),
                    w[6] as usize,
                    theme.base(),
                )),
            ];
            let run = row.run.run();
            for (k, name) in shown_metrics.iter().enumerate() {
                let value = run.and_then(|r| r.metric(name));
                cells.push(match value {
                    Some(x) => Line::from(span(&metric(x), w[7 + k] as usize, theme.base())),
                    None => Line::from(Span::styled("-", theme.muted())),
                });
            }
            if show_run {
                let text = match (&row.run, run) {
                    (RunState::NoRun, _) => "no run".to_string(),
                    (RunState::Missing, _) => "run missing".to_string(),
                    (RunState::Deleted(_), Some(r)) => {
                        format!(
                            "{} (deleted)",
                            r.info.run_name.as_deref().unwrap_or(&r.info.run_id)
                        )
                    }
                    (_, Some(r)) => r
                        .info
                        .run_name
                        .clone()
                        .unwrap_or_else(|| r.info.run_id.clone()),
                    (_, None) => "-".to_string(),
                };
                cells.push(Line::from(span(
                    &text,
                    w[7 + shown_metrics.len()] as usize,
                    theme.muted(),
                )));
            }
            cells
        },
    );
}

fn constraint_len(c: Constraint) -> u16 {
    match c {
        Constraint::Length(n) | Constraint::Min(n) | Constraint::Max(n) => n,
        _ => 0,
    }
}
