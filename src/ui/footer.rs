//! The bottom line: the most useful keys of this view, read from the key map (so remapped keys
//! show as remapped).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::app::screens::{DetailTab, Screen};
use crate::app::{Action, KeyContext, State};
use crate::text::width;

fn hints(context: KeyContext) -> &'static [(Action, &'static str)] {
    match context {
        KeyContext::Models | KeyContext::Global => &[
            (Action::Open, "open"),
            (Action::Filter, "filter"),
            (Action::CycleSort, "sort"),
            (Action::Command, "command"),
            (Action::Refresh, "refresh"),
            (Action::Quit, "quit"),
        ],
        KeyContext::Versions => &[
            (Action::Open, "open"),
            (Action::Filter, "filter"),
            (Action::Mark, "mark"),
            (Action::Compare, "compare"),
            (Action::RequestPromotion, "request"),
            (Action::Approve, "approve"),
            (Action::Back, "back"),
            (Action::Command, "command"),
            (Action::Refresh, "refresh"),
        ],
        KeyContext::Inbox => &[
            (Action::Open, "open gate"),
            (Action::Approve, "approve"),
            (Action::Reject, "reject"),
            (Action::Back, "back"),
            (Action::Refresh, "refresh"),
            (Action::Command, "command"),
        ],
        KeyContext::Detail => &[
            (Action::NextTab, "next tab"),
            (Action::Approve, "approve"),
            (Action::Back, "back"),
            (Action::Refresh, "refresh"),
            (Action::Command, "command"),
        ],
        KeyContext::Run => &[
            (Action::ToggleTimeAxis, "step/time"),
            (Action::Back, "back"),
            (Action::Refresh, "refresh"),
            (Action::Command, "command"),
        ],
        KeyContext::Velocity => &[
            (Action::Open, "open model"),
            (Action::Back, "back"),
            (Action::Refresh, "refresh"),
            (Action::Command, "command"),
        ],
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let context = state.context();
    let key_of = |action: &Action| {
        state
            .keymap
            .keys_for(context, action)
            .first()
            .map(|k| k.to_string())
    };
    let mut items: Vec<(String, &str)> = Vec::new();
    if context == KeyContext::Detail {
        let tabs: Vec<_> = (1..=7u8)
            .filter(|n| key_of(&Action::SelectTab(*n)).is_some())
            .collect();
        if tabs.len() == 7 {
            items.push(("1-7".into(), "tabs"));
        }
        // The Drift tab's own key, first after the tabs: at 80 columns it is the only way to
        // the panels that do not fit.
        let on_drift = matches!(state.top(), Screen::Detail(d) if d.tab == DetailTab::Drift);
        if on_drift {
            if let Some(k) = key_of(&Action::CycleDriftPanel) {
                items.push((k, "panel"));
            }
        }
    }
    items.extend(
        hints(context)
            .iter()
            // Under --read-only the writing keys are refused, so they are not offered.
            .filter(|(action, _)| !(state.server.read_only && action.is_write()))
            .filter_map(|(action, label)| key_of(action).map(|k| (k, *label))),
    );
    // Help is always offered, at the right, so it survives narrow screens.
    let help = key_of(&Action::Help).map(|k| (k, "help"));
    let help_width = help.as_ref().map_or(0, |(k, l)| width(k) + width(l) + 3);

    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, label) in items {
        let w = width(&key) + width(label) + 3;
        if used + w + help_width > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {label}  "), theme.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some((key, label)) = help {
        let x = area.x + area.width.saturating_sub(help_width as u16);
        let r = Rect::new(x, area.y, (help_width as u16).min(area.width), 1);
        let line = Line::from(vec![
            Span::styled(key, theme.key()),
            Span::styled(format!(" {label}  "), theme.muted()),
        ]);
        frame.render_widget(Paragraph::new(line), r);
    }
}
