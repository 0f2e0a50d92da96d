//! The inbox on a real terminal: a request made with the CLI shows in `:inbox`, and Enter opens
//! that version's Gate tab with the policy's checklist for the requested target.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use support::governance::{fresh_model, GOOD};
use support::live::{live, stderr, stdout};
use support::pty::{Cockpit, Launch};

#[test]
fn a_request_shows_in_the_inbox_and_opens_its_gate_tab() {
    let live = live();
    let m = fresh_model(&live.uri, "pty-inbox", &[GOOD]);
    let policy = m.policy_path();
    let out = live.tollgate_with(
        &[
            "request",
            &m.name,
            "1",
            "--to",
            "Staging",
            "--comment",
            "please review",
            "--yes",
            "--policy",
            &policy,
        ],
        &[("TOLLGATE_USER", "alice")],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    let config =
        format!("default_profile = \"review\"\n[profiles.review]\npolicy = \"{policy}\"\n");
    let mut c = Cockpit::start(Launch {
        tracking_uri: Some(live.uri.clone()),
        config: Some(&config),
        ..Launch::default()
    });
    c.wait_for(&["Models", "sort name"]);
    c.send(":");
    c.type_text("inbox");
    c.send("\r");
    c.wait_for(&["Models › Inbox", "pending, oldest first", "REQUESTER"]);
    let prefix = m.list_key();
    c.select_row("REQUESTER", &prefix);
    c.wait_for(&[&prefix, "Staging", "alice", "please review"]);
    c.send("\r");
    let screen = c.wait_for(&[
        "Inbox › gov-pty-inbox",
        "› version 1 › Gate",
        "→ Staging",
        "✓ PASS",
        "accuracy",
        "four-fifths",
        "model-card",
    ]);
    assert!(screen.contains(&m.name), "{screen}");
    assert!(
        !screen.contains("explainability") || screen.contains("✓ pass"),
        "{screen}"
    );

    // T evaluates for the next target; Enter opens the selected check's evidence.
    c.send("\r");
    c.wait_for(&["Evidence: accuracy", "metric    accuracy"]);
    c.esc();
    c.send("T");
    c.wait_for(&["→ Production"]);
    c.send("q");
}

/// The approver's path: a request waits in the inbox; `a` on it opens the approve dialog on the
/// requested target; a comment and the typed model name promote it; the request leaves the
/// inbox and the models list shows the new stage.
#[test]
fn approving_a_request_from_the_inbox_moves_the_stage() {
    let live = live();
    let m = fresh_model(&live.uri, "pty-appr", &[GOOD]);
    let policy = m.policy_path();
    let out = live.tollgate_with(
        &[
            "request",
            &m.name,
            "1",
            "--to",
            "Production",
            "--comment",
            "ready for traffic",
            "--yes",
            "--policy",
            &policy,
        ],
        &[("TOLLGATE_USER", "alice")],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    let config =
        format!("default_profile = \"review\"\n[profiles.review]\npolicy = \"{policy}\"\n");
    let env = [("TOLLGATE_USER", "reviewer")];
    let mut c = Cockpit::start(Launch {
        tracking_uri: Some(live.uri.clone()),
        config: Some(&config),
        env: &env,
        ..Launch::default()
    });
    c.wait_for(&["Models", "sort name"]);
    c.send(":");
    c.type_text("inbox");
    c.send("\r");
    c.wait_for(&["Models › Inbox", "REQUESTER"]);
    // Requests are oldest first: from the newest, up to this test's own.
    let prefix = m.list_key();
    c.select_row("REQUESTER", &prefix);

    c.send("a");
    c.wait_for(&["Approve:", "[Production", "type the model name", "PASS"]);
    c.send("\t");
    c.type_text("approved from the inbox");
    c.send("\t"); // archive
    c.send("\t"); // the typed name
    c.type_text(&m.name);
    c.send("\r");
    c.wait_for(&["now holds Production"]);
    c.send("\r");
    // The inbox is read again: the decided request is gone.
    c.wait_until("the request left the inbox", |s| {
        !s.contains("Approve:") && !s.contains(&prefix)
    });

    // The models list shows the new stage.
    c.esc();
    c.wait_for(&["sort name"]);
    c.send("/");
    c.type_text(&m.name);
    c.wait_until("the models list shows Production", |s| {
        s.lines()
            .any(|l| l.contains(&prefix) && l.contains("Prod v1"))
    });
    c.send("\r");
    c.send("q");

    assert_eq!(m.version("1").current_stage.as_deref(), Some("Production"));
    assert_eq!(
        m.tag("1", "tollgate.decision.Production").as_deref(),
        Some("approved")
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Production.by").as_deref(),
        Some("reviewer")
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Production.comment")
            .as_deref(),
        Some("approved from the inbox")
    );
}
