//! Snapshots of the governance views at 80x24, from fixture data: the Gate tab (passing,
//! failing with a recorded report that disagrees, a check's evidence open, no policy), the Audit
//! tab, the inbox (rows and empty) and the models list's pending marker.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::Arc;

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use tollgate::app::fixtures;
use tollgate::app::{
    update, Action, Edit, Effect, KeyMap, ServerContext, StartAt, State, UiSettings,
};
use tollgate::governance::decision::{Reason, Verification};
use tollgate::ui::{self, ColorMode, Theme};

fn new_state(policy: bool) -> State {
    let server = ServerContext {
        profile: Some("local".into()),
        url: "http://127.0.0.1:5000".into(),
        read_only: false,
        actor: None,
    };
    let mut s = State::new(server, UiSettings::default(), KeyMap::defaults());
    if policy {
        s.policy = Some(Arc::new(fixtures::gate_policy()));
    }
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    s
}

fn screen(state: &State, theme: &Theme) -> String {
    let area = state.viewport;
    let mut terminal = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
    terminal.draw(|f| ui::draw(f, state, theme)).unwrap();
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
    let text = screen(
        state,
        &Theme::load("dark", ColorMode::TrueColor, None).unwrap(),
    );
    insta::assert_snapshot!(name, text);
    text
}

/// credit-risk-scorer v6 on tab `tab`, with the effects of the last step.
fn detail_on(policy: bool, tab: u8) -> (State, Vec<Effect>) {
    let mut s = new_state(policy);
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
    let fx = update(&mut s, Action::SelectTab(tab));
    (s, fx)
}

fn answer(
    s: &mut State,
    fx: &[Effect],
    report: Option<tollgate::governance::GateReport>,
    trail_digest: &str,
) {
    for e in fx {
        match e {
            Effect::LoadGate { request, .. } => {
                if let Some(r) = &report {
                    update(
                        s,
                        Action::GateLoaded {
                            request: *request,
                            result: Ok(Arc::new(r.clone())),
                        },
                    );
                }
            }
            Effect::LoadAudit { request, .. } => {
                update(
                    s,
                    Action::AuditLoaded {
                        request: *request,
                        result: Ok(Arc::new(fixtures::audit_trail(
                            "credit-risk-scorer",
                            6,
                            trail_digest,
                        ))),
                    },
                );
            }
            _ => {}
        }
    }
}

#[test]
fn gate_tab_passing_with_an_agreeing_recorded_report() {
    let (mut s, fx) = detail_on(true, 6);
    let report = fixtures::gate_report("credit-risk-scorer", 6, true);
    let digest = report.digest.clone();
    answer(&mut s, &fx, Some(report), &digest);
    let text = snapshot("gate_pass_80x24", &s);
    assert!(text.contains("✓ PASS"), "{text}");
    assert!(text.contains("agrees"), "{text}");
}

#[test]
fn gate_tab_failing_says_when_a_recorded_report_disagrees_and_shows_evidence() {
    let (mut s, fx) = detail_on(true, 6);
    let report = fixtures::gate_report("credit-risk-scorer", 6, false);
    // CI recorded a passing report earlier: the evidence has changed since.
    answer(&mut s, &fx, Some(report), &"1".repeat(64));
    let text = snapshot("gate_fail_80x24", &s);
    assert!(text.contains("✗ FAIL") && text.contains("✗ fail"), "{text}");
    assert!(text.contains("DISAGREES: was pass, now fail"), "{text}");

    update(&mut s, Action::Open);
    let text = snapshot("gate_fail_evidence_80x24", &s);
    assert!(text.contains("Evidence: accuracy"), "{text}");
    assert!(text.contains("run00006"), "{text}");
}

