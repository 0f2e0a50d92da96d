//! The decision dialog's keys and answers: open on a version, edit fields, load the review for
//! the chosen target in the background, submit through `registry::decide`, show the outcome and
//! reload the lists so the new stage or alias shows.

use super::super::action::{Action, Edit, RequestId};
use super::super::dialog::{DecisionDialog, DialogKind, Field, Progress, Review};
use super::super::effect::Effect;
use super::super::prompt::LineInput;
use super::super::screens::DecisionSubject;
use super::super::state::{State, StatusLevel};
use super::route;
use crate::app::action::Answer;
use crate::registry::decide::{Prepared, RollbackPlan};

/// `p`, `a`, `x`, `b` on a version: refused under read-only, else the dialog opens.
pub(super) fn open(state: &mut State, action: &Action, fx: &mut Vec<Effect>) {
    if state.server.read_only {
        let what = action.describe().unwrap_or_default();
        state.set_status(
            StatusLevel::Error,
            format!("read-only: '{what}' writes to the registry and is disabled (--read-only or the profile's read_only)"),
        );
        return;
    }
    let kind = match action {
        Action::RequestPromotion => DialogKind::Request,
        Action::Approve => DialogKind::Approve,
        Action::Reject => DialogKind::Reject,
        _ => DialogKind::Rollback,
    };
    // The version under the cursor (versions list, inbox) or on screen (detail), with the
    // target of its pending promotion request, as far as it is known.
    let Some(DecisionSubject {
        model,
        version,
        requested,
    }) = state.top().behaviour().decision_subject()
    else {
        state.set_status(StatusLevel::Info, "select a version first");
        return;
    };
    let placeholder = Review::Unavailable(String::new());
    let mut dialog = DecisionDialog::new(kind, &model, &version, placeholder);
    // Approving or rejecting a pending request starts on the requested target.
    if matches!(kind, DialogKind::Approve | DialogKind::Reject) {
        if let Some(target) = requested {
            dialog.target = LineInput::new(&target);
            dialog.follow_target();
        }
    }
    state.dialog = Some(dialog);
    load_review(state, fx);
}

/// Ask for the review of the dialog's current target (or say why there is none).
fn load_review(state: &mut State, fx: &mut Vec<Effect>) {
    let request = state.new_request();
    let policy = state.policy.clone();
    let actor = state.server.actor.clone();
    let config_hint = "no policy configured: start with --policy FILE, set `policy` in the profile, or put policy.toml in the config directory (see examples/policy.toml)";
    let Some(dialog) = state.dialog.as_mut() else {
        return;
    };
    dialog.progress = Progress::Editing;
    dialog.error = None;
    let target = match dialog.parsed_target() {
        Ok(t) => t,
        Err(e) => {
            dialog.review = Review::Unavailable(e);
            return;
        }
    };
    let Some(actor) = actor else {
        dialog.review = Review::Unavailable(
            "who is acting is unknown: set TOLLGATE_USER or `identity` in the config".into(),
        );
        return;
    };
    if dialog.kind == DialogKind::Rollback {
        fx.push(Effect::PlanRollback {
            request,
            model: dialog.model.clone(),
            target: target.clone(),
        });
    } else {
        let Some(policy) = policy else {
            dialog.review = if dialog.kind == DialogKind::Reject {
                Review::RejectWithoutPolicy(target)
            } else {
                Review::Unavailable(config_hint.into())
            };
            return;
        };
        fx.push(Effect::PrepareDecision {
            request,
            policy,
            actor,
            model: dialog.model.clone(),
            version: dialog.version.clone(),
            target: target.clone(),
            decision: dialog.kind.decision(),
        });
    }
    dialog.review = Review::Loading { request, target };
}

/// Enter before the review arrived. Not queued: the user confirms what the review shows.
const STILL_LOADING: &str = "the gate summary is still loading: press Enter again once it shows";

/// Keys while the dialog is open.
pub(super) fn handle(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(dialog) = state.dialog.as_mut() else {
        return;
    };
    let finished = matches!(dialog.progress, Progress::Done(_) | Progress::Failed(_));
    let writing = matches!(dialog.progress, Progress::Submitting { .. });
    match action {
        // A write in flight cannot be called back: the dialog stays to show how it ended.
        Action::DialogCancel if writing => {
            dialog.error = Some("writing to the registry: wait for the outcome".into());
        }
        Action::DialogCancel => state.dialog = None,
        Action::DialogSubmit if finished => match dialog.progress {
            // A failed write (stale, lost race) is looked at again with fresh data.
            Progress::Failed(_) => load_review(state, fx),
            _ => state.dialog = None,
        },
        Action::DialogSubmit => submit(state, fx),
        _ if finished || writing => {}
        Action::DialogNext | Action::DialogPrev => {
            let leaving_target = dialog.focus == Field::Target;
            dialog.move_focus(action == Action::DialogNext);
            if leaving_target && target_changed(dialog) {
                load_review(state, fx);
            }
        }
        Action::Edit(edit) => edit_field(state, edit, fx),
        _ => {}
    }
}

/// The target typed differs from the one the review was made for.
fn target_changed(dialog: &DecisionDialog) -> bool {
    dialog.parsed_target().ok().as_ref() != dialog.reviewed_target()
}

