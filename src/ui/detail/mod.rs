//! One version in tabs: overview, metrics, fairness, drift, lineage, gate, audit.

mod audit;
mod drift;
mod fairness;
mod gate;
mod lineage;
pub(crate) mod metrics;
mod overview;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Tabs;
use ratatui::Frame;

use super::format::clip;
use super::frame::ScreenFrame;
use super::panel;
use super::theme::Theme;
use crate::app::screens::{DetailScreen, DetailTab};
use crate::app::{Remote, State};

/// Where a tab draws and what it draws with.
#[derive(Clone, Copy)]
pub(crate) struct TabView<'a> {
    /// The tab's content area.
    pub area: Rect,
    /// The screen's block: its right border takes a list's scrollbar.
    pub block_area: Rect,
    pub state: &'a State,
    pub theme: &'a Theme,
}

impl TabView<'_> {
    /// The tab's data, or `None` after drawing in its place that it is loading or failed
    /// (`loading` / `failed` name what).
    fn data<'r, T>(
        &self,
        frame: &mut Frame,
        remote: Option<&'r Remote<T>>,
        what: (&str, &str),
    ) -> Option<&'r T> {
        panel::remote_data(
            frame,
            self.area,
            remote,
            what,
            self.state.spinner,
            self.theme,
        )
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, d: &DetailScreen, theme: &Theme) {
    let title = vec![
        Span::styled(format!(" {} ", clip(&d.model, 50)), theme.title()),
        Span::styled(format!("version {} ", clip(&d.version, 12)), theme.accent()),
    ];
    let inner = ScreenFrame::new(title)
        .badges_of(&d.data)
        .draw(frame, area, state, theme);

    let [tabs_area, _, content] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    draw_tabs(frame, tabs_area, d.tab, theme);

    let what = format!("version {} of '{}'", d.version, d.model);
    let Some(detail) = panel::remote_data(
        frame,
        content,
        Some(&d.data),
        ("the version", &what),
        state.spinner,
        theme,
    ) else {
        return;
    };
    let view = TabView {
        area: content,
        block_area: area,
        state,
        theme,
    };
    match d.tab {
        DetailTab::Overview => overview::draw(frame, content, d, detail, theme),
        DetailTab::Metrics => metrics::draw(frame, &view, d, detail),
        DetailTab::Fairness => fairness::draw(frame, content, state, d, detail, theme),
        DetailTab::Drift => drift::draw(frame, &view, d),
        DetailTab::Lineage => lineage::draw(frame, &view, d),
        DetailTab::Gate => gate::draw(frame, &view, d),
        DetailTab::Audit => audit::draw(frame, &view, d),
    }
}

fn draw_tabs(frame: &mut Frame, area: Rect, current: DetailTab, theme: &Theme) {
    let titles: Vec<Line> = DetailTab::ALL
        .iter()
        .map(|t| {
            let style = theme.base();
            Line::from(vec![
                Span::styled(t.number().to_string(), theme.key()),
                Span::styled(format!(" {}", t.title()), style),
            ])
        })
        .collect();
    let selected = DetailTab::ALL
        .iter()
        .position(|t| *t == current)
        .unwrap_or(0);
    let tabs = Tabs::new(titles)
        .select(selected)
        .highlight_style(theme.selection())
        .divider(Span::styled("│", theme.border(false)))
        .padding(" ", " ");
    frame.render_widget(tabs, area);
}
