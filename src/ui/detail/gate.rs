//! Tab 6: the configured policy evaluated for one target: a checklist (Enter shows a check's
//! evidence), the overall status and digest, and the reports recorded earlier for this version,
//! with a plain line when one disagrees with the evaluation on screen.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::audit::short_digest;
use super::TabView;
use crate::app::screens::{agreement, Agreement, DetailScreen, UNAPPROVED_MARK, UNAPPROVED_WORD};
use crate::app::State;
use crate::governance::{CheckResult, GateReport, Outcome};
use crate::text::round_floats;
use crate::ui::format::{clip, metric, span};
use crate::ui::theme::Theme;
use crate::ui::{panel, scrollbar_beside, table};

pub fn draw(frame: &mut Frame, view: &TabView, d: &DetailScreen) {
    let TabView {
        area,
        block_area,
        state,
        theme,
    } = *view;
    let area = draw_unapproved(frame, area, d, theme);
    let view = &TabView { area, ..*view };
    if state.policy.is_none() {
        panel::empty(
            frame,
            area,
            "No policy configured: the Gate tab evaluates a policy's gates.",
            "Start with --policy FILE, set `policy = \"FILE\"` in the profile, or write policy.toml in the config directory (`tollgate doctor` prints it); examples/policy.toml shows the form.",
            theme,
        );
        return;
    }
    let Some(target) = d.gate_target() else {
        panel::loading(frame, area, "the version", state.spinner, theme);
        return;
    };
    let Some(report) = view.data(
        frame,
        d.gate.reports.get(&target),
        ("the gate evidence", "the gate evidence"),
    ) else {
        return;
    };
    let checks_height = (report.checks.len() as u16 + 1).clamp(2, (area.height / 2).max(2));
    let [summary_area, checks_area, _, below] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(checks_height),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(summary(report, state, theme)), summary_area);
    draw_checks(frame, checks_area, block_area, d, report, theme);
    match d.selected_check().filter(|_| d.gate.evidence_open) {
        Some(check) => draw_evidence(frame, below, check, theme),
        None => draw_recorded(frame, below, d, report, theme),
    }
}

/// Above everything, one line per unapproved change about this version (at most 3), with
/// the reason; answers the area left.
fn draw_unapproved(frame: &mut Frame, area: Rect, d: &DetailScreen, theme: &Theme) -> Rect {
    let changes = d.unapproved.changes(&d.model, &d.version);
    if changes.is_empty() {
        return area;
    }
    let prefix = format!("{UNAPPROVED_MARK} {UNAPPROVED_WORD}: ");
    let texts: Vec<String> = changes
        .iter()
        .take(3)
        .map(|c| crate::text::sanitize_line(&c.summary()).into_owned())
        .collect();
    // Each line wraps at words (so a row holds a little less than the width); a blank line
    // separates them from the report.
    let columns = usize::from(area.width.saturating_sub(10).max(1));
    let rows: usize = texts
        .iter()
        .map(|t| (crate::text::width(&prefix) + crate::text::width(t)).div_ceil(columns))
        .sum();
    let height = u16::try_from(rows + 1)
        .unwrap_or(u16::MAX)
        .min(area.height / 2);
    let [top, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Fill(1)]).areas(area);
    let lines: Vec<Line> = texts
        .into_iter()
        .map(|t| {
            Line::from(vec![
                Span::styled(prefix.clone(), theme.error()),
                Span::styled(t, theme.base()),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), top);
    rest
}

/// `→ Production  ✗ FAIL  1 fail · 2 pass  digest 3f2a9c1b  T target`
fn summary(report: &GateReport, state: &State, theme: &Theme) -> Line<'static> {
    let count = |o: Outcome| report.checks.iter().filter(|c| c.outcome == o).count();
    let mut counts = Vec::new();
    for o in [
        Outcome::Fail,
        Outcome::Invalid,
        Outcome::Missing,
        Outcome::Pass,
    ] {
        let n = count(o);
        if n > 0 {
            counts.push(format!("{n} {}", o.as_str()));
        }
    }
    let (marker, style) = outcome_marker(report.status, theme);
    let mut spans = vec![
        Span::styled("→ ", theme.muted()),
        Span::styled(clip(&report.target.to_string(), 24), theme.accent()),
        Span::raw("  "),
        Span::styled(
            format!("{marker} {}", report.status.as_str().to_uppercase()),
            style,
        ),
        Span::styled(format!("  {}", counts.join(" · ")), theme.muted()),
        Span::styled(
            format!("  digest {}", short_digest(Some(&report.digest))),
            theme.muted(),
        ),
    ];
    let key = state
        .keymap
        .keys_for(
            crate::app::KeyContext::Detail,
            &crate::app::Action::CycleGateTarget,
        )
        .first()
        .map(|k| k.to_string());
    if let Some(k) = key {
        spans.push(Span::styled(format!("  {k}"), theme.key()));
        spans.push(Span::styled(" target", theme.muted()));
    }
    Line::from(spans)
}

