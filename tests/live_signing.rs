//! Signed decisions against the real MLflow server: a key pair made here, loaded into a real
//! `ssh-agent` started here; decisions signed through it; `audit --verify` passing, then each
//! forgery an EDIT user can make with plain REST caught and named; refusals when signatures are
//! required and cannot be made, unsigned records when they are not.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};
use support::forge::{audit_experiment, Forgery};
use support::governance::{fresh_model, TestModel, GOOD, POLICY};
use support::live::{code, live, stdout, Live};
use support::rest::Rest;
use support::rt;

/// A real `ssh-agent` on a socket of its own, killed when dropped, and the keys made for it.
struct Agent {
    dir: tempfile::TempDir,
    sock: PathBuf,
    child: Child,
}

impl Agent {
    fn start() -> Agent {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&sock)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ssh-agent (openssh-client) is installed");
        // The agent binds its socket right after starting; wait for it (bounded).
        for _ in 0..500 {
            if sock.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(sock.exists(), "ssh-agent made no socket");
        Agent { dir, sock, child }
    }

    fn sock(&self) -> String {
        self.sock.display().to_string()
    }

    /// A new ed25519 key pair `name` (no passphrase), its public key line; loaded into the
    /// agent when `load`.
    fn key(&self, name: &str, load: bool) -> String {
        let path = self.dir.path().join(name);
        let made = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        if load {
            let added = Command::new("ssh-add")
                .arg("-q")
                .arg(&path)
                .env("SSH_AUTH_SOCK", &self.sock)
                .stderr(Stdio::null())
                .status()
                .unwrap();
            assert!(added.success());
        }
        let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
        public
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Sign `bytes` with key `name` through the agent, as `ssh-keygen -Y sign` does by hand.
    fn sign(&self, name: &str, bytes: &[u8]) -> Vec<u8> {
        let public = self.dir.path().join(format!("{name}.pub"));
        let out = run_with_stdin(
            Command::new("ssh-keygen")
                .args(["-Y", "sign", "-n", "tollgate-decision", "-f"])
                .arg(public)
                .env("SSH_AUTH_SOCK", &self.sock),
            bytes,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run_with_stdin(command: &mut Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// A policy (the shared gates) with signing settings, beside its allowed_signers file.
fn write_policy(agent: &Agent, require: bool, signers: &[(&str, &str)]) -> String {
    let allowed: String = signers
        .iter()
        .map(|(who, key)| format!("{who} {key}\n"))
        .collect();
    std::fs::write(agent.path("allowed_signers"), allowed).unwrap();
    let policy = POLICY.replacen(
        "[settings]\n",
        &format!(
            "[settings]\nrequire_signature = {require}\nallowed_signers = \"allowed_signers\"\n"
        ),
        1,
    );
    let path = agent.path("policy.toml");
    std::fs::write(&path, policy).unwrap();
    path.display().to_string()
}

/// Run tollgate as `who` with `sock` as the agent ("" for none).
fn as_user(live: &Live, who: &str, sock: &str, args: &[&str]) -> std::process::Output {
    live.tollgate_with(args, &[("TOLLGATE_USER", who), ("SSH_AUTH_SOCK", sock)])
}

fn ok(out: std::process::Output) -> String {
    assert_eq!(
        code(&out),
        0,
        "stdout: {}\nstderr: {}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

fn decide(
    live: &Live,
    m: &TestModel,
    policy: &str,
    who: &str,
    sock: &str,
    args: &[&str],
) -> String {
    let mut all = vec!["--policy", policy];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--yes"]);
    let _ = m;
    ok(as_user(live, who, sock, &all))
}

/// `audit --verify` (as JSON): its exit code and answer.
fn verify(live: &Live, policy: &str, model: &str, head: Option<&Path>) -> (i32, Value) {
    let mut args = vec!["--policy", policy, "audit", model, "--verify", "--json"];
    let head = head.map(|h| h.display().to_string());
    if let Some(h) = &head {
        args.extend_from_slice(&["--head", h]);
    }
    let out = live.tollgate_with(&args, &[("SSH_AUTH_SOCK", "")]);
    let value: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "not JSON: {}\n{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code(&out), value)
}

fn failures(v: &Value) -> String {
    v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn states(v: &Value) -> Vec<String> {
    v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["verification"]["signature"]["state"]
                .as_str()
                .unwrap_or("-")
                .to_string()
        })
        .collect()
}

fn run_ids(v: &Value) -> Vec<String> {
    v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["run_id"].as_str().unwrap().to_string())
        .collect()
}

fn artifact(m: &TestModel, run_id: &str, path: &str) -> Vec<u8> {
    rt().block_on(m.client.get_artifact(run_id, path)).unwrap()
}

/// Approve, reject and roll back signed; `--verify` passes and one record checks by hand with
/// `ssh-keygen -Y verify`; then an edited comment, a deleted middle record, a deleted newest
/// record (with `--head`), a signature by a key not allowed, a forged unsigned approval and a
/// fork are each caught and named (the fork reported, not failed).
#[test]
fn a_signed_trail_verifies_and_every_forgery_is_caught() {
    let live = live();
    let m = fresh_model(&live.uri, "signed", &[GOOD, GOOD]);
    let agent = Agent::start();
    let ana = agent.key("ana", true);
    let bo = agent.key("bo", true);
    let _mallory = agent.key("mallory", true);
    let policy = write_policy(&agent, true, &[("ana", &ana), ("bo", &bo)]);
    let sock = agent.sock();
    let name = m.name.as_str();
    let comment = ["--comment", "reviewed: metrics and fairness ok"];
    let with = |cmd: &[&'static str], extra: &[&str]| -> Vec<String> {
        cmd.iter()
            .map(|s| s.to_string())
            .chain(extra.iter().map(|s| s.to_string()))
            .collect()
    };
    for (who, args) in [
        (
            "bo",
            with(&["request", "NAME", "1", "--to", "Production"], &comment),
        ),
        (
            "ana",
            with(&["approve", "NAME", "1", "--to", "Production"], &comment),
        ),
        (
            "bo",
            with(&["request", "NAME", "2", "--to", "Production"], &comment),
        ),
        (
            "ana",
            with(&["approve", "NAME", "2", "--to", "Production"], &comment),
        ),
        (
            "ana",
            with(&["rollback", "NAME", "--to", "Production"], &comment),
        ),
        (
            "ana",
            with(&["reject", "NAME", "2", "--to", "@champion"], &comment),
        ),
    ] {
        let args: Vec<&str> = args
            .iter()
            .map(|a| if a == "NAME" { name } else { a.as_str() })
            .collect();
        let out = decide(&live, &m, &policy, who, &sock, &args);
        assert!(out.contains("(signed)"), "{out}");
    }
    let head = agent.path("head");
    let (exit, v) = verify(&live, &policy, name, Some(&head));
    assert_eq!(exit, 0, "{}", failures(&v));
    assert_eq!(states(&v), ["signed"; 6]);
    let ids = run_ids(&v);
    let written_head = std::fs::read_to_string(&head).unwrap();
    assert!(written_head.contains(v["heads"][0].as_str().unwrap()));

    // One record by hand: the stored bytes and signature, checked by ssh-keygen itself.
    let bytes = artifact(&m, &ids[1], "decision.json");
    let signature = artifact(&m, &ids[1], "decision.json.sig");
    std::fs::write(agent.path("approval.sig"), &signature).unwrap();
    let checked = run_with_stdin(
        Command::new("ssh-keygen")
            .args(["-Y", "verify", "-n", "tollgate-decision", "-I", "ana", "-f"])
            .arg(agent.path("allowed_signers"))
            .arg("-s")
            .arg(agent.path("approval.sig")),
        &bytes,
    );
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let statement: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(statement["decision"], "approved");
    assert_eq!(statement["requester"], "bo");
    assert_eq!(statement["comment"], "reviewed: metrics and fairness ok");
    assert!(statement["previous"].is_string());

    let rest = Rest::new(&live.uri);
    let experiment = audit_experiment(&rest);

    // An edited comment.
    rest.post(
        "runs/set-tag",
        json!({"run_id": ids[1], "key": "tollgate.comment", "value": "edited later"}),
    );
    let (exit, v) = verify(&live, &policy, name, None);
    assert_eq!(exit, 1);
    let said = failures(&v);
    assert!(
        said.contains(&ids[1]) && said.contains("comment is not what was signed"),
        "{said}"
    );
    rest.post(
        "runs/set-tag",
        json!({"run_id": ids[1], "key": "tollgate.comment", "value": "reviewed: metrics and fairness ok"}),
    );
    assert_eq!(verify(&live, &policy, name, None).0, 0);

    // A deleted middle record: the next one follows a record that is gone.
    rest.post("runs/delete", json!({"run_id": ids[2]}));
    let (exit, v) = verify(&live, &policy, name, None);
    assert_eq!(exit, 1);
    let said = failures(&v);
    assert!(
        said.contains(&ids[3]) && said.contains("not in the trail"),
        "{said}"
    );
    rest.post("runs/restore", json!({"run_id": ids[2]}));

    // The newest record deleted: the chain cannot see it, the head file can. Here its decision
    // tag stays behind with no audit run, which the state comparison reports too (a forger who
    // also deletes the tags leaves only the head file to notice).
    rest.post("runs/delete", json!({"run_id": ids[5]}));
    let (exit, v) = verify(&live, &policy, name, None);
    assert_eq!(exit, 1);
    assert!(
        failures(&v).contains("unapproved change: v2 @champion: decision tag 'rejected'"),
        "{}",
        failures(&v)
    );
    let (exit, v) = verify(&live, &policy, name, Some(&head));
    assert_eq!(exit, 1);
    assert!(
        failures(&v).contains("newest records were deleted"),
        "{}",
        failures(&v)
    );
    rest.post("runs/restore", json!({"run_id": ids[5]}));
    assert_eq!(verify(&live, &policy, name, Some(&head)).0, 0);

    // A signature by a key the allowed signers do not list (over the very same bytes).
    let forged_sig = agent.sign("mallory", &bytes);
    rest.put_artifact(&experiment, &ids[1], "decision.json.sig", forged_sig);
    let (exit, v) = verify(&live, &policy, name, None);
    assert_eq!(exit, 1);
    assert_eq!(states(&v)[1], "bad_signature");
    assert!(
        failures(&v).contains("do not list for 'ana'"),
        "{}",
        failures(&v)
    );
    rest.put_artifact(&experiment, &ids[1], "decision.json.sig", signature.clone());
    assert_eq!(verify(&live, &policy, name, None).0, 0);

    // An approval forged with curl: tags and a FINISHED audit run, no signature.
    let forged = Forgery {
        model: name,
        version: "1",
        target: "Staging",
        target_key: "Staging",
        decision: "approved",
        by: "ana",
        report_digest: None,
        gate_status: None,
        previous_holder: None,
    };
    forged.tags(&rest);
    let (_, forged_run) = forged.audit_run(&rest, true);
    let (exit, v) = verify(&live, &policy, name, None);
    assert_eq!(exit, 1);
    let said = failures(&v);
    assert!(
        said.contains(&forged_run) && said.contains("unsigned, and the policy requires signatures"),
        "{said}"
    );
    rest.post("runs/delete", json!({"run_id": forged_run}));

    // A fork: a genuinely signed record following the same record as the newest one.
    let newest: Value = serde_json::from_slice(&artifact(&m, &ids[5], "decision.json")).unwrap();
    let mut sibling = newest.clone();
    sibling["version"] = json!("1");
    sibling["target"] = json!("Staging");
    sibling["comment"] = json!("lgtm");
    sibling["report_digest"] = Value::Null;
    sibling["policy_digest"] = Value::Null;
    sibling["requester"] = Value::Null;
    let sibling_bytes = canonical(&sibling);
    let fork = Forgery {
        decision: "rejected",
        ..forged
    };
    fork.tags(&rest);
    let (_, fork_run) = fork.audit_run(&rest, false);
    rest.post(
        "runs/set-tag",
        json!({"run_id": fork_run, "key": "tollgate.statement", "value": "x"}),
    );
    rest.put_artifact(
        &experiment,
        &fork_run,
        "decision.json",
        sibling_bytes.clone(),
    );
    rest.put_artifact(
        &experiment,
        &fork_run,
        "decision.json.sig",
        agent.sign("ana", &sibling_bytes),
    );
    rest.post(
        "runs/update",
        json!({"run_id": fork_run, "status": "FINISHED", "end_time": chrono::Utc::now().timestamp_millis()}),
    );
    let (exit, v) = verify(&live, &policy, name, Some(&head));
    assert_eq!(exit, 0, "{}", failures(&v));
    let forks = v["forks"].as_array().unwrap();
    assert_eq!(forks.len(), 1, "{v}");
    let runs: Vec<&str> = forks[0]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(runs, [ids[5].as_str(), fork_run.as_str()]);
    assert_eq!(v["heads"].as_array().unwrap().len(), 2);
    let table = ok(live.tollgate_with(
        &["--policy", &policy, "audit", name, "--verify"],
        &[("SSH_AUTH_SOCK", "")],
    ));
    assert!(
        table.contains("fork: audit runs") && table.contains("signed ✓"),
        "{table}"
    );
}

/// RFC 8785 for the test's own statement: keys sorted, compact (strings and nulls only).
fn canonical(v: &Value) -> Vec<u8> {
    let map = v.as_object().unwrap();
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let body: Vec<String> = keys
        .iter()
        .map(|k| format!("{}:{}", json!(k), map[*k]))
        .collect();
    format!("{{{}}}", body.join(",")).into_bytes()
}

/// Required signatures: no agent, or an agent whose key is not in allowed_signers, refuses
/// the decision with a clear message and writes nothing.
#[test]
fn required_signatures_refuse_unsigned_decisions_and_write_nothing() {
    let live = live();
    let m = fresh_model(&live.uri, "sigreq", &[GOOD]);
    let agent = Agent::start();
    let ana = agent.key("ana", false);
    let _stranger = agent.key("stranger", true);
    let policy = write_policy(&agent, true, &[("ana", &ana)]);
    let args = [
        "--policy",
        &policy,
        "request",
        &m.name,
        "1",
        "--to",
        "Production",
        "--comment",
        "go",
        "--yes",
    ];
    let out = as_user(&live, "ana", "", &args);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("requires signed decisions") && said.contains("no ssh-agent"),
        "{said}"
    );
    let out = as_user(&live, "ana", &agent.sock(), &args);
    assert_eq!(code(&out), 1);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("no key in your ssh-agent is listed for 'ana'"),
        "{said}"
    );
    assert!(said.contains("nothing was written"), "{said}");
    // Nothing written: no decision tag, no audit run.
    assert!(m.tag("1", "tollgate.decision.Production").is_none());
    let trail = live.json(&["audit", &m.name, "--json"]);
    assert_eq!(trail["count"], 0, "{trail}");
}

/// Signatures not required: without an agent the decision is recorded unsigned and shown so;
/// `adopt` then starts the signed chain and the older record reads `legacy`.
#[test]
fn without_an_agent_decisions_are_recorded_unsigned_and_adopt_starts_the_chain() {
    let live = live();
    let m = fresh_model(&live.uri, "sigopt", &[GOOD]);
    let agent = Agent::start();
    let ana = agent.key("ana", true);
    let policy = write_policy(&agent, false, &[("ana", &ana)]);
    let out = ok(as_user(
        &live,
        "bo",
        "",
        &[
            "--policy",
            &policy,
            "request",
            &m.name,
            "1",
            "--to",
            "Production",
            "--comment",
            "go",
            "--yes",
        ],
    ));
    assert!(out.contains("(unsigned: no ssh-agent"), "{out}");
    // An agent, but no key in it listed for bo: recorded unsigned too, saying why.
    let out = ok(as_user(
        &live,
        "bo",
        &agent.sock(),
        &[
            "--policy",
            &policy,
            "request",
            &m.name,
            "1",
            "--to",
            "Staging",
            "--comment",
            "or Staging first",
            "--yes",
        ],
    ));
    assert!(
        out.contains("(unsigned: no key in your ssh-agent is listed for 'bo'"),
        "{out}"
    );
    let (exit, v) = verify(&live, &policy, &m.name, None);
    assert_eq!(exit, 0, "{}", failures(&v));
    assert_eq!(states(&v), ["unsigned", "unsigned"]);

    // A holder from before tollgate: promoted with the raw API, so no record names it.
    let rest = Rest::new(&live.uri);
    let stage = |to: &str| {
        rest.post(
            "model-versions/transition-stage",
            json!({"name": m.name, "version": "1", "stage": to, "archive_existing_versions": false}),
        );
    };
    stage("Production");
    let (exit, v) = verify(&live, &policy, &m.name, None);
    assert_eq!(exit, 1);
    assert!(
        failures(&v).contains("unapproved change: v1 holds Production"),
        "{}",
        failures(&v)
    );

    // Adoption names it as the chain's start: covered from then on.
    let out = ok(as_user(
        &live,
        "ana",
        &agent.sock(),
        &["--policy", &policy, "adopt", &m.name],
    ));
    assert!(out.contains("adopted:"), "{out}");
    let (exit, v) = verify(&live, &policy, &m.name, None);
    assert_eq!(exit, 0, "{}", failures(&v));
    assert_eq!(states(&v), ["legacy", "legacy", "signed"]);

    // A raw promotion after adoption is caught again.
    stage("Staging");
    let (exit, v) = verify(&live, &policy, &m.name, None);
    assert_eq!(exit, 1);
    assert!(
        failures(&v).contains("unapproved change: v1 holds Staging"),
        "{}",
        failures(&v)
    );
    stage("Production");
    assert_eq!(verify(&live, &policy, &m.name, None).0, 0);
    let audit = ok(live.tollgate_with(
        &["--policy", &policy, "audit", &m.name],
        &[("SSH_AUTH_SOCK", "")],
    ));
    assert!(
        audit.contains("legacy") && audit.contains("signed ✓"),
        "{audit}"
    );
}

/// Four-eyes takes the requester from the signed request: its requester cannot approve, and
/// the refusal names the signed record.
#[test]
fn four_eyes_reads_the_requester_from_the_signed_request() {
    let live = live();
    let m = fresh_model(&live.uri, "sig4eyes", &[GOOD]);
    let agent = Agent::start();
    let bo = agent.key("bo", true);
    let policy = write_policy(&agent, false, &[("bo", &bo)]);
    let sock = agent.sock();
    let request = [
        "--policy",
        &policy,
        "request",
        &m.name,
        "1",
        "--to",
        "Production",
        "--comment",
        "go",
        "--yes",
    ];
    assert!(ok(as_user(&live, "bo", &sock, &request)).contains("(signed)"));
    // The headless inbox checks the request's signature as the cockpit's does.
    let inbox = live.json(&["--policy", &policy, "inbox", "--json"]);
    let row = inbox["pending"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["model"] == m.name.as_str())
        .unwrap_or_else(|| panic!("{} not in the inbox: {inbox}", m.name))
        .clone();
    assert_eq!(row["verification"]["signature"]["state"], "signed", "{row}");
    let table = ok(live.tollgate_with(&["--policy", &policy, "inbox"], &[("SSH_AUTH_SOCK", "")]));
    let key: String = m.name.chars().take(30).collect(); // cells are cut at 48
    let line = table.lines().find(|l| l.contains(&key)).unwrap();
    assert!(line.contains("signed ✓"), "{table}");
    let approve = [
        "--policy",
        &policy,
        "approve",
        &m.name,
        "1",
        "--to",
        "Production",
        "--comment",
        "ok",
        "--yes",
    ];
    let out = as_user(&live, "bo", &sock, &approve);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("bo requested this promotion (the signed request)"),
        "{said}"
    );
}
