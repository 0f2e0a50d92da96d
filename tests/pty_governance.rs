//! The confirmation question on a real terminal: approving to @champion asks for the model's
//! name; a wrong answer writes nothing, the right one promotes.

#[allow(dead_code)]
#[path = "support/pty.rs"]
mod pty;
mod support;

use pty::{Cockpit, Launch};
use support::governance::{fresh_model, GOOD};
use support::live::live;

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
