//! Tabs whose capability is not built yet say so plainly, and name what will fill them.

use ratatui::layout::Rect;
use ratatui::Frame;

use crate::app::screens::DetailTab;
use crate::ui::panel;
use crate::ui::theme::Theme;

pub fn draw(frame: &mut Frame, area: Rect, tab: DetailTab, theme: &Theme) {
    let capability = tab.arrives_with().unwrap_or("a later release");
    let text = format!("{}: not built yet: arrives with {capability}.", tab.title());
    panel::empty(
        frame,
        area,
        &text,
        "Tabs 1 Overview and 2 Metrics work today.",
        theme,
    );
}
