//! Governance end to end against the real, seeded MLflow server: gate outcomes, decisions,
//! four-eyes, stale reports, roll back, inbox and audit. Each test owns a fresh model.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use serde_json::Value;
use support::forge::Forgery;
use support::governance::{fresh_model, TestModel, GOOD, UNFAIR};
use support::live::{code, live, stderr, stdout};
use support::rest::Rest;

const DEMO_POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policy.toml");

#[test]
fn seeded_credit_risk_scorer_v4_passes_and_v5_fails_four_fifths() {
    let live = live();
    let v4 = live.tollgate(&[
        "gate",
        "check",
        "credit-risk-scorer",
        "4",
        "--to",
        "@champion",
        "--policy",
        DEMO_POLICY,
        "--json",
    ]);
    assert_eq!(code(&v4), 0, "{}{}", stdout(&v4), stderr(&v4));
    let r4: Value = serde_json::from_slice(&v4.stdout).unwrap();
    assert_eq!(r4["status"], "pass");

    let v5 = live.tollgate(&[
        "gate",
        "check",
        "credit-risk-scorer",
        "5",
        "--to",
        "@champion",
        "--policy",
        DEMO_POLICY,
        "--json",
    ]);
    assert_eq!(code(&v5), 1, "{}", stderr(&v5));
    let r5: Value = serde_json::from_slice(&v5.stdout).unwrap();
    assert_eq!(r5["status"], "fail");
    let ff = r5["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "four-fifths")
        .unwrap();
    assert_eq!(ff["outcome"], "fail");
    assert!((ff["observed"].as_f64().unwrap() - 0.636).abs() < 0.001);
    // The artifact gate found the seed's explanations folder; the baseline is v4 (@champion).
    let by_id = |id: &str| {
        r5["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("explainability")["outcome"], "pass");
    assert_eq!(by_id("auc-vs-champion")["source"]["baseline_version"], "4");

    let md = live.tollgate(&[
        "gate",
        "check",
        "credit-risk-scorer",
        "5",
        "--to",
        "@champion",
        "--policy",
        DEMO_POLICY,
        "--markdown",
    ]);
    assert!(stdout(&md).contains("four-fifths"), "{}", stdout(&md));
}

#[test]
fn policy_with_a_mistake_exits_2_naming_file_and_line() {
    let live = live();
    let bad = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/policies/min_greater_than_max.toml"
    );
    let out = live.tollgate(&[
        "gate",
        "check",
        "credit-risk-scorer",
        "4",
        "--to",
        "Production",
        "--policy",
        bad,
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("min_greater_than_max.toml:"), "{err}");
    assert!(err.contains("greater than max"), "{err}");
}

#[test]
fn gate_check_errors_exit_2() {
    let live = live();
    let out = live.tollgate(&[
        "gate",
        "check",
        "no-such-model-anywhere",
        "1",
        "--to",
        "Production",
        "--policy",
        DEMO_POLICY,
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let out = live.tollgate(&[
        "gate",
        "check",
        "credit-risk-scorer",
        "4",
        "--to",
        "Prod",
        "--policy",
        DEMO_POLICY,
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

#[test]
fn the_policy_comes_from_the_profile_then_the_config_directory() {
    let live = live();
    let dir = tempfile::tempdir().unwrap();
    let demo = std::fs::read_to_string(DEMO_POLICY).unwrap();
    // A profile's relative `policy` is relative to the config file.
    std::fs::write(dir.path().join("risk.toml"), &demo).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[profiles.risk]\npolicy = \"risk.toml\"\n").unwrap();
    let config_s = config.display().to_string();
    let args = [
        "--profile",
        "risk",
        "gate",
        "check",
        "credit-risk-scorer",
        "5",
        "--to",
        "@champion",
        "--json",
    ];
    let out = live.tollgate_with(&args, &[("TOLLGATE_CONFIG", &config_s)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "fail");

    // No flag, no profile policy: policy.toml in the config directory.
    let xdg = dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("tollgate")).unwrap();
    std::fs::write(xdg.join("tollgate").join("policy.toml"), &demo).unwrap();
    let out = live.tollgate_with(
        &[
            "gate",
            "check",
            "credit-risk-scorer",
            "4",
            "--to",
            "@champion",
        ],
        &[("XDG_CONFIG_HOME", &xdg.display().to_string())],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn no_policy_names_the_searched_paths() {
    let live = live();
    let out = live.tollgate(&[
        "gate",
        "check",
        "credit-risk-scorer",
        "4",
        "--to",
        "Production",
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("no policy file found") && err.contains("policy.toml"),
        "{err}"
    );
}

#[test]
fn gate_check_record_tags_the_version_and_writes_an_audit_run() {
    let live = live();
    let m = fresh_model(&live.uri, "record", &[UNFAIR]);
    let out = live.tollgate_with(
        &[
            "gate",
            "check",
            &m.name,
            "1",
            "--to",
            "@champion",
            "--policy",
            &m.policy_path(),
            "--record",
        ],
        &[("TOLLGATE_USER", "ci-bot")],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        m.tag("1", "tollgate.gate.alias:champion").as_deref(),
        Some("fail")
    );
    let audit = live.json(&["audit", &m.name, "--json"]);
    let d = &audit["decisions"][0];
    assert_eq!(d["decision"], "gate_check");
    assert_eq!(d["target"], "@champion");
    assert_eq!(d["gate_status"], "fail");
    assert_eq!(d["actor"], "ci-bot");
    // The artifact is the report, with a digest that verifies.
    let run_id = d["run_id"].as_str().unwrap();
    let bytes = support::rt()
        .block_on(m.client.get_artifact(run_id, "gate_report.json"))
        .unwrap();
    let report = tollgate::governance::GateReport::from_json(&bytes).unwrap();
    assert!(report.verify_digest());
    assert_eq!(Some(report.digest.as_str()), d["report_digest"].as_str());
}

#[test]
fn request_then_approve_moves_the_alias_and_records_everything() {
    let live = live();
    let m = fresh_model(&live.uri, "approve", &[GOOD]);
    let p = m.policy_path();
    let req = live.tollgate_with(
        &[
            "request",
            &m.name,
            "1",
            "--to",
            "@champion",
            "--comment",
            "ready",
            "--yes",
            "--policy",
            &p,
        ],
        &[("TOLLGATE_USER", "alice")],
    );
    assert_eq!(code(&req), 0, "{}{}", stdout(&req), stderr(&req));
    assert_eq!(
        m.tag("1", "tollgate.decision.alias:champion").as_deref(),
        Some("requested")
    );

    let inbox = live.json(&["inbox", "--json"]);
    let mine: Vec<&Value> = inbox["pending"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["model"] == m.name.as_str())
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["requested_by"], "alice");
    assert_eq!(mine[0]["target"], "@champion");
    assert_eq!(mine[0]["gate"], "pass");

    // Four-eyes: the requester and the run's creator may not approve.
    for who in ["alice", support::governance::CREATOR] {
        let out = live.tollgate_with(
            &[
                "approve",
                &m.name,
                "1",
                "--to",
                "@champion",
                "--comment",
                "ok",
                "--yes",
                "--policy",
                &p,
            ],
            &[("TOLLGATE_USER", who)],
        );
        assert_eq!(code(&out), 1, "{who}: {}", stdout(&out));
        assert!(stderr(&out).contains("four-eyes"), "{}", stderr(&out));
        assert!(m.version("1").aliases.is_empty());
    }

    let ok = live.tollgate_with(
        &[
            "approve",
            &m.name,
            "1",
            "--to",
            "@champion",
            "--comment",
            "looks good",
            "--yes",
            "--policy",
            &p,
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert_eq!(code(&ok), 0, "{}{}", stdout(&ok), stderr(&ok));
    assert_eq!(m.version("1").aliases, ["champion"]);
    let key = "tollgate.decision.alias:champion";
    assert_eq!(m.tag("1", key).as_deref(), Some("approved"));
    assert_eq!(m.tag("1", &format!("{key}.by")).as_deref(), Some("bob"));
    assert_eq!(
        m.tag("1", &format!("{key}.by_source")).as_deref(),
        Some("TOLLGATE_USER")
    );
    assert_eq!(
        m.tag("1", &format!("{key}.requested_by")).as_deref(),
        Some("alice")
    );
    assert_eq!(
        m.tag("1", &format!("{key}.comment")).as_deref(),
        Some("looks good")
    );
    assert!(m.tag("1", &format!("{key}.report_digest")).unwrap().len() == 64);

    // A second approval notices the version already holds the target.
    let again = live.tollgate_with(
        &[
            "approve",
            &m.name,
            "1",
            "--to",
            "@champion",
            "--comment",
            "again",
            "--yes",
            "--policy",
            &p,
        ],
        &[("TOLLGATE_USER", "carol")],
    );
    assert_eq!(code(&again), 1);
    assert!(
        stderr(&again).contains("already holds"),
        "{}",
        stderr(&again)
    );

    let audit = live.json(&["audit", &m.name, "--json"]);
    let decisions: Vec<&str> = audit["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["requested", "approved"]);
    assert_eq!(audit["decisions"][1]["actor"], "bob");
}

#[test]
fn failing_gates_refuse_approval_and_reject_changes_nothing() {
    let live = live();
    let m = fresh_model(&live.uri, "reject", &[UNFAIR]);
    let p = m.policy_path();
    let out = live.tollgate_with(
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
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("four-fifths"), "{}", stderr(&out));
    assert_eq!(m.version("1").stage(), None);
    assert!(m.tag("1", "tollgate.decision.Production").is_none());

    let rej = live.tollgate_with(
        &[
            "reject",
            &m.name,
            "1",
            "--to",
            "Production",
            "--comment",
            "disparate impact",
            "--yes",
            "--policy",
            &p,
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert_eq!(code(&rej), 0, "{}", stderr(&rej));
    assert_eq!(m.version("1").stage(), None);
    assert_eq!(
        m.tag("1", "tollgate.decision.Production").as_deref(),
        Some("rejected")
    );
    let audit = live.json(&["audit", &m.name, "--json"]);
    assert_eq!(audit["decisions"][0]["decision"], "rejected");
    assert_eq!(audit["decisions"][0]["target"], "Production");
}

#[test]
fn approval_to_a_stage_transitions_it() {
    let live = live();
    let m = fresh_model(&live.uri, "stage", &[GOOD]);
    let out = live.tollgate_with(
        &[
            "approve",
            &m.name,
            "1",
            "--to",
            "Staging",
            "--comment",
            "to staging",
            "--yes",
            "--policy",
            &m.policy_path(),
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(m.version("1").stage(), Some("Staging"));
    assert_eq!(
        m.tag("1", "tollgate.decision.Staging").as_deref(),
        Some("approved")
    );
}

#[test]
fn a_changed_metric_makes_the_reviewed_report_stale() {
    let live = live();
    let m = fresh_model(&live.uri, "stale", &[GOOD]);
    let p = m.policy_path();
    let check = live.tollgate(&[
        "gate",
        "check",
        &m.name,
        "1",
        "--to",
        "@champion",
        "--policy",
        &p,
        "--json",
    ]);
    assert_eq!(code(&check), 0, "{}", stderr(&check));
    let report = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(report.path(), &check.stdout).unwrap();
    m.change_metric(1, "accuracy", 0.88);
    let out = live.tollgate_with(
        &[
            "approve",
            &m.name,
            "1",
            "--to",
            "@champion",
            "--comment",
            "ok",
            "--yes",
            "--policy",
            &p,
            "--report",
            &report.path().display().to_string(),
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("metric accuracy"), "{}", stdout(&out));
    assert!(stderr(&out).contains("stale"), "{}", stderr(&out));
    assert!(m.version("1").aliases.is_empty());
    assert!(m.tag("1", "tollgate.decision.alias:champion").is_none());
}

#[test]
fn rollback_returns_the_alias_to_the_previous_holder() {
    let live = live();
    let m = fresh_model(&live.uri, "rollback", &[GOOD, GOOD]);
    let p = m.policy_path();
    for v in ["1", "2"] {
        let out = live.tollgate_with(
            &[
                "approve",
                &m.name,
                v,
                "--to",
                "@champion",
                "--comment",
                "promote",
                "--yes",
                "--policy",
                &p,
            ],
            &[("TOLLGATE_USER", "bob")],
        );
        assert_eq!(code(&out), 0, "v{v}: {}{}", stdout(&out), stderr(&out));
    }
    assert_eq!(m.version("2").aliases, ["champion"]);
    let out = live.tollgate_with(
        &[
            "rollback",
            &m.name,
            "--to",
            "@champion",
            "--comment",
            "latency regression",
            "--yes",
        ],
        &[("TOLLGATE_USER", "oncall")],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(m.version("1").aliases, ["champion"]);
    assert_eq!(
        m.tag("1", "tollgate.decision.alias:champion").as_deref(),
        Some("rolled_back")
    );
    let audit = live.json(&["audit", &m.name, "--json"]);
    let last = audit["decisions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["decision"], "rolled_back");
    assert_eq!(last["version"], "1");
    assert_eq!(last["actor"], "oncall");
}

#[test]
fn writes_need_confirmation_and_are_refused_read_only() {
    let live = live();
    let m = fresh_model(&live.uri, "confirm", &[GOOD]);
    let p = m.policy_path();
    let args = [
        "approve",
        &m.name,
        "1",
        "--to",
        "@champion",
        "--comment",
        "ok",
        "--policy",
        &p,
    ];
    // No --yes and no terminal: refused before anything is written.
    let out = live.tollgate_with(&args, &[("TOLLGATE_USER", "bob")]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    let mut ro = vec!["--read-only"];
    ro.extend(args);
    ro.push("--yes");
    let out = live.tollgate_with(&ro, &[("TOLLGATE_USER", "bob")]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert!(m.version("1").aliases.is_empty());
    assert!(m.tag("1", "tollgate.decision.alias:champion").is_none());
}

#[test]
fn two_concurrent_approvals_promote_once() {
    let live = live();
    let m = fresh_model(&live.uri, "race", &[GOOD]);
    let p = m.policy_path();
    let spawn = |who: &str| {
        let live = support::live::Live {
            uri: live.uri.clone(),
            manifest: Value::Null,
        };
        let (name, policy, who) = (m.name.clone(), p.clone(), who.to_string());
        std::thread::spawn(move || {
            live.tollgate_with(
                &[
                    "approve",
                    &name,
                    "1",
                    "--to",
                    "@champion",
                    "--comment",
                    "go",
                    "--yes",
                    "--policy",
                    &policy,
                ],
                &[("TOLLGATE_USER", &who)],
            )
        })
    };
    let (a, b) = (spawn("bob"), spawn("carol"));
    let outs = [a.join().unwrap(), b.join().unwrap()];
    let ok: Vec<_> = outs.iter().filter(|o| code(o) == 0).collect();
    assert_eq!(
        ok.len(),
        1,
        "{:?}",
        outs.iter().map(stderr).collect::<Vec<_>>()
    );
    let loser = outs.iter().find(|o| code(o) != 0).unwrap();
    assert_eq!(code(loser), 1);
    assert!(
        stderr(loser).contains("came first") || stderr(loser).contains("already holds"),
        "{}",
        stderr(loser)
    );
    assert_eq!(m.version("1").aliases, ["champion"]);
    let audit = live.json(&["audit", &m.name, "--json"]);
    assert_eq!(audit["count"], 1, "{audit}");
    assert!(m.tag("1", "tollgate.claim.alias:champion").is_none());
}

#[test]
fn an_override_needs_the_policy_and_a_justification() {
    let live = live();
    let m = fresh_model(&live.uri, "override", &[UNFAIR]);
    let lenient =
        support::governance::POLICY.replace("allow_override = false", "allow_override = true");
    std::fs::write(m.policy.path(), lenient).unwrap();
    let p = m.policy_path();
    let base = [
        "approve",
        &m.name,
        "1",
        "--to",
        "@challenger",
        "--comment",
        "known gap",
        "--yes",
        "--policy",
        &p,
    ];
    let out = live.tollgate_with(&base, &[("TOLLGATE_USER", "bob")]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("--justification"), "{}", stderr(&out));
    assert!(m.version("1").aliases.is_empty());

    let mut with = base.to_vec();
    with.extend(["--justification", "shadow traffic only; fairness fix in v2"]);
    let out = live.tollgate_with(&with, &[("TOLLGATE_USER", "bob")]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("OVERRIDE"), "{}", stdout(&out));
    assert_eq!(m.version("1").aliases, ["challenger"]);
    assert_eq!(
        m.tag("1", "tollgate.decision.alias:challenger.override")
            .as_deref(),
        Some("shadow traffic only; fairness fix in v2")
    );
    let audit = live.json(&["audit", &m.name, "--json"]);
    assert_eq!(
        audit["decisions"][0]["override_justification"],
        "shadow traffic only; fairness fix in v2"
    );
    assert_eq!(audit["decisions"][0]["gate_status"], "fail");
}

#[test]
fn rollback_of_a_stage_returns_production_to_the_previous_version() {
    let live = live();
    let m = fresh_model(&live.uri, "stage-rollback", &[GOOD, GOOD]);
    let p = m.policy_path();
    for v in ["1", "2"] {
        let out = live.tollgate_with(
            &[
                "approve",
                &m.name,
                v,
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
        assert_eq!(code(&out), 0, "v{v}: {}{}", stdout(&out), stderr(&out));
    }
    // Production archives the previous holder by default.
    assert_eq!(m.version("1").stage(), Some("Archived"));
    assert_eq!(m.version("2").stage(), Some("Production"));
    let out = live.tollgate_with(
        &[
            "rollback",
            &m.name,
            "--to",
            "Production",
            "--comment",
            "bad release",
            "--yes",
        ],
        &[("TOLLGATE_USER", "oncall")],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(m.version("1").stage(), Some("Production"));
    assert_eq!(m.version("2").stage(), Some("Archived"));
}

/// The first approval through tollgate records the version it replaced (promoted before
/// tollgate was used), so rolling back has somewhere to go without earlier audit history.
#[test]
fn rollback_after_the_first_tollgate_approval_returns_to_the_version_it_replaced() {
    let live = live();
    let m = fresh_model(&live.uri, "first-rollback", &[GOOD, GOOD]);
    let p = m.policy_path();
    // v1 reached Production outside tollgate: no audit run knows it.
    support::rt()
        .block_on(m.client.transition_stage(&m.name, "1", "Production", false))
        .unwrap();
    let out = live.tollgate_with(
        &[
            "approve",
            &m.name,
            "2",
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
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(m.version("1").stage(), Some("Archived"));
    let audit = live.tollgate(&["audit", &m.name, "--json"]);
    let audit: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    assert_eq!(audit["decisions"][0]["previous_holder"], "1", "{audit}");

    let out = live.tollgate_with(
        &[
            "rollback",
            &m.name,
            "--to",
            "Production",
            "--comment",
            "bad release",
            "--yes",
        ],
        &[("TOLLGATE_USER", "oncall")],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(m.version("1").stage(), Some("Production"));
    assert_eq!(m.version("2").stage(), Some("Archived"));
}

fn approve(live: &support::live::Live, m: &TestModel, version: &str, to: &str) {
    let p = m.policy_path();
    let out = live.tollgate_with(
        &[
            "approve",
            &m.name,
            version,
            "--to",
            to,
            "--comment",
            "ship",
            "--yes",
            "--policy",
            &p,
        ],
        &[("TOLLGATE_USER", "bob")],
    );
    assert_eq!(
        code(&out),
        0,
        "v{version}: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The audit record written by run `run_id`, from `audit --json`.
fn audit_record(live: &support::live::Live, model: &str, run_id: &str) -> Value {
    let audit = live.json(&["audit", model, "--json"]);
    audit["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["run_id"] == run_id)
        .cloned()
        .unwrap_or_else(|| panic!("no run {run_id} in {audit}"))
}

fn reason_codes(record: &Value) -> Vec<String> {
    record["verification"]["reasons"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|x| x["code"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// An attacker with EDIT rights and curl writes decision tags and an approval audit run (left
/// RUNNING, no report) naming v3, never approved and failing four-fifths, as the version v2
/// replaced. `audit` shows it unverified, and `rollback` skips it, names it, and returns
/// Production to v1 (before: it moved Production to v3).
#[test]
fn forged_records_read_unverified_and_never_steer_a_rollback() {
    let live = live();
    let m = fresh_model(&live.uri, "forged", &[GOOD, GOOD, UNFAIR]);
    approve(&live, &m, "1", "Production");
    approve(&live, &m, "2", "Production");
    assert_eq!(m.version("2").stage(), Some("Production"));

    let rest = Rest::new(&live.uri);
    let forgery = Forgery {
        model: &m.name,
        version: "2",
        target: "Production",
        target_key: "Production",
        decision: "approved",
        by: "mallory",
        report_digest: None,
        gate_status: None,
        previous_holder: Some("3"),
    };
    forgery.tags(&rest);
    let (_, forged_run) = forgery.audit_run(&rest, false);

    let forged = audit_record(&live, &m.name, &forged_run);
    assert_eq!(forged["verification"]["status"], "unverified", "{forged}");
    let codes = reason_codes(&forged);
    assert!(
        codes.contains(&"run_not_finished".to_string())
            && codes.contains(&"no_report_digest".to_string()),
        "{forged}"
    );
    // The real approvals, made with tollgate, are whole.
    let audit = live.json(&["audit", &m.name, "--json"]);
    let real: Vec<&Value> = audit["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["actor"] == "bob")
        .collect();
    assert_eq!(real.len(), 2, "{audit}");
    for r in real {
        assert_eq!(
            r["verification"],
            serde_json::json!({"status": "verified"}),
            "{r}"
        );
    }
    // The table says it in words too.
    let text = stdout(&live.tollgate(&["audit", &m.name]));
    assert!(
        text.contains("! unverified") && text.contains(&forged_run),
        "{text}"
    );

    let out = live.tollgate_with(
        &[
            "rollback",
            &m.name,
            "--to",
            "Production",
            "--comment",
            "bad release",
            "--yes",
        ],
        &[("TOLLGATE_USER", "oncall")],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("skipped approved v2") && said.contains(&forged_run),
        "{said}"
    );
    assert_ne!(m.version("3").stage(), Some("Production"));
    assert_eq!(m.version("1").stage(), Some("Production"));
}

/// The limit of checking records for consistency: a complete forgery (every tag, a FINISHED
/// audit run and a report artifact with the recorded digest) reads as verified. Only
/// signatures close this (see the README).
#[test]
fn a_complete_forgery_still_reads_verified() {
    let live = live();
    let m = fresh_model(&live.uri, "complete-forgery", &[GOOD]);
    let p = m.policy_path();
    let out = live.tollgate(&[
        "gate",
        "check",
        &m.name,
        "1",
        "--to",
        "@champion",
        "--json",
        "--policy",
        &p,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let digest = report["digest"].as_str().unwrap();

    let rest = Rest::new(&live.uri);
    let forgery = Forgery {
        model: &m.name,
        version: "1",
        target: "@champion",
        target_key: "alias:champion",
        decision: "approved",
        by: "mallory",
        report_digest: Some(digest),
        gate_status: Some("pass"),
        previous_holder: None,
    };
    forgery.tags(&rest);
    let (experiment_id, run_id) = forgery.audit_run(&rest, true);
    rest.put_artifact(
        &experiment_id,
        &run_id,
        "gate_report.json",
        out.stdout.clone(),
    );

    let record = audit_record(&live, &m.name, &run_id);
    assert_eq!(
        record["verification"],
        serde_json::json!({"status": "verified"}),
        "{record}"
    );
}

/// Turning a promotion down needs no gate: with no policy configured, `reject` records the
/// rejection without a report (before: exit 2), and its verification says there is none.
#[test]
fn reject_without_a_policy_records_no_report() {
    let live = live();
    let m = fresh_model(&live.uri, "reject-no-policy", &[GOOD]);
    let out = live.tollgate_with(
        &[
            "reject",
            &m.name,
            "1",
            "--to",
            "Production",
            "--comment",
            "not this quarter",
            "--yes",
        ],
        &[("TOLLGATE_USER", "carol")],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("without a gate report"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Production").as_deref(),
        Some("rejected")
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Production.by").as_deref(),
        Some("carol")
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Production.report_digest")
            .as_deref(),
        Some("")
    );
    assert!(m.tag("1", "tollgate.gate.Production").is_none());
    let audit = live.json(&["audit", &m.name, "--json"]);
    let record = &audit["decisions"][0];
    assert_eq!(record["decision"], "rejected", "{audit}");
    assert!(record["report_digest"].is_null(), "{audit}");
    assert_eq!(
        record["verification"],
        serde_json::json!({"status": "verified", "note": "no_report"}),
        "{audit}"
    );
    // A policy that is configured but broken still stops it.
    let broken = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::fs::write(broken.path(), "[[gate]]\nid = 1\n").unwrap();
    let out = live.tollgate(&[
        "reject",
        &m.name,
        "1",
        "--to",
        "Production",
        "--comment",
        "again",
        "--yes",
        "--policy",
        &broken.path().display().to_string(),
    ]);
    assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
}

/// `:velocity` on a real trail: a verified approval to Production is a promotion whose lead time
/// runs from the commit named by the training run (`mlflow.source.git.commit` with a
/// `git.commit_time` five days back); versions put in Production or given `@champion` by hand
/// are counted apart as promoted outside tollgate.
#[test]
fn velocity_counts_verified_promotions_from_the_commit_and_marks_the_others() {
    use tollgate::mlflow::RunBatch;
    let live = live();
    let m = fresh_model(&live.uri, "velocity", &[GOOD, GOOD, GOOD]);
    let committed = chrono::Utc::now() - chrono::Duration::days(5);
    let batch = RunBatch {
        tags: vec![
            ("mlflow.source.git.commit".into(), "0123abcd".repeat(5)),
            ("git.commit_time".into(), committed.to_rfc3339()),
        ],
        ..RunBatch::default()
    };
    let now = chrono::Utc::now().timestamp_millis();
    support::rt()
        .block_on(m.client.log_batch(&m.runs[0].info.run_id, &batch, now))
        .unwrap();
    let p = m.policy_path();
    let ok = live.tollgate_with(
        &[
            "approve",
            &m.name,
            "1",
            "--to",
            "Production",
            "--comment",
            "ok",
            "--yes",
            "--policy",
            &p,
        ],
        &[("TOLLGATE_USER", "reviewer")],
    );
    assert_eq!(code(&ok), 0, "{}{}", stdout(&ok), stderr(&ok));
    // v2 into Production by hand, beside v1: no record says it was approved.
    support::rt()
        .block_on(m.client.transition_stage(&m.name, "2", "Production", false))
        .unwrap();
    // v3 made champion by hand (version searches do not list aliases; the model's do).
    support::rt()
        .block_on(m.client.set_alias(&m.name, "champion", "3"))
        .unwrap();

    let registry = tollgate::registry::Registry::new(m.client.clone(), 1000);
    let figures = support::rt()
        .block_on(registry.velocity(&Default::default()))
        .unwrap();
    let v = figures
        .iter()
        .find(|v| v.model == m.name)
        .unwrap_or_else(|| panic!("{figures:?}"));
    assert_eq!(v.promotions, 1, "{v:?}");
    let mut outside = v.outside.clone();
    outside.sort();
    assert_eq!(outside, ["2", "3"], "{v:?}");
    assert_eq!(v.lead_starts.commit, 1, "{v:?}");
    let five_days = 5 * 86_400_000;
    assert!(
        v.lead_times_ms[0] >= five_days && v.lead_times_ms[0] < five_days + 3_600_000,
        "{v:?}"
    );
    assert_eq!(v.change_failure_rate(), Some(0.0));
}
