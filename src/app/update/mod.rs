//! `update(state, action) -> effects`: the only place state changes. Pure: no network, no
//! terminal, no clock; what must happen outside comes back as [`Effect`]s.

mod data;
mod dialog;
mod governance;
mod navigate;
mod prompt;

pub use governance::marks as pending_marks;

use super::action::Action;
use super::effect::Effect;
use super::state::{State, StatusLevel};

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::ForceQuit => state.quit = true,
        Action::Resize { width, height } => {
            state.viewport = super::state::Viewport { width, height };
            navigate::refollow(state);
        }
        Action::Tick => state.spinner = state.spinner.wrapping_add(1),
        Action::Notify(text) => state.set_status(StatusLevel::Warning, text),

        Action::ModelsLoaded { request, result } => data::models_loaded(state, request, result),
        Action::ModelSearchLoaded { request, result } => {
            data::search_loaded(state, request, result)
        }
        Action::VersionsLoaded { request, result } => data::versions_loaded(state, request, result),
        Action::DetailLoaded { request, result } => data::detail_loaded(state, request, result),
        Action::HistoryLoaded {
            request,
            run_id,
            key,
            result,
        } => data::history_loaded(state, request, &run_id, &key, result),
        Action::DriftMarksLoaded { request, result } => {
            data::drift_marks_loaded(state, request, result)
        }
        Action::ModelDriftMarksLoaded { request, result } => {
            data::model_drift_marks_loaded(state, request, result)
        }
        Action::VelocityLoaded { request, result } => data::velocity_loaded(state, request, result),
        Action::RunLoaded { request, result } => data::run_loaded(state, request, result),
        Action::LineageLoaded { request, result } => data::lineage_loaded(state, request, result),
        Action::ExportDone { result } => match result {
            Ok((dir, files)) => state.set_status(
                StatusLevel::Info,
                format!("evidence pack: {files} files in {}", dir.display()),
            ),
            Err(e) => state.set_status(StatusLevel::Error, format!("export failed: {e}")),
        },
        Action::MonitoringLoaded { request, result } => {
            data::monitoring_loaded(state, request, result)
        }
        Action::SearchDue { text } => data::search_due(state, &text, &mut fx),
        Action::ProfileSwitched(server) => data::profile_switched(state, server, &mut fx),
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
        Action::DecisionPrepared { request, result } => dialog::prepared(state, request, result),
        Action::RollbackPlanned { request, result } => dialog::planned(state, request, result),
        Action::DecisionCommitted { request, result } => {
            dialog::committed(state, request, result, &mut fx)
        }
        Action::ThemeFailed { name, error } => state.set_status(
            StatusLevel::Error,
            format!("cannot use theme '{name}': {error}"),
        ),

        answer @ (Action::GateLoaded { .. }
        | Action::AuditLoaded { .. }
        | Action::InboxLoaded { .. }
        | Action::PendingMarksLoaded { .. }) => {
            governance::answer(state, answer);
        }

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
            } else if user == Action::Export {
                start_export(state, &mut fx);
            } else {
                navigate::handle(state, user, &mut fx);
            }
        }
    }
    data::ensure_tab_data(state, &mut fx);
    governance::ensure_governance_data(state, &mut fx);
    fx
}

/// Export the version on screen into `tollgate-evidence/<model>-v<version>` under the current
/// directory: predictable, so the user knows where to look without a prompt.
fn start_export(state: &mut State, fx: &mut Vec<Effect>) {
    let super::screens::Screen::Detail(detail) = state.top() else {
        return;
    };
    let (model, version) = (detail.model.clone(), detail.version.clone());
    let dir = std::path::PathBuf::from("tollgate-evidence").join(format!(
        "{}-v{}",
        crate::export::naming::safe_stem(&model),
        crate::export::naming::safe_stem(&version)
    ));
    state.set_status(
        StatusLevel::Info,
        format!("exporting the evidence pack to {} …", dir.display()),
    );
    fx.push(Effect::Export {
        model,
        version,
        dir,
    });
}

#[cfg(test)]
mod dialog_tests;
#[cfg(test)]
mod governance_tests;
#[cfg(test)]
mod marks_tests;
#[cfg(test)]
mod tests;
