//! A screen's frame: the bordered block with its title, the "refreshing" and STALE badges and
//! any right-aligned titles; inside it the screen's data, or what stands in for it.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

use super::format::spinner;
use super::panel;
use super::theme::Theme;
use crate::app::{Remote, State};

pub struct ScreenFrame {
    title: Vec<Span<'static>>,
    right: Vec<Line<'static>>,
    refreshing: bool,
    stale: bool,
}

impl ScreenFrame {
    pub fn new(title: Vec<Span<'static>>) -> Self {
        ScreenFrame {
            title,
            right: Vec::new(),
            refreshing: false,
            stale: false,
        }
    }

    /// "refreshing" while a reload runs over shown data; STALE when the last reload failed.
    pub fn badges(mut self, refreshing: bool, stale: bool) -> Self {
        self.refreshing = refreshing;
        self.stale = stale;
        self
    }

    /// The badges of a screen that shows `remote`.
    pub fn badges_of<T>(self, remote: &Remote<T>) -> Self {
        self.badges(remote.data.is_some() && remote.is_loading(), remote.stale)
    }

    /// A title on the right of the top border, after those added before it.
    pub fn right(mut self, title: Line<'static>) -> Self {
        self.right.push(title.right_aligned());
        self
    }

    /// Draw the block; returns the area inside it.
    pub fn draw(self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) -> Rect {
        let title = block_title(self.title, self.refreshing, self.stale, state, theme);
        let block = self.right.into_iter().fold(
            Block::bordered()
                .border_style(theme.border(true))
                .title(title),
            Block::title,
        );
        let inner = block.inner(area);
        frame.render_widget(block, area);
        inner
    }

    /// Draw the block around `remote`'s data, with its badges: the area inside and the data, or
    /// `None` after drawing in its place that it is loading (`loading` names what) or failed
    /// (`failed` names what could not be read).
    pub fn around<'a, T>(
        self,
        frame: &mut Frame,
        area: Rect,
        state: &State,
        theme: &Theme,
        remote: &'a Remote<T>,
        (loading, failed): (&str, &str),
    ) -> Option<(Rect, &'a T)> {
        let inner = self.badges_of(remote).draw(frame, area, state, theme);
        let data = panel::remote_data(
            frame,
            inner,
            Some(remote),
            (loading, failed),
            state.spinner,
            theme,
        )?;
        Some((inner, data))
    }
}

/// A view's title: its spans, then "refreshing" while a reload runs over shown data, then a
/// STALE badge when the last reload failed.
fn block_title(
    mut spans: Vec<Span<'static>>,
    refreshing: bool,
    stale: bool,
    state: &State,
    theme: &Theme,
) -> Line<'static> {
    if refreshing {
        spans.push(Span::styled(
            format!("{} refreshing ", spinner(state.spinner)),
            theme.muted(),
        ));
    }
    if stale {
        spans.push(Span::styled(" STALE ", theme.badge(theme.palette.warn)));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}
