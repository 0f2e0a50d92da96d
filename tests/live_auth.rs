//! A READ-only user against `mlflow server --app-name basic-auth`: every governance write is
//! refused with 403 and nothing is recorded. Needs the auth server:
//! `scripts/start-auth-server.sh start /tmp/tg-auth 5631` then
//! `TOLLGATE_TEST_AUTH_URI=http://127.0.0.1:5631 cargo test --test live_auth -- --ignored`.

mod support;

use support::governance::{client_as, fresh_model_as, GOOD};
use support::live::{stderr, stdout, Live};

const ADMIN: (&str, &str) = ("admin", "tollgate-admin-pw1");
const READER: (&str, &str) = ("reader", "reader-pw-123456");

fn auth_uri() -> String {
    std::env::var("TOLLGATE_TEST_AUTH_URI").expect(
        "TOLLGATE_TEST_AUTH_URI is not set: start scripts/start-auth-server.sh and export what it prints",
    )
}

/// The READ-only user (new users get the server's default, READ).
fn ensure_reader(uri: &str) {
    let body = serde_json::json!({"username": READER.0, "password": READER.1});
    let url = format!("{uri}/api/2.0/mlflow/users/create");
    let rt = support::governance::rt();
    let _ = rt.block_on(
        reqwest::Client::new()
            .post(url)
            .basic_auth(ADMIN.0, Some(ADMIN.1))
            .json(&body)
            .send(),
    );
}

fn run_as(uri: &str, who: (&str, &str), args: &[&str]) -> std::process::Output {
    let live = Live {
        uri: uri.to_string(),
        manifest: serde_json::Value::Null,
    };
    live.tollgate_with(
        args,
        &[
            ("MLFLOW_TRACKING_USERNAME", who.0),
            ("MLFLOW_TRACKING_PASSWORD", who.1),
        ],
    )
}

#[test]
#[ignore = "needs the basic-auth server: scripts/start-auth-server.sh, then --ignored"]
fn a_read_only_user_is_refused_and_nothing_is_recorded() {
    let uri = auth_uri();
    ensure_reader(&uri);
    let m = fresh_model_as(client_as(&uri, ADMIN.0, ADMIN.1), "auth", &[GOOD]);
    let p = m.policy_path();
    for verb in ["approve", "reject", "request"] {
        let out = run_as(
            &uri,
            READER,
            &[
                verb,
                &m.name,
                "1",
                "--to",
                "@champion",
                "--comment",
                "x",
                "--yes",
                "--policy",
                &p,
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(5),
            "{verb}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("nothing was recorded"),
            "{}",
            stderr(&out)
        );
        let v = m.version("1");
        assert!(v.aliases.is_empty(), "{verb}");
        assert!(
            !v.tags.iter().any(|t| t.key.starts_with("tollgate.")),
            "{verb} left tags: {:?}",
            v.tags
        );
    }
    let audit = run_as(&uri, ADMIN, &["audit", &m.name, "--json"]);
    let audit: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    assert_eq!(audit["count"], 0, "{audit}");

    // The admin may approve; the record names the authenticated user as the actor.
    let ok = run_as(
        &uri,
        ADMIN,
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
    );
    assert_eq!(ok.status.code(), Some(0), "{}{}", stdout(&ok), stderr(&ok));
    assert_eq!(m.version("1").aliases, ["champion"]);
    let key = "tollgate.decision.alias:champion";
    assert_eq!(m.tag("1", &format!("{key}.by")).as_deref(), Some("admin"));
    assert_eq!(
        m.tag("1", &format!("{key}.by_source")).as_deref(),
        Some("authenticated")
    );
}

#[test]
#[ignore = "needs the basic-auth server: scripts/start-auth-server.sh, then --ignored"]
fn the_shared_decide_api_reports_a_refused_first_write_as_nothing_recorded() {
    use std::sync::Arc;
    use tollgate::governance::decision::{Actor, ActorSource, Decision};
    use tollgate::registry::decide::{self, DecideError, DecisionInputs};
    let uri = auth_uri();
    ensure_reader(&uri);
    let m = fresh_model_as(client_as(&uri, ADMIN.0, ADMIN.1), "auth-api", &[GOOD]);
    let registry = tollgate::registry::Registry::new(client_as(&uri, READER.0, READER.1), 100);
    let policy =
        Arc::new(tollgate::governance::Policy::parse(support::governance::POLICY, "test").unwrap());
    let rt = support::governance::rt();
    for decision in [Decision::Approved, Decision::Rejected] {
        let prepared = rt
            .block_on(decide::prepare(
                &registry,
                Arc::clone(&policy),
                Actor {
                    name: READER.0.into(),
                    source: ActorSource::Authenticated,
                },
                &m.name,
                "1",
                &"Staging".parse().unwrap(),
                decision,
            ))
            .expect("a READ user can read");
        let inputs = DecisionInputs {
            comment: "x".into(),
            ..DecisionInputs::default()
        };
        let err = rt
            .block_on(decide::commit(&registry, &prepared, &inputs))
            .unwrap_err();
        assert!(
            matches!(err, DecideError::Refused { .. }),
            "{decision:?}: {err}"
        );
        assert!(!err.wrote_something());
        assert!(err.to_string().contains("nothing was recorded"), "{err}");
    }
    let v = m.version("1");
    assert_eq!(v.current_stage.as_deref(), Some("None"));
    assert!(!v.tags.iter().any(|t| t.key.starts_with("tollgate.")));
}
