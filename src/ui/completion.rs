//! The command line's completion candidates, in a box just above it.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::format::clip;
use super::theme::Theme;
use crate::app::State;

const MAX_SHOWN: usize = 8;

pub fn draw(frame: &mut Frame, status_row: Rect, state: &State, theme: &Theme) {
    let Some(completion) = state.prompt.as_ref().and_then(|p| p.completion.as_ref()) else {
        return;
    };
    let n = completion.candidates.len();
    let shown = n.min(MAX_SHOWN);
    // Keep the current candidate inside the window.
    let start = completion.index.saturating_sub(shown - 1).min(n - shown);
    let width = completion
        .candidates
        .iter()
        .map(|c| crate::text::width(&crate::text::sanitize_line(c)) + 4)
        .max()
        .unwrap_or(10)
        .clamp(20, status_row.width as usize - 2) as u16;
    let height = shown as u16 + 2;
    let area = Rect::new(
        status_row.x + 1,
        status_row.y.saturating_sub(height),
        width,
        height,
    );
    let lines: Vec<Line> = (start..start + shown)
        .map(|i| {
            let text = format!(" :{}", clip(&completion.candidates[i], width as usize - 4));
            if i == completion.index {
                Line::styled(text, theme.selection())
            } else {
                Line::styled(text, theme.base())
            }
        })
        .collect();
    let title = format!(" {}/{} · Tab next ", completion.index + 1, n);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::bordered()
                    .border_style(theme.border(true))
                    .title(Line::styled(title, theme.muted())),
            )
            .style(theme.base()),
        area,
    );
}
