//! Changes made behind tollgate's back, and attestations, against the real MLflow server: a
//! version promoted with the raw REST API (transition-stage, set alias) or a decision tag set by
//! hand is caught by `audit --verify` (exit 1, named in text and JSON); tollgate's own approvals
//! are not. `attest` hashes a seeded version's real sklearn artifacts, checked here against the
//! files on the server's disk.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::governance::{fresh_model, TestModel, GOOD};
use support::live::{code, live, stderr, stdout, Live};
use support::rest::Rest;

fn approve(live: &Live, m: &TestModel, version: &str, target: &str) {
    let out = live.tollgate_with(
        &[
            "approve",
            &m.name,
            version,
            "--to",
            target,
            "--comment",
            "reviewed",
            "--yes",
            "--policy",
            &m.policy_path(),
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}

fn verify(live: &Live, m: &TestModel, json: bool) -> std::process::Output {
    let p = m.policy_path();
    let mut args = vec!["audit", &m.name, "--verify", "--policy", &p];
    if json {
        args.push("--json");
    }
    live.tollgate(&args)
}

fn changes(out: &std::process::Output) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["unapproved_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["version"].as_str().unwrap().to_string(),
                c["target"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn raw_promotions_are_unapproved_changes_and_tollgate_approvals_are_not() {
    let live = live();
    let m = fresh_model(&live.uri, "backs", &[GOOD, GOOD, GOOD]);
    approve(&live, &m, "1", "Staging");
    approve(&live, &m, "1", "@champion");

    // Everything tollgate did is accounted for.
    let out = verify(&live, &m, false);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("verified:"), "{}", stdout(&out));
    let out = verify(&live, &m, true);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(changes(&out).is_empty());

    // Behind tollgate's back: transition-stage and set-alias straight through the REST API.
    let rest = Rest::new(&live.uri);
    rest.post(
        "model-versions/transition-stage",
        json!({"name": m.name, "version": "2", "stage": "Production",
               "archive_existing_versions": false}),
    );
    rest.post(
        "registered-models/alias",
        json!({"name": m.name, "alias": "champion", "version": "3"}),
    );

    let out = verify(&live, &m, true);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert_eq!(
        changes(&out),
        [
            ("2".into(), "Production".into(), "holder".into()),
            ("3".into(), "@champion".into(), "holder".into()),
        ]
    );
    let text = verify(&live, &m, false);
    assert_eq!(code(&text), 1);
    let printed = stdout(&text);
    assert!(
        printed.contains(
            "! unapproved change: v2 holds Production: no approval, roll back or adoption record"
        ),
        "{printed}"
    );
    assert!(
        printed.contains("! unapproved change: v3 holds @champion"),
        "{printed}"
    );
    assert!(
        stderr(&text).contains("does not verify (2 problems)"),
        "{}",
        stderr(&text)
    );

    // Moving @champion back by hand to v1, the version tollgate approved, ends that change.
    rest.post(
        "registered-models/alias",
        json!({"name": m.name, "alias": "champion", "version": "1"}),
    );
    let out = verify(&live, &m, true);
    assert_eq!(
        changes(&out),
        [("2".into(), "Production".into(), "holder".into())]
    );
}

#[test]
fn an_approval_after_a_raw_promotion_covers_only_what_it_moved() {
    let live = live();
    let m = fresh_model(&live.uri, "backs-arch", &[GOOD, GOOD]);
    approve(&live, &m, "1", "Production");
    // tollgate archives v1 when v2 is approved to Production.
    approve(&live, &m, "2", "Production");
    assert_eq!(m.version("1").stage(), Some("Archived"));
    let out = verify(&live, &m, true);
    assert_eq!(code(&out), 0, "{}", stdout(&out));

    // Put back into Production by hand: its old approval no longer covers it.
    let rest = Rest::new(&live.uri);
    rest.post(
        "model-versions/transition-stage",
        json!({"name": m.name, "version": "1", "stage": "Production",
               "archive_existing_versions": false}),
    );
    let out = verify(&live, &m, true);
    assert_eq!(code(&out), 1);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let change = &v["unapproved_changes"][0];
    assert_eq!(change["version"], "1");
    assert_eq!(change["reason"]["code"], "moved_away_since");
    assert_eq!(change["reason"]["version"], "2");
}

#[test]
fn a_decision_tag_set_by_hand_is_an_unapproved_change() {
    let live = live();
    let m = fresh_model(&live.uri, "backs-tag", &[GOOD]);
    let rest = Rest::new(&live.uri);
    for (key, value) in [
        ("tollgate.decision.Staging", "requested"),
        ("tollgate.decision.Staging.by", "mallory"),
        ("tollgate.decision.Staging.at", "2026-11-20T10:00:00Z"),
    ] {
        rest.post(
            "model-versions/set-tag",
            json!({"name": m.name, "version": "1", "key": key, "value": value}),
        );
    }
    let out = verify(&live, &m, true);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert_eq!(
        changes(&out),
        [("1".into(), "Staging".into(), "decision_tag".into())]
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["unapproved_changes"][0]["reason"]["by"], "mallory");
}

/// The seeded version's files as the server stores them on disk (not through tollgate).
fn disk_file(model_id: &str, name: &str) -> Vec<u8> {
    let data = std::env::var("TOLLGATE_TEST_DATA_DIR")
        .expect("TOLLGATE_TEST_DATA_DIR names the server's data directory");
    let root = std::path::Path::new(&data).join("artifacts");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.ends_with(std::path::Path::new(model_id).join("artifacts")) {
                return std::fs::read(path.join(name)).unwrap();
            }
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    panic!("no artifacts of {model_id} under {data}");
}

#[test]
fn attest_hashes_the_versions_real_artifacts() {
    let live = live();
    let model = "credit-risk-scorer";
    let seeded = live.model(model)["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == "4")
        .unwrap()
        .clone();
    let model_id = seeded["model_id"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v4.intoto.json");
    let out = live.tollgate(&["attest", model, "4", "--out", file.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("artifact file(s)"),
        "{}",
        stdout(&out)
    );

    let statement: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(
        statement["predicateType"],
        "https://tollgate.dev/attestation/governance/v1"
    );
    let predicate = &statement["predicate"];
    assert_eq!(predicate["subject_kind"], "artifact_files");
    assert_eq!(predicate["model_uri"], "models:/credit-risk-scorer/4");
    let subject = statement["subject"].as_array().unwrap();
    let names: Vec<&str> = subject
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"MLmodel"), "{names:?}");
    assert!(names.contains(&"model.pkl"), "{names:?}");
    // Recompute one digest from the file the server stores.
    let pickle = disk_file(model_id, "model.pkl");
    let expected = hex::encode(Sha256::digest(&pickle));
    let listed = subject.iter().find(|s| s["name"] == "model.pkl").unwrap();
    assert_eq!(listed["digest"]["sha256"], expected.as_str());
}

#[test]
fn attest_falls_back_to_the_model_uri_when_the_files_cannot_be_read() {
    let live = live();
    let m = fresh_model(&live.uri, "backs-att", &[GOOD]);
    approve(&live, &m, "1", "Staging");
    // A second version whose source is nowhere the artifacts API can read.
    Rest::new(&live.uri).post(
        "model-versions/create",
        json!({"name": m.name, "source": "s3://nowhere-tollgate-test/model"}),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.json");
    let out = live.tollgate(&[
        "attest",
        &m.name,
        "2",
        "--out",
        file.to_str().unwrap(),
        "--policy",
        &m.policy_path(),
    ]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let statement: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let predicate = &statement["predicate"];
    assert_eq!(predicate["subject_kind"], "model_uri");
    let uri = format!("models:/{}/2", m.name);
    assert_eq!(statement["subject"][0]["uri"], uri.as_str());
    assert_eq!(
        statement["subject"][0]["digest"]["sha256"],
        tollgate::export::attest::predicate_digest(predicate).as_str()
    );

    // The approved version: its files (the run's artifacts) and its decision, verified.
    let out = live.tollgate(&[
        "attest",
        &m.name,
        "1",
        "--out",
        file.to_str().unwrap(),
        "--policy",
        &m.policy_path(),
    ]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let statement: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let predicate = &statement["predicate"];
    assert_eq!(predicate["subject_kind"], "artifact_files");
    let decisions = predicate["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0]["decision"], "approved");
    assert_eq!(decisions[0]["verification"]["status"], "verified");
    assert_eq!(predicate["gate_report"]["source"], "recorded");
    assert_eq!(
        predicate["gate_report"]["report"]["digest"],
        decisions[0]["report_digest"]
    );
    assert_eq!(
        predicate["policy"]["digest"],
        predicate["gate_report"]["report"]["policy_digest"]
    );
}
