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
use ratatui::widgets::{Block, Tabs};
use ratatui::Frame;

use super::format::clip;
use super::theme::Theme;
use super::{block_title, panel};
use crate::app::screens::{DetailScreen, DetailTab};
use crate::app::State;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, d: &DetailScreen, theme: &Theme) {
    let has_data = d.data.data.is_some();
    let title = vec![
        Span::styled(format!(" {} ", clip(&d.model, 50)), theme.title()),
        Span::styled(format!("version {} ", clip(&d.version, 12)), theme.accent()),
    ];
    let block = Block::bordered()
        .border_style(theme.border(true))
        .title(block_title(
            title,
            has_data && d.data.is_loading(),
            d.data.stale,
            state,
            theme,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let [tabs_area, _, content] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    draw_tabs(frame, tabs_area, d.tab, theme);

    let Some(detail) = &d.data.data else {
        match &d.data.error {
            Some(e) if !d.data.is_loading() => {
                let what = format!("version {} of '{}'", d.version, d.model);
                panel::error(frame, content, &what, e, theme)
            }
            _ => panel::loading(frame, content, "the version", state.spinner, theme),
        }
        return;
    };
    match d.tab {
        DetailTab::Overview => overview::draw(frame, content, d, detail, theme),
        DetailTab::Metrics => metrics::draw(frame, content, area, state, d, detail, theme),
        DetailTab::Fairness => fairness::draw(frame, content, state, d, detail, theme),
        DetailTab::Drift => drift::draw(frame, content, area, state, d, theme),
        DetailTab::Lineage => lineage::draw(frame, content, area, state, d, theme),
        DetailTab::Gate => gate::draw(frame, content, area, state, d, theme),
        DetailTab::Audit => audit::draw(frame, content, area, state, d, theme),
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
