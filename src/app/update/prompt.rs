//! The `/` filter and `:` command prompts: typing narrows at once, Enter keeps, Esc clears.

use super::super::action::{Action, Edit};
use super::super::command::{self, Command, CompletionSources};
use super::super::effect::Effect;
use super::super::prompt::{Completion, LineInput, PromptKind};
use super::super::screens::{Screen, ServerSearch};
use super::super::state::{State, StatusLevel};
use super::navigate::{self, Move};
use crate::app::remote::Remote;

pub(super) fn handle(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(kind) = state.prompt.as_ref().map(|p| p.kind) else {
        return;
    };
    match action {
        Action::Edit(edit) => edit_text(state, kind, &edit, fx),
        Action::MoveUp => navigate::move_cursor(state, Move::By(-1)),
        Action::MoveDown => navigate::move_cursor(state, Move::By(1)),
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
                set_filter(state, String::new());
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
        fx.extend(set_filter(state, text));
    }
}

/// Narrow the current list to `text` now; on a long models list, also ask the server once
/// typing pauses.
pub(super) fn set_filter(state: &mut State, text: String) -> Option<Effect> {
    let rows = state.list_rows();
    let debounce = state.settings.search_debounce_ms;
    let threshold = state.settings.server_search_threshold;
    match state.top_mut() {
        Screen::Models(m) => {
            m.filter = text.clone();
            if text.is_empty() {
                m.search = None;
            }
            m.recompute(rows);
            let long = m.all.data.as_ref().is_none_or(|all| all.len() >= threshold);
            (long && !text.trim().is_empty()).then(|| Effect::After {
                delay_ms: debounce,
                action: Box::new(Action::SearchDue { text }),
            })
        }
        Screen::Versions(v) => {
            v.filter = text;
            v.recompute(rows);
            None
        }
        Screen::Run(_) | Screen::Velocity(_) => None,
        Screen::Detail(d) => {
            d.filter = text;
            let len = d.scroll_len();
            d.cursor.follow(len, rows);
            d.settle_on_entry(1, rows);
            None
        }
        Screen::Inbox(_) => None,
    }
}

/// The debounce delay passed: search the server if the filter is still this text.
pub(super) fn search_due(state: &mut State, text: &str, fx: &mut Vec<Effect>) {
    let request = state.new_request();
    let m = state.models_mut();
    if m.filter != text || text.trim().is_empty() {
        return;
    }
    if m.search.as_ref().is_some_and(|s| s.text == text) {
        return;
    }
    m.search = Some(ServerSearch {
        text: text.to_string(),
        results: Remote::loading(request),
    });
    fx.push(Effect::SearchModels {
        request,
        text: text.to_string(),
    });
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
                state.models_mut().all.start(request);
                fx.push(Effect::LoadModels { request });
            }
        }
        Command::Model(name) => {
            state.screens.truncate(1);
            fx.push(state.push_versions(&name, None));
        }
        Command::Inbox => fx.push(state.push_inbox()),
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
            state.screens.truncate(1);
            let request = state.new_request();
            state
                .screens
                .push(Screen::Velocity(super::super::screens::VelocityScreen {
                    data: super::super::remote::Remote::loading(request),
                    ..Default::default()
                }));
            fx.push(Effect::LoadVelocity {
                request,
                thresholds: state.settings.drift.clone(),
            });
        }
        Command::Theme(name) => fx.push(Effect::SetTheme { name }),
        Command::Quit => state.quit = true,
    }
}
