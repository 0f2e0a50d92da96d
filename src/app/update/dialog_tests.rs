//! The decision dialog's update logic: opening, the review arriving, fields, validation,
//! refusals and the outcome. Pure: effects are inspected, nothing runs.

use std::sync::Arc;

use super::update;
use crate::app::action::{Action, Edit};
use crate::app::dialog::{Field, Progress, Review};
use crate::app::effect::Effect;
use crate::app::fixtures;
use crate::app::keymap::{InputMode, KeyMap};
use crate::app::settings::UiSettings;
use crate::app::state::{ServerContext, StartAt, State};
use crate::governance::decision::{Actor, ActorSource, Decision};
use crate::governance::{Stage, Target};

const MODEL: &str = "credit-risk-scorer";

/// A versions list of MODEL, loaded, with an actor and a policy.
fn state_on_versions(actor: &str, policy: Option<crate::governance::Policy>) -> State {
    state_with_tags(actor, policy, &[])
}

/// As [`state_on_versions`], every version carrying `tags`.
fn state_with_tags(
    actor: &str,
    policy: Option<crate::governance::Policy>,
    tags: &[(&str, &str)],
) -> State {
    let server = ServerContext {
        actor: Some(Actor {
            name: actor.into(),
            source: ActorSource::Env,
        }),
        ..ServerContext::default()
    };
    let mut s = State::new(server, UiSettings::default(), KeyMap::defaults());
    s.policy = policy.map(Arc::new);
    let fx = s.start(StartAt::Model(MODEL.into()));
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadVersions { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let mut versions = fixtures::versions(MODEL, 3);
    for row in &mut versions.versions {
        row.version
            .tags
            .extend(tags.iter().map(|(k, v)| crate::mlflow::Tag {
                key: k.to_string(),
                value: v.to_string(),
            }));
    }
    update(
        &mut s,
        Action::VersionsLoaded {
            request,
            result: Ok(Box::new(versions)),
        },
    );
    s
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, Action::Edit(Edit::Insert(c)));
    }
}

/// The request of the dialog's pending review.
fn review_request(s: &State) -> u64 {
    match &s.dialog.as_ref().unwrap().review {
        Review::Loading { request, .. } => *request,
        other => panic!("no review loading: {other:?}"),
    }
}

/// Answer the pending review with a fixture decision.
fn answer(s: &mut State, target: &str, decision: Decision, actor: &str, di: f64, allow: bool) {
    let request = review_request(s);
    let version = s.dialog.as_ref().unwrap().version.clone();
    let prepared = fixtures::prepared(
        MODEL,
        &version,
        target,
        decision,
        actor,
        di,
        fixtures::dialog_policy(true, allow),
    );
    update(
        s,
        Action::DecisionPrepared {
            request,
            result: Ok(Box::new(prepared)),
        },
    );
}

#[test]
fn approve_opens_the_dialog_and_asks_for_the_review_of_the_version_under_the_cursor() {
    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, false)));
    let fx = update(&mut s, Action::Approve);
    let d = s.dialog.as_ref().expect("the dialog is open");
    assert_eq!(s.input_mode(), InputMode::Dialog);
    assert!(s.is_loading(), "the spinner turns while the review loads");
    let [Effect::PrepareDecision {
        model,
        version,
        target,
        decision,
        actor,
        ..
    }] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (model.as_str(), version.as_str()),
        (MODEL, d.version.as_str())
    );
    assert_eq!(*target, Target::Stage(Stage::Staging));
    assert_eq!(*decision, Decision::Approved);
    assert_eq!(actor.name, "reviewer");
}

