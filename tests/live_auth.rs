//! Against `mlflow server --app-name basic-auth`: a READ-only user's governance writes are
//! refused with 403 and nothing is recorded; four-eyes holds when a requester or creator edits
//! the tags that name them; `authenticated` is recorded only after the server confirmed the
//! user. Needs the auth server:
//! `scripts/start-auth-server.sh start /tmp/tg-auth 5631` then
//! `TOLLGATE_TEST_AUTH_URI=http://127.0.0.1:5631 cargo test --test live_auth -- --ignored`.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use support::governance::{client_as, fresh_model_as, fresh_model_by, TestModel, CREATOR, GOOD};
use support::live::{stderr, stdout, Live};

const ADMIN: (&str, &str) = ("admin", "tollgate-admin-pw1");
const READER: (&str, &str) = ("reader", "reader-pw-123456");
/// EDIT users for the four-eyes tests; the creator's name is the one its runs record.
const REQUESTER: (&str, &str) = ("rita", "rita-pw-1234567890");
const APPROVER: (&str, &str) = ("cy", "cy-pw-1234567890");
const BUILDER: (&str, &str) = (CREATOR, "builder-pw-1234567890");

fn auth_uri() -> String {
    std::env::var("TOLLGATE_TEST_AUTH_URI").expect(
        "TOLLGATE_TEST_AUTH_URI is not set: start scripts/start-auth-server.sh and export what it prints",
    )
}

/// The READ-only user (new users get the server's default, READ).
fn ensure_reader(uri: &str) {
    let body = serde_json::json!({"username": READER.0, "password": READER.1});
    let url = format!("{uri}/api/2.0/mlflow/users/create");
    let rt = support::rt();
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
    let rt = support::rt();
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

/// A user (created once per server; later calls answer an error we ignore).
fn ensure_user(uri: &str, who: (&str, &str)) {
    admin_post(
        uri,
        "api/2.0/mlflow/users/create",
        serde_json::json!({"username": who.0, "password": who.1}),
    );
}

fn admin_post(uri: &str, route: &str, body: serde_json::Value) {
    let rt = support::rt();
    let _ = rt.block_on(
        reqwest::Client::new()
            .post(format!("{uri}/{route}"))
            .basic_auth(ADMIN.0, Some(ADMIN.1))
            .json(&body)
            .send(),
    );
}

/// EDIT for `who` on the model, the audit experiment and the runs' experiment: what a
/// requester, approver or model builder has in practice.
fn grant_edit(uri: &str, m: &TestModel, who: (&str, &str)) {
    ensure_user(uri, who);
    let rt = support::rt();
    let admin = tollgate::registry::Registry::new(client_as(uri, ADMIN.0, ADMIN.1), 100);
    let audit = rt.block_on(admin.audit_experiment()).unwrap();
    let runs = m.runs[0].info.experiment_id.clone().unwrap();
    for (kind, id) in [
        ("registered_model", m.name.as_str()),
        ("experiment", audit.as_str()),
        ("experiment", runs.as_str()),
    ] {
        admin_post(
            uri,
            "api/3.0/mlflow/users/permissions/grant",
            serde_json::json!({"username": who.0, "resource_type": kind, "resource_id": id, "permission": "EDIT"}),
        );
    }
}

fn decide_as(
    uri: &str,
    who: (&str, &str),
    verb: &str,
    m: &TestModel,
    policy: &str,
) -> std::process::Output {
    run_as(
        uri,
        who,
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
            policy,
        ],
    )
}

#[test]
#[ignore = "needs the basic-auth server: scripts/start-auth-server.sh, then --ignored"]
fn a_requester_who_renames_the_request_tag_still_cannot_approve() {
    let uri = auth_uri();
    let m = fresh_model_as(
        client_as(&uri, ADMIN.0, ADMIN.1),
        "auth-forged-req",
        &[GOOD],
    );
    let p = m.policy_path();
    for who in [REQUESTER, APPROVER] {
        grant_edit(&uri, &m, who);
    }
    let out = decide_as(&uri, REQUESTER, "request", &m, &p);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // The forgery: the requester's own EDIT rights rename the request's author.
    let rita = client_as(&uri, REQUESTER.0, REQUESTER.1);
    support::rt()
        .block_on(rita.set_model_version_tag(
            &m.name,
            "1",
            "tollgate.decision.alias:champion.by",
            "someone-else",
        ))
        .unwrap();
    let own = decide_as(&uri, REQUESTER, "approve", &m, &p);
    assert_eq!(
        own.status.code(),
        Some(1),
        "{}{}",
        stdout(&own),
        stderr(&own)
    );
    assert!(
        stderr(&own).contains("rita cannot approve: rita requested this promotion"),
        "{}",
        stderr(&own)
    );
    // The records disagree: nobody approves until they agree, and the refusal says which.
    let third = decide_as(&uri, APPROVER, "approve", &m, &p);
    assert_eq!(
        third.status.code(),
        Some(1),
        "{}{}",
        stdout(&third),
        stderr(&third)
    );
    assert!(
        stderr(&third).contains("the version's decision tag says someone-else")
            && stderr(&third).contains("the audit trail's request (actor) says rita"),
        "{}",
        stderr(&third)
    );
    assert!(m.version("1").aliases.is_empty());
}

