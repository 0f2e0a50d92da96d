//! `update(state, action) -> effects`: the only place state changes. Pure: no network, no
//! terminal, no clock; what must happen outside comes back as [`Effect`]s.
//!
//! This module keeps the global actions (quit, resize, ticks, the status line, profile, theme
//! and policy switching, the help overlay, the prompts and the decision dialog) and routes
//! everything else to the screens (`app/screens/`), each of which handles its own keys and
//! answers and asks for its own data.

mod dialog;
mod navigate;
mod prompt;
mod route;

use super::action::Action;
use super::effect::Effect;
use super::state::{ServerContext, StartAt, State, StatusLevel};

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::ForceQuit => state.quit = true,
        Action::Resize { width, height } => {
            state.viewport = super::state::Viewport { width, height };
            let rows = state.list_rows();
            for screen in &mut state.screens {
                screen.behaviour_mut().refollow(rows);
            }
        }
        Action::Tick => state.spinner = state.spinner.wrapping_add(1),
        Action::Notify(text) => state.set_status(StatusLevel::Warning, text),
        Action::ExportDone { result } => match result {
            Ok((dir, files)) => state.set_status(
                StatusLevel::Info,
                format!("evidence pack: {files} files in {}", dir.display()),
            ),
            Err(e) => state.set_status(StatusLevel::Error, format!("export failed: {e}")),
        },
        Action::ProfileSwitched(server) => profile_switched(state, server, &mut fx),
        Action::PolicyChanged(Ok(policy)) => state.set_policy(policy.map(|p| *p)),
        Action::PolicyChanged(Err(error)) => {
            state.set_policy(None);
            state.set_status(StatusLevel::Warning, format!("policy not used: {error}"));
        }
        Action::ProfileFailed { name, error } => {
            state.switching_profile = None;
            state.set_status(
                StatusLevel::Error,
                format!("cannot switch to profile '{name}': {error}"),
            );
        }
        Action::ThemeApplied(name) => {
            state.set_status(StatusLevel::Info, format!("theme: {name}"));
            state.theme = name;
        }
        Action::ThemeFailed { name, error } => state.set_status(
            StatusLevel::Error,
            format!("cannot use theme '{name}': {error}"),
        ),
        Action::DecisionPrepared { request, result } => dialog::prepared(state, request, result),
        Action::RollbackPlanned { request, result } => dialog::planned(state, request, result),
        Action::DecisionCommitted { request, result } => {
            dialog::committed(state, request, result, &mut fx)
        }

        // Answers from the background tasks, and the debounced search: for the screen that
        // asked.
        answer @ (Action::ModelsLoaded { .. }
        | Action::ModelsPage { .. }
        | Action::ModelCountsLoaded { .. }
        | Action::ModelSearchLoaded { .. }
        | Action::SearchDue { .. }
        | Action::VersionsLoaded { .. }
        | Action::DetailLoaded { .. }
        | Action::HistoryLoaded { .. }
        | Action::DriftMarksLoaded { .. }
        | Action::ModelDriftMarksLoaded { .. }
        | Action::VelocityLoaded { .. }
        | Action::RunLoaded { .. }
        | Action::LineageLoaded { .. }
        | Action::MonitoringLoaded { .. }
        | Action::GateLoaded { .. }
        | Action::AuditLoaded { .. }
        | Action::UnapprovedLoaded { .. }
        | Action::InboxLoaded { .. }
        | Action::PendingMarksLoaded { .. }) => route::answer(state, &mut fx, answer),

        // Everything below is the user's doing: a new key press replaces the last message.
        user => {
            state.status = None;
            if state.dialog.is_some() {
                dialog::handle(state, user, &mut fx);
            } else if state.help.is_some() {
                navigate::help_key(state, user);
            } else if state.prompt.is_some() {
                prompt::handle(state, user, &mut fx);
            } else if user.is_write() {
                dialog::open(state, &user, &mut fx);
            } else {
                navigate::handle(state, user, &mut fx);
            }
        }
    }
    route::ensure_loaded(state, &mut fx);
    fx
}

/// Connected to another server: start over at its models list.
fn profile_switched(state: &mut State, server: ServerContext, fx: &mut Vec<Effect>) {
    let label = format!(
        "profile '{}': {}",
        server.profile.as_deref().unwrap_or("-"),
        server.url
    );
    state.server = server;
    state.switching_profile = None;
    state.prompt = None;
    fx.extend(state.start(StartAt::Models));
    state.set_status(StatusLevel::Info, label);
}

#[cfg(test)]
mod dialog_tests;
#[cfg(test)]
mod marks_tests;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
