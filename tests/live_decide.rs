//! The shared decision API (`registry::decide`) against the real MLflow server, as the
//! cockpit's dialogs call it: prepare, validate, commit, and each typed refusal. Each test owns
//! a fresh model.

mod support;

use std::sync::Arc;

use support::governance::{fresh_model, rt, TestModel, CREATOR, GOOD, POLICY, UNFAIR};
use support::live::live;
use tollgate::governance::decision::{Actor, ActorSource, Change, Decision};
use tollgate::governance::{Policy, Target};
use tollgate::registry::decide::{
    self, Blocker, DecideError, DecisionInputs, InputError, Prepared,
};
use tollgate::registry::Registry;

fn registry(m: &TestModel) -> Registry {
    Registry::new(m.client.clone(), 100)
}

fn actor(name: &str) -> Actor {
    Actor {
        name: name.into(),
        source: ActorSource::Env,
    }
}

fn prepare(m: &TestModel, target: &str, decision: Decision, who: &str) -> Prepared {
    let policy = Arc::new(Policy::parse(POLICY, "test").unwrap());
    let target: Target = target.parse().unwrap();
    rt().block_on(decide::prepare(
        &registry(m),
        policy,
        actor(who),
        &m.name,
        "1",
        &target,
        decision,
    ))
    .unwrap()
}

fn commit(
    m: &TestModel,
    p: &Prepared,
    inputs: &DecisionInputs,
) -> Result<decide::Committed, DecideError> {
    rt().block_on(decide::commit(&registry(m), p, inputs))
}

fn commented(text: &str) -> DecisionInputs {
    DecisionInputs {
        comment: text.into(),
        ..DecisionInputs::default()
    }
}

#[test]
fn prepare_validate_commit_promotes_and_a_second_approval_is_told_it_is_held() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-api", &[GOOD]);
    let p = prepare(&m, "Staging", Decision::Approved, "reviewer");
    assert!(p.report.passed(), "{:?}", p.report.checks);
    assert!(matches!(p.four_eyes, Some(Ok(_))));
    assert!(!p.already_held && p.blocker().is_none());
    assert_eq!(p.validate(&commented(" ")), Err(InputError::MissingComment));

    let done = commit(&m, &p, &commented("api approval")).unwrap();
    assert!(done.promoted && !done.overridden);
    assert!(!done.audit_run_id.is_empty());
    assert_eq!(m.version("1").current_stage.as_deref(), Some("Staging"));
    assert_eq!(
        m.tag("1", "tollgate.decision.Staging.by").as_deref(),
        Some("reviewer")
    );
    assert_eq!(
        m.tag("1", "tollgate.claim.Staging"),
        None,
        "the claim is released"
    );

    let again = prepare(&m, "Staging", Decision::Approved, "reviewer");
    assert_eq!(again.blocker(), Some(Blocker::AlreadyHeld));
    assert!(matches!(
        commit(&m, &again, &commented("twice")),
        Err(DecideError::AlreadyHeld { .. })
    ));
}

#[test]
fn a_metric_changed_between_prepare_and_commit_is_stale_and_nothing_is_written() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-stale", &[GOOD]);
    let p = prepare(&m, "@champion", Decision::Approved, "reviewer");
    m.change_metric(1, "accuracy", 0.5);
    let inputs = DecisionInputs {
        typed_name: Some(m.name.clone()),
        ..commented("stale")
    };
    let Err(e @ DecideError::Stale { .. }) = commit(&m, &p, &inputs) else {
        panic!("not stale")
    };
    let DecideError::Stale { changes, .. } = &e else {
        unreachable!()
    };
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::Metric { key, .. } if key == "accuracy")),
        "{changes:?}"
    );
    assert!(e.change_lines().iter().any(|l| l.contains("accuracy")));
    assert!(!e.wrote_something());
    assert!(m.version("1").aliases.is_empty());
    assert_eq!(m.tag("1", "tollgate.decision.alias:champion"), None);
}

#[test]
fn commit_refuses_what_prepare_blocked_four_eyes_failing_gates_and_a_wrong_name() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-refuse", &[UNFAIR]);
    let own = prepare(&m, "Staging", Decision::Approved, CREATOR);
    // Failing gates come first, as the headless command reports them.
    assert!(matches!(own.blocker(), Some(Blocker::GatesFailed(ids)) if ids == ["four-fifths"]));
    assert!(matches!(
        commit(&m, &own, &commented("mine")),
        Err(DecideError::Policy(_))
    ));

    let m = fresh_model(&live.uri, "decide-4eyes", &[GOOD]);
    let own = prepare(&m, "Staging", Decision::Approved, CREATOR);
    assert!(matches!(own.blocker(), Some(Blocker::FourEyes(_))));
    assert!(matches!(
        commit(&m, &own, &commented("mine")),
        Err(DecideError::FourEyes(_))
    ));

    let p = prepare(&m, "Production", Decision::Approved, "reviewer");
    let wrong = DecisionInputs {
        typed_name: Some("another-model".into()),
        ..commented("ok")
    };
    assert!(matches!(
        commit(&m, &p, &wrong),
        Err(DecideError::Invalid(InputError::NameNotConfirmed(_)))
    ));
    assert_eq!(m.version("1").current_stage.as_deref(), Some("None"));
}

#[test]
fn a_request_records_the_requester_whom_four_eyes_then_refuses() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-request", &[GOOD]);
    let r = prepare(&m, "@challenger", Decision::Requested, "requester");
    let done = commit(&m, &r, &commented("please")).unwrap();
    assert!(!done.promoted);
    assert!(m.version("1").aliases.is_empty(), "a request moves nothing");
    let p = prepare(&m, "@challenger", Decision::Approved, "requester");
    assert_eq!(p.requester.as_deref(), Some("requester"));
    assert!(matches!(p.blocker(), Some(Blocker::FourEyes(r)) if r.0.contains("requested")));
}
