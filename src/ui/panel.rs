//! What a view shows instead of data: loading, a failure, or an empty list.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::format::spinner;
use super::theme::Theme;
use crate::app::action::LoadError;
use crate::app::Remote;
use crate::text::sanitize_line;

/// The data of a tab's request, or `None` after drawing why it is not there: still loading
/// (`loading` names what), or failed (`failed` names what could not be read).
pub fn remote_data<'a, T>(
    frame: &mut Frame,
    area: Rect,
    remote: Option<&'a Remote<T>>,
    what: (&str, &str),
    frame_no: usize,
    theme: &Theme,
) -> Option<&'a T> {
    if let Some(Remote {
        data: Some(data), ..
    }) = remote
    {
        return Some(data);
    }
    let error = remote.and_then(|r| r.error.as_ref());
    let loading = remote.is_some_and(Remote::is_loading);
    unavailable(frame, area, (error, loading), what, frame_no, theme);
    None
}

/// In place of data that is not there: the failure when the last request failed and no other
/// is on its way, else that it is loading.
pub fn unavailable(
    frame: &mut Frame,
    area: Rect,
    (error, loading): (Option<&LoadError>, bool),
    (loading_what, failed_what): (&str, &str),
    frame_no: usize,
    theme: &Theme,
) {
    match error {
        Some(e) if !loading => self::error(frame, area, failed_what, e, theme),
        _ => self::loading(frame, area, loading_what, frame_no, theme),
    }
}

fn centered(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    let height = (lines.len() as u16 + 2).min(area.height);
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(2),
    ])
    .areas(area);
    let inner = middle.inner(ratatui::layout::Margin::new(2, 0));
    frame.render_widget(
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }),
        inner,
    );
}

pub fn loading(frame: &mut Frame, area: Rect, what: &str, frame_no: usize, theme: &Theme) {
    let line = Line::from(vec![
        Span::styled(spinner(frame_no), theme.accent()),
        Span::styled(format!(" Loading {what}…"), theme.muted()),
    ]);
    centered(frame, area, vec![line]);
}

/// A failure with nothing to show: what failed, why (server text, sanitized), and what to do
/// about this kind of failure.
pub fn error(frame: &mut Frame, area: Rect, what: &str, error: &LoadError, theme: &Theme) {
    let hint = super::error_text::load_hint(error);
    let error = error.to_string();
    let lines = vec![
        Line::from(Span::styled(
            format!("✗ Could not load {}", sanitize_line(what)),
            theme.error(),
        )),
        Line::from(""),
        Line::from(Span::styled(
            sanitize_line(&error).into_owned(),
            theme.base(),
        )),
        Line::from(""),
        Line::from(Span::styled(hint, theme.muted())),
    ];
    centered(frame, area, lines);
}

pub fn empty(frame: &mut Frame, area: Rect, text: &str, hint: &str, theme: &Theme) {
    let mut lines = vec![Line::from(Span::styled(
        sanitize_line(text).into_owned(),
        theme.base(),
    ))];
    if !hint.is_empty() {
        lines.push(Line::from(Span::styled(hint.to_string(), theme.muted())));
    }
    centered(frame, area, lines);
}
