//! Issue 9 against the real, seeded MLflow server: NaN, +Inf and -Inf metrics (logged through
//! MLflow's REST API, sent back as "NaN" and ±1.7976931348623157e308) keep a model readable and
//! never pass a gate; a policy that guards nothing makes a target `ungated`, never passed.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use serde_json::{json, Value};
use support::governance::{fresh_model, Candidate, TestModel, GOOD};
use support::live::{code, live, stderr, stdout, Live};
use support::rest::Rest;

/// Log NaN, +Inf and -Inf metrics to version 1's run with plain REST (as a training job would
/// through MLflow's client), plus a curve with one NaN and one +Inf point.
fn log_non_finite(live: &Live, m: &TestModel) {
    let rest = Rest::new(&live.uri);
    let point = |key: &str, value: Value, step: i64| json!({"key": key, "value": value, "timestamp": 1_790_000_000_000i64 + step, "step": step});
    let mut metrics = vec![
        point("loss", json!("NaN"), 0),
        point("auc", json!("Infinity"), 0),
        point("latency_ms", json!("-Infinity"), 0),
    ];
    for (step, v) in [json!(0.9), json!("NaN"), json!("Infinity"), json!(0.5)]
        .into_iter()
        .enumerate()
    {
        metrics.push(point("val_loss", v, step as i64));
    }
    rest.post(
        "runs/log-batch",
        json!({"run_id": m.runs[0].info.run_id, "metrics": metrics}),
    );
}

const NON_FINITE_POLICY: &str = r#"
[[gate]]
id = "auc"
metric = "auc"
min = 0.65

[[gate]]
id = "latency"
metric = "latency_ms"
max = 100

[[gate]]
id = "loss"
metric = "loss"
abs_max = 1.0
"#;