/// The marker and colour of an outcome; the marker carries it without colour.
fn outcome_marker(outcome: Outcome, theme: &Theme) -> (&'static str, Style) {
    match outcome {
        Outcome::Pass => ("✓", theme.ok()),
        Outcome::Fail => ("✗", theme.error()),
        Outcome::Missing => ("?", theme.warn()),
        Outcome::Invalid => ("!", theme.error()),
        Outcome::Ungated => ("∅", theme.warn()),
    }
}

/// The marker of an agreeing record: its recorded outcome's (`✓` only for a recorded pass).
fn recorded_marker(status: Option<&str>, theme: &Theme) -> Span<'static> {
    let outcome = status.and_then(|s| {
        [
            Outcome::Pass,
            Outcome::Fail,
            Outcome::Missing,
            Outcome::Invalid,
            Outcome::Ungated,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    });
    match outcome {
        Some(o) => {
            let (marker, style) = outcome_marker(o, theme);
            Span::styled(format!("{marker} "), style)
        }
        None => Span::styled("· ", theme.muted()),
    }
}

/// An observed value as text: numbers short, lists joined.
fn observed(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "-".into(),
        serde_json::Value::Number(n) => n.as_f64().map(metric).unwrap_or_else(|| n.to_string()),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(observed).collect::<Vec<_>>().join(", ")
        }
        serde_json::Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}={}", observed(v)))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Bool(b) => b.to_string(),
    }
}

fn draw_checks(
    frame: &mut Frame,
    area: Rect,
    block_area: Rect,
    d: &DetailScreen,
    report: &GateReport,
    theme: &Theme,
) {
    // Gate ids are short names: as wide as the longest, within reason.
    let id_width = report
        .checks
        .iter()
        .map(|c| crate::text::width(&c.id))
        .max()
        .unwrap_or(4)
        .clamp(4, 24) as u16;
    let columns = [
        table::Column::new("GATE", Constraint::Length(id_width)),
        table::Column::new("RESULT", Constraint::Length(9)),
        table::Column::new("OBSERVED", Constraint::Fill(1)),
        table::Column::new("BOUND", Constraint::Fill(1)),
    ];
    let scrollbar = scrollbar_beside(block_area, area);
    table::List::new(&columns, &report.checks, &d.cursor).draw(
        frame,
        (area, scrollbar),
        theme,
        &|c, w| {
            let (marker, style) = outcome_marker(c.outcome, theme);
            vec![
                Line::from(span(&c.id, w[0] as usize, theme.base())),
                Line::from(Span::styled(
                    format!("{marker} {}", c.outcome.as_str()),
                    style,
                )),
                Line::from(span(&observed(&c.observed), w[2] as usize, theme.base())),
                Line::from(span(&round_floats(&c.bound), w[3] as usize, theme.muted())),
            ]
        },
    );
}

