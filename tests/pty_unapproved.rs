//! Changes made behind tollgate's back, in the real cockpit on a real terminal: a version moved
//! to Production with the raw REST API is marked `⊘` on the versions list once read again, and
//! `:verify` says so; the Gate tab gives the reason.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use serde_json::json;
use support::governance::{fresh_model, GOOD};
use support::live::live;
use support::pty::{Cockpit, Launch};
use support::rest::Rest;

#[test]
fn a_raw_promotion_is_marked_and_verify_finds_it() {
    let live = live();
    let m = fresh_model(&live.uri, "pty-backs", &[GOOD, GOOD]);
    let config = format!(
        "default_profile = \"review\"\n[profiles.review]\npolicy = \"{}\"\n",
        m.policy_path()
    );
    let mut c = Cockpit::start(Launch {
        args: &["open", &m.name],
        tracking_uri: Some(live.uri.clone()),
        config: Some(&config),
        env: &[("TOLLGATE_USER", "reviewer")],
        ..Launch::default()
    });
    c.wait_for(&["2 versions", "READY"]);

    // Behind the cockpit's back: v2 to Production with one REST call.
    Rest::new(&live.uri).post(
        "model-versions/transition-stage",
        json!({"name": m.name, "version": "2", "stage": "Production",
               "archive_existing_versions": false}),
    );
    c.send("r");
    c.wait_for(&["Production"]);
    c.send(":");
    c.type_text("verify");
    c.send("\r");
    let screen = c.wait_for(&[
        "verify: 1 unapproved change(s), marked ⊘",
        "⊘ unapproved change",
    ]);
    let row = screen
        .lines()
        .find(|l| l.contains("Production"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains('⊘'), "{screen}");

    // The Gate tab of v2 (the newest, first row) names the reason.
    c.send("g");
    c.send("\r");
    c.send("6");
    c.wait_for(&[
        "⊘ unapproved change: v2 holds Production: no approval, roll back or adoption record",
    ]);
    c.send("\x03");
    assert!(c.wait_exit());
}
