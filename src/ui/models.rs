//! The models list: name, versions, stages and aliases in use, last update, description when
//! there is room, and a one-column marker (◆) on models with pending promotion requests.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::badge::{drift_legend, drift_marker, drift_stale, STALE};
use super::format::{clip, date, fit, short_stage, span};
use super::frame::ScreenFrame;
use super::theme::Theme;
use super::{panel, scrollbar_area, table};
use crate::app::screens::{ModelSortColumn, ModelsScreen};
use crate::app::State;
use crate::registry::ModelSummary;

/// Inner width from which the list shows descriptions and full stage names.
const WIDE: u16 = 120;
/// A model with pending promotion requests (a different shape: it must read without colour).
const PENDING: &str = "◆";

pub fn draw(frame: &mut Frame, area: Rect, state: &State, m: &ModelsScreen, theme: &Theme) {
    let mut title = vec![Span::styled(" Models ", theme.title())];
    let pending_stale = m.pending.as_ref().is_some_and(|p| p.stale);
    if m.has_data() {
        // Out of the whole registry, also when the rows came from a server-side search.
        let total = m.all.data.as_ref().map_or(m.base().len(), Vec::len);
        if m.filter.is_empty() {
            title.push(Span::styled(format!("{total} "), theme.muted()));
        } else {
            title.push(Span::styled(
                format!("/{} {} of {total} ", clip(&m.filter, 30), m.visible.len()),
                theme.accent(),
            ));
        }
        if m.is_search_active() {
            title.push(Span::styled("(server search) ", theme.muted()));
        }
        let pending: usize = m
            .pending
            .as_ref()
            .and_then(|p| p.data.as_ref())
            .map_or(0, |p| p.values().sum());
        if pending_stale {
            // Older counts, from before a refresh that failed: said in words, not colour.
            title.push(Span::styled(
                format!("{PENDING} {pending} pending {STALE} "),
                theme.muted(),
            ));
        } else if pending > 0 {
            title.push(Span::styled(
                format!("{PENDING} {pending} pending (:inbox) "),
                theme.warn(),
            ));
        }
    }
    let mut screen = ScreenFrame::new(title)
        .badges(m.has_data() && m.is_loading(), m.is_stale())
        .right(sort_title(m, theme));
    let drift_stale = drift_stale(&m.drift);
    if let Some(legend) = drift_legend(&m.drift, theme) {
        screen = screen.right(legend);
    }
    let inner = screen.draw(frame, area, state, theme);

    if !m.has_data() {
        panel::unavailable(
            frame,
            inner,
            (m.error(), m.is_loading()),
            ("models", "the models"),
            state.spinner,
            theme,
        );
        return;
    }
    if m.visible.is_empty() {
        if m.filter.is_empty() {
            panel::empty(
                frame,
                inner,
                "No registered models on this server yet.",
                "Register one with MLflow, then press r.",
                theme,
            );
        } else {
            let text = format!("No model name contains '{}'.", m.filter);
            panel::empty(frame, inner, &text, "Esc clears the filter.", theme);
        }
        return;
    }

    let wide = inner.width >= WIDE;
    // Stages and aliases get a share of extra width: they are what approvers scan for.
    let stages_width = if wide {
        40
    } else {
        (inner.width * 3 / 10).clamp(26, 36)
    };
    let mut columns = vec![
        table::Column::new(
            "NAME",
            if wide {
                Constraint::Fill(2)
            } else {
                Constraint::Min(16)
            },
        ),
        // The drift marker, next to the name.
        table::Column::new("", Constraint::Length(1)),
        table::Column::new("VERSIONS", Constraint::Length(8)).right(),
        table::Column::new("STAGES · ALIASES", Constraint::Length(stages_width)),
        table::Column::new("UPDATED", Constraint::Length(if wide { 16 } else { 10 })),
    ];
    if wide {
        columns.push(table::Column::new("DESCRIPTION", Constraint::Fill(3)));
    }
    // The pending-promotion marker: ◆ when a request waits on the model.
    columns.push(table::Column::new("", Constraint::Length(1)));

    let scrollbar = scrollbar_area(area);
    table::draw(
        frame,
        inner,
        scrollbar,
        table::Rows {
            columns: &columns,
            len: m.visible.len(),
            cursor: &m.cursor,
        },
        theme,
        &|i, w| {
            let Some(model) = m.row(i) else {
                return Vec::new();
            };
            let mut cells = vec![
                Line::from(span(&model.name, w[0] as usize, theme.base())),
                Line::from(drift_marker(m.drifted(&model.name), drift_stale, theme)),
                Line::from(Span::styled(
                    model.version_count.map_or_else(
                        // Counts arrive after the list: "…" while they are read.
                        || if m.counting() { "…" } else { "?" }.to_string(),
                        |n| n.to_string(),
                    ),
                    theme.base(),
                )),
                stages_and_aliases(model, w[3] as usize, wide, theme),
                Line::from(Span::styled(
                    date(model.last_updated_timestamp, wide),
                    theme.muted(),
                )),
            ];
            if wide {
                let description = model.description.as_deref().unwrap_or("");
                // One line of it: the first, sanitized.
                let first = description.lines().next().unwrap_or("");
                cells.push(Line::from(span(first, w[5] as usize, theme.muted())));
            }
            let marker = if m.pending_count(&model.name) > 0 {
                PENDING
            } else {
                ""
            };
            let style = if pending_stale {
                theme.muted()
            } else {
                theme.warn()
            };
            cells.push(Line::from(Span::styled(marker, style)));
            cells
        },
    );
}

fn sort_title(m: &ModelsScreen, theme: &Theme) -> Line<'static> {
    let arrow = if m.sort.descending { "▼" } else { "▲" };
    let what = match m.sort.column {
        ModelSortColumn::Name => "name",
        ModelSortColumn::Updated => "updated",
        ModelSortColumn::Versions => "versions",
    };
    Line::from(vec![
        Span::styled(" sort ", theme.muted()),
        Span::styled(format!("{what} {arrow} "), theme.accent()),
    ])
}

/// `Prod v5 Stag v6 @champion`: stages first (None and Archived are noise here), then aliases.
fn stages_and_aliases(
    model: &ModelSummary,
    max: usize,
    wide: bool,
    theme: &Theme,
) -> Line<'static> {
    let mut spans = Vec::new();
    for stage in ["Production", "Staging"] {
        if let Some(v) = model.latest_versions.get(stage) {
            let name = if wide { stage } else { short_stage(stage) };
            spans.push(Span::styled(
                format!("{name} v{} ", clip(v, 8)),
                theme.stage(stage),
            ));
        }
    }
    for (alias, version) in &model.aliases {
        let text = if wide {
            format!("@{}=v{} ", clip(alias, 20), clip(version, 8))
        } else {
            format!("@{} ", clip(alias, 20))
        };
        spans.push(Span::styled(text, theme.alias()));
    }
    if spans.is_empty() {
        spans.push(Span::styled("-", theme.muted()));
    }
    fit(spans, max)
}
