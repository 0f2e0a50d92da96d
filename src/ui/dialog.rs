//! The decision dialog, drawn as a centered overlay that fits 80x24: the target, the gate
//! summary, the fields, and what stops or became of the decision. Server text (names, check
//! ids, error messages) is sanitized on its way in.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::format::spinner;
use super::theme::Theme;
use crate::app::dialog::{DecisionDialog, DialogKind, Field, Progress, Review};
use crate::app::prompt::LineInput;
use crate::app::State;
use crate::governance::Outcome;
use crate::text::{sanitize_line, truncate};

/// Width of the labels column.
const LABEL: usize = 10;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, dialog: &DecisionDialog, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(76);
    let inner = width.saturating_sub(4) as usize;
    let lines = content(state, dialog, theme, inner);
    // Rows after wrapping, so a long refusal is never cut off below the border.
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner.max(1)))
        .sum();
    let height = (rows as u16 + 2).min(area.height.saturating_sub(2));
    let [_, h, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ])
    .areas(h);
    let title = format!(
        " {}: {} v{} ",
        dialog.kind.title(),
        truncate(&sanitize_line(&dialog.model), inner.saturating_sub(24)),
        sanitize_line(&dialog.version)
    );
    let hint = match dialog.progress {
        Progress::Done(_) => " Enter close ",
        Progress::Failed(_) => " Enter check again · Esc close ",
        _ => " Enter submit · Tab field · Esc cancel ",
    };
    let block = Block::bordered()
        .padding(ratatui::widgets::Padding::horizontal(1))
        .border_style(theme.border(true))
        .title(Line::styled(title, theme.title()))
        .title_bottom(Line::styled(hint, theme.muted()).right_aligned());
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .style(theme.base()),
        popup,
    );
}

fn content(
    state: &State,
    dialog: &DecisionDialog,
    theme: &Theme,
    inner: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let actor = match &state.server.actor {
        Some(a) => format!("{} ({})", sanitize_line(&a.name), a.source.as_str()),
        None => "unknown".into(),
    };
    lines.push(label_line("as", actor, theme.muted(), theme));
    let fields = dialog.fields();
    let focus = |f: Field| dialog.focus == f;
    lines.push(input_line(
        "target",
        &dialog.target,
        focus(Field::Target),
        Some("← →"),
        theme,
    ));
    lines.extend(review_lines(state, dialog, theme, inner));
    lines.push(input_line(
        "comment",
        &dialog.comment,
        focus(Field::Comment),
        None,
        theme,
    ));
    if fields.contains(&Field::Archive) {
        let mark = if dialog.archive { "[x]" } else { "[ ]" };
        let text = format!("{mark} archive the stage's other versions");
        lines.push(field_line("archive", text, focus(Field::Archive), theme));
    }
    if fields.contains(&Field::Justification) {
        lines.push(input_line(
            "justify",
            &dialog.justification,
            focus(Field::Justification),
            None,
            theme,
        ));
    }
    if fields.contains(&Field::ConfirmName) {
        lines.push(label_line(
            "",
            format!(
                "type the model name ({}) to confirm:",
                truncate(&sanitize_line(&dialog.model), inner.saturating_sub(40))
            ),
            theme.warn(),
            theme,
        ));
        lines.push(input_line(
            "confirm",
            &dialog.confirm_name,
            focus(Field::ConfirmName),
            None,
            theme,
        ));
    }
    lines.push(Line::from(""));
    lines.extend(footer_lines(state, dialog, theme));
    lines
}

/// The gate summary (or the roll back's from/to), loaded in the background.
fn review_lines(
    state: &State,
    dialog: &DecisionDialog,
    theme: &Theme,
    inner: usize,
) -> Vec<Line<'static>> {
    match &dialog.review {
        Review::Loading { .. } => vec![label_line(
            "gates",
            format!(
                "{} reading the version and evaluating gates…",
                spinner(state.spinner)
            ),
            theme.muted(),
            theme,
        )],
        Review::Unavailable(_) => vec![],
        Review::RejectWithoutPolicy(_) => vec![label_line(
            "gates",
            "none: no policy configured; recorded without a gate report".to_string(),
            theme.muted(),
            theme,
        )],
        Review::Rollback(plan) => {
            let mut lines = vec![label_line(
                "roll back",
                format!(
                    "{} from v{} to v{}",
                    plan.target,
                    sanitize_line(&plan.from_label()),
                    sanitize_line(&plan.to)
                ),
                theme.accent(),
                theme,
            )];
            // Unverified records never steer a roll back; name what was left out.
            for s in &plan.skipped {
                lines.push(label_line(
                    "skipped",
                    format!(
                        "! unverified {} v{} ({})",
                        sanitize_line(&s.decision),
                        sanitize_line(&s.version),
                        sanitize_line(&s.run_id)
                    ),
                    theme.warn(),
                    theme,
                ));
            }
            lines
        }
        Review::Decision(p) => {
            let count = |o: Outcome| p.report.checks.iter().filter(|c| c.outcome == o).count();
            let (status, style) = match p.report.status {
                Outcome::Pass => ("PASS", theme.ok()),
                Outcome::Fail => ("FAIL", theme.error()),
                Outcome::Invalid => ("INVALID", theme.error()),
                Outcome::Ungated => ("UNGATED", theme.warn()),
                Outcome::Missing => ("MISSING", theme.warn()),
            };
            let mut gates = vec![
                Span::styled(pad_label("gates"), theme.muted()),
                Span::styled(status.to_string(), style.add_modifier(Modifier::BOLD)),
                Span::raw(format!(
                    "  {} pass · {} fail · {} missing",
                    count(Outcome::Pass),
                    count(Outcome::Fail),
                    count(Outcome::Missing)
                )),
            ];
            if count(Outcome::Invalid) > 0 {
                gates.push(Span::raw(format!(" · {} invalid", count(Outcome::Invalid))));
            }
            if p.report.checks.is_empty() {
                gates.push(Span::styled(
                    "  (no gate guards this target)",
                    theme.muted(),
                ));
            }
            let mut out = vec![Line::from(std::mem::take(&mut gates))];
            let blocking = p.blocking_ids();
            if !blocking.is_empty() {
                let ids = sanitize_line(&blocking.join(", ")).into_owned();
                out.push(label_line(
                    "blocking",
                    truncate(&ids, inner.saturating_sub(LABEL)).into_owned(),
                    theme.error(),
                    theme,
                ));
            }
            if let Some(r) = &p.requester {
                out.push(label_line(
                    "requested",
                    format!("by {}", sanitize_line(r)),
                    theme.muted(),
                    theme,
                ));
            }
            if let Some(Ok(ok)) = &p.four_eyes {
                let text = if ok.unverified.is_empty() {
                    "ok".to_string()
                } else {
                    format!("ok, unverified: {}", ok.unverified.join("; "))
                };
                out.push(label_line("four-eyes", text, theme.muted(), theme));
            }
            out
        }
    }
}

