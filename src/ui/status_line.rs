//! The line above the footer: the prompt when one is open, else the last message (errors
//! included), else the active filter; the position in the list on the right.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::format::{clip, fit};
use super::theme::Theme;
use crate::app::prompt::PromptKind;
use crate::app::State;
use crate::text::{sanitize_line, width};

/// (position, count) of the current list, when it is a list.
fn position(state: &State) -> Option<(usize, usize)> {
    let (selected, len) = state.top().behaviour().position()?;
    (len > 0).then_some((selected + 1, len))
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let right = position(state)
        .map(|(p, n)| format!(" {p}/{n} "))
        .unwrap_or_default();
    let right_width = width(&right) as u16;
    let left_area = Rect::new(area.x, area.y, area.width.saturating_sub(right_width), 1);
    if let Some(prompt) = &state.prompt {
        let symbol = match prompt.kind {
            PromptKind::Filter => "/",
            PromptKind::Command => ":",
        };
        let text = sanitize_line(&prompt.input.text).into_owned();
        let before: String = prompt
            .input
            .text
            .chars()
            .take(prompt.input.cursor)
            .collect();
        let cursor_x = 1 + width(symbol) + width(&sanitize_line(&before));
        // Long input scrolls left so the cursor stays on screen.
        let room = left_area.width as usize;
        let skip = (cursor_x + 1).saturating_sub(room);
        let shown: String = skip_columns(&format!(" {symbol}{text}"), skip);
        frame.render_widget(
            Paragraph::new(Line::from(vec![Span::styled(shown, theme.accent())])),
            left_area,
        );
        let x = left_area.x + (cursor_x - skip) as u16;
        frame.set_cursor_position(Position::new(
            x.min(left_area.right().saturating_sub(1)),
            area.y,
        ));
    } else if let Some(status) = &state.status {
        let line = fit(
            vec![Span::styled(
                format!(" {}", clip(&status.text, 4000)),
                theme.status(status.level),
            )],
            left_area.width as usize,
        );
        frame.render_widget(Paragraph::new(line), left_area);
    } else if !state.top().filter().is_empty() {
        let line = fit(
            vec![
                Span::styled(" filter ", theme.muted()),
                Span::styled(
                    format!("/{}", clip(state.top().filter(), 60)),
                    theme.accent(),
                ),
                Span::styled("  (Esc clears)", theme.muted()),
            ],
            left_area.width as usize,
        );
        frame.render_widget(Paragraph::new(line), left_area);
    }
    if right_width > 0 {
        let r = Rect::new(
            area.right().saturating_sub(right_width),
            area.y,
            right_width,
            1,
        );
        frame.render_widget(Paragraph::new(Span::styled(right, theme.muted())), r);
    }
}

fn skip_columns(text: &str, columns: usize) -> String {
    let mut skipped = 0;
    text.chars()
        .skip_while(|c| {
            if skipped >= columns {
                return false;
            }
            skipped += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            true
        })
        .collect()
}
