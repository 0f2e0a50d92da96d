//! A slow link (issue 12): 200 ms added to every round trip between the cockpit and the seeded
//! server. While the first answers are held back, the cockpit says what is loading and still
//! answers keys; once they pass, the models arrive. Nothing here measures time: the proxy holds
//! the answers until the test has seen what it needs, so the order is certain.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use support::live::live;
use support::pty::{Cockpit, Launch};
use support::slow_link::DelayProxy;

#[test]
fn on_a_slow_link_the_cockpit_shows_what_is_loading_and_answers_keys_meanwhile() {
    let live = live();
    let models: Vec<String> = live.manifest["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    let mut proxy = DelayProxy::start(&live.uri, 200, true);
    let mut c = Cockpit::start(Launch {
        tracking_uri: Some(proxy.url.clone()),
        ..Launch::default()
    });

    // No answer has passed the proxy: the list says it is loading the models, the header too.
    let screen = c.wait_for(&["Loading models", "loading"]);
    assert!(
        !models.iter().any(|m| screen.contains(m.as_str())),
        "data arrived through a held proxy: {screen}"
    );

    // Keys are answered meanwhile: help opens and closes, the command line takes text.
    c.send("?");
    let screen = c.wait_for(&[" Keys ", "this help"]);
    assert!(
        !models.iter().any(|m| screen.contains(m.as_str())),
        "{screen}"
    );
    c.esc();
    c.wait_until("help closed, still loading", |s| {
        !s.contains(" Keys ") && s.contains("Loading models")
    });
    c.send(":");
    c.type_text("inb");
    c.wait_for(&[":inb", "Loading models"]);
    c.esc();

    // The answers pass (each 200 ms late): the models arrive and the loading notice goes.
    proxy.release();
    let screen = c.wait_until("the models listed", |s| {
        models.iter().any(|m| s.contains(m.as_str())) && !s.contains("Loading models")
    });
    assert!(screen.contains("Models"), "{screen}");
}