#[test]
fn passing_gates_submit_once_a_comment_is_given_and_success_reloads_the_list() {
    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, false)));
    update(&mut s, Action::Approve);
    answer(
        &mut s,
        "Staging",
        Decision::Approved,
        "reviewer",
        0.93,
        false,
    );
    assert_eq!(s.dialog.as_ref().unwrap().refusal(), None);

    let fx = update(&mut s, Action::DialogSubmit);
    assert!(fx.is_empty(), "no comment, no write");
    assert_eq!(
        s.dialog.as_ref().unwrap().error.as_deref(),
        Some("a comment is required")
    );

    update(&mut s, Action::DialogNext);
    assert_eq!(s.dialog.as_ref().unwrap().focus, Field::Comment);
    type_text(&mut s, "looks good");
    let fx = update(&mut s, Action::DialogSubmit);
    let [Effect::CommitDecision {
        request, inputs, ..
    }] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(inputs.comment, "looks good");
    assert_eq!(
        inputs.archive,
        Some(false),
        "Staging does not archive by default"
    );
    let request = *request;

    // Nothing is sent twice while writing, and Esc does not pretend to call the write back.
    assert!(update(&mut s, Action::DialogSubmit).is_empty());
    update(&mut s, Action::DialogCancel);
    assert!(
        s.dialog.is_some(),
        "the dialog stays until the outcome arrives"
    );

    let fx = update(
        &mut s,
        Action::DecisionCommitted {
            request,
            result: Ok("v3 now holds Staging; audit run abc".into()),
        },
    );
    assert!(matches!(
        s.dialog.as_ref().unwrap().progress,
        Progress::Done(_)
    ));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadVersions { model, .. } if model == MODEL)),
        "the versions list reloads: {fx:?}"
    );
    update(&mut s, Action::DialogSubmit);
    assert!(s.dialog.is_none(), "Enter closes a finished dialog");
}

#[test]
fn enter_before_the_review_arrives_writes_nothing_and_the_refusal_goes_when_it_arrives() {
    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, false)));
    update(&mut s, Action::Approve);
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "looks good");
    let fx = update(&mut s, Action::DialogSubmit);
    assert!(fx.is_empty(), "nothing is written unseen: {fx:?}");
    let error = s.dialog.as_ref().unwrap().error.clone().unwrap_or_default();
    assert!(error.contains("still loading"), "{error}");

    answer(
        &mut s,
        "Staging",
        Decision::Approved,
        "reviewer",
        0.93,
        false,
    );
    assert_eq!(
        s.dialog.as_ref().unwrap().error,
        None,
        "the loading refusal no longer holds once the review shows"
    );
    let fx = update(&mut s, Action::DialogSubmit);
    assert!(
        matches!(fx.as_slice(), [Effect::CommitDecision { .. }]),
        "the second Enter, on the review, writes: {fx:?}"
    );
}

#[test]
fn four_eyes_refuses_in_the_dialog_and_submit_stays_disabled() {
    let mut s = state_on_versions("model-builder", Some(fixtures::dialog_policy(true, false)));
    update(&mut s, Action::Approve);
    answer(
        &mut s,
        "Staging",
        Decision::Approved,
        "model-builder",
        0.93,
        false,
    );
    let refusal = s.dialog.as_ref().unwrap().refusal().expect("refused");
    assert!(refusal.contains("four-eyes"), "{refusal}");
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "self approval");
    assert!(update(&mut s, Action::DialogSubmit).is_empty());
}

