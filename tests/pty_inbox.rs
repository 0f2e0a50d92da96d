//! The inbox on a real terminal: a request made with the CLI shows in `:inbox`, and Enter opens
//! that version's Gate tab with the policy's checklist for the requested target.

#[allow(dead_code)]
#[path = "support/pty.rs"]
mod pty;
mod support;

use pty::{Cockpit, Launch};
use support::governance::{fresh_model, GOOD};
use support::live::{live, stderr, stdout};

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
    // Newest request last: this test's own.
    c.send("G");
    let prefix: String = m.name.chars().take(16).collect();
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
