//! The `/` filter and `:` command prompts: typing narrows at once, Enter keeps, Esc clears.

use super::super::action::{Action, Edit};
use super::super::command::{self, Command, CompletionSources};
use super::super::effect::Effect;
use super::super::prompt::{Completion, LineInput, PromptKind};
use super::super::screens::VelocityScreen;
use super::super::state::{State, StatusLevel};
use super::route;

pub(super) fn handle(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(kind) = state.prompt.as_ref().map(|p| p.kind) else {
        return;
    };
    match action {
        Action::Edit(edit) => edit_text(state, kind, &edit, fx),
        // The list narrows as you type: moving in it needs no Enter first.
        key @ (Action::MoveUp | Action::MoveDown) => {
            route::to_top(state, fx, |screen, ctx| screen.handle_key(&key, ctx))
        }
        Action::PromptSubmit => {
            let text = state
                .prompt
                .take()
                .map(|p| p.input.text)
                .unwrap_or_default();
            if kind == PromptKind::Command {
                run_command(state, &text, fx);
            }
        }
        Action::PromptCancel => {
            state.prompt = None;
            if kind == PromptKind::Filter {
                set_filter(state, String::new(), fx);
            }
        }
        Action::PromptComplete => complete(state, true),
        Action::PromptCompleteBack => complete(state, false),
        _ => {}
    }
}

fn edit_text(state: &mut State, kind: PromptKind, edit: &Edit, fx: &mut Vec<Effect>) {
    let Some(prompt) = state.prompt.as_mut() else {
        return;
    };
    if !prompt.input.apply(edit) {
        return;
    }
    prompt.completion = None;
    if kind == PromptKind::Filter {
        let text = prompt.input.text.clone();
        set_filter(state, text, fx);
    }
}

/// Narrow the current list to `text` now; on a long models list, also ask the server once
/// typing pauses.
fn set_filter(state: &mut State, text: String, fx: &mut Vec<Effect>) {
    route::to_top(state, fx, |screen, ctx| screen.set_filter(text, ctx));
}

fn complete(state: &mut State, forward: bool) {
    let Some(prompt) = state.prompt.as_ref() else {
        return;
    };
    if prompt.kind != PromptKind::Command {
        return;
    }
    let completion = match &prompt.completion {
        Some(c) => {
            let n = c.candidates.len();
            let index = if forward {
                (c.index + 1) % n
            } else {
                (c.index + n - 1) % n
            };
            Completion { index, ..c.clone() }
        }
        None => {
            let base = prompt.input.text.clone();
            let models: Vec<&str> = state
                .models()
                .all
                .data
                .iter()
                .flatten()
                .map(|m| m.name.as_str())
                .collect();
            let sources = CompletionSources {
                models: &models,
                profiles: &state.profiles,
                themes: &state.themes,
            };
            let candidates = command::candidates(&base, &sources);
            if candidates.is_empty() {
                state.set_status(StatusLevel::Info, "no completion");
                return;
            }
            let index = if forward { 0 } else { candidates.len() - 1 };
            Completion {
                base,
                candidates,
                index,
            }
        }
    };
    if let Some(prompt) = state.prompt.as_mut() {
        prompt.input = LineInput::new(&completion.candidates[completion.index]);
        prompt.completion = Some(completion);
    }
}

fn run_command(state: &mut State, line: &str, fx: &mut Vec<Effect>) {
    let command = match command::parse(line) {
        Ok(c) => c,
        Err(message) => {
            state.set_status(StatusLevel::Error, message);
            return;
        }
    };
    match command {
        Command::Models => {
            state.screens.truncate(1);
            let idle = !state.models().all.is_loading() && state.models().all.data.is_none();
            if idle {
                let request = state.new_request();
                state.models_mut().start_load(request);
                fx.push(Effect::LoadModels { request });
            }
        }
        Command::Model(name) => {
            leave_for_jump(state, fx);
            fx.push(state.push_versions(&name, None));
        }
        Command::Inbox => {
            leave_for_jump(state, fx);
            fx.push(state.push_inbox());
        }
        Command::Profile(name) => {
            state.set_status(
                StatusLevel::Info,
                format!("connecting with profile '{name}'…"),
            );
            state.switching_profile = Some(name.clone());
            fx.push(Effect::SwitchProfile { name });
        }
        Command::Velocity => {
            // One level below the models list, like a model's versions.
            leave_for_jump(state, fx);
            let request = state.new_request();
            let opening = VelocityScreen::opening(request, state.settings.drift.clone());
            state.screens.push(opening.screen);
            fx.push(opening.load);
        }
        Command::Verify => route::to_top(state, fx, |screen, ctx| screen.verify(ctx)),
        Command::Theme(name) => fx.push(Effect::SetTheme { name }),
        Command::Quit => state.quit = true,
    }
}

/// A jump (`:model`, `:inbox`, `:velocity`) goes to a level below the models list. A filter
/// kept there with Enter would be waiting, unseen, when the user comes back: it is cleared on
/// the way, and the status line says so.
fn leave_for_jump(state: &mut State, fx: &mut Vec<Effect>) {
    state.screens.truncate(1);
    let kept = state.models().filter.clone();
    if kept.is_empty() {
        return;
    }
    set_filter(state, String::new(), fx);
    state.set_status(
        StatusLevel::Info,
        format!(
            "cleared the models filter /{}",
            crate::text::truncate(&crate::text::sanitize_line(&kept), 40)
        ),
    );
}