#[test]
fn failing_gates_refuse_without_override_and_ask_for_a_justification_with_it() {
    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, false)));
    update(&mut s, Action::Approve);
    answer(
        &mut s,
        "Staging",
        Decision::Approved,
        "reviewer",
        0.6,
        false,
    );
    let refusal = s.dialog.as_ref().unwrap().refusal().unwrap();
    assert_eq!(
        refusal,
        "refused: gates not passed (four-fifths) and the policy does not allow overrides"
    );
    assert!(!s
        .dialog
        .as_ref()
        .unwrap()
        .fields()
        .contains(&Field::Justification));

    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, true)));
    update(&mut s, Action::Approve);
    answer(&mut s, "Staging", Decision::Approved, "reviewer", 0.6, true);
    let d = s.dialog.as_ref().unwrap();
    assert_eq!(d.refusal(), None);
    assert!(d.fields().contains(&Field::Justification));
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "hotfix");
    assert!(update(&mut s, Action::DialogSubmit).is_empty());
    assert!(s
        .dialog
        .as_ref()
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("justification"));
    update(&mut s, Action::DialogNext);
    assert_eq!(s.dialog.as_ref().unwrap().focus, Field::Archive);
    update(&mut s, Action::DialogNext);
    assert_eq!(s.dialog.as_ref().unwrap().focus, Field::Justification);
    type_text(&mut s, "regulator sign-off attached");
    let fx = update(&mut s, Action::DialogSubmit);
    let [Effect::CommitDecision { inputs, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(
        inputs.justification.as_deref(),
        Some("regulator sign-off attached")
    );
}

#[test]
fn production_asks_for_the_model_name_and_archives_by_default() {
    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, false)));
    update(&mut s, Action::Approve);
    answer(
        &mut s,
        "Staging",
        Decision::Approved,
        "reviewer",
        0.93,
        false,
    );
    let fx = update(&mut s, Action::Edit(Edit::Right));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::PrepareDecision {
                target: Target::Stage(Stage::Production),
                ..
            }]
        ),
        "{fx:?}"
    );
    answer(
        &mut s,
        "Production",
        Decision::Approved,
        "reviewer",
        0.93,
        false,
    );
    let d = s.dialog.as_ref().unwrap();
    assert!(d.archive, "Production archives the others by default");
    assert_eq!(
        d.fields(),
        [
            Field::Target,
            Field::Comment,
            Field::Archive,
            Field::ConfirmName
        ]
    );
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "ship it");
    update(&mut s, Action::DialogNext);
    update(&mut s, Action::Edit(Edit::Insert(' ')));
    assert!(!s.dialog.as_ref().unwrap().archive, "Space toggles archive");
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "credit");
    assert!(update(&mut s, Action::DialogSubmit).is_empty());
    assert_eq!(
        s.dialog.as_ref().unwrap().error.as_deref(),
        Some("type the model name (credit-risk-scorer) to confirm")
    );
    type_text(&mut s, "-risk-scorer");
    let fx = update(&mut s, Action::DialogSubmit);
    let [Effect::CommitDecision { inputs, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(inputs.archive, Some(false));
}

#[test]
fn a_typed_alias_is_reviewed_when_leaving_the_target_field() {
    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, false)));
    update(&mut s, Action::RequestPromotion);
    answer(
        &mut s,
        "Staging",
        Decision::Requested,
        "reviewer",
        0.93,
        false,
    );
    update(&mut s, Action::Edit(Edit::Clear));
    type_text(&mut s, "@shadow");
    let fx = update(&mut s, Action::DialogNext);
    assert!(
        matches!(fx.as_slice(), [Effect::PrepareDecision { target: Target::Alias(a), decision: Decision::Requested, .. }] if a == "shadow"),
        "{fx:?}"
    );
}

#[test]
fn without_a_policy_the_dialog_says_how_to_configure_one() {
    let mut s = state_on_versions("reviewer", None);
    let fx = update(&mut s, Action::Approve);
    assert!(fx.is_empty());
    let refusal = s.dialog.as_ref().unwrap().refusal().unwrap();
    assert!(refusal.starts_with("no policy configured"), "{refusal}");
    assert!(refusal.contains("policy.toml"), "{refusal}");
}

/// Turning a promotion down needs no gate: without a policy the cockpit records the rejection
/// without a report (as `tollgate reject` does), after a comment, once.
#[test]
fn without_a_policy_a_rejection_is_recorded_without_a_report() {
    let mut s = state_on_versions("reviewer", None);
    let fx = update(&mut s, Action::Reject);
    assert!(fx.is_empty(), "nothing to evaluate: {fx:?}");
    let dialog = s.dialog.as_ref().unwrap();
    assert!(matches!(dialog.review, Review::RejectWithoutPolicy(_)));
    assert_eq!(dialog.refusal(), None, "submit stays enabled");

    // A comment is still required.
    assert!(update(&mut s, Action::DialogSubmit).is_empty());
    assert!(s.dialog.as_ref().unwrap().error.is_some());
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "not ready");
    let fx = update(&mut s, Action::DialogSubmit);
    let [Effect::RejectWithoutPolicy {
        actor,
        target,
        comment,
        ..
    }] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(actor.name, "reviewer");
    assert_eq!(target.to_string(), "Staging");
    assert_eq!(comment, "not ready");
    assert!(
        update(&mut s, Action::DialogSubmit).is_empty(),
        "never sent twice"
    );
}

