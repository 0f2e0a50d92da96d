//! The top bar: product, profile, server URL, read-only badge, and a spinner while loading.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::format::{clip, spinner};
use super::theme::Theme;
use crate::app::State;
use crate::text::width;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let bar = theme.header();
    let mut right: Vec<Span> = Vec::new();
    if state.is_loading() {
        let what = match &state.switching_profile {
            Some(name) => format!("connecting to {} ", clip(name, 24)),
            None => "loading ".to_string(),
        };
        right.push(Span::styled(
            format!("{} {what}", spinner(state.spinner)),
            bar,
        ));
    }
    if state.server.read_only {
        right.push(Span::styled(" READ-ONLY ", theme.badge(theme.palette.warn)));
        right.push(Span::styled(" ", bar));
    }
    let right_width: usize = right.iter().map(|s| width(&s.content)).sum();

    let room = (area.width as usize).saturating_sub(right_width + 1);
    let profile = state.server.profile.as_deref().unwrap_or("(no profile)");
    let mut left = vec![
        Span::styled(
            " tollgate ",
            bar.add_modifier(ratatui::style::Modifier::BOLD),
        ),
        Span::styled("│ ", bar),
        Span::styled(format!("{} ", clip(profile, 20)), bar),
        Span::styled("│ ", bar),
    ];
    let used: usize = left.iter().map(|s| width(&s.content)).sum();
    left.push(Span::styled(
        clip(&state.server.url, room.saturating_sub(used)),
        bar,
    ));
    frame.render_widget(Paragraph::new(Line::from(left)).style(bar), area);
    if !right.is_empty() {
        let x = area.x + area.width.saturating_sub(right_width as u16);
        let r = Rect::new(x, area.y, right_width as u16, 1);
        frame.render_widget(Paragraph::new(Line::from(right)).style(bar), r);
    }
}
