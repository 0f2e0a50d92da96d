//! A real TLS front in front of the real seeded MLflow server (issue 12): Debian's nginx, started
//! by `scripts/tls-front.sh` with a private CA it makes. Mutual TLS, the wrong hostname, bearer
//! and basic credentials checked by the front, HTTPS_PROXY/NO_PROXY through a logging CONNECT
//! proxy, and no credentials after a redirect to another host. `#[ignore]`d: `scripts/test.sh`
//! starts the front and runs them with TOLLGATE_TEST_TLS_FRONT set.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;
use support::cli::tollgate_at;

/// What `scripts/tls-front.sh start` wrote to front.json.
struct Front(Value);

impl Front {
    fn get(&self, key: &str) -> String {
        self.0[key]
            .as_str()
            .unwrap_or_else(|| panic!("front.json has no {key}"))
            .to_string()
    }
}

fn front() -> Front {
    let path = std::env::var("TOLLGATE_TEST_TLS_FRONT").unwrap_or_else(|_| {
        panic!(
            "TOLLGATE_TEST_TLS_FRONT is not set: these tests need the nginx front that \
             scripts/test.sh starts (scripts/tls-front.sh start DIR MLFLOW_PORT prints it)"
        )
    });
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the front's description {path}: {e}"));
    Front(serde_json::from_str(&text).unwrap())
}

/// A model the seed made (so an answer is really the MLflow server's, through the front).
fn seeded_model() -> String {
    let manifest = support::live::manifest();
    manifest["models"][0]["name"].as_str().unwrap().to_string()
}

const CONNECTION_VARIABLES: [&str; 13] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "MLFLOW_TRACKING_PASSWORD",
    "MLFLOW_TRACKING_INSECURE_TLS",
    "MLFLOW_TRACKING_SERVER_CERT_PATH",
    "MLFLOW_TRACKING_CLIENT_CERT_PATH",
    "MLFLOW_TRACKING_URI",
];