/// A recorded `fail` that the evaluation agrees with is marked as a fail (`✗`), never `✓`: the
/// agreement is said in words only.
#[test]
fn gate_tab_never_ticks_a_recorded_fail_that_agrees() {
    let (mut s, fx) = detail_on(true, 6);
    let report = fixtures::gate_report("credit-risk-scorer", 6, false);
    for e in &fx {
        match e {
            Effect::LoadGate { request, .. } => {
                update(
                    &mut s,
                    Action::GateLoaded {
                        request: *request,
                        result: Ok(Arc::new(report.clone())),
                    },
                );
            }
            Effect::LoadAudit { request, .. } => {
                let mut trail = fixtures::audit_trail("credit-risk-scorer", 6, &report.digest);
                trail[0].gate_status = Some("fail".into());
                update(
                    &mut s,
                    Action::AuditLoaded {
                        request: *request,
                        result: Ok(Arc::new(trail)),
                    },
                );
            }
            _ => {}
        }
    }
    let text = snapshot("gate_fail_agrees_80x24", &s);
    let line = text
        .lines()
        .find(|l| l.contains("gate_check") && l.contains("agrees"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("fail"), "{line}");
    assert!(
        !line.contains('✓'),
        "no tick beside a recorded fail: {line}"
    );
    assert!(line.contains("✗ "), "{line}");
}

/// A recorded report whose record is not whole is not compared with the evaluation: it is
/// marked `!` and says UNVERIFIED and why.
#[test]
fn gate_tab_marks_an_unverified_recorded_report() {
    let (mut s, fx) = detail_on(true, 6);
    let report = fixtures::gate_report("credit-risk-scorer", 6, true);
    for e in &fx {
        match e {
            Effect::LoadGate { request, .. } => {
                update(
                    &mut s,
                    Action::GateLoaded {
                        request: *request,
                        result: Ok(Arc::new(report.clone())),
                    },
                );
            }
            Effect::LoadAudit { request, .. } => {
                let mut trail = fixtures::audit_trail("credit-risk-scorer", 6, &report.digest);
                trail[0].verification = Verification::Unverified {
                    reasons: vec![Reason::ReportMissing],
                    signature: None,
                };
                update(
                    &mut s,
                    Action::AuditLoaded {
                        request: *request,
                        result: Ok(Arc::new(trail)),
                    },
                );
            }
            _ => {}
        }
    }
    let text = snapshot("gate_unverified_report_80x24", &s);
    assert!(
        text.contains("UNVERIFIED: its gate report artifact is missing"),
        "{text}"
    );
    assert!(!text.contains("agrees"), "{text}");
}

#[test]
fn gate_tab_without_a_policy_says_how_to_configure_one() {
    let (s, _) = detail_on(false, 6);
    let text = snapshot("gate_no_policy_80x24", &s);
    assert!(text.contains("No policy configured"), "{text}");
}

#[test]
fn audit_tab_lists_decisions_newest_first() {
    let (mut s, fx) = detail_on(true, 7);
    answer(&mut s, &fx, None, &"ab".repeat(32));
    let text = snapshot("audit_80x24", &s);
    assert!(text.contains("(ovr)") && text.contains("● 6"), "{text}");
    // A record that is not whole: a marker and a word, not colour alone, and why.
    let request_row = text.lines().find(|l| l.contains("requested")).unwrap();
    assert!(request_row.contains("! unverified"), "{text}");
    assert!(request_row.contains("its audit"), "{text}");
    assert_eq!(text.matches("✓ verified").count(), 3, "{text}");
    // Selected, its reasons are spelled out.
    for _ in 0..3 {
        update(&mut s, Action::MoveDown);
    }
    let text = snapshot("audit_unverified_selected_80x24", &s);
    assert!(
        text.contains("! unverified: its audit run is RUNNING, not FINISHED"),
        "{text}"
    );

    let (mut s, fx) = detail_on(true, 7);
    for e in &fx {
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
    let text = snapshot("audit_empty_80x24", &s);
    assert!(text.contains("No recorded decisions"), "{text}");
}

/// Signatures checked (the policy names allowed_signers): each record says how far its
/// signature goes, in words, with the failing ones in the warning colour and why once selected.
#[test]
fn audit_tab_marks_each_records_signature() {
    use tollgate::governance::decision::Signature;
    let (mut s, fx) = detail_on(true, 7);
    let mut trail = fixtures::audit_trail("credit-risk-scorer", 6, &"ab".repeat(32));
    let statuses = [
        Signature::Signed {
            signer: "ci-bot".into(),
            hash: "1".repeat(64),
        },
        Signature::BadSignature {
            why: "the audit run's comment is not what was signed".into(),
        },
        Signature::Unsigned { hash: None },
        Signature::Legacy,
    ];
    for (run, status) in trail.iter_mut().zip(statuses) {
        run.verification = run.verification.clone().with_signature(status, false);
    }
    for e in &fx {
        if let Effect::LoadAudit { request, .. } = e {
            update(
                &mut s,
                Action::AuditLoaded {
                    request: *request,
                    result: Ok(Arc::new(trail.clone())),
                },
            );
        }
    }
    let text = snapshot("audit_signatures_80x24", &s);
    for (decision, label) in [
        ("gate_check", "signed ✓"),
        ("approved", "BAD SIGNATURE"),
        ("rejected", "unsigned"),
        // Unverified for another reason (its run is still RUNNING): it says so first.
        ("requested", "! unverified"),
    ] {
        let row = text
            .lines()
            .find(|l| l.contains(decision))
            .unwrap_or_else(|| panic!("no {decision} row: {text}"));
        assert!(row.contains(label), "{decision} row lacks {label}: {text}");
    }
    // The forged record, selected: why it fails.
    for _ in 0..trail.len() {
        let on_it = text_of(&s)
            .lines()
            .any(|l| l.contains('▶') && l.contains("approved"));
        if on_it {
            break;
        }
        update(&mut s, Action::MoveDown);
    }
    let text = snapshot("audit_bad_signature_selected_80x24", &s);
    assert!(
        text.contains("BAD SIGNATURE: the audit run's comment is not what was signed"),
        "{text}"
    );
}

fn text_of(state: &State) -> String {
    screen(
        state,
        &Theme::load("dark", ColorMode::TrueColor, None).unwrap(),
    )
}

fn inbox(rows: Vec<tollgate::registry::PendingRequest>) -> State {
    let mut s = new_state(true);
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
    update(&mut s, Action::Command);
    for c in "inbox".chars() {
        update(&mut s, Action::Edit(Edit::Insert(c)));
    }
    let fx = update(&mut s, Action::PromptSubmit);
    let Some(Effect::LoadInbox { request }) = fx.first() else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Action::InboxLoaded {
            request: *request,
            result: Ok(rows),
        },
    );
    s
}

#[test]
fn inbox_rows_and_empty() {
    let text = snapshot("inbox_80x24", &inbox(fixtures::pending_requests()));
    assert!(text.contains("Models › Inbox"), "{text}");
    assert!(text.contains("✗ fail"), "{text}");
    // Tags with no audit run behind them: no report to take a gate status from, unverified.
    let forged = text.lines().find(|l| l.contains("churn-pre")).unwrap();
    assert!(
        forged.contains("? no report") && forged.contains("! unverified"),
        "{text}"
    );
    let text = snapshot("inbox_empty_80x24", &inbox(Vec::new()));
    assert!(text.contains("no pending requests"), "{text}");
}

/// With signatures checked, the inbox's RECORD column says how far each request's signature
/// goes, in words, and the column widens for `BAD SIGNATURE`.
#[test]
fn inbox_marks_each_requests_signature() {
    use tollgate::governance::decision::Signature;
    let mut rows = fixtures::pending_requests();
    let statuses = [
        Signature::Signed {
            signer: "carol".into(),
            hash: "1".repeat(64),
        },
        Signature::BadSignature {
            why: "signed by a key allowed_signers does not list for 'dave'".into(),
        },
        Signature::ChainBroken {
            why: "it follows a record that is not in the trail".into(),
        },
    ];
    for (row, status) in rows.iter_mut().zip(statuses) {
        row.verification = row.verification.clone().with_signature(status, false);
    }
    let text = snapshot("inbox_signatures_80x24", &inbox(rows));
    for (model, label) in [
        ("credit-ri", "signed ✓"),
        ("fraud-det", "BAD SIGNATURE"),
        ("churn-pre", "chain broken"),
    ] {
        let row = text
            .lines()
            .find(|l| l.contains(model))
            .unwrap_or_else(|| panic!("no {model} row: {text}"));
        assert!(row.contains(label), "{model} row lacks {label}: {text}");
    }
}

#[test]
fn models_list_marks_models_with_pending_requests() {
    let mut s = inbox(fixtures::pending_requests());
    update(&mut s, Action::Back);
    let text = snapshot("models_pending_80x24", &s);
    assert!(text.contains("◆ 3 pending"), "{text}");
}

#[test]
fn escape_sequences_in_requests_and_audit_runs_are_harmless() {
    let evil = "evil\u{1b}]0;pwned\u{7}";
    let mut rows = fixtures::pending_requests();
    rows[0].model = evil.into();
    rows[0].requested_by = evil.into();
    rows[0].comment = evil.into();
    let s = inbox(rows);
    let theme = Theme::load("dark", ColorMode::NoColor, None).unwrap();
    let text = screen(&s, &theme);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("evil\\e]0;"), "{text}");

    let (mut s, fx) = detail_on(true, 7);
    for e in &fx {
        if let Effect::LoadAudit { request, .. } = e {
            let mut trail = fixtures::audit_trail("credit-risk-scorer", 6, "ab");
            trail[1].actor = evil.into();
            trail[1].override_justification = Some(evil.into());
            trail[2].target = evil.into();
            update(
                &mut s,
                Action::AuditLoaded {
                    request: *request,
                    result: Ok(Arc::new(trail)),
                },
            );
        }
    }
    let text = screen(&s, &theme);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("evil\\e"), "{text}");
}

