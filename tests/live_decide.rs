//! The shared decision API (`registry::decide`) against the real MLflow server, as the
//! cockpit's dialogs call it: prepare, validate, commit, and each typed refusal. Each test owns
//! a fresh model.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::sync::Arc;

use support::governance::{
    client_as, fresh_model, fresh_model_by, TestModel, CREATOR, GOOD, POLICY, UNFAIR,
};
use support::live::live;
use support::rt;
use tollgate::governance::decision::{Actor, ActorSource, Change, Decision, Refusal, Role};
use tollgate::governance::{Policy, Target};
use tollgate::registry::decide::{
    self, claim_key, Blocker, DecideError, DecisionInputs, InputError, Prepared, RaceLoss,
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
    prepare_version(m, "1", target, decision, who)
}

fn prepare_version(
    m: &TestModel,
    version: &str,
    target: &str,
    decision: Decision,
    who: &str,
) -> Prepared {
    let policy = Arc::new(Policy::parse(POLICY, "test").unwrap());
    let target: Target = target.parse().unwrap();
    rt().block_on(decide::prepare(
        &registry(m),
        policy,
        actor(who),
        &m.name,
        version,
        &target,
        decision,
    ))
    .unwrap()
}

/// The version holding `alias` now.
fn alias_holder(m: &TestModel, alias: &str) -> Option<String> {
    let model = rt()
        .block_on(m.client.get_registered_model(&m.name))
        .unwrap();
    tollgate::registry::holder(&model, &Target::alias(alias).unwrap())
}

fn model_tag(m: &TestModel, key: &str) -> Option<String> {
    let model = rt()
        .block_on(m.client.get_registered_model(&m.name))
        .unwrap();
    tollgate::mlflow::tag_value(&model.tags, key).map(str::to_string)
}

/// A claim another decider took: `<expiry ms> <nonce> <who>`.
fn foreign_claim(m: &TestModel, target: &str, expires: chrono::DateTime<chrono::Utc>) {
    let value = format!("{} 999-1-1 dora", expires.timestamp_millis());
    rt().block_on(m.client.set_registered_model_tag(
        &m.name,
        &claim_key(&target.parse().unwrap()),
        &value,
    ))
    .unwrap();
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
    assert!(
        matches!(p.blocker(), Some(Blocker::FourEyes(r)) if r.to_string().contains("requested"))
    );
}

/// Two approvers approve two different versions to the same target at the same instant: both
/// pass their checks (prepare) before either writes, then both commit at once. Each round
/// ends with exactly one promotion, one `approved` record, one audit run, and one typed
/// "another approval won" refusal.
#[test]
fn twenty_rounds_of_two_approvals_to_one_target_promote_exactly_once() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-race", &[GOOD, GOOD]);
    let rt = rt();
    let (bob, carol) = (registry(&m), registry(&m));
    let inputs = commented("race");
    for round in 0..20 {
        let alias = format!("race{round}");
        let target = format!("@{alias}");
        let pb = prepare_version(&m, "1", &target, Decision::Approved, "bob");
        let pc = prepare_version(&m, "2", &target, Decision::Approved, "carol");
        // Both passed every check before either writes.
        assert!(pb.blocker().is_none() && pc.blocker().is_none());
        let (b, c) = rt.block_on(async {
            tokio::join!(
                decide::commit(&bob, &pb, &inputs),
                decide::commit(&carol, &pc, &inputs)
            )
        });
        let (winner, lost) = match (b, c) {
            (Ok(w), Err(l)) => (("1", w), l),
            (Err(l), Ok(w)) => (("2", w), l),
            (b, c) => panic!("round {round}: not one winner: {b:?} / {c:?}"),
        };
        assert!(winner.1.promoted && winner.1.holds_target, "round {round}");
        assert!(
            matches!(&lost, DecideError::LostRace { target: t, .. } if *t == target),
            "round {round}: {lost}"
        );
        assert!(!lost.wrote_something());
        assert_eq!(
            alias_holder(&m, &alias).as_deref(),
            Some(winner.0),
            "round {round}"
        );
        let key = format!("tollgate.decision.alias:{alias}");
        let approved: Vec<_> = ["1", "2"]
            .into_iter()
            .filter(|v| m.tag(v, &key).as_deref() == Some("approved"))
            .collect();
        assert_eq!(approved, [winner.0], "round {round}");
        let audit = rt
            .block_on(bob.audit_runs(Some(&m.name)))
            .unwrap()
            .into_iter()
            .filter(|r| r.target == target)
            .count();
        assert_eq!(audit, 1, "round {round}");
        assert_eq!(model_tag(&m, &claim_key(&target.parse().unwrap())), None);
    }
}