/// `tollgate versions MODEL --json` at `url`, trusting the front's CA, with only `env` set.
fn tollgate(front: &Front, url: &str, env: &[(&str, &str)]) -> Output {
    let model = seeded_model();
    let mut cmd = tollgate_at(url);
    cmd.args(["versions", &model, "--json"]);
    for var in CONNECTION_VARIABLES {
        cmd.env_remove(var);
    }
    cmd.env("MLFLOW_TRACKING_SERVER_CERT_PATH", front.get("ca"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_answered(out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["model"], seeded_model().as_str());
}

/// `tollgate versions MODEL --json` at `url` with only `env` set: no CA bundle unless given.
fn tollgate_untrusting(url: &str, env: &[(&str, &str)]) -> Output {
    let model = seeded_model();
    let mut cmd = tollgate_at(url);
    cmd.args(["versions", &model, "--json"]);
    for var in CONNECTION_VARIABLES {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// A certificate from a private CA is refused until the user names the CA: verification is on
/// by default, and the message says which setting trusts it.
#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn a_private_ca_is_refused_by_default_and_trusted_once_named() {
    let front = front();
    let url = front.get("other_url");
    let out = tollgate_untrusting(&url, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("TLS failed") && err.contains("MLFLOW_TRACKING_SERVER_CERT_PATH"),
        "{err}"
    );
    let ca = front.get("ca");
    assert_answered(&tollgate_untrusting(
        &url,
        &[("MLFLOW_TRACKING_SERVER_CERT_PATH", &ca)],
    ));
}

/// Another CA's bundle does not make the front's certificate trusted.
#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn the_wrong_ca_bundle_is_still_refused() {
    let front = front();
    let other_ca =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/other-cert.pem");
    let out = tollgate_untrusting(
        &front.get("other_url"),
        &[(
            "MLFLOW_TRACKING_SERVER_CERT_PATH",
            other_ca.to_str().unwrap(),
        )],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

/// Verification off only when the user says so, and then the answer is the server's.
#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn insecure_tls_only_when_the_user_says_so() {
    let front = front();
    let url = front.get("other_url");
    assert_eq!(tollgate_untrusting(&url, &[]).status.code(), Some(4));
    for no in ["false", "0", ""] {
        let out = tollgate_untrusting(&url, &[("MLFLOW_TRACKING_INSECURE_TLS", no)]);
        assert_eq!(
            out.status.code(),
            Some(4),
            "INSECURE_TLS={no:?}: {}",
            stderr(&out)
        );
    }
    assert_answered(&tollgate_untrusting(
        &url,
        &[("MLFLOW_TRACKING_INSECURE_TLS", "true")],
    ));
}

#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn mutual_tls_with_the_client_certificate_is_answered() {
    let front = front();
    let cert = front.get("client_cert");
    let out = tollgate(
        &front,
        &front.get("mtls_url"),
        &[("MLFLOW_TRACKING_CLIENT_CERT_PATH", &cert)],
    );
    assert_answered(&out);
}

#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn mutual_tls_without_a_client_certificate_is_refused_and_says_what_is_missing() {
    let front = front();
    let out = tollgate(&front, &front.get("mtls_url"), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("client certificate") && err.contains("MLFLOW_TRACKING_CLIENT_CERT_PATH"),
        "{err}"
    );
    assert!(
        !err.contains("Set MLFLOW_TRACKING_SERVER_CERT_PATH"),
        "{err}"
    );

    // A certificate from a CA the front does not trust: named, and refused.
    let stranger = front.get("stranger_cert");
    let out = tollgate(
        &front,
        &front.get("mtls_url"),
        &[("MLFLOW_TRACKING_CLIENT_CERT_PATH", &stranger)],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("refused the client certificate") && err.contains(&stranger),
        "{err}"
    );
}

#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn the_wrong_hostname_is_refused_even_with_a_trusted_ca() {
    let front = front();
    // The front's certificate names `localhost`; the same listener reached as 127.0.0.1.
    let token = front.get("token");
    let out = tollgate(
        &front,
        &front.get("wrong_host_url"),
        &[("MLFLOW_TRACKING_TOKEN", &token)],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("TLS failed"), "{err}");
    assert!(
        err.contains("not valid for name") && err.contains("another host name"),
        "{err}"
    );
    // A CA bundle cannot fix this, and the advice does not pretend it could.
    assert!(
        !err.contains("Set MLFLOW_TRACKING_SERVER_CERT_PATH"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn a_bearer_token_passes_the_front_and_a_wrong_one_is_refused() {
    let front = front();
    let url = front.get("auth_url");
    let token = front.get("token");
    assert_answered(&tollgate(
        &front,
        &url,
        &[("MLFLOW_TRACKING_TOKEN", &token)],
    ));

    for env in [vec![("MLFLOW_TRACKING_TOKEN", "not-the-token")], vec![]] {
        let out = tollgate(&front, &url, &env);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(5), "{env:?}: {err}");
        assert!(err.contains("refused the credentials"), "{err}");
        assert!(
            !err.contains("not-the-token"),
            "a secret was printed: {err}"
        );
    }
}

#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn basic_credentials_pass_the_front_and_a_wrong_password_is_refused() {
    let front = front();
    let url = front.get("auth_url");
    let user = front.get("username");
    let password = front.get("password");
    assert_answered(&tollgate(
        &front,
        &url,
        &[
            ("MLFLOW_TRACKING_USERNAME", &user),
            ("MLFLOW_TRACKING_PASSWORD", &password),
        ],
    ));

    let out = tollgate(
        &front,
        &url,
        &[
            ("MLFLOW_TRACKING_USERNAME", &user),
            ("MLFLOW_TRACKING_PASSWORD", "wrong-pw-7"),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(!err.contains("wrong-pw-7"), "a secret was printed: {err}");
}

/// The logging CONNECT proxy (tests/fixtures/net/connect_proxy.py).
struct ConnectProxy {
    child: Child,
    url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl ConnectProxy {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("connect.log");
        std::fs::write(&log, "").unwrap();
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/net/connect_proxy.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&log)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the CONNECT proxy");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().expect("the proxy prints its port");
        ConnectProxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        }
    }

    /// The CONNECT targets it was asked for, in order.
    fn targets(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// "https://localhost:1234" -> "localhost:1234", as a CONNECT line names it.
fn authority(url: &str) -> &str {
    url.trim_start_matches("https://")
}

#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn https_proxy_carries_the_connection_and_no_proxy_bypasses_it() {
    let front = front();
    let url = front.get("auth_url");
    let token = front.get("token");
    for (proxy_var, no_proxy_var) in [("HTTPS_PROXY", "NO_PROXY"), ("https_proxy", "no_proxy")] {
        let proxy = ConnectProxy::start();
        let out = tollgate(
            &front,
            &url,
            &[("MLFLOW_TRACKING_TOKEN", &token), (proxy_var, &proxy.url)],
        );
        assert_answered(&out);
        let targets = proxy.targets();
        assert!(!targets.is_empty(), "{proxy_var} was not used");
        assert!(
            targets.iter().all(|t| t == authority(&url)),
            "{proxy_var}: the proxy was asked for {targets:?}"
        );

        // The same, with the front's host listed in NO_PROXY: straight there.
        let proxy = ConnectProxy::start();
        for bypass in ["localhost", ".localhost,example.org", "*"] {
            let out = tollgate(
                &front,
                &url,
                &[
                    ("MLFLOW_TRACKING_TOKEN", &token),
                    (proxy_var, &proxy.url),
                    (no_proxy_var, bypass),
                ],
            );
            assert_answered(&out);
        }
        assert_eq!(
            proxy.targets(),
            Vec::<String>::new(),
            "{no_proxy_var} did not bypass {proxy_var}"
        );
    }
}

/// The Authorization values an nginx access log recorded ("-" when none was sent).
fn logged_authorizations(log: &str) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(" auth=\"").map(|(_, rest)| rest))
        .map(|rest| rest.trim_end_matches('"').to_string())
        .collect()
}

#[test]
#[ignore = "needs the nginx front: scripts/test.sh"]
fn no_credentials_are_sent_after_a_redirect_to_another_host() {
    let front = front();
    let token = front.get("token");
    let user = front.get("username");
    let password = front.get("password");
    let other_log = front.get("other_access_log");
    let credentials: [Vec<(&str, &str)>; 2] = [
        vec![("MLFLOW_TRACKING_TOKEN", &token)],
        vec![
            ("MLFLOW_TRACKING_USERNAME", &user),
            ("MLFLOW_TRACKING_PASSWORD", &password),
        ],
    ];
    for env in credentials {
        let before = logged_authorizations(&other_log).len();
        // The redirecting host checks the credentials (so they were sent there), then sends every
        // request (307) to https://127.0.0.1:<other port>, which answers from the same MLflow server.
        let out = tollgate(&front, &front.get("redirect_url"), &env);
        assert_answered(&out);
        // nginx writes a request's log line just after sending the answer: wait for it.
        let mut arrived = logged_authorizations(&other_log);
        for _ in 0..50 {
            if arrived.len() > before {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            arrived = logged_authorizations(&other_log);
        }
        let new = &arrived[before.min(arrived.len())..];
        assert!(!new.is_empty(), "the redirect was not followed");
        assert!(
            new.iter().all(|auth| auth == "-"),
            "credentials reached the other host: {new:?}"
        );
    }
}
