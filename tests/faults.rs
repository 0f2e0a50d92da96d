//! How the client and the CLI behave when the server misbehaves. A scripted loopback server
//! stands in for faults only; normal behaviour is tested against a real MLflow server.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::time::Duration;

use support::cli::tollgate_at;
use support::fault_server::{FaultServer, Reply};
use support::rt;
use tollgate::mlflow::{
    Auth, ConnectionSettings, CredentialSource, MlflowClient, MlflowError, Secret,
};

fn client(url: &str) -> MlflowClient {
    let mut settings = ConnectionSettings::new(url);
    settings.timeout = Duration::from_secs(2);
    MlflowClient::new(settings).unwrap()
}

const MODEL: &str =
    r#"{"registered_model": {"name": "m", "aliases": [{"alias": "champion", "version": "2"}]}}"#;

#[test]
fn json_500_is_an_api_error_and_not_retried() {
    let server = FaultServer::start(vec![Reply::json(
        500,
        r#"{"error_code": "INTERNAL_ERROR", "message": "database is locked"}"#,
    )]);
    let err = rt()
        .block_on(client(&server.url).get_registered_model("m"))
        .unwrap_err();
    assert!(
        matches!(err, MlflowError::Api { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("database is locked"));
    assert_eq!(server.received().len(), 1);
}

#[test]
fn reads_retry_429_honouring_retry_after() {
    let server = FaultServer::start(vec![
        Reply::text(429, "text/plain", "slow down").with_header("Retry-After", "1"),
        Reply::json(200, MODEL),
    ]);
    let model = rt()
        .block_on(client(&server.url).get_registered_model("m"))
        .unwrap();
    assert_eq!(model.aliases[0].alias, "champion");
    assert_eq!(server.received().len(), 2);
}

#[test]
fn reads_retry_503_then_give_up() {
    let server = FaultServer::start(vec![Reply::text(503, "text/plain", "unavailable")]);
    let c = client(&server.url);
    let err = rt().block_on(c.get_registered_model("m")).unwrap_err();
    assert!(
        matches!(err, MlflowError::Http { status: 503, .. }),
        "{err:?}"
    );
    // The first attempt plus the configured retries, then a clear error.
    assert_eq!(server.received().len(), 4);
    assert_eq!(c.request_count(), 4);
}

#[test]
fn writes_are_never_retried() {
    let server = FaultServer::start(vec![
        Reply::text(503, "text/plain", "unavailable"),
        Reply::json(200, r#"{"model_version": {"name": "m", "version": "1"}}"#),
    ]);
    let err = rt()
        .block_on(client(&server.url).transition_stage("m", "1", "Production", true))
        .unwrap_err();
    assert!(
        matches!(err, MlflowError::Http { status: 503, .. }),
        "{err:?}"
    );
    let received = server.received();
    assert_eq!(received.len(), 1, "a write must not be repeated");
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert!(received[0]
        .body
        .contains("\"archive_existing_versions\":true"));
}

#[test]
fn a_silent_server_times_out() {
    let server = FaultServer::start(vec![Reply::Hang]);
    let mut settings = ConnectionSettings::new(&server.url);
    settings.timeout = Duration::from_millis(500);
    settings.max_retries = 0;
    let c = MlflowClient::new(settings).unwrap();
    let err = rt().block_on(c.get_registered_model("m")).unwrap_err();
    assert!(matches!(err, MlflowError::Timeout { .. }), "{err:?}");
}

#[test]
fn malformed_json_is_a_clear_error() {
    let server = FaultServer::start(vec![Reply::json(200, "{\"registered_model\": [1, 2")]);
    let err = rt()
        .block_on(client(&server.url).get_registered_model("m"))
        .unwrap_err();
    assert!(matches!(err, MlflowError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("expected shape"), "{err}");
}

#[test]
fn wrong_shape_json_is_a_clear_error() {
    let server = FaultServer::start(vec![Reply::json(
        200,
        r#"{"registered_model": {"name": 42}}"#,
    )]);
    let err = rt()
        .block_on(client(&server.url).get_registered_model("m"))
        .unwrap_err();
    assert!(matches!(err, MlflowError::Malformed { .. }), "{err:?}");
}

#[test]
fn basic_auth_401_names_the_credential_source_only() {
    let server = FaultServer::start(vec![Reply::text(
        401,
        "text/plain",
        "You are not authenticated.",
    )
    .with_header("WWW-Authenticate", "Basic realm=\"mlflow\"")]);
    let mut settings = ConnectionSettings::new(&server.url);
    settings.auth = Auth::Basic {
        username: "alice".into(),
        password: Secret::new("correct-horse-battery"),
        source: CredentialSource::Environment,
    };
    let c = MlflowClient::new(settings).unwrap();
    let err = rt().block_on(c.get_registered_model("m")).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, MlflowError::Unauthenticated { .. }));
    assert!(
        text.contains("user 'alice'") && text.contains("environment"),
        "{text}"
    );
    assert!(!text.contains("correct-horse-battery"));
    // The credential did travel, as basic auth.
    let auth_header = server.received()[0]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(auth_header.starts_with("Basic "));
}

#[test]
fn bearer_token_is_sent_as_authorization() {
    let server = FaultServer::start(vec![Reply::json(200, MODEL)]);
    let mut settings = ConnectionSettings::new(&server.url);
    settings.auth = Auth::Bearer {
        token: Secret::new("tok-123"),
        source: CredentialSource::Environment,
    };
    let c = MlflowClient::new(settings).unwrap();
    rt().block_on(c.get_registered_model("m")).unwrap();
    assert_eq!(
        server.received()[0].header("authorization"),
        Some("Bearer tok-123")
    );
}

#[test]
fn invalid_host_header_gets_its_own_advice() {
    let server = FaultServer::start(vec![Reply::text(
        403,
        "text/plain",
        "Invalid Host header - possible DNS rebinding attack detected",
    )]);
    let err = rt()
        .block_on(client(&server.url).get_registered_model("m"))
        .unwrap_err();
    assert!(matches!(err, MlflowError::InvalidHost { .. }), "{err:?}");
    assert!(err.to_string().contains("MLFLOW_SERVER_ALLOWED_HOSTS"));
}

#[test]
fn names_are_encoded_in_urls() {
    let server = FaultServer::start(vec![Reply::json(200, MODEL)]);
    rt().block_on(client(&server.url).get_registered_model("Fraud Detection (EU) & 信用"))
        .unwrap();
    let target = &server.received()[0].target;
    assert_eq!(
        target,
        "/api/2.0/mlflow/registered-models/get?name=Fraud+Detection+%28EU%29+%26+%E4%BF%A1%E7%94%A8"
    );
}

#[test]
fn pages_are_followed_to_the_end() {
    let page = |names: &[&str], token: Option<&str>| {
        let models: Vec<String> = names
            .iter()
            .map(|n| format!("{{\"name\": \"{n}\"}}"))
            .collect();
        let token = token
            .map(|t| format!(", \"next_page_token\": \"{t}\""))
            .unwrap_or_default();
        Reply::json(
            200,
            &format!("{{\"registered_models\": [{}]{token}}}", models.join(",")),
        )
    };
    let server = FaultServer::start(vec![
        page(&["a", "b"], Some("p2")),
        page(&["c", "d"], Some("p3")),
        page(&["e"], None),
    ]);
    let models = rt()
        .block_on(client(&server.url).search_registered_models(None, 2))
        .unwrap();
    let names: Vec<_> = models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let targets: Vec<String> = server.received().iter().map(|r| r.target.clone()).collect();
    assert!(
        targets[1].contains("page_token=p2") && targets[2].contains("page_token=p3"),
        "{targets:?}"
    );
}

#[test]
fn logged_models_absent_on_old_servers_degrade_to_none() {
    let server = FaultServer::start(vec![Reply::text(404, "text/html", "")]);
    let found = rt()
        .block_on(client(&server.url).get_logged_model("m-123"))
        .unwrap();
    assert!(found.is_none());
}

// ---- the CLI on top: one-line errors, exit codes, no panics, stdout clean ----

fn tollgate(url: &str, args: &[&str]) -> std::process::Output {
    tollgate_at(url).args(args).output().unwrap()
}

#[test]
fn cli_reports_a_down_server_in_one_line() {
    let port = support::free_port();
    let out = tollgate(&format!("http://127.0.0.1:{port}"), &["models", "--json"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(out.stdout.is_empty(), "JSON goes to stdout only on success");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot connect") && stderr.contains(&port.to_string()),
        "{stderr}"
    );
}

#[test]
fn cli_survives_malformed_bodies() {
    let server = FaultServer::start(vec![Reply::text(
        200,
        "text/html",
        "<html>proxy login</html>",
    )]);
    let out = tollgate(&server.url, &["versions", "m"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("unexpected response"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn cli_error_text_from_the_server_is_sanitized() {
    let server = FaultServer::start(vec![Reply::json(
        400,
        "{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"bad \\u001b]0;pwned\\u0007 \\u001b[2J name\"}",
    )]);
    let out = tollgate(&server.url, &["show", "m", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    assert!(stderr.contains("\\e]0;pwned^G"), "{stderr}");
}

#[test]
fn cli_not_found_exits_3() {
    let server = FaultServer::start(vec![Reply::json(
        404,
        r#"{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Model Version (name=m, version=9) not found"}"#,
    )]);
    let out = tollgate(&server.url, &["show", "m", "9"]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("version 9 of model 'm' not found"),
        "{stderr}"
    );
}

#[test]
fn a_server_repeating_its_page_token_is_stopped() {
    let server = FaultServer::start(vec![Reply::json(
        200,
        r#"{"registered_models": [{"name": "a"}], "next_page_token": "same"}"#,
    )]);
    let err = rt()
        .block_on(client(&server.url).search_registered_models(None, 1))
        .unwrap_err();
    assert!(err.to_string().contains("same page token"), "{err}");
    assert_eq!(server.received().len(), 2);
}

// ---- a response's size is capped (issue 9, item 7) ----

const MB: u64 = 1024 * 1024;

fn tollgate_with_cap(url: &str, cap_mb: &str, args: &[&str]) -> std::process::Output {
    tollgate_at(url)
        .args(args)
        .env("TOLLGATE_MAX_RESPONSE_MB", cap_mb)
        .output()
        .unwrap()
}

/// How many requests the server saw, each for another route: a body over the cap is an error,
/// not a reason to ask again.
fn distinct_requests(server: &FaultServer) -> u64 {
    // A connection dropped before its request line (the command ended) is no request.
    let mut targets: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.target.clone())
        .filter(|t| !t.is_empty())
        .collect();
    let count = targets.len();
    targets.sort();
    targets.dedup();
    assert_eq!(targets.len(), count, "a request was repeated: {targets:?}");
    count as u64
}

#[test]
fn an_endless_body_stops_at_the_cap() {
    // No Content-Length: the body runs on until tollgate hangs up.
    let server = FaultServer::start(vec![Reply::Flood {
        declared: None,
        total: 256 * MB,
    }]);
    let out = tollgate_with_cap(&server.url, "1", &["models", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("larger than 1 MB") && stderr.contains("TOLLGATE_MAX_RESPONSE_MB"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    let requests = distinct_requests(&server);
    // tollgate stopped reading near the cap: what the server got rid of is the cap plus what
    // the sockets' buffers hold, far from the 256 MB on offer.
    let sent = server.body_bytes_sent();
    assert!(sent < requests * 16 * MB, "{sent} bytes were taken");
}

#[test]
fn a_declared_length_over_the_cap_is_refused_before_reading() {
    let server = FaultServer::start(vec![Reply::Flood {
        declared: Some(10 * 1024 * MB),
        total: 256 * MB,
    }]);
    let out = tollgate_with_cap(&server.url, "1", &["versions", "m"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("larger than 1 MB"), "{stderr}");
    let requests = distinct_requests(&server);
    let sent = server.body_bytes_sent();
    assert!(sent < requests * 16 * MB, "{sent} bytes were taken");
}

#[test]
fn the_cap_defaults_to_64_mb() {
    let server = FaultServer::start(vec![Reply::Flood {
        declared: None,
        total: 256 * MB,
    }]);
    let out = tollgate(&server.url, &["models"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("larger than 64 MB"), "{stderr}");
    let requests = distinct_requests(&server);
    let sent = server.body_bytes_sent();
    assert!(sent < requests * 80 * MB, "{sent} bytes were taken");
}

#[test]
fn doctor_shows_a_short_excerpt_of_a_huge_health_answer() {
    // Under the cap, so it is read; doctor still prints only an excerpt of it.
    let server = FaultServer::start(vec![
        Reply::Flood {
            declared: Some(2 * MB),
            total: 2 * MB,
        },
        Reply::text(200, "text/plain", "3.1.0"),
        Reply::json(200, r#"{"registered_models": []}"#),
    ]);
    let out = tollgate(&server.url, &["doctor"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("GET /health answered 'xxx"), "{stdout}");
    assert!(stdout.len() < 4096, "doctor printed {} bytes", stdout.len());
}

#[test]
fn doctor_reports_an_endless_health_answer_briefly() {
    let server = FaultServer::start(vec![Reply::Flood {
        declared: None,
        total: 256 * MB,
    }]);
    for json in [false, true] {
        let mut args = vec!["doctor"];
        if json {
            args.push("--json");
        }
        let out = tollgate_with_cap(&server.url, "1", &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains("larger than 1 MB"), "{stdout}");
        assert!(stdout.len() < 4096, "doctor printed {} bytes", stdout.len());
        assert!(out.stderr.len() < 1024);
    }
}

#[test]
fn a_huge_error_body_is_read_only_in_part() {
    let server = FaultServer::start(vec![Reply::text(
        400,
        "application/json",
        &format!(
            "{{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"{}\"}}",
            "m".repeat(200_000)
        ),
    )]);
    let out = tollgate(&server.url, &["show", "m", "1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.len() < 4096, "{} bytes of error", stderr.len());
}
