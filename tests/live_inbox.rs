//! The shared inbox (registry::pending_requests) against the real, seeded MLflow server: the
//! cockpit's `:inbox` and `tollgate inbox` read the same requests, oldest first, each verified
//! against its audit run and report.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use serde_json::Value;
use support::forge::Forgery;
use support::governance::{fresh_model, GOOD, UNFAIR};
use support::live::{live, stderr, stdout};
use support::rest::Rest;
use support::{client, rt};
use tollgate::governance::{Stage, Target};
use tollgate::registry::{Registry, AUDIT_EXPERIMENT, INDEXED_TAG, PENDING_FLAG};

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
    // Request times are kept to the second; requests in the same second list by version.
    std::thread::sleep(std::time::Duration::from_millis(1100));
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

/// The inbox's gate status comes from the request's report, never from a tag; a request whose
/// tags, audit run and report do not make a whole record is marked unverified. The gate tag
/// holds the report's real status (`missing` stays `missing`; before, it was written `fail`).
#[test]
fn forged_requests_are_unverified_and_the_gate_comes_from_the_report() {
    let live = live();
    let m = fresh_model(&live.uri, "inbox-forged", &[GOOD, UNFAIR]);
    let p = m.policy_path();
    // A real request (v2 fails four-fifths).
    request(&live, &m.name, "2", "Production", &p);
    // A real request under a policy whose evidence is absent: its report is `missing`.
    let missing_policy = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::fs::write(
        missing_policy.path(),
        "[[gate]]\nid = \"auc\"\nmetric = \"auc\"\nmin = 0.8\n",
    )
    .unwrap();
    request(
        &live,
        &m.name,
        "1",
        "Staging",
        &missing_policy.path().display().to_string(),
    );
    assert_eq!(
        m.tag("1", "tollgate.gate.Staging").as_deref(),
        Some("missing")
    );
    // The attacker: request tags, a gate tag saying pass, and a FINISHED audit run naming a
    // report digest whose artifact does not exist.
    let rest = Rest::new(&live.uri);
    let digest = "ab".repeat(32);
    let forgery = Forgery {
        model: &m.name,
        version: "1",
        target: "@champion",
        target_key: "alias:champion",
        decision: "requested",
        by: "mallory",
        report_digest: Some(&digest),
        gate_status: Some("pass"),
        previous_holder: None,
    };
    forgery.tags(&rest);
    forgery.set_tag(&rest, "tollgate.gate.alias:champion", "pass");
    // The inbox finds requests by their flag; a forger wanting to be seen sets it too.
    forgery.set_tag(&rest, PENDING_FLAG, "true");
    forgery.audit_run(&rest, true);
    // Tags alone, no audit run at all.
    let bare = Forgery {
        version: "2",
        target: "@challenger",
        target_key: "alias:challenger",
        report_digest: None,
        gate_status: None,
        ..forgery
    };
    bare.tags(&rest);
    bare.set_tag(&rest, "tollgate.gate.alias:challenger", "pass");
    bare.set_tag(&rest, PENDING_FLAG, "true");

    let inbox = live.json(&["inbox", "--json"]);
    let mine: Vec<&Value> = inbox["pending"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["model"] == m.name.as_str())
        .collect();
    let row = |version: &str, target: &str| {
        *mine
            .iter()
            .find(|p| p["version"] == version && p["target"] == target)
            .unwrap_or_else(|| panic!("no v{version} {target} in {inbox}"))
    };
    let real = row("2", "Production");
    assert_eq!(real["gate"], "fail", "{real}");
    assert_eq!(
        real["verification"],
        serde_json::json!({"status": "verified"})
    );
    let missing = row("1", "Staging");
    assert_eq!(missing["gate"], "missing", "{missing}");
    assert_eq!(missing["verification"]["status"], "verified", "{missing}");

    let forged = row("1", "@champion");
    assert!(forged["gate"].is_null(), "not the tag's 'pass': {forged}");
    assert_eq!(forged["verification"]["status"], "unverified", "{forged}");
    assert_eq!(
        forged["verification"]["reasons"][0]["code"], "report_missing",
        "{forged}"
    );
    let bare = row("2", "@challenger");
    assert!(bare["gate"].is_null(), "{bare}");
    assert_eq!(
        bare["verification"]["reasons"][0]["code"], "no_audit_run",
        "{bare}"
    );
    // The table: the gate says there is no report, the record says unverified.
    let text = stdout(&live.tollgate(&["inbox"]));
    let line = text
        .lines()
        .find(|l| l.contains(&m.name) && l.contains("@champion"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("no report") && line.contains("! unverified"),
        "{text}"
    );
}

fn decide(live: &support::live::Live, verb: &str, model: &str, version: &str, to: &str, p: &str) {
    let out = live.tollgate_with(
        &[
            verb,
            model,
            version,
            "--to",
            to,
            "--comment",
            "done",
            "--yes",
            "--policy",
            p,
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

fn listed(live: &support::live::Live, model: &str) -> Vec<(String, String)> {
    let inbox = live.json(&["inbox", "--json"]);
    inbox["pending"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["model"] == model)
        .map(|p| {
            (
                p["version"].as_str().unwrap().to_string(),
                p["target"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A request flags its version (`tollgate.pending` = `true`); the flag stays while any request
/// on the version is open, and the last answer flips it to `false` (EDIT rights cannot delete
/// a version tag). The inbox finds requests by the flag, and only what the decision tags say
/// is pending is listed: a flag left on by hand lists nothing.
#[test]
fn a_request_flags_its_version_and_the_last_answer_flips_the_flag() {
    let live = live();
    let m = fresh_model(&live.uri, "inbox-flag", &[GOOD]);
    let p = m.policy_path();
    request(&live, &m.name, "1", "Production", &p);
    assert_eq!(m.tag("1", PENDING_FLAG).as_deref(), Some("true"));
    request(&live, &m.name, "1", "@champion", &p);
    decide(&live, "approve", &m.name, "1", "Production", &p);
    assert_eq!(
        m.tag("1", PENDING_FLAG).as_deref(),
        Some("true"),
        "the @champion request is still open"
    );
    assert_eq!(listed(&live, &m.name), [("1".into(), "@champion".into())]);
    decide(&live, "reject", &m.name, "1", "@champion", &p);
    assert_eq!(m.tag("1", PENDING_FLAG).as_deref(), Some("false"));
    assert!(listed(&live, &m.name).is_empty());

    // A flag set by hand on a version with no open request lists nothing.
    let rest = Rest::new(&live.uri);
    rest.post(
        "model-versions/set-tag",
        serde_json::json!({"name": m.name, "version": "1", "key": PENDING_FLAG, "value": "true"}),
    );
    assert!(listed(&live, &m.name).is_empty());
}

/// Requests recorded before the flag existed (decision tags, no flag) are found once: while
/// the audit experiment lacks its `tollgate.pending_indexed` tag the inbox reads every
/// version, flags the open requests it finds and marks the experiment; `--rescan` scans again.
#[test]
fn requests_from_before_the_flag_are_found_once_and_flagged() {
    let live = live();
    let m = fresh_model(&live.uri, "inbox-legacy", &[GOOD, UNFAIR]);
    let p = m.policy_path();
    request(&live, &m.name, "1", "Production", &p);
    // v2's request as an older tollgate wrote it: the decision tags and audit run, no flag.
    request(&live, &m.name, "2", "Staging", &p);
    let rest = Rest::new(&live.uri);
    let unflag = |value: &str| {
        rest.post(
            "model-versions/set-tag",
            serde_json::json!({"name": m.name, "version": "2", "key": PENDING_FLAG, "value": value}),
        );
    };
    unflag("false");
    let registry = Registry::new(client(&live.uri), 1000);
    let experiment = rt()
        .block_on(registry.client().get_experiment_by_name(AUDIT_EXPERIMENT))
        .unwrap();
    let set_indexed = |value: &str| {
        rest.post(
            "experiments/set-experiment-tag",
            serde_json::json!({"experiment_id": experiment.experiment_id, "key": INDEXED_TAG, "value": value}),
        );
    };
    // Indexed: the flag is trusted, so the unflagged request is not seen.
    set_indexed("1");
    assert_eq!(listed(&live, &m.name), [("1".into(), "Production".into())]);

    // Not indexed (as on a registry an older tollgate used): one scan finds and flags it.
    set_indexed("");
    let mine = |all: Vec<tollgate::registry::PendingRequest>| -> Vec<String> {
        all.into_iter()
            .filter(|r| r.model == m.name)
            .map(|r| r.version)
            .collect()
    };
    let found = rt().block_on(registry.pending_requests()).unwrap();
    assert_eq!(mine(found), ["1", "2"]);
    assert_eq!(m.tag("2", PENDING_FLAG).as_deref(), Some("true"));
    let marked = rt()
        .block_on(registry.client().get_experiment_by_name(AUDIT_EXPERIMENT))
        .unwrap();
    assert!(
        marked
            .tags
            .iter()
            .any(|t| t.key == INDEXED_TAG && t.value == "1"),
        "{:?}",
        marked.tags
    );
    assert_eq!(
        listed(&live, &m.name),
        [
            ("1".into(), "Production".into()),
            ("2".into(), "Staging".into())
        ],
        "found by the flag from now on"
    );

    // `--rescan` finds a request that lost its flag, whatever the experiment says.
    unflag("false");
    let out = live.tollgate(&["inbox", "--json", "--rescan"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(m.tag("2", PENDING_FLAG).as_deref(), Some("true"));
}