#[test]
fn a_stale_report_shows_what_changed_and_enter_checks_again() {
    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, false)));
    update(&mut s, Action::Reject);
    answer(
        &mut s,
        "Staging",
        Decision::Rejected,
        "reviewer",
        0.93,
        false,
    );
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "no");
    let fx = update(&mut s, Action::DialogSubmit);
    let [Effect::CommitDecision { request, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Action::DecisionCommitted {
            request: *request,
            result: Err(crate::registry::decide::DecideError::Stale {
                seen: "aaaa".into(),
                fresh: "bbbb".into(),
                changes: vec![crate::governance::decision::Change::Metric {
                    key: "accuracy".into(),
                    from: Some(0.91),
                    to: Some(0.5),
                }],
            }
            .into()),
        },
    );
    let Progress::Failed(error) = &s.dialog.as_ref().unwrap().progress else {
        panic!()
    };
    // Typed: the dialog knows it is a stale report, and what changed.
    let stale = error.decision().expect("a decision error");
    assert_eq!(stale.change_lines(), ["metric accuracy 0.91 -> 0.5"]);
    let fx = update(&mut s, Action::DialogSubmit);
    assert!(matches!(fx.as_slice(), [Effect::PrepareDecision { .. }]));
    assert_eq!(
        s.dialog.as_ref().unwrap().comment.text,
        "no",
        "answers are kept"
    );
}

#[test]
fn roll_back_shows_the_plan_and_commits_it() {
    let mut s = state_on_versions("reviewer", None);
    let fx = update(&mut s, Action::Rollback);
    let [Effect::PlanRollback { target, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(*target, Target::Stage(Stage::Production));
    let request = review_request(&s);
    update(
        &mut s,
        Action::RollbackPlanned {
            request,
            result: Ok(crate::registry::decide::RollbackPlan {
                model: MODEL.into(),
                target: Target::Stage(Stage::Production),
                from: Some("3".into()),
                to: "2".into(),
                skipped: Vec::new(),
            }),
        },
    );
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "drifted");
    update(&mut s, Action::DialogNext);
    update(&mut s, Action::DialogNext);
    assert_eq!(s.dialog.as_ref().unwrap().focus, Field::ConfirmName);
    type_text(&mut s, MODEL);
    let fx = update(&mut s, Action::DialogSubmit);
    let [Effect::CommitRollback { plan, comment, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!((plan.to.as_str(), comment.as_str()), ("2", "drifted"));
}

#[test]
fn esc_cancels_and_late_answers_are_dropped() {
    let mut s = state_on_versions("reviewer", Some(fixtures::dialog_policy(true, false)));
    update(&mut s, Action::Approve);
    let request = review_request(&s);
    update(&mut s, Action::DialogCancel);
    assert!(s.dialog.is_none());
    update(
        &mut s,
        Action::DecisionPrepared {
            request,
            result: Err("late".into()),
        },
    );
    assert!(s.dialog.is_none());
}

#[test]
fn dialog_keys_resolve_to_dialog_actions_and_letters_are_typed() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let map = KeyMap::defaults();
    let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
    let resolve = |code| map.resolve(InputMode::Dialog, &key(code));
    assert_eq!(resolve(KeyCode::Tab), Some(Action::DialogNext));
    assert_eq!(resolve(KeyCode::BackTab), Some(Action::DialogPrev));
    assert_eq!(resolve(KeyCode::Enter), Some(Action::DialogSubmit));
    assert_eq!(resolve(KeyCode::Esc), Some(Action::DialogCancel));
    assert_eq!(
        resolve(KeyCode::Char('q')),
        Some(Action::Edit(Edit::Insert('q'))),
        "q types, it does not quit"
    );
    assert_eq!(
        map.resolve(
            InputMode::Dialog,
            &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        ),
        Some(Action::ForceQuit)
    );
}

#[test]
fn approving_a_pending_request_starts_on_the_requested_target() {
    let tags = [
        ("tollgate.decision.alias:champion", "requested"),
        ("tollgate.decision.alias:champion.by", "ana"),
        (
            "tollgate.decision.alias:champion.at",
            "2026-11-26T10:00:00Z",
        ),
    ];
    let mut s = state_with_tags(
        "reviewer",
        Some(fixtures::dialog_policy(true, false)),
        &tags,
    );
    let fx = update(&mut s, Action::Approve);
    assert_eq!(s.dialog.as_ref().unwrap().target.text, "@champion");
    assert!(
        matches!(fx.as_slice(), [Effect::PrepareDecision { target: Target::Alias(a), .. }] if a == "champion"),
        "{fx:?}"
    );
}
