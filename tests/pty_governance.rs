//! The confirmation question on a real terminal: approving to @champion asks for the model's
//! name; a wrong answer writes nothing, the right one promotes.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use support::governance::{fresh_model, GOOD};
use support::live::live;
use support::pty::{Cockpit, Launch};

fn approve(uri: &str, model: &str, policy: &str, answer: &str) -> bool {
    let args = [
        "approve",
        model,
        "1",
        "--to",
        "@champion",
        "--comment",
        "reviewed",
        "--policy",
        policy,
    ];
    let mut term = Cockpit::start(Launch {
        args: &args,
        tracking_uri: Some(uri.to_string()),
        env: &[("TOLLGATE_USER", "bob")],
        ..Launch::default()
    });
    term.wait_for(&["Type the model name"]);
    term.type_text(answer);
    term.send("\r");
    term.wait_exit()
}

#[test]
fn champion_approval_asks_for_the_model_name() {
    let live = live();
    let m = fresh_model(&live.uri, "pty", &[GOOD]);
    let p = m.policy_path();
    assert!(!approve(&live.uri, &m.name, &p, "not-the-name"));
    assert!(m.version("1").aliases.is_empty());
    assert!(m.tag("1", "tollgate.decision.alias:champion").is_none());

    assert!(approve(&live.uri, &m.name, &p, &m.name));
    assert_eq!(m.version("1").aliases, ["champion"]);
    assert_eq!(
        m.tag("1", "tollgate.decision.alias:champion").as_deref(),
        Some("approved")
    );
}

/// The cockpit on `model`, acting as `user`, with the test model's policy in its profile.
fn cockpit_on(uri: &str, model: &str, policy: &str, user: &str) -> Cockpit {
    let config =
        format!("default_profile = \"review\"\n[profiles.review]\npolicy = \"{policy}\"\n");
    let env = [("TOLLGATE_USER", user)];
    let c = Cockpit::start(Launch {
        args: &["open", model],
        tracking_uri: Some(uri.to_string()),
        config: Some(&config),
        env: &env,
        ..Launch::default()
    });
    c.wait_for(&["1 version", "READY"]);
    c
}

#[test]
fn approving_to_production_in_the_cockpit_dialog_moves_the_stage() {
    let live = live();
    let m = fresh_model(&live.uri, "pty-dialog", &[GOOD]);
    let mut c = cockpit_on(&live.uri, &m.name, &m.policy_path(), "reviewer");
    c.send("a");
    c.wait_for(&["Approve:", "PASS", "target"]);
    // Staging -> Production.
    c.send("\x1b[C");
    c.wait_for(&["[Production", "type the model name", "PASS"]);
    c.send("\t");
    c.type_text("reviewed in the cockpit");
    c.send("\t"); // archive
    c.send("\t"); // confirm
    c.type_text(&m.name);
    c.send("\r");
    c.wait_for(&["now holds Production"]);
    c.send("\r");
    c.wait_until("the list shows the new stage", |s| {
        !s.contains("Approve:")
            && s.lines()
                .any(|l| l.contains(" 1 ") && l.contains("Production"))
    });
    c.send("q");
    assert_eq!(m.version("1").current_stage.as_deref(), Some("Production"));
    assert_eq!(
        m.tag("1", "tollgate.decision.Production").as_deref(),
        Some("approved")
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Production.comment")
            .as_deref(),
        Some("reviewed in the cockpit")
    );
}

#[test]
fn four_eyes_refuses_the_creator_in_the_cockpit_dialog() {
    let live = live();
    let m = fresh_model(&live.uri, "pty-4eyes", &[GOOD]);
    let creator = support::governance::CREATOR;
    let mut c = cockpit_on(&live.uri, &m.name, &m.policy_path(), creator);
    c.send("a");
    c.wait_for(&["four-eyes:", "cannot approve", "submit disabled"]);
    c.send("\t");
    c.type_text("my own model");
    c.send("\r");
    c.esc();
    c.wait_until("the dialog closed", |s| !s.contains("Approve:"));
    c.send("q");
    assert_eq!(m.version("1").current_stage.as_deref(), Some("None"));
    assert!(m.tag("1", "tollgate.decision.Staging").is_none());
}

/// `p` in the cockpit records a request the inbox then lists; `x` there rejects it, and the
/// request leaves the inbox while the stage stays as it was.
#[test]
fn a_request_made_in_the_cockpit_reaches_the_inbox_and_a_rejection_clears_it() {
    let live = live();
    let m = fresh_model(&live.uri, "pty-req", &[GOOD]);
    let mut c = cockpit_on(&live.uri, &m.name, &m.policy_path(), "alice");
    c.send("p");
    c.wait_for(&["Request promotion:", "[Staging", "PASS"]);
    c.send("\t");
    c.type_text("please look");
    c.send("\r");
    c.wait_for(&["requested v1 for Staging"]);
    c.send("\r");
    c.wait_until("the dialog closed", |s| !s.contains("Request promotion:"));
    c.send("\x03");
    assert!(c.wait_exit());
    assert_eq!(
        m.tag("1", "tollgate.decision.Staging").as_deref(),
        Some("requested")
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Staging.by").as_deref(),
        Some("alice")
    );

    // A reviewer finds it in the inbox and rejects it there.
    let mut c = cockpit_on(&live.uri, &m.name, &m.policy_path(), "reviewer");
    c.send(":");
    c.type_text("inbox");
    c.send("\r");
    let prefix = m.list_key();
    c.select_row("REQUESTER", &prefix);
    c.send("x");
    c.wait_for(&["Reject:", "[Staging", "PASS"]);
    c.send("\t");
    c.type_text("needs a model card review first");
    c.send("\r");
    c.wait_for(&["rejected v1 for Staging"]);
    c.send("\r");
    c.wait_until("the request left the inbox", |s| {
        !s.contains("Reject:") && !s.contains(&prefix)
    });
    c.send("q");
    assert_eq!(
        m.tag("1", "tollgate.decision.Staging").as_deref(),
        Some("rejected")
    );
    assert_eq!(m.version("1").current_stage.as_deref(), Some("None"));
}

/// With no policy configured, `x` still turns a promotion down: recorded without a gate report,
/// as `tollgate reject` does.
#[test]
fn rejecting_in_the_cockpit_without_a_policy_is_recorded_without_a_report() {
    let live = live();
    let m = fresh_model(&live.uri, "pty-rej", &[GOOD]);
    let mut c = Cockpit::start(Launch {
        args: &["open", &m.name],
        tracking_uri: Some(live.uri.clone()),
        env: &[("TOLLGATE_USER", "reviewer")],
        ..Launch::default()
    });
    c.wait_for(&["1 version", "READY"]);
    c.send("x");
    c.wait_for(&["Reject:", "no policy configured", "without a gate report"]);
    c.send("\t");
    c.type_text("not this one");
    c.send("\r");
    c.wait_for(&["rejected v1 for Staging", "no gate report"]);
    c.send("\r");
    c.send("q");
    assert_eq!(
        m.tag("1", "tollgate.decision.Staging").as_deref(),
        Some("rejected")
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Staging.comment").as_deref(),
        Some("not this one")
    );
    // No report was evaluated, so none is named.
    assert_eq!(
        m.tag("1", "tollgate.decision.Staging.report_digest")
            .unwrap_or_default(),
        ""
    );
}
