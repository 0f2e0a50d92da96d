//! Tab 1: the version's facts (stage, aliases, status, source run, timestamps), its
//! description and tags; two columns on wide screens. Every value is server text: sanitized.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::app::screens::{creator, DetailScreen};
use crate::registry::{RunState, VersionDetail};
use crate::text::{pad, sanitize_line, sanitize_multiline};
use crate::ui::format::date;
use crate::ui::theme::Theme;

const LABEL: usize = 13;
const WIDE: u16 = 110;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    d: &DetailScreen,
    detail: &VersionDetail,
    theme: &Theme,
) {
    // A column of margin on each side, so wrapped lines line up with the first one.
    let area = area.inner(ratatui::layout::Margin::new(1, 0));
    let scroll = d.cursor.offset as u16;
    let paragraph = |lines: Vec<Line<'static>>| {
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
    };
    let mut version = version_facts(detail, theme);
    let run = run_facts(detail, theme);
    let notes = notes(detail, theme);
    if area.width >= WIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .spacing(2)
                .areas(area);
        version.push(Line::from(""));
        version.extend(run);
        frame.render_widget(paragraph(version), left);
        frame.render_widget(paragraph(notes), right);
    } else {
        // Narrow: what an approver reads first (facts, description, tags), then the run.
        version.push(Line::from(""));
        version.extend(notes);
        version.push(Line::from(""));
        version.extend(run);
        frame.render_widget(paragraph(version), area);
    }
}

fn field(label: &str, value: Vec<Span<'static>>, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(pad(label, LABEL), theme.muted())];
    spans.extend(value);
    Line::from(spans)
}

fn text(value: &str, theme: &Theme) -> Vec<Span<'static>> {
    vec![Span::styled(
        sanitize_line(value).into_owned(),
        theme.base(),
    )]
}

