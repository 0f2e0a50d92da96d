//! The help overlay: the keys of the current view, generated from the key map.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::{Action, State};
use crate::text::pad;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: usize, theme: &Theme) {
    let sections = state.keymap.help(state.context(), state.server.read_only);
    let key_width = sections
        .iter()
        .flat_map(|s| &s.entries)
        .map(|e| crate::text::width(&e.keys))
        .max()
        .unwrap_or(4)
        .min(24);
    let mut lines: Vec<Line> = Vec::new();
    for section in &sections {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::styled(section.title.clone(), theme.title()));
        for e in &section.entries {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", pad(&e.keys, key_width)), theme.key()),
                Span::styled(format!("  {}", e.description), theme.base()),
            ]));
        }
    }
    let width = (area.width.saturating_sub(8)).clamp(40, 90);
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(4));
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
    let visible = popup.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(visible));
    let more = if scroll + visible < lines.len() {
        " ↓ more "
    } else {
        ""
    };
    // The close/scroll keys, as bound (the help never names a key the map does not hold).
    let key = |a: Action| {
        state
            .keymap
            .keys_for(state.context(), &a)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_else(|| "?".into())
    };
    let hint = format!(
        " {} close · {}/{} scroll{more} ",
        key(Action::Back),
        key(Action::MoveDown),
        key(Action::MoveUp)
    );
    let block = Block::bordered()
        .padding(ratatui::widgets::Padding::horizontal(1))
        .border_style(theme.border(true))
        .title(Line::styled(" Keys ", theme.title()))
        .title_bottom(Line::styled(hint, theme.muted()).right_aligned());
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll as u16, 0))
            .style(theme.base()),
        popup,
    );
}