#[test]
fn a_version_opened_from_the_inbox_names_its_model_in_the_breadcrumb() {
    let mut s = inbox(fixtures::pending_requests());
    update(&mut s, Action::MoveDown);
    update(&mut s, Action::Open);
    let text = screen(&s, &Theme::load("dark", ColorMode::NoColor, None).unwrap());
    assert!(
        text.contains("Models › Inbox › fraud-detector › version 4 › Gate"),
        "{text}"
    );
}

/// Issue 9: a target no gate guards is `ungated`, and a NaN metric is `invalid`: neither reads
/// as a pass on the Gate tab.
#[test]
fn gate_tab_shows_ungated_and_invalid() {
    use tollgate::governance::{evaluate, Evidence, Policy, Stage, Target};
    let production = Target::Stage(Stage::Production);
    let evidence = |accuracy: f64| Evidence {
        model: "credit-risk-scorer".into(),
        version: "6".into(),
        run_id: Some("run00006".into()),
        metrics: [
            ("accuracy".to_string(), accuracy),
            ("fairness.disparate_impact".to_string(), 0.93),
        ]
        .into(),
        tags: [("owner".to_string(), "risk-team".to_string())].into(),
        artifacts: Some(vec!["explanations/shap.json".into()]),
        ..Evidence::default()
    };
    let (mut s, fx) = detail_on(true, 6);
    let ungated = evaluate(
        &Policy::empty("empty.toml"),
        &production,
        &evidence(0.6),
        "2025-11-20T10:00:00Z",
    );
    answer(&mut s, &fx, Some(ungated), &"1".repeat(64));
    let text = snapshot("gate_ungated_80x24", &s);
    assert!(text.contains("∅ UNGATED"), "{text}");
    assert!(
        text.contains("No gate guards Production: ungated, not a pass (allow_ungated accepts it)"),
        "{text}"
    );

    let (mut s, fx) = detail_on(true, 6);
    let invalid = evaluate(
        &fixtures::gate_policy(),
        &production,
        &evidence(f64::NAN),
        "2025-11-20T10:00:00Z",
    );
    answer(&mut s, &fx, Some(invalid), &"1".repeat(64));
    let text = snapshot("gate_invalid_80x24", &s);
    assert!(text.contains("! INVALID"), "{text}");
    assert!(text.contains("! invalid") && text.contains("NaN"), "{text}");
}