fn version_facts(detail: &VersionDetail, theme: &Theme) -> Vec<Line<'static>> {
    let v = &detail.version;
    let stage = v.stage().unwrap_or("None");
    let aliases = if v.aliases.is_empty() {
        vec![Span::styled("-", theme.muted())]
    } else {
        vec![Span::styled(
            sanitize_line(
                &v.aliases
                    .iter()
                    .map(|a| format!("@{a}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            )
            .into_owned(),
            theme.alias(),
        )]
    };
    let mut status = vec![Span::styled(
        sanitize_line(v.status.as_deref().unwrap_or("-")).into_owned(),
        if v.status.as_deref() == Some("FAILED_REGISTRATION") {
            theme.error()
        } else {
            theme.ok()
        },
    )];
    if let Some(msg) = v.status_message.as_deref().filter(|m| !m.is_empty()) {
        status.push(Span::styled(
            format!("  {}", sanitize_line(msg)),
            theme.muted(),
        ));
    }
    vec![
        field("Model", text(&v.name, theme), theme),
        field(
            "Version",
            vec![Span::styled(
                sanitize_line(&v.version).into_owned(),
                theme.accent(),
            )],
            theme,
        ),
        field(
            "Stage",
            vec![Span::styled(
                sanitize_line(stage).into_owned(),
                theme.stage(stage),
            )],
            theme,
        ),
        field("Aliases", aliases, theme),
        field("Status", status, theme),
        field(
            "Created",
            text(&format!("{} UTC", date(v.creation_timestamp, true)), theme),
            theme,
        ),
        field(
            "Updated",
            text(
                &format!("{} UTC", date(v.last_updated_timestamp, true)),
                theme,
            ),
            theme,
        ),
        field(
            "Creator",
            text(creator(v, detail.run.run()).unwrap_or("-"), theme),
            theme,
        ),
        field(
            "Source",
            text(v.source.as_deref().unwrap_or("-"), theme),
            theme,
        ),
    ]
}

fn run_facts(detail: &VersionDetail, theme: &Theme) -> Vec<Line<'static>> {
    let v = &detail.version;
    let mut lines = vec![Line::styled("Source run", theme.title())];
    match &detail.run {
        RunState::NoRun => lines.push(field(
            "Run",
            vec![Span::styled("none (registered from a path)", theme.muted())],
            theme,
        )),
        RunState::Missing => lines.push(field(
            "Run",
            vec![Span::styled(
                format!(
                    "{} (the server no longer has it)",
                    sanitize_line(v.run_id().unwrap_or("-"))
                ),
                theme.warn(),
            )],
            theme,
        )),
        RunState::Active(run) | RunState::Deleted(run) => {
            let mut id = text(&run.info.run_id, theme);
            if run.is_deleted() {
                id.push(Span::styled("  (deleted)", theme.warn()));
            }
            lines.push(field("Run", id, theme));
            lines.push(field(
                "Name",
                text(run.info.run_name.as_deref().unwrap_or("-"), theme),
                theme,
            ));
            lines.push(field(
                "Experiment",
                text(run.info.experiment_id.as_deref().unwrap_or("-"), theme),
                theme,
            ));
            lines.push(field(
                "Run status",
                text(run.info.status.as_deref().unwrap_or("-"), theme),
                theme,
            ));
            lines.push(field(
                "Started",
                text(&format!("{} UTC", date(run.info.start_time, true)), theme),
                theme,
            ));
            lines.push(field(
                "Run by",
                text(run.info.user_id.as_deref().unwrap_or("-"), theme),
                theme,
            ));
            if let Some(commit) = run.tag("mlflow.source.git.commit") {
                lines.push(field("Git commit", text(commit, theme), theme));
            }
            lines.push(field(
                "Evidence",
                text(
                    &format!(
                        "{} metrics, {} params (tab 2)",
                        run.data.metrics.len(),
                        run.data.params.len()
                    ),
                    theme,
                ),
                theme,
            ));
        }
    }
    let logged = match (&detail.logged_model, detail.version.logged_model_id()) {
        (Some(logged), _) => text(&logged.info.model_id, theme),
        (None, Some(id)) => text(&format!("{id} (not readable)"), theme),
        (None, None) => vec![Span::styled(
            crate::mlflow::ModelVersion::NO_LOGGED_MODEL,
            theme.muted(),
        )],
    };
    lines.push(field("Logged model", logged, theme));
    lines
}

fn notes(detail: &VersionDetail, theme: &Theme) -> Vec<Line<'static>> {
    let v = &detail.version;
    let mut lines = vec![Line::styled("Description", theme.title())];
    match v.description.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => lines.extend(
            sanitize_multiline(d)
                .lines()
                .map(|l| Line::styled(l.to_string(), theme.base())),
        ),
        None => lines.push(Line::styled("(none)", theme.muted())),
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!("Tags ({})", v.tags.len()),
        theme.title(),
    ));
    if v.tags.is_empty() {
        lines.push(Line::styled("(none)", theme.muted()));
    }
    let mut tags: Vec<_> = v.tags.iter().collect();
    tags.sort_by(|a, b| a.key.cmp(&b.key));
    for tag in tags {
        lines.push(Line::from(vec![
            Span::styled(sanitize_line(&tag.key).into_owned(), theme.key()),
            Span::styled(" = ", theme.muted()),
            Span::styled(sanitize_line(&tag.value).into_owned(), theme.base()),
        ]));
    }
    if let Some(run) = detail.run.run() {
        if !run.inputs.dataset_inputs.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::styled("Datasets", theme.title()));
            for input in &run.inputs.dataset_inputs {
                let ds = &input.dataset;
                lines.push(Line::from(vec![
                    Span::styled(sanitize_line(&ds.name).into_owned(), theme.base()),
                    Span::styled(
                        format!(
                            "  {}  digest {}",
                            sanitize_line(input.context().unwrap_or("-")),
                            sanitize_line(&ds.digest)
                        ),
                        theme.muted(),
                    ),
                ]));
            }
        }
    }
    lines
}
