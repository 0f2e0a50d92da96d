//! The Gate and Audit tabs through `update`: the target followed and cycled, each evaluation
//! asked for once, the evidence, recorded reports; and `:inbox`, whose Enter opens a request's
//! version on its Gate tab.

use std::sync::Arc;

use crate::app::action::{Action, Edit};
use crate::app::effect::Effect;
use crate::app::fixtures;
use crate::app::keymap::KeyMap;
use crate::app::screens::{DetailTab, Screen};
use crate::app::settings::UiSettings;
use crate::app::state::{ServerContext, StartAt, State};
use crate::app::update;
use crate::governance::{Stage, Target};
use crate::mlflow::Tag;

const PROD: Target = Target::Stage(Stage::Production);

fn state(policy: bool) -> State {
    let mut s = State::new(
        ServerContext::default(),
        UiSettings::default(),
        KeyMap::defaults(),
    );
    if policy {
        s.policy = Some(Arc::new(fixtures::gate_policy()));
    }
    let fx = s.start(StartAt::Models);
    let Effect::LoadModels { request } = fx[0] else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(fixtures::models(6)),
        },
    );
    s
}

fn command(s: &mut State, line: &str) -> Vec<Effect> {
    update(s, Action::Command);
    for c in line.chars() {
        update(s, Action::Edit(Edit::Insert(c)));
    }
    update(s, Action::PromptSubmit)
}

fn detail(s: &State) -> &crate::app::screens::DetailScreen {
    match s.top() {
        Screen::Detail(d) => d,
        other => panic!("not a detail screen: {other:?}"),
    }
}

fn gate_requests(fx: &[Effect]) -> Vec<(u64, Target)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::LoadGate {
                request, target, ..
            } => Some((*request, target.clone())),
            _ => None,
        })
        .collect()
}

/// Open `credit-risk-scorer` v6 from the versions list and answer its detail, with `tags`.
fn open_detail(s: &mut State, tags: Vec<Tag>) -> Vec<Effect> {
    let fx = command(s, "model credit-risk-scorer");
    let Some(Effect::LoadVersions { request, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    update(
        s,
        Action::VersionsLoaded {
            request: *request,
            result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 6))),
        },
    );
    let fx = update(s, Action::Open);
    let Some(Effect::LoadDetail { request, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    let mut d = fixtures::detail("credit-risk-scorer", 6);
    d.version.tags.extend(tags);
    update(
        s,
        Action::DetailLoaded {
            request: *request,
            result: Ok(Box::new(d)),
        },
    )
}

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: key.into(),
        value: value.into(),
    }
}

fn requested(target_key: &str) -> Vec<Tag> {
    let k = format!("tollgate.decision.{target_key}");
    vec![
        tag(&k, "requested"),
        tag(&format!("{k}.by"), "carol"),
        tag(&format!("{k}.at"), "2025-11-19T10:00:00Z"),
        tag(&format!("{k}.comment"), "ready"),
    ]
}

#[test]
fn inbox_lists_requests_and_enter_opens_the_gate_tab_for_that_target() {
    let mut s = state(true);
    let fx = command(&mut s, "inbox");
    let Some(Effect::LoadInbox { request }) = fx.first() else {
        panic!("{fx:?}")
    };
    assert!(matches!(s.top(), Screen::Inbox(_)));
    assert_eq!(s.screens.len(), 2, "the inbox sits above the models list");
    update(
        &mut s,
        Action::InboxLoaded {
            request: *request,
            result: Ok(fixtures::pending_requests()),
        },
    );
    assert_eq!(
        s.models().pending_count("credit-risk-scorer"),
        1,
        "the inbox's answer also marks the models list"
    );
    update(&mut s, Action::MoveDown);
    let fx = update(&mut s, Action::Open);
    let d = detail(&s);
    assert_eq!(
        (d.model.as_str(), d.version.as_str()),
        ("fraud-detector", "4")
    );
    assert_eq!(d.tab, DetailTab::Gate);
    assert_eq!(d.gate_target(), Some(Target::Alias("champion".into())));
    assert!(matches!(fx.first(), Some(Effect::LoadDetail { .. })));
    assert_eq!(
        gate_requests(&fx)
            .iter()
            .map(|(_, t)| t.clone())
            .collect::<Vec<_>>(),
        [Target::Alias("champion".into())],
        "the gate is evaluated for the request's target at once"
    );
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::LoadAudit { model, .. } if model == "fraud-detector")));

    // Esc goes back to the inbox, and r re-reads it.
    update(&mut s, Action::Back);
    assert!(matches!(s.top(), Screen::Inbox(_)));
    let fx = update(&mut s, Action::Refresh);
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadInbox { .. })));
}

#[test]
fn the_gate_tab_follows_the_pending_request_else_production() {
    let mut s = state(true);
    open_detail(&mut s, requested("alias:champion"));
    let fx = update(&mut s, Action::SelectTab(6));
    assert_eq!(
        gate_requests(&fx)
            .iter()
            .map(|(_, t)| t.clone())
            .collect::<Vec<_>>(),
        [Target::Alias("champion".into())]
    );

    let mut s = state(true);
    open_detail(&mut s, Vec::new());
    let fx = update(&mut s, Action::SelectTab(6));
    assert_eq!(gate_requests(&fx)[0].1, PROD);
    assert!(
        update(&mut s, Action::MoveDown)
            .iter()
            .all(|e| !matches!(e, Effect::LoadGate { .. })),
        "asked for once, kept"
    );
}

