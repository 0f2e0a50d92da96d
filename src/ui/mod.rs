//! Drawing: a pure function of the state and the theme. Nothing here changes state, talks to
//! the server or decides anything; server text is sanitized on its way into every span.

mod badge;
mod breadcrumb;
pub mod chart;
mod compare;
mod completion;
pub(crate) mod detail;
mod dialog;
mod error_text;
mod footer;
pub mod format;
mod frame;
mod header;
mod help;
mod inbox;
mod models;
mod panel;
mod run;
mod status_line;
pub mod table;
pub mod theme;
mod too_small;
mod velocity;
mod versions;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;
use ratatui::Frame;

pub use theme::{ColorMode, Theme};
pub use too_small::{MIN_HEIGHT, MIN_WIDTH};

use crate::app::screens::Screen;
use crate::app::State;

/// Draw one frame.
pub fn draw(frame: &mut Frame, state: &State, theme: &Theme) {
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base()), area);
    if !too_small::fits(area) {
        too_small::draw(frame, area, theme);
        return;
    }
    let [header_row, crumbs_row, body, status_row, footer_row] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw(frame, header_row, state, theme);
    breadcrumb::draw(frame, crumbs_row, state, theme);
    match state.top() {
        Screen::Models(m) => models::draw(frame, body, state, m, theme),
        Screen::Versions(v) => versions::draw(frame, body, state, v, theme),
        Screen::Detail(d) => detail::draw(frame, body, state, d, theme),
        Screen::Inbox(i) => inbox::draw(frame, body, state, i, theme),
        Screen::Run(r) => run::draw(frame, body, state, r, theme),
        Screen::Velocity(v) => velocity::draw(frame, body, state, v, theme),
    }
    status_line::draw(frame, status_row, state, theme);
    footer::draw(frame, footer_row, state, theme);
    completion::draw(frame, status_row, state, theme);
    if let Some(d) = &state.dialog {
        dialog::draw(frame, area, state, d, theme);
    }
    if let Some(scroll) = state.help {
        help::draw(frame, area, state, scroll, theme);
    }
}

/// The block's right border beside `rows` (a list inside it, below other content): where
/// that list's scrollbar goes.
fn scrollbar_beside(block: Rect, rows: Rect) -> Rect {
    Rect::new(block.x, rows.y, block.width, rows.height)
}

/// The block's right border, between its corners: where a list's scrollbar goes.
fn scrollbar_area(block: Rect) -> Rect {
    Rect::new(
        block.x,
        block.y + 1,
        block.width,
        block.height.saturating_sub(2),
    )
}