#[test]
fn non_finite_metrics_keep_the_model_readable_and_never_pass() {
    let live = live();
    let m = fresh_model(&live.uri, "nonfinite", &[GOOD]);
    log_non_finite(&live, &m);
    // What the server really sends back for them.
    let raw = Rest::new(&live.uri).get("runs/get", &[("run_id", m.runs[0].info.run_id.clone())]);
    let sent: Vec<&Value> = raw["run"]["data"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| ["loss", "auc", "latency_ms"].contains(&x["key"].as_str().unwrap()))
        .map(|x| &x["value"])
        .collect();
    assert!(sent.contains(&&json!("NaN")), "{sent:?}");
    assert!(sent.contains(&&json!(f64::MAX)), "{sent:?}");
    assert!(sent.contains(&&json!(f64::MIN)), "{sent:?}");

    // versions and show read the model, in JSON and in tables.
    let versions = live.json(&["versions", &m.name, "--json"]);
    let metrics = &versions["versions"][0]["metrics"];
    assert_eq!(metrics["loss"], "NaN");
    assert_eq!(metrics["auc"], "+Inf");
    assert_eq!(metrics["latency_ms"], "-Inf");
    assert_eq!(metrics["accuracy"], 0.91);
    let table = live.tollgate(&["versions", &m.name]);
    assert_eq!(code(&table), 0, "{}", stderr(&table));
    let text = stdout(&table);
    for shown in ["NaN", "+Inf", "-Inf"] {
        assert!(text.contains(shown), "{shown} in\n{text}");
    }
    assert!(!text.contains("179769313"), "{text}");
    let show = live.json(&["show", &m.name, "1", "--json"]);
    assert_eq!(show["run"]["metrics"]["auc"], "+Inf");
    assert_eq!(show["run"]["metrics"]["loss"], "NaN");
    let show = live.tollgate(&["show", &m.name, "1"]);
    assert_eq!(code(&show), 0, "{}", stderr(&show));
    assert!(stdout(&show).contains("-Inf"), "{}", stdout(&show));
    let fairness = live.tollgate(&["fairness", &m.name, "1", "--json"]);
    assert_eq!(code(&fairness), 0, "{}", stderr(&fairness));

    // Every bound judges them invalid: never a pass.
    let policy = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::fs::write(policy.path(), NON_FINITE_POLICY).unwrap();
    let p = policy.path().to_str().unwrap();
    let gate = live.tollgate(&[
        "gate",
        "check",
        &m.name,
        "1",
        "--to",
        "Production",
        "--policy",
        p,
        "--json",
    ]);
    assert_eq!(code(&gate), 1, "{}", stderr(&gate));
    let report: Value = serde_json::from_slice(&gate.stdout).unwrap();
    assert_eq!(report["status"], "invalid");
    for (id, observed) in [("auc", "+Inf"), ("latency", "-Inf"), ("loss", "NaN")] {
        let c = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        assert_eq!(c["outcome"], "invalid", "{c}");
        assert_eq!(c["observed"], observed, "{c}");
    }
    assert_eq!(report["state"]["metrics"]["loss"], "NaN");
    let table = live.tollgate(&[
        "gate",
        "check",
        &m.name,
        "1",
        "--to",
        "Production",
        "--policy",
        p,
    ]);
    assert_eq!(code(&table), 1);
    assert!(stdout(&table).contains("INVALID"), "{}", stdout(&table));
    assert!(
        stdout(&table).contains("invalid  +Inf"),
        "{}",
        stdout(&table)
    );

    // The evidence pack is written, and says what it could not draw.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pack");
    let pack = live.json(&[
        "export",
        &m.name,
        "1",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    let files: Vec<&str> = pack["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"metrics-val_loss.png"), "{files:?}");
    let evidence: Value =
        serde_json::from_slice(&std::fs::read(out.join("evidence.json")).unwrap()).unwrap();
    assert_eq!(
        evidence["curves"]["val_loss"]["non_finite"],
        json!([[1.0, "NaN"], [2.0, "+Inf"]])
    );
    assert_eq!(
        evidence["curves"]["val_loss"]["points"],
        json!([[0.0, 0.9], [3.0, 0.5]])
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for shown in [
        "NaN",
        "+Inf",
        "-Inf",
        "2 not drawn: NaN at step 1, +Inf at step 2",
    ] {
        assert!(report.contains(shown), "{shown} in report.md");
    }
}

/// Accuracy 0.60: any real accuracy gate would refuse it.
const POOR: Candidate = Candidate {
    accuracy: 0.60,
    disparate_impact: 0.9,
};

#[test]
fn a_policy_that_guards_nothing_is_ungated_and_approve_refuses() {
    let live = live();
    let m = fresh_model(&live.uri, "ungated", &[POOR]);
    // Only comments, and overrides allowed: still no promotion.
    std::fs::write(
        m.policy.path(),
        "# gates to come\n[settings]\nfour_eyes = false\nallow_override = true\n",
    )
    .unwrap();
    let p = m.policy_path();
    let gate = live.tollgate(&[
        "gate",
        "check",
        &m.name,
        "1",
        "--to",
        "Production",
        "--policy",
        &p,
        "--json",
    ]);
    assert_eq!(code(&gate), 1, "{}", stderr(&gate));
    let report: Value = serde_json::from_slice(&gate.stdout).unwrap();
    assert_eq!(report["status"], "ungated");
    assert_eq!(report["checks"], json!([]));
    let table = live.tollgate(&[
        "gate",
        "check",
        &m.name,
        "1",
        "--to",
        "Production",
        "--policy",
        &p,
    ]);
    assert_eq!(code(&table), 1);
    assert!(stdout(&table).contains("UNGATED"), "{}", stdout(&table));

    let approve = live.tollgate_with(
        &[
            "approve",
            &m.name,
            "1",
            "--to",
            "Production",
            "--comment",
            "ship",
            "--justification",
            "no gates yet",
            "--yes",
            "--policy",
            &p,
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert_eq!(code(&approve), 1, "{}", stdout(&approve));
    assert!(stderr(&approve).contains("ungated"), "{}", stderr(&approve));
    assert_eq!(m.version("1").stage(), None);
    assert!(m.tag("1", "tollgate.decision.Production").is_none());

    // The policy may opt in.
    std::fs::write(
        m.policy.path(),
        "[settings]\nfour_eyes = false\nallow_ungated = true\n",
    )
    .unwrap();
    let gate = live.tollgate(&[
        "gate",
        "check",
        &m.name,
        "1",
        "--to",
        "Production",
        "--policy",
        &p,
        "--json",
    ]);
    assert_eq!(code(&gate), 0, "{}", stderr(&gate));
    let approve = live.tollgate_with(
        &[
            "approve",
            &m.name,
            "1",
            "--to",
            "Production",
            "--comment",
            "ship",
            "--yes",
            "--policy",
            &p,
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert_eq!(code(&approve), 0, "{}", stderr(&approve));
    assert_eq!(m.version("1").stage(), Some("Production"));
}