#[test]
fn the_gate_waits_for_the_version_to_know_its_requests() {
    let mut s = state(true);
    command(&mut s, "model credit-risk-scorer");
    let fx = update(&mut s, Action::Open);
    assert!(fx.is_empty(), "no versions yet: nothing opens");
    // Open straight at a version, as `tollgate open MODEL VERSION` does.
    let mut s = state(true);
    s.start(StartAt::Version("credit-risk-scorer".into(), "6".into()));
    let fx = update(&mut s, Action::SelectTab(6));
    assert!(gate_requests(&fx).is_empty(), "the target is not known yet");
    assert_eq!(detail(&s).gate_target(), None);
}

#[test]
fn t_cycles_targets_and_each_is_evaluated_once() {
    let mut s = state(true);
    open_detail(&mut s, Vec::new());
    let fx = update(&mut s, Action::SelectTab(6));
    let (prod_request, _) = gate_requests(&fx)[0].clone();
    update(
        &mut s,
        Action::GateLoaded {
            request: prod_request,
            result: Ok(Arc::new(fixtures::gate_report(
                "credit-risk-scorer",
                6,
                true,
            ))),
        },
    );
    assert!(detail(&s).gate_report().is_some());

    let fx = update(&mut s, Action::CycleGateTarget);
    assert_eq!(
        detail(&s).gate_target(),
        Some(Target::Stage(Stage::Staging))
    );
    assert_eq!(gate_requests(&fx)[0].1, Target::Stage(Stage::Staging));
    assert!(
        detail(&s).gate_report().is_none(),
        "Staging's evaluation is on its way"
    );

    let fx = update(&mut s, Action::CycleGateTarget);
    assert_eq!(gate_requests(&fx)[0].1, Target::Alias("champion".into()));
    let fx = update(&mut s, Action::CycleGateTarget);
    assert_eq!(detail(&s).gate_target(), Some(PROD), "back to the start");
    assert!(
        gate_requests(&fx).is_empty(),
        "Production's evaluation is kept"
    );
    assert!(detail(&s).gate_report().is_some());

    // A refresh re-evaluates the shown target and forgets the others.
    let fx = update(&mut s, Action::Refresh);
    assert_eq!(
        gate_requests(&fx)
            .iter()
            .map(|(_, t)| t.clone())
            .collect::<Vec<_>>(),
        [PROD]
    );
    assert_eq!(detail(&s).gate.reports.len(), 1);
    assert!(detail(&s).gate_report().is_some(), "shown until the answer");
}

#[test]
fn enter_opens_a_checks_evidence_and_esc_closes_it_first() {
    let mut s = state(true);
    open_detail(&mut s, Vec::new());
    let fx = update(&mut s, Action::SelectTab(6));
    update(
        &mut s,
        Action::GateLoaded {
            request: gate_requests(&fx)[0].0,
            result: Ok(Arc::new(fixtures::gate_report(
                "credit-risk-scorer",
                6,
                false,
            ))),
        },
    );
    update(&mut s, Action::MoveDown);
    assert_eq!(detail(&s).selected_check().unwrap().id, "four-fifths");
    update(&mut s, Action::Open);
    assert!(detail(&s).gate.evidence_open);
    update(&mut s, Action::Back);
    assert!(!detail(&s).gate.evidence_open);
    assert!(
        matches!(s.top(), Screen::Detail(_)),
        "Esc closed the evidence only"
    );
    update(&mut s, Action::Open);
    update(&mut s, Action::SelectTab(7));
    assert!(!detail(&s).gate.evidence_open, "leaving the tab closes it");
}

#[test]
fn without_a_policy_nothing_is_evaluated_but_the_audit_trail_loads() {
    let mut s = state(false);
    open_detail(&mut s, requested("Production"));
    let fx = update(&mut s, Action::SelectTab(6));
    assert!(gate_requests(&fx).is_empty());
    let Some(Effect::LoadAudit { request, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    let trail = fixtures::audit_trail("credit-risk-scorer", 6, "ab");
    update(
        &mut s,
        Action::AuditLoaded {
            request: *request,
            result: Ok(Arc::new(trail)),
        },
    );
    assert_eq!(detail(&s).recorded_reports().len(), 1, "v6's gate check");
    update(&mut s, Action::SelectTab(7));
    assert_eq!(detail(&s).scroll_len(), 4);
    update(&mut s, Action::Last);
    assert_eq!(detail(&s).cursor.selected, 3);
}

#[test]
fn recorded_reports_that_differ_from_the_evaluation_are_called_out() {
    use crate::app::screens::{agreement, Agreement};
    let report = fixtures::gate_report("credit-risk-scorer", 6, true);
    let trail = fixtures::audit_trail("credit-risk-scorer", 6, &report.digest);
    assert_eq!(agreement(&trail[0], &report), Agreement::Agrees);
    let failing = fixtures::gate_report("credit-risk-scorer", 6, false);
    assert_eq!(
        agreement(&trail[0], &failing),
        Agreement::Disagrees {
            status: true,
            digest: true
        }
    );
    assert_eq!(agreement(&trail[2], &report), Agreement::OtherTarget);
}