#[test]
#[ignore = "needs the basic-auth server: scripts/start-auth-server.sh, then --ignored"]
fn a_creator_who_renames_mlflow_user_still_cannot_approve() {
    let uri = auth_uri();
    let m = fresh_model_as(
        client_as(&uri, ADMIN.0, ADMIN.1),
        "auth-forged-creator",
        &[GOOD],
    );
    let p = m.policy_path();
    grant_edit(&uri, &m, BUILDER);
    let builder = client_as(&uri, BUILDER.0, BUILDER.1);
    let rename = tollgate::mlflow::RunBatch {
        tags: vec![("mlflow.user".into(), "someone-else".into())],
        ..Default::default()
    };
    support::rt()
        .block_on(builder.log_batch(&m.runs[0].info.run_id, &rename, 0))
        .unwrap();
    let own = decide_as(&uri, BUILDER, "approve", &m, &p);
    assert_eq!(
        own.status.code(),
        Some(1),
        "{}{}",
        stdout(&own),
        stderr(&own)
    );
    assert!(
        stderr(&own).contains(&format!(
            "{CREATOR} cannot approve: {CREATOR} created this version (the source run's user_id)"
        )),
        "{}",
        stderr(&own)
    );
    assert!(m.version("1").aliases.is_empty());
    assert_eq!(m.tag("1", "tollgate.decision.alias:champion"), None);
}

#[test]
#[ignore = "needs the basic-auth server: scripts/start-auth-server.sh, then --ignored"]
fn a_third_person_approves_a_request_recorded_as_authenticated_once_the_server_confirms() {
    use std::sync::Arc;
    use tollgate::governance::decision::{Actor, ActorSource, Decision};
    use tollgate::registry::decide;
    let uri = auth_uri();
    let m = fresh_model_as(client_as(&uri, ADMIN.0, ADMIN.1), "auth-third", &[GOOD]);
    let p = m.policy_path();
    for who in [REQUESTER, APPROVER] {
        grant_edit(&uri, &m, who);
    }
    let out = decide_as(&uri, REQUESTER, "request", &m, &p);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let ok = decide_as(&uri, APPROVER, "approve", &m, &p);
    assert_eq!(ok.status.code(), Some(0), "{}{}", stdout(&ok), stderr(&ok));
    assert_eq!(m.version("1").aliases, ["champion"]);
    let key = "tollgate.decision.alias:champion";
    assert_eq!(
        m.tag("1", &format!("{key}.by")).as_deref(),
        Some(APPROVER.0)
    );
    assert_eq!(
        m.tag("1", &format!("{key}.by_source")).as_deref(),
        Some("authenticated")
    );
    assert_eq!(
        m.tag("1", &format!("{key}.requested_by")).as_deref(),
        Some(REQUESTER.0)
    );

    // The credentials' user before the server answers is not yet authenticated; a name that
    // is not the credentials' user never is.
    let registry = tollgate::registry::Registry::new(client_as(&uri, APPROVER.0, APPROVER.1), 100);
    let rt = support::rt();
    let confirm = |name: &str| {
        rt.block_on(decide::confirm_actor(
            registry.client(),
            Actor {
                name: name.into(),
                source: ActorSource::BasicUnconfirmed,
            },
        ))
    };
    assert_eq!(confirm(APPROVER.0).actor.source, ActorSource::Authenticated);
    let other = confirm("someone-else");
    assert_eq!(other.actor.source, ActorSource::BasicUnconfirmed);
    assert!(other.note.is_some());
    let policy =
        Arc::new(tollgate::governance::Policy::parse(support::governance::POLICY, "test").unwrap());
    let prepared = rt
        .block_on(decide::prepare(
            &registry,
            policy,
            Actor {
                name: APPROVER.0.into(),
                source: ActorSource::BasicUnconfirmed,
            },
            &m.name,
            "1",
            &"@challenger".parse().unwrap(),
            Decision::Requested,
        ))
        .unwrap();
    assert_eq!(prepared.actor.source, ActorSource::Authenticated);
    assert_eq!(prepared.actor_note, None);
}

#[test]
#[ignore = "needs the basic-auth server: scripts/start-auth-server.sh, then --ignored"]
fn an_unknown_creator_is_refused_unless_the_policy_allows_it() {
    let uri = auth_uri();
    let m = fresh_model_by(
        client_as(&uri, ADMIN.0, ADMIN.1),
        "auth-nobody",
        &[GOOD],
        None,
    );
    grant_edit(&uri, &m, APPROVER);
    let p = m.policy_path();
    let refused = decide_as(&uri, APPROVER, "approve", &m, &p);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "{}{}",
        stdout(&refused),
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("the version's creator is unknown"),
        "{}",
        stderr(&refused)
    );
    assert!(m.version("1").aliases.is_empty());
    let lenient = support::governance::POLICY.replace(
        "four_eyes = true",
        "four_eyes = true\nallow_unknown_creator = true",
    );
    std::fs::write(m.policy.path(), lenient).unwrap();
    let ok = decide_as(&uri, APPROVER, "approve", &m, &p);
    assert_eq!(ok.status.code(), Some(0), "{}{}", stdout(&ok), stderr(&ok));
    assert!(
        stdout(&ok).contains("four-eyes: unverified"),
        "{}",
        stdout(&ok)
    );
    assert_eq!(m.version("1").aliases, ["champion"]);
}