/// What stops the decision, the last error, progress or outcome.
fn footer_lines(state: &State, dialog: &DecisionDialog, theme: &Theme) -> Vec<Line<'static>> {
    let text = |t: &str| sanitize_line(t).into_owned();
    match &dialog.progress {
        Progress::Submitting { .. } => {
            let what = if dialog.kind == DialogKind::Rollback {
                "rolling back"
            } else {
                "re-checking the gates and writing"
            };
            let mut out = vec![Line::styled(
                format!("{} {what}…", spinner(state.spinner)),
                theme.accent(),
            )];
            if let Some(e) = &dialog.error {
                out.push(Line::styled(text(e), theme.muted()));
            }
            return out;
        }
        Progress::Done(summary) => {
            return vec![Line::styled(format!("✓ {}", text(summary)), theme.ok())]
        }
        Progress::Failed(error) => {
            let failure = super::error_text::decision_failure(error);
            let mut out = vec![Line::styled(
                format!("✗ {}", text(&failure.message)),
                theme.error(),
            )];
            if !failure.changes.is_empty() {
                out.push(Line::styled("what changed:", theme.warn()));
                out.extend(
                    failure
                        .changes
                        .iter()
                        .map(|d| Line::styled(format!("  - {}", text(d)), theme.base())),
                );
            }
            out.push(Line::styled(failure.hint, theme.muted()));
            return out;
        }
        Progress::Editing => {}
    }
    if let Some(reason) = dialog.refusal() {
        return vec![
            Line::styled(text(&reason), theme.error()),
            Line::styled("submit disabled", theme.muted()),
        ];
    }
    if let Some(e) = &dialog.error {
        return vec![Line::styled(text(e), theme.warn())];
    }
    if let Review::Decision(p) = &dialog.review {
        if p.needs_justification() {
            return vec![Line::styled(
                "gates fail: the policy allows an override with a justification",
                theme.warn(),
            )];
        }
    }
    vec![]
}

fn pad_label(label: &str) -> String {
    format!("{label:<LABEL$}")
}

fn label_line(label: &str, text: String, style: Style, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(pad_label(label), theme.muted()),
        Span::styled(text, style),
    ])
}

fn field_line(label: &str, text: String, focused: bool, theme: &Theme) -> Line<'static> {
    let style = if focused {
        theme.selection()
    } else {
        theme.base()
    };
    let marker = if focused { "▸" } else { " " };
    Line::from(vec![
        Span::styled(format!("{marker}{:<w$}", label, w = LABEL - 1), theme.key()),
        Span::styled(text, style),
    ])
}

/// A text field; the focused one shows its cursor as a block.
fn input_line(
    label: &str,
    input: &LineInput,
    focused: bool,
    hint: Option<&str>,
    theme: &Theme,
) -> Line<'static> {
    let marker = if focused { "▸" } else { " " };
    let text = sanitize_line(&input.text).into_owned();
    let mut spans = vec![Span::styled(
        format!("{marker}{:<w$}", label, w = LABEL - 1),
        theme.key(),
    )];
    if focused {
        let chars: Vec<char> = text.chars().collect();
        let at = input.cursor.min(chars.len());
        let before: String = chars[..at].iter().collect();
        let under: String = chars.get(at).map(|c| c.to_string()).unwrap_or(" ".into());
        let after: String = chars
            .get(at + 1..)
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        spans.push(Span::styled(format!("[{before}"), theme.base()));
        spans.push(Span::styled(under, theme.selection()));
        spans.push(Span::styled(format!("{after}]"), theme.base()));
        if let Some(h) = hint {
            spans.push(Span::styled(format!("  {h}"), theme.muted()));
        }
    } else {
        spans.push(Span::styled(format!("[{text}]"), theme.base()));
    }
    Line::from(spans)
}
