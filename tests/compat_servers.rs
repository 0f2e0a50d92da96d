//! The same governance flow against every other MLflow server the test script starts: the last
//! MLflow 2 (2.22.x) and the first MLflow 3 (3.0.x) on SQLite, and the pinned release (3.17) on
//! PostgreSQL. `scripts/test.sh` starts them (`scripts/compat-servers.sh`) and lists them in
//! `TOLLGATE_COMPAT_SERVERS` as `release=url` pairs separated by spaces. Each test runs on every
//! listed server and names the release when it fails.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use support::governance::{fresh_model, TestModel, GOOD, POLICY, UNFAIR};
use support::live::{stderr, stdout, Live};
use support::pty;
use support::rest::Rest;
use support::rt;
use tollgate::governance::decision::{Actor, ActorSource, Decision};
use tollgate::governance::{Policy, Target};
use tollgate::registry::decide::{self, DecideError, DecisionInputs};
use tollgate::registry::Registry;

struct Server {
    release: String,
    live: Live,
}

fn servers() -> Vec<Server> {
    let list = std::env::var("TOLLGATE_COMPAT_SERVERS").unwrap_or_else(|_| {
        panic!(
            "TOLLGATE_COMPAT_SERVERS is not set: these tests need the MLflow 2.22 and 3.0 servers \
             that `scripts/test.sh` starts (scripts/compat-servers.sh)"
        )
    });
    let servers: Vec<Server> = list
        .split_whitespace()
        .map(|pair| {
            let (release, uri) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("not release=url: {pair}"));
            Server {
                release: release.to_string(),
                live: Live {
                    uri: uri.to_string(),
                    manifest: Value::Null,
                },
            }
        })
        .collect();
    assert!(
        !servers.is_empty(),
        "TOLLGATE_COMPAT_SERVERS lists no server"
    );
    servers
}