fn edit_field(state: &mut State, edit: Edit, fx: &mut Vec<Effect>) {
    let Some(dialog) = state.dialog.as_mut() else {
        return;
    };
    dialog.error = None;
    match (dialog.focus, &edit) {
        (Field::Target, Edit::Left | Edit::Right) => {
            dialog.cycle_target(edit == Edit::Right);
            load_review(state, fx);
        }
        (Field::Archive, Edit::Left | Edit::Right | Edit::Insert(' ')) => {
            dialog.archive = !dialog.archive;
            dialog.archive_touched = true;
        }
        (Field::Archive, _) => {}
        (Field::Target, _) => {
            dialog.target.apply(&edit);
            dialog.follow_target();
        }
        _ => {
            if let Some(input) = dialog.focused_input() {
                input.apply(&edit);
            }
        }
    }
}

/// Enter: check the answers with the shared validation, then write in the background.
fn submit(state: &mut State, fx: &mut Vec<Effect>) {
    let request = state.new_request();
    let actor = state.server.actor.clone();
    let Some(dialog) = state.dialog.as_mut() else {
        return;
    };
    if matches!(dialog.progress, Progress::Submitting { .. }) {
        return;
    }
    if target_changed(dialog) {
        load_review(state, fx);
        return;
    }
    if let Some(reason) = dialog.refusal() {
        dialog.error = Some(reason);
        return;
    }
    let inputs = dialog.inputs();
    let guarded = dialog.fields().contains(&Field::ConfirmName);
    match &dialog.review {
        Review::Loading { .. } => {
            dialog.error = Some(STILL_LOADING.into());
        }
        Review::Decision(prepared) => match prepared.validate(&inputs) {
            Err(e) => dialog.error = Some(e.to_string()),
            Ok(()) => {
                fx.push(Effect::CommitDecision {
                    request,
                    prepared: prepared.clone(),
                    inputs,
                });
                dialog.progress = Progress::Submitting { request };
            }
        },
        Review::Rollback(plan) => {
            let typed = inputs.typed_name.as_deref().unwrap_or_default();
            if inputs.comment.trim().is_empty() {
                dialog.error = Some("a comment is required".into());
            } else if guarded && !crate::registry::decide::name_confirms(&dialog.model, typed) {
                dialog.error = Some(format!("type the model name ({}) to confirm", dialog.model));
            } else if let Some(actor) = actor {
                fx.push(Effect::CommitRollback {
                    request,
                    plan: plan.clone(),
                    actor,
                    comment: inputs.comment,
                    archive: inputs.archive,
                });
                dialog.progress = Progress::Submitting { request };
            }
        }
        Review::RejectWithoutPolicy(target) => {
            if inputs.comment.trim().is_empty() {
                dialog.error = Some("a comment is required".into());
            } else if let Some(actor) = actor {
                fx.push(Effect::RejectWithoutPolicy {
                    request,
                    actor,
                    model: dialog.model.clone(),
                    version: dialog.version.clone(),
                    target: target.clone(),
                    comment: inputs.comment,
                });
                dialog.progress = Progress::Submitting { request };
            }
        }
        Review::Unavailable(_) => {}
    }
}

/// The review for a decision arrived.
pub(super) fn prepared(state: &mut State, request: RequestId, result: Answer<Box<Prepared>>) {
    if let Some(dialog) = awaiting_review(state, request) {
        dialog.review = match result {
            Ok(p) => Review::Decision(p),
            Err(e) => Review::Unavailable(format!("cannot read the version: {e}")),
        };
        review_arrived(dialog);
    }
}

/// The roll back's plan arrived.
pub(super) fn planned(state: &mut State, request: RequestId, result: Answer<RollbackPlan>) {
    if let Some(dialog) = awaiting_review(state, request) {
        dialog.review = match result {
            Ok(plan) => Review::Rollback(plan),
            Err(e) => Review::Unavailable(e.to_string()),
        };
        review_arrived(dialog);
    }
}

fn awaiting_review(state: &mut State, request: RequestId) -> Option<&mut DecisionDialog> {
    state
        .dialog
        .as_mut()
        .filter(|d| matches!(d.review, Review::Loading { request: r, .. } if r == request))
}

/// The review arrived: a refusal that only said it was loading no longer holds, and a field
/// that went away with the new review (the justification) loses the focus.
fn review_arrived(dialog: &mut DecisionDialog) {
    if dialog.error.as_deref() == Some(STILL_LOADING) {
        dialog.error = None;
    }
    keep_focus_visible(dialog);
}

/// A field that went away with the new review (the justification) loses the focus.
fn keep_focus_visible(dialog: &mut DecisionDialog) {
    if !dialog.fields().contains(&dialog.focus) {
        dialog.focus = Field::Comment;
    }
}

/// The write finished: show the outcome, and on success reload what shows the model.
pub(super) fn committed(
    state: &mut State,
    request: RequestId,
    result: Answer<String>,
    fx: &mut Vec<Effect>,
) {
    let Some(dialog) = state.dialog.as_mut() else {
        return;
    };
    if dialog.progress != (Progress::Submitting { request }) {
        return;
    }
    let model = dialog.model.clone();
    match result {
        Ok(summary) => {
            let text = format!("{}: {summary}", dialog.kind.title());
            dialog.progress = Progress::Done(summary);
            state.set_status(StatusLevel::Info, text);
            reload_model(state, &model, fx);
        }
        Err(error) => dialog.progress = Progress::Failed(error),
    }
}

/// Reload every view that shows `model` (the models list, its versions and detail, the
/// inbox), so the new stage or alias is visible and a decided request leaves the inbox.
fn reload_model(state: &mut State, model: &str, fx: &mut Vec<Effect>) {
    fx.push(Effect::Invalidate);
    route::to_each(state, fx, |screen, ctx| screen.on_model_changed(model, ctx));
}
