//! The keys every screen shares: the breadcrumb (back, quit), the help overlay, the prompts,
//! refresh; any other key goes to the screen on top.

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::prompt::{Prompt, PromptKind};
use super::super::state::{State, StatusLevel};
use super::route;

pub(super) fn handle(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Back => back(state, fx),
        Action::Quit => {
            if state.screens.len() == 1 {
                state.quit = true;
            } else {
                state.screens.pop();
            }
        }
        Action::Help => state.help = Some(0),
        Action::Filter => open_filter(state),
        Action::Command => state.prompt = Some(Prompt::new(PromptKind::Command, "")),
        // `r`: forget cached data and reload what is on screen; what is shown stays until the
        // answer.
        Action::Refresh => {
            fx.push(Effect::Invalidate);
            route::to_top(state, fx, |screen, ctx| screen.refresh(ctx));
        }
        key => route::to_top(state, fx, |screen, ctx| screen.handle_key(&key, ctx)),
    }
}

/// Esc: close what is open inside the screen, then clear the filter (as k9s does), then go up
/// one level.
fn back(state: &mut State, fx: &mut Vec<Effect>) {
    if state.top_mut().behaviour_mut().close_inner() {
        return;
    }
    if !state.top().filter().is_empty() {
        route::to_top(state, fx, |screen, ctx| {
            screen.set_filter(String::new(), ctx)
        });
        return;
    }
    if state.screens.len() > 1 {
        state.screens.pop();
    }
}

fn open_filter(state: &mut State) {
    if let Err(why) = state.top().behaviour().filterable() {
        state.set_status(StatusLevel::Info, why);
        return;
    }
    let text = state.top().filter().to_string();
    state.prompt = Some(Prompt::new(PromptKind::Filter, &text));
}

/// With the help open, keys close or scroll it; Ctrl-C still quits (handled earlier).
pub(super) fn help_key(state: &mut State, action: Action) {
    let scroll = state.help.unwrap_or(0);
    state.help = match action {
        Action::MoveDown => Some(scroll + 1),
        Action::MoveUp => Some(scroll.saturating_sub(1)),
        Action::PageDown => Some(scroll + state.list_rows()),
        Action::PageUp => Some(scroll.saturating_sub(state.list_rows())),
        Action::First => Some(0),
        _ => None,
    };
}