fn code(out: &std::process::Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// `tollgate ARGS` on one server; panics with the release and both streams unless it exits `want`.
fn run(s: &Server, args: &[&str], user: &str, want: i32) -> String {
    let out = s.live.tollgate_with(args, &[("TOLLGATE_USER", user)]);
    assert_eq!(
        code(&out),
        want,
        "MLflow {}: tollgate {args:?}\nstdout: {}\nstderr: {}",
        s.release,
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

fn stage(m: &TestModel, v: &str) -> String {
    m.version(v).current_stage.unwrap_or_default()
}

fn json_of(s: &Server, args: &[&str]) -> Value {
    let text = run(s, args, "reader", 0);
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("MLflow {}: {args:?} is not JSON ({e}): {text}", s.release))
}

/// A monitoring run for `model` v`version`: five daily windows in which `income` drifts from the
/// fourth, logged as steps with the window's end as the timestamp. No histogram artifact, so the
/// optional-artifact path is exercised too.
fn monitor(rest: &Rest, model: &str, version: &str) {
    let exp = match rest.get_any(
        "experiments/get-by-name",
        &[("experiment_name", "tollgate-compat-monitoring".to_string())],
    ) {
        Value::Null => rest.experiment("tollgate-compat-monitoring"),
        found => found["experiment"]["experiment_id"]
            .as_str()
            .unwrap()
            .to_string(),
    };
    let run_id = rest.monitoring_run(&exp, model, version);
    let day = 86_400_000_i64;
    let end = chrono::Utc::now().timestamp_millis() / day * day;
    let mut metrics = Vec::new();
    for step in 0..5_i64 {
        let ts = end - (4 - step) * day;
        let psi = if step >= 3 { 0.4 } else { 0.02 };
        metrics
            .push(json!({"key": "drift.income.psi", "value": psi, "timestamp": ts, "step": step}));
        metrics.push(json!({"key": "drift.age.psi", "value": 0.01, "timestamp": ts, "step": step}));
    }
    rest.post(
        "runs/log-batch",
        json!({"run_id": run_id, "metrics": metrics}),
    );
    rest.post(
        "runs/update",
        json!({"run_id": run_id, "status": "FINISHED", "end_time": end}),
    );
}

/// A training dataset and a commit on `run_id`, for the lineage tree.
fn lineage_inputs(rest: &Rest, run_id: &str) {
    rest.post(
        "runs/log-inputs",
        json!({"run_id": run_id, "datasets": [{
            "tags": [{"key": "mlflow.data.context", "value": "training"}],
            "dataset": {"name": "credit-train", "digest": "abc123", "source_type": "local",
                        "source": "{\"uri\": \"/data/credit.parquet\"}"}
        }]}),
    );
    rest.post(
        "runs/set-tag",
        json!({"run_id": run_id, "key": "mlflow.source.git.commit", "value": "0123456789abcdef"}),
    );
}

#[test]
#[ignore = "needs the servers that scripts/compat-servers.sh starts (scripts/test.sh)"]
fn read_commands_work_on_every_server() {
    for s in servers() {
        let rest = Rest::new(&s.live.uri);
        let m = fresh_model(&s.live.uri, "compat-read", &[GOOD, UNFAIR]);
        lineage_inputs(&rest, &m.runs[0].info.run_id);
        monitor(&rest, &m.name, "1");

        let models = json_of(&s, &["models", "--json"]);
        let listed = models
            .as_array()
            .or_else(|| models["models"].as_array())
            .unwrap_or_else(|| panic!("MLflow {}: models JSON: {models}", s.release));
        assert!(
            listed.iter().any(|row| row.to_string().contains(&m.name)),
            "MLflow {}: {} not listed",
            s.release,
            m.name
        );
        let versions = json_of(&s, &["versions", &m.name, "--json"]);
        assert!(
            versions.to_string().contains("\"0.636\"") || versions.to_string().contains("0.636"),
            "MLflow {}: versions JSON lacks v2's metric: {versions}",
            s.release
        );
        let show = json_of(&s, &["show", &m.name, "1", "--json"]);
        assert!(
            show.to_string().contains("accuracy"),
            "MLflow {}: {show}",
            s.release
        );

        // No logged model (none on 2.x; this version comes from a run's files on 3.x either):
        // said in place, never a failure.
        let shown = run(&s, &["show", &m.name, "1"], "reader", 0);
        assert!(
            shown.contains("servers before MLflow 3 have no logged models"),
            "MLflow {}: show: {shown}",
            s.release
        );

        let lineage = json_of(&s, &["lineage", &m.name, "1", "--json"]);
        let text = lineage.to_string();
        assert!(
            text.contains("credit-train") && text.contains("0123456789abcdef"),
            "MLflow {}: lineage lacks the dataset or the commit: {text}",
            s.release
        );

        // Drift from the monitoring run; no histogram artifact exists, which must not fail.
        let drift = run(&s, &["drift", &m.name, "1"], "reader", 0);
        assert!(
            drift.contains("income"),
            "MLflow {}: drift: {drift}",
            s.release
        );
        let drift_json = json_of(&s, &["drift", &m.name, "1", "--json"]);
        assert!(
            drift_json.to_string().contains("income"),
            "MLflow {}: {drift_json}",
            s.release
        );
        // A version nobody monitors is an answer, not a failure.
        run(&s, &["drift", &m.name, "2"], "reader", 0);
        run(&s, &["fairness", &m.name, "2"], "reader", 0);
    }
}

#[test]
#[ignore = "needs the servers that scripts/compat-servers.sh starts (scripts/test.sh)"]
fn gates_and_every_decision_work_on_every_server() {
    for s in servers() {
        let m = fresh_model(&s.live.uri, "compat-decide", &[GOOD, GOOD, UNFAIR]);
        let p = m.policy_path();
        let name = m.name.as_str();
        let gate = |v: &str, want: i32| {
            run(
                &s,
                &[
                    "gate",
                    "check",
                    name,
                    v,
                    "--to",
                    "Production",
                    "--policy",
                    &p,
                    "--json",
                ],
                "ci",
                want,
            )
        };
        let passed: Value = serde_json::from_str(&gate("1", 0)).unwrap();
        assert_eq!(passed["status"], "pass", "MLflow {}", s.release);
        let failed: Value = serde_json::from_str(&gate("3", 1)).unwrap();
        assert_eq!(failed["status"], "fail", "MLflow {}", s.release);

        let decide = |verb: &str, v: &str, user: &str, want: i32| {
            let mut args = vec![verb, name];
            if verb != "rollback" {
                args.push(v);
            }
            args.extend(["--to", "Production", "--comment", "compat", "--yes"]);
            args.extend(["--policy", p.as_str()]);
            run(&s, &args, user, want)
        };
        decide("request", "1", "rita", 0);
        decide("approve", "1", "rita", 1); // four-eyes: the requester cannot approve
        decide("approve", "1", "bob", 0);
        assert_eq!(stage(&m, "1"), "Production", "MLflow {}", s.release);
        decide("approve", "2", "bob", 0);
        assert_eq!(stage(&m, "2"), "Production", "MLflow {}", s.release);
        assert_eq!(
            stage(&m, "1"),
            "Archived",
            "MLflow {}: the previous holder is archived",
            s.release
        );
        decide("approve", "3", "bob", 1); // fails four-fifths: nothing written
        decide("reject", "3", "bob", 0);
        assert_eq!(stage(&m, "3"), "None", "MLflow {}", s.release);
        decide("rollback", "", "oncall", 0);
        assert_eq!(stage(&m, "1"), "Production", "MLflow {}", s.release);

        let audit = json_of(&s, &["audit", name, "--json"]);
        let records = audit
            .as_array()
            .or_else(|| audit["decisions"].as_array())
            .unwrap_or_else(|| panic!("MLflow {}: audit JSON: {audit}", s.release));
        let decisions: Vec<String> = records
            .iter()
            .map(|r| r["decision"].as_str().unwrap_or("?").to_string())
            .collect();
        // v2's approval archived v1 itself (never with MLflow's archive_existing_versions, which
        // fails on PostgreSQL) and says so in the same record.
        let v2_approval = records
            .iter()
            .find(|r| r["decision"] == "approved" && r["version"] == "2")
            .unwrap_or_else(|| panic!("MLflow {}: no approval of v2: {audit}", s.release));
        assert_eq!(
            v2_approval["archived"],
            json!(["1"]),
            "MLflow {}",
            s.release
        );
        assert_eq!(v2_approval["previous_holder"], "1", "MLflow {}", s.release);
        for want in ["requested", "approved", "rejected", "rolled_back"] {
            assert!(
                decisions.iter().any(|d| d == want),
                "MLflow {}: no {want} in the audit trail: {decisions:?}",
                s.release
            );
        }
        // Aliases exist since MLflow 2.3: the champion alias works on both.
        run(
            &s,
            &[
                "approve",
                name,
                "2",
                "--to",
                "@champion",
                "--comment",
                "alias",
                "--yes",
                "--policy",
                &p,
            ],
            "bob",
            0,
        );
        assert_eq!(m.version("2").aliases, ["champion"], "MLflow {}", s.release);
    }
}

/// The fail-closed race: two approvals of two versions to one target at the same instant
/// promote exactly one, on every server.
#[test]
#[ignore = "needs the servers that scripts/compat-servers.sh starts (scripts/test.sh)"]
fn two_approvals_at_once_promote_exactly_once_on_every_server() {
    for s in servers() {
        let m = fresh_model(&s.live.uri, "compat-race", &[GOOD, GOOD]);
        let rt = rt();
        let registry = || Registry::new(m.client.clone(), 100);
        let policy = Arc::new(Policy::parse(POLICY, "test").unwrap());
        let inputs = DecisionInputs {
            comment: "race".into(),
            ..DecisionInputs::default()
        };
        for round in 0..5 {
            let target: Target = format!("@race{round}").parse().unwrap();
            let prepare = |v: &str, who: &str| {
                let actor = Actor {
                    name: who.into(),
                    source: ActorSource::Env,
                };
                rt.block_on(decide::prepare(
                    &registry(),
                    policy.clone(),
                    actor,
                    &m.name,
                    v,
                    &target,
                    Decision::Approved,
                ))
                .unwrap()
            };
            let (pb, pc) = (prepare("1", "bob"), prepare("2", "carol"));
            let (rb, rc) = (registry(), registry());
            let (b, c) = rt.block_on(async {
                tokio::join!(
                    decide::commit(&rb, &pb, &inputs),
                    decide::commit(&rc, &pc, &inputs)
                )
            });
            let lost = match (b, c) {
                (Ok(_), Err(l)) | (Err(l), Ok(_)) => l,
                (b, c) => panic!(
                    "MLflow {} round {round}: not one winner: {b:?} / {c:?}",
                    s.release
                ),
            };
            assert!(
                matches!(lost, DecideError::LostRace { .. }),
                "MLflow {} round {round}: {lost}",
                s.release
            );
            let holders: Vec<String> = ["1", "2"]
                .into_iter()
                .filter(|v| m.version(v).aliases.contains(&format!("race{round}")))
                .map(str::to_string)
                .collect();
            assert_eq!(holders.len(), 1, "MLflow {} round {round}", s.release);
        }
    }
}

/// The cockpit opens a version on every server: the detail's tabs draw, the Gate tab evaluates.
#[test]
#[ignore = "needs the servers that scripts/compat-servers.sh starts (scripts/test.sh)"]
fn the_cockpit_opens_a_version_on_every_server() {
    for s in servers() {
        let m: TestModel = fresh_model(&s.live.uri, "compat-pty", &[GOOD]);
        let config = format!(
            "default_profile = \"review\"\n[profiles.review]\npolicy = \"{}\"\n",
            m.policy_path()
        );
        let mut term = pty::Cockpit::start(pty::Launch {
            args: &["open", &m.name, "1"],
            tracking_uri: Some(s.live.uri.clone()),
            config: Some(&config),
            env: &[("TOLLGATE_USER", "bob")],
            ..pty::Launch::default()
        });
        term.wait_for(&["version 1", "Source run", "FINISHED"]);
        // The Gate tab evaluates the profile's policy against this server's evidence.
        term.send("6");
        term.wait_for(&["accuracy", "four-fifths", "PASS"]);
        // q goes back one level (version, model, models), then quits.
        for _ in 0..3 {
            term.send("q");
        }
        assert!(term.wait_exit(), "MLflow {}", s.release);
    }
}