#[test]
fn an_approval_refuses_when_the_holder_changed_since_prepare() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-moved", &[GOOD, GOOD]);
    let p = prepare(&m, "@blue", Decision::Approved, "reviewer");
    assert_eq!(p.holder, None);
    rt().block_on(m.client.set_alias(&m.name, "blue", "2"))
        .unwrap();
    let e = commit(&m, &p, &commented("late")).unwrap_err();
    assert!(
        matches!(
            &e,
            DecideError::LostRace { how: RaceLoss::Moved { from: None, now: Some(v) }, .. } if v == "2"
        ),
        "{e}"
    );
    assert!(e.to_string().contains("moved from (none) to v2"), "{e}");
    assert_eq!(alias_holder(&m, "blue").as_deref(), Some("2"));
    assert_eq!(m.tag("1", "tollgate.decision.alias:blue"), None);
}

#[test]
fn a_standing_claim_refuses_an_expired_one_is_replaced_and_the_claim_is_released() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-claim", &[GOOD]);
    let key = claim_key(&"@green".parse().unwrap());
    foreign_claim(
        &m,
        "@green",
        chrono::Utc::now() + chrono::Duration::minutes(1),
    );
    let p = prepare(&m, "@green", Decision::Approved, "reviewer");
    let e = commit(&m, &p, &commented("blocked")).unwrap_err();
    assert!(
        matches!(&e, DecideError::LostRace { how: RaceLoss::Claimed { by: Some(b), .. }, .. } if b == "dora"),
        "{e}"
    );
    assert_eq!(alias_holder(&m, "green"), None);
    assert!(
        model_tag(&m, &key).is_some(),
        "another's claim is left alone"
    );

    // A crashed approver's claim expires and blocks nobody.
    foreign_claim(
        &m,
        "@green",
        chrono::Utc::now() - chrono::Duration::seconds(1),
    );
    let done = commit(&m, &p, &commented("after expiry")).unwrap();
    assert!(done.promoted && done.holds_target);
    assert_eq!(alias_holder(&m, "green").as_deref(), Some("1"));
    assert_eq!(model_tag(&m, &key), None, "released after success");
}

#[test]
fn a_roll_back_takes_the_claim_too() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-rb-claim", &[GOOD, GOOD]);
    for v in ["1", "2"] {
        let p = prepare_version(&m, v, "@teal", Decision::Approved, "reviewer");
        commit(&m, &p, &commented("ship")).unwrap();
    }
    let registry = registry(&m);
    let target: Target = "@teal".parse().unwrap();
    let plan = rt()
        .block_on(decide::plan_rollback(&registry, &m.name, &target))
        .unwrap()
        .unwrap();
    assert_eq!((plan.from.as_deref(), plan.to.as_str()), (Some("2"), "1"));
    foreign_claim(
        &m,
        "@teal",
        chrono::Utc::now() + chrono::Duration::minutes(1),
    );
    let e = rt()
        .block_on(decide::commit_rollback(
            &registry,
            &plan,
            &actor("oncall"),
            "bad",
            None,
        ))
        .unwrap_err();
    assert!(matches!(e, DecideError::LostRace { .. }), "{e}");
    assert_eq!(alias_holder(&m, "teal").as_deref(), Some("2"));
    rt().block_on(
        m.client
            .delete_registered_model_tag(&m.name, &claim_key(&target)),
    )
    .unwrap();
    rt().block_on(decide::commit_rollback(
        &registry,
        &plan,
        &actor("oncall"),
        "bad",
        None,
    ))
    .unwrap();
    assert_eq!(alias_holder(&m, "teal").as_deref(), Some("1"));
    assert_eq!(model_tag(&m, &claim_key(&target)), None);
}

