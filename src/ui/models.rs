//! The models list: name, versions, stages and aliases in use, last update, description when
//! there is room, and a one-column marker (◆) on models with pending promotion requests.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

use super::format::{clip, date, fit, short_stage, span};
use super::theme::Theme;
use super::{block_title, panel, scrollbar_area, table};
use crate::app::screens::{ModelSortColumn, ModelsScreen};
use crate::app::State;
use crate::registry::ModelSummary;

/// Inner width from which the list shows descriptions and full stage names.
const WIDE: u16 = 120;
/// A model with a monitored version whose latest window drifted (as on the versions list).
const DRIFTED: &str = "●";
/// A model with pending promotion requests (a different shape: it must read without colour).
const PENDING: &str = "◆";
/// Markers from before a refresh that failed.
pub(super) const STALE: &str = "(stale)";

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
    let mut block = Block::bordered()
        .border_style(theme.border(true))
        .title(block_title(
            title,
            m.has_data() && m.is_loading(),
            m.is_stale(),
            state,
            theme,
        ))
        .title(sort_title(m, theme).right_aligned());
    let any_drifted = m
        .drift
        .as_ref()
        .and_then(|d| d.data.as_ref())
        .is_some_and(|marks| marks.values().any(|d| *d));
    let drift_stale = m.drift.as_ref().is_some_and(|d| d.stale);
    if let Some(legend) = drift_legend(any_drifted, drift_stale, theme) {
        block = block.title(legend.right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if !m.has_data() {
        match m.error() {
            Some(e) if !m.is_loading() => panel::error(frame, inner, "the models", e, theme),
            _ => panel::loading(frame, inner, "models", state.spinner, theme),
        }
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
                match m.drifted(&model.name) {
                    Some(true) if drift_stale => Line::from(Span::styled(DRIFTED, theme.muted())),
                    Some(true) => Line::from(Span::styled(DRIFTED, theme.error())),
                    _ => Line::from(""),
                },
                Line::from(Span::styled(
                    model.version_count.map_or("?".into(), |n| n.to_string()),
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

/// The drift markers' legend: `● drifted`, and `(stale)` when they are from before a refresh
/// that failed (then also when no model is marked: "none drifted" is as old).
pub(super) fn drift_legend(any: bool, stale: bool, theme: &Theme) -> Option<Line<'static>> {
    let mut spans = match (any, stale) {
        (true, _) => vec![
            Span::styled(format!(" {DRIFTED} "), theme.error()),
            Span::styled("drifted ", theme.muted()),
        ],
        (false, true) => vec![Span::styled(" drift markers ", theme.muted())],
        (false, false) => return None,
    };
    if stale {
        spans.push(Span::styled(format!("{STALE} "), theme.warn()));
    }
    Some(Line::from(spans))
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