/// Where a check's evidence came from, observed against bound, and why it ended as it did.
fn draw_evidence(frame: &mut Frame, area: Rect, c: &CheckResult, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.border(false))
        .title(Line::from(vec![
            Span::styled(" Evidence: ", theme.muted()),
            Span::styled(format!("{} ", clip(&c.id, 40)), theme.title()),
            Span::styled("(Enter/Esc closes) ", theme.muted()),
        ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (marker, style) = outcome_marker(c.outcome, theme);
    let row = |label: &str, value: String, style: Style| {
        Line::from(vec![
            Span::styled(format!("{label:<10}"), theme.muted()),
            Span::styled(clip(&value, 200), style),
        ])
    };
    let s = &c.source;
    let mut lines = vec![
        row("result", format!("{marker} {}", c.outcome.as_str()), style),
        row(
            "observed",
            format!(
                "{}  vs bound {}",
                observed(&c.observed),
                round_floats(&c.bound)
            ),
            theme.base(),
        ),
    ];
    let mut push = |label: &str, value: Option<&str>| {
        if let Some(v) = value {
            lines.push(row(label, v.to_string(), theme.base()));
        }
    };
    push("run", s.run_id.as_deref());
    push("metric", s.metric_key.as_deref());
    push("artifact", s.artifact_path.as_deref());
    push("baseline", s.baseline_version.as_deref());
    push("base run", s.baseline_run_id.as_deref());
    let tags = s.tags.join(", ");
    push("tags", (!tags.is_empty()).then_some(tags.as_str()));
    // Rounded for reading; the report (and its digest) keep the exact value.
    lines.push(row(
        "reason",
        round_floats(&c.message).into_owned(),
        theme.base(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The reports recorded earlier for this version (CI's `gate check --record`, decisions),
/// each compared with the evaluation on screen.
fn draw_recorded(
    frame: &mut Frame,
    area: Rect,
    d: &DetailScreen,
    report: &GateReport,
    theme: &Theme,
) {
    let mut lines = Vec::new();
    if report.checks.is_empty() {
        let (text, style) = if report.ungated() {
            (
                format!(
                    "No gate guards {}: ungated, not a pass (allow_ungated accepts it)",
                    report.target
                ),
                theme.warn(),
            )
        } else {
            (
                format!(
                    "No gate guards {}: the policy accepts that (allow_ungated = true)",
                    report.target
                ),
                theme.muted(),
            )
        };
        lines.push(Line::from(Span::styled(
            clip(&text, area.width as usize),
            style,
        )));
    }
    if !report.not_applicable.is_empty() {
        lines.push(Line::from(Span::styled(
            clip(
                &format!(
                    "not applicable to {}: {}",
                    report.target,
                    report.not_applicable.join(", ")
                ),
                area.width as usize,
            ),
            theme.muted(),
        )));
    }
    let recorded = d.recorded_reports();
    let heading = match d.audit.trail.as_ref() {
        Some(a) if a.data.is_none() && a.is_loading() => "Recorded reports: loading…".to_string(),
        Some(a) if a.data.is_none() => format!(
            "Recorded reports: could not be read ({})",
            a.error
                .as_ref()
                .map_or_else(|| "unknown error".to_string(), ToString::to_string)
        ),
        _ if recorded.is_empty() => {
            "Recorded reports: none for this version (gate check --record writes one)".into()
        }
        _ => format!("Recorded reports ({}), newest first:", recorded.len()),
    };
    lines.push(Line::from(Span::styled(
        clip(&heading, area.width as usize),
        theme.table_header(),
    )));
    let room = area.width as usize;
    for r in recorded {
        // `2025-11-19 10:00 gate_check Production pass 3f2a9c1b`, then how it compares.
        let at: String = r.at.replace('T', " ").chars().take(16).collect();
        let mut text = format!(
            "{at} {} {} {} {}",
            r.decision,
            r.target,
            r.gate_status.as_deref().unwrap_or("-"),
            short_digest(r.report_digest.as_deref()),
        );
        // The signature status, when the trail's signatures were checked.
        if let Some(signature) = r.verification.signature() {
            text.push(' ');
            text.push_str(signature.label());
        }
        // A record that is not whole is not compared: it says so, and why.
        if !r.verification.is_verified() {
            lines.push(Line::from(vec![
                Span::styled("! ", theme.error()),
                Span::styled(clip(&text, room.saturating_sub(2)), theme.base()),
            ]));
            lines.push(Line::from(Span::styled(
                clip(
                    &format!(
                        "  {}",
                        r.verification
                            .summary()
                            .replacen("unverified", "UNVERIFIED", 1)
                    ),
                    room,
                ),
                theme.error(),
            )));
            continue;
        }
        match agreement(r, report) {
            // `✓` would read as "passed" beside a recorded fail: the marker says what was
            // recorded, "agrees" says it in words.
            Agreement::Agrees => lines.push(Line::from(vec![
                recorded_marker(r.gate_status.as_deref(), theme),
                Span::styled(clip(&text, room.saturating_sub(2)), theme.base()),
                Span::styled(
                    clip(
                        "  agrees",
                        room.saturating_sub(2 + crate::text::width(&text)),
                    ),
                    theme.ok(),
                ),
            ])),
            Agreement::OtherTarget => lines.push(Line::from(vec![
                Span::styled("· ", theme.muted()),
                Span::styled(clip(&text, room.saturating_sub(2)), theme.muted()),
            ])),
            Agreement::Disagrees { status, digest } => {
                lines.push(Line::from(vec![
                    Span::styled("⚠ ", theme.warn()),
                    Span::styled(clip(&text, room.saturating_sub(2)), theme.base()),
                ]));
                let mut why = Vec::new();
                if status {
                    why.push(format!(
                        "was {}, now {}",
                        r.gate_status.as_deref().unwrap_or("?"),
                        report.status.as_str()
                    ));
                }
                if digest {
                    why.push("digest differs (the evidence changed)".to_string());
                }
                lines.push(Line::from(Span::styled(
                    clip(&format!("  DISAGREES: {}", why.join("; ")), room),
                    theme.warn(),
                )));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}