#[test]
fn four_eyes_refuses_an_edited_request_tag_and_names_both_records() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-forged-req", &[GOOD]);
    let r = prepare(&m, "@amber", Decision::Requested, "rita");
    commit(&m, &r, &commented("please")).unwrap();
    rt().block_on(m.client.set_model_version_tag(
        &m.name,
        "1",
        "tollgate.decision.alias:amber.by",
        "someone-else",
    ))
    .unwrap();
    let own = prepare(&m, "@amber", Decision::Approved, "rita");
    assert!(
        matches!(
            &own.blocker(),
            Some(Blocker::FourEyes(Refusal::SelfApproval {
                role: Role::Requester,
                ..
            }))
        ),
        "{:?}",
        own.four_eyes
    );
    let third = prepare(&m, "@amber", Decision::Approved, "cy");
    let Some(Blocker::FourEyes(refusal @ Refusal::Disagree { .. })) = third.blocker() else {
        panic!("{:?}", third.four_eyes)
    };
    let text = refusal.to_string();
    assert!(
        text.contains("the version's decision tag says someone-else")
            && text.contains("the audit trail's request (actor) says rita"),
        "{text}"
    );
}

#[test]
fn an_unknown_creator_is_refused_unless_the_policy_allows_it() {
    let live = live();
    let m = fresh_model_by(support::client(&live.uri), "decide-nobody", &[GOOD], None);
    let p = prepare(&m, "Staging", Decision::Approved, "reviewer");
    assert_eq!(
        p.blocker(),
        Some(Blocker::FourEyes(Refusal::UnknownCreator))
    );
    let lenient = POLICY.replace(
        "four_eyes = true",
        "four_eyes = true\nallow_unknown_creator = true",
    );
    let policy = Arc::new(Policy::parse(&lenient, "test").unwrap());
    let p = rt()
        .block_on(decide::prepare(
            &registry(&m),
            policy,
            actor("reviewer"),
            &m.name,
            "1",
            &"Staging".parse().unwrap(),
            Decision::Approved,
        ))
        .unwrap();
    assert!(p.blocker().is_none(), "{:?}", p.four_eyes);
    assert!(matches!(&p.four_eyes, Some(Ok(ok)) if ok.unverified.len() == 1));
}

/// A server without MLflow's user endpoints (no auth app) cannot confirm a basic-auth user:
/// the record says so instead of `authenticated`.
#[test]
fn basic_auth_the_server_does_not_confirm_is_not_recorded_as_authenticated() {
    let live = live();
    let m = fresh_model(&live.uri, "decide-unconfirmed", &[GOOD]);
    let registry = Registry::new(client_as(&live.uri, "alice", "not-checked-here"), 100);
    let policy = Arc::new(Policy::parse(POLICY, "test").unwrap());
    let claimed = Actor {
        name: "alice".into(),
        source: ActorSource::Authenticated,
    };
    let p = rt()
        .block_on(decide::prepare(
            &registry,
            policy,
            claimed,
            &m.name,
            "1",
            &"@violet".parse().unwrap(),
            Decision::Requested,
        ))
        .unwrap();
    assert_eq!(p.actor.source, ActorSource::BasicUnconfirmed);
    assert!(
        p.actor_note
            .as_deref()
            .is_some_and(|n| n.contains("did not confirm")),
        "{:?}",
        p.actor_note
    );
    rt().block_on(decide::commit(&registry, &p, &commented("please")))
        .unwrap();
    assert_eq!(
        m.tag("1", "tollgate.decision.alias:violet.by_source")
            .as_deref(),
        Some("basic_auth_unconfirmed")
    );
}
