//! Snapshots of unapproved changes at 80x24, from fixture data: the versions list's `⊘` marker
//! and legend, the inbox's `⊘ unapproved` record, the Gate tab's reason line, and `:verify`
//! asking again and saying what it found.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::BTreeMap;
use std::sync::Arc;

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use tollgate::app::fixtures;
use tollgate::app::{
    update, Action, Edit, Effect, KeyMap, ServerContext, StartAt, State, UiSettings,
};
use tollgate::governance::decision::{ChangeKind, ChangeReason, UnapprovedChange};
use tollgate::ui::{self, ColorMode, Theme};

fn new_state() -> State {
    let server = ServerContext {
        profile: Some("local".into()),
        url: "http://127.0.0.1:5000".into(),
        read_only: false,
        actor: None,
    };
    let mut s = State::new(server, UiSettings::default(), KeyMap::defaults());
    s.policy = Some(Arc::new(fixtures::gate_policy()));
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    s
}

fn screen(state: &State) -> String {
    let theme = Theme::load("dark", ColorMode::TrueColor, None).unwrap();
    let area = state.viewport;
    let mut terminal = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
    terminal.draw(|f| ui::draw(f, state, &theme)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn snapshot(name: &str, state: &State) -> String {
    let text = screen(state);
    insta::assert_snapshot!(name, text);
    text
}

/// v5 of credit-risk-scorer moved to Production with the raw API.
fn raw_promotion() -> UnapprovedChange {
    UnapprovedChange {
        version: "5".into(),
        target: "Production".into(),
        kind: ChangeKind::Holder,
        reason: ChangeReason::NoRecord,
    }
}

fn marks(model: &str, changes: Vec<UnapprovedChange>) -> tollgate::app::screens::UnapprovedMarks {
    Arc::new(BTreeMap::from([(model.to_string(), changes)]))
}

/// Answer every `LoadUnapproved` among `fx` with `changes` for the models asked about.
fn answer_unapproved(s: &mut State, fx: &[Effect], changes: &[UnapprovedChange]) -> usize {
    let mut answered = 0;
    for e in fx {
        if let Effect::LoadUnapproved {
            request, models, ..
        } = e
        {
            let mut all = BTreeMap::new();
            for m in models {
                all.insert(m.clone(), changes.to_vec());
            }
            update(
                s,
                Action::UnapprovedLoaded {
                    request: *request,
                    result: Ok(Arc::new(all)),
                },
            );
            answered += 1;
        }
    }
    answered
}

fn versions() -> (State, Vec<Effect>) {
    let mut s = new_state();
    let fx = s.start(StartAt::Model("credit-risk-scorer".into()));
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadVersions { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = update(
        &mut s,
        Action::VersionsLoaded {
            request,
            result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 6))),
        },
    );
    (s, fx)
}

fn command(s: &mut State, line: &str) -> Vec<Effect> {
    update(s, Action::Command);
    for c in line.chars() {
        update(s, Action::Edit(Edit::Insert(c)));
    }
    update(s, Action::PromptSubmit)
}

#[test]
fn versions_list_marks_an_unapproved_holder_and_verify_asks_again() {
    let (mut s, fx) = versions();
    // The list asks for the check once it is shown.
    assert_eq!(
        answer_unapproved(&mut s, &fx, &[raw_promotion()]),
        1,
        "{fx:?}"
    );
    let text = snapshot("versions_unapproved_80x24", &s);
    assert!(text.contains("⊘ unapproved change"), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains(" 5 ") && l.contains('⊘'))
        .unwrap_or_else(|| panic!("v5 is not marked: {text}"));
    assert!(row.contains('⊘'), "{row}");
    let others = text.lines().filter(|l| l.contains('⊘')).count();
    assert_eq!(others, 2, "only v5 and the legend carry the marker: {text}");

    // `:verify` reads again and says what it found.
    let fx = command(&mut s, "verify");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadUnapproved { models, .. }
            if models == &["credit-risk-scorer".to_string()])),
        "{fx:?}"
    );
    answer_unapproved(&mut s, &fx, &[raw_promotion()]);
    let text = screen(&s);
    assert!(
        text.contains("verify: 1 unapproved change(s), marked ⊘"),
        "{text}"
    );
    // Put right (tollgate approved it, or it was moved back): the marker goes.
    let fx = command(&mut s, "verify");
    answer_unapproved(&mut s, &fx, &[]);
    let text = screen(&s);
    assert!(!text.contains('⊘'), "{text}");
    assert!(text.contains("verify: every holder"), "{text}");
}

