//! Tab 7: the model's decision history from the audit runs, newest first; this version's
//! rows are marked (● and the accent colour), overrides say so, and records that are not whole
//! say `! unverified` with the reasons in place of the comment.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::TabView;
use crate::app::screens::DetailScreen;
use crate::ui::format::{clip, span};
use crate::ui::inbox::{record_marker, record_width};
use crate::ui::{panel, scrollbar_beside, table};

pub fn draw(frame: &mut Frame, view: &TabView, d: &DetailScreen) {
    let TabView {
        area,
        block_area,
        theme,
        ..
    } = *view;
    if view
        .data(
            frame,
            d.audit.trail.as_ref(),
            ("the audit trail", "the audit trail"),
        )
        .is_none()
    {
        return;
    }
    let rows = d.audit_rows();
    if rows.is_empty() {
        panel::empty(
            frame,
            area,
            &format!("No recorded decisions for '{}' yet.", d.model),
            "Requests, approvals, rejections, roll backs and `gate check --record` write audit runs to the tollgate-audit experiment.",
            theme,
        );
        return;
    }
    // The selected record's reasons when it is not whole, on the last line.
    let selected_reasons = rows
        .get(d.cursor.selected)
        .filter(|r| !r.verification.is_verified())
        .map(|r| r.verification.summary());
    let area = match &selected_reasons {
        Some(summary) if area.height > 3 => {
            let line = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
            frame.render_widget(
                Line::from(Span::styled(
                    clip(&format!("! {summary}"), area.width as usize),
                    theme.error(),
                )),
                line,
            );
            Rect::new(area.x, area.y, area.width, area.height - 1)
        }
        _ => area,
    };
    let wide = area.width >= 110;
    let columns = [
        table::Column::new("AT", Constraint::Length(if wide { 16 } else { 10 })),
        table::Column::new("VER", Constraint::Length(5)).right(),
        table::Column::new("TARGET", Constraint::Length(10)),
        table::Column::new("DECISION", Constraint::Length(14)),
        table::Column::new("BY", Constraint::Length(8)),
        table::Column::new("DIGEST", Constraint::Length(if wide { 8 } else { 0 })),
        table::Column::new(
            "RECORD",
            Constraint::Length(record_width(rows.iter().map(|r| &r.verification))),
        ),
        table::Column::new("COMMENT", Constraint::Fill(1)),
    ];
    let scrollbar = scrollbar_beside(block_area, area);
    table::List::new(&columns, &rows, &d.cursor).draw(frame, (area, scrollbar), theme, &|r, w| {
        let this = r.version == d.version;
        let style = if this { theme.accent() } else { theme.base() };
        // `2025-11-19 10:00` when there is room, else the day.
        let at: String = r.at.replace('T', " ").chars().take(w[0] as usize).collect();
        let version = if this {
            format!("● {}", clip(&r.version, 3))
        } else {
            clip(&r.version, 5)
        };
        let decision = match &r.override_justification {
            Some(_) => format!("{} (ovr)", r.decision),
            None => r.decision.clone(),
        };
        let decision_style = if r.override_justification.is_some() {
            theme.warn()
        } else {
            style
        };
        let (record, record_style) = record_marker(&r.verification, theme);
        let comment = if r.verification.is_verified() {
            r.override_justification
                .as_deref()
                .map(|o| format!("override: {o}"))
                .or_else(|| r.comment.clone())
                .unwrap_or_default()
        } else {
            let why: Vec<String> = r
                .verification
                .reasons()
                .iter()
                .map(ToString::to_string)
                .collect();
            why.join("; ")
        };
        let comment_style = if r.verification.is_verified() {
            theme.muted()
        } else {
            theme.warn()
        };
        vec![
            Line::from(span(&at, w[0] as usize, theme.muted())),
            Line::from(Span::styled(version, style)),
            Line::from(span(&r.target, w[2] as usize, style)),
            Line::from(span(&decision, w[3] as usize, decision_style)),
            Line::from(span(&r.actor, w[4] as usize, style)),
            Line::from(span(
                &short_digest(r.report_digest.as_deref()),
                w[5] as usize,
                theme.muted(),
            )),
            Line::from(Span::styled(record, record_style)),
            Line::from(span(
                comment.lines().next().unwrap_or(""),
                w[7] as usize,
                comment_style,
            )),
        ]
    });
}

/// The first 8 hex digits of a report digest, or `-`.
pub fn short_digest(digest: Option<&str>) -> String {
    digest.map_or("-".into(), |d| d.chars().take(8).collect())
}
