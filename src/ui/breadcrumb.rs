//! Where you are: `Models › credit-risk-scorer › version 5 › Metrics`. Esc walks back up.

use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::format::clip;
use super::theme::Theme;
use crate::app::screens::breadcrumb;
use crate::app::State;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let crumbs = breadcrumb(&state.screens);
    let last = crumbs.len() - 1;
    // Names can be long: each gets a fair share of the line.
    let share = (area.width as usize / crumbs.len()).max(8);
    let mut spans = vec![Span::raw(" ")];
    for (i, crumb) in crumbs.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.muted()));
        }
        let style = if i == last {
            theme.accent()
        } else {
            theme.base()
        };
        spans.push(Span::styled(clip(crumb, share), style));
    }
    frame.render_widget(
        Paragraph::new(super::format::fit(spans, area.width as usize)),
        area,
    );
}
