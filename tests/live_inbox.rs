//! The shared inbox (registry::pending_requests) against the real, seeded MLflow server: the
//! cockpit's `:inbox` and `tollgate inbox` read the same requests, oldest first.

mod support;

use serde_json::Value;
use support::governance::{client, fresh_model, rt, GOOD, UNFAIR};
use support::live::{live, stderr, stdout};
use tollgate::governance::{Stage, Target};
use tollgate::registry::Registry;

fn request(live: &support::live::Live, model: &str, version: &str, to: &str, policy: &str) {
    let out = live.tollgate_with(
        &[
            "request",
            model,
            version,
            "--to",
            to,
            "--comment",
            "ready for review",
            "--yes",
            "--policy",
            policy,
        ],
        &[("TOLLGATE_USER", "alice")],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn pending_requests_are_shared_by_the_cli_and_the_cockpit() {
    let live = live();
    let m = fresh_model(&live.uri, "inbox", &[GOOD, UNFAIR]);
    let p = m.policy_path();
    request(&live, &m.name, "2", "Production", &p);
    request(&live, &m.name, "1", "@champion", &p);

    let registry = Registry::new(client(&live.uri), 1000);
    let all = rt().block_on(registry.pending_requests()).unwrap();
    assert!(
        all.windows(2)
            .all(|w| w[0].requested_at <= w[1].requested_at),
        "oldest first"
    );
    let mine: Vec<_> = all.iter().filter(|r| r.model == m.name).collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert_eq!(
        (mine[0].version.as_str(), &mine[0].target),
        ("2", &Target::Stage(Stage::Production))
    );
    assert_eq!(
        (mine[1].version.as_str(), &mine[1].target),
        ("1", &Target::Alias("champion".into()))
    );
    assert!(mine.iter().all(|r| r.requested_by == "alice"));
    assert!(mine.iter().all(|r| r.comment == "ready for review"));
    assert_eq!(
        mine[0].gate.as_deref(),
        Some("fail"),
        "v2 fails four-fifths"
    );
    assert_eq!(mine[1].gate.as_deref(), Some("pass"));
    assert!(mine.iter().all(|r| r.age_minutes >= 0));
    assert_eq!(
        tollgate::app::pending_marks(&all).get(&m.name),
        Some(&2),
        "the models list's marker counts both"
    );

    // The CLI prints the same requests in the same order.
    let inbox = live.json(&["inbox", "--json"]);
    let cli: Vec<(String, String)> = inbox["pending"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["model"] == m.name.as_str())
        .map(|p: &Value| {
            (
                p["version"].as_str().unwrap().to_string(),
                p["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        cli,
        mine.iter()
            .map(|r| (r.version.clone(), r.target.to_string()))
            .collect::<Vec<_>>()
    );
}