#[test]
fn gate_tab_says_why_the_version_is_an_unapproved_change() {
    let mut s = new_state();
    let fx = s.start(StartAt::Version("credit-risk-scorer".into(), "6".into()));
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadDetail { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::DetailLoaded {
            request,
            result: Ok(Box::new(fixtures::detail("credit-risk-scorer", 6))),
        },
    );
    let fx = update(&mut s, Action::SelectTab(6));
    let report = fixtures::gate_report("credit-risk-scorer", 6, true);
    for e in &fx {
        if let Effect::LoadGate { request, .. } = e {
            update(
                &mut s,
                Action::GateLoaded {
                    request: *request,
                    result: Ok(Arc::new(report.clone())),
                },
            );
        }
        if let Effect::LoadAudit { request, .. } = e {
            update(
                &mut s,
                Action::AuditLoaded {
                    request: *request,
                    result: Ok(Arc::new(Vec::new())),
                },
            );
        }
    }
    let change = UnapprovedChange {
        version: "6".into(),
        target: "@champion".into(),
        kind: ChangeKind::Holder,
        reason: ChangeReason::MovedAwaySince {
            run_id: "a1b2c3".into(),
            decision: "approved".into(),
            version: "4".into(),
            at: "2026-11-20T10:00:00Z".into(),
        },
    };
    assert_eq!(answer_unapproved(&mut s, &fx, &[change]), 1, "{fx:?}");
    let text = snapshot("gate_unapproved_80x24", &s);
    assert!(
        text.contains("⊘ unapproved change: v6 holds @champion"),
        "{text}"
    );
    assert!(
        text.contains("Production"),
        "the report is still shown: {text}"
    );
}

#[test]
fn inbox_marks_a_request_whose_version_is_an_unapproved_change() {
    let mut s = new_state();
    let fx = s.start(StartAt::Models);
    let Effect::LoadModels { request } = fx[0] else {
        panic!()
    };
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(fixtures::models(6)),
        },
    );
    let fx = command(&mut s, "inbox");
    let Some(Effect::LoadInbox { request }) = fx.first() else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Action::InboxLoaded {
            request: *request,
            result: Ok(fixtures::pending_requests()),
        },
    );
    let asked = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadUnapproved {
                request, models, ..
            } => Some((*request, models.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the inbox checks its models: {fx:?}"));
    assert_eq!(
        asked.1,
        ["churn-predictor", "credit-risk-scorer", "fraud-detector"]
    );
    // fraud-detector v4's request: its version holds @champion, set by hand.
    let change = UnapprovedChange {
        version: "4".into(),
        target: "@champion".into(),
        kind: ChangeKind::Holder,
        reason: ChangeReason::NoRecord,
    };
    update(
        &mut s,
        Action::UnapprovedLoaded {
            request: asked.0,
            result: Ok(marks("fraud-detector", vec![change])),
        },
    );
    let text = snapshot("inbox_unapproved_80x24", &s);
    let row = text.lines().find(|l| l.contains("fraud-det")).unwrap();
    assert!(row.contains("⊘ unapproved"), "{text}");
    let other = text.lines().find(|l| l.contains("credit-ri")).unwrap();
    assert!(!other.contains('⊘'), "{text}");
}
