//! TLS verification stays on unless the user turns it off; a CA bundle makes a private
//! certificate trusted. Runs against a loopback HTTPS server with a test-only certificate.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

struct HttpsServer {
    child: Child,
    url: String,
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

fn https_server() -> HttpsServer {
    let dir = fixtures();
    let mut child = Command::new("python3")
        .arg(dir.join("https_server.py"))
        .arg(dir.join("cert.pem"))
        .arg(dir.join("key.pem"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs the HTTPS test server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().expect("the server prints its port");
    HttpsServer {
        child,
        url: format!("https://127.0.0.1:{port}"),
    }
}

fn tollgate(url: &str, env: &[(&str, PathBuf)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    cmd.args(["--tracking-uri", url, "versions", "tls-model", "--json"])
        .env("TOLLGATE_CONFIG", "/nonexistent/tollgate-tls.toml")
        .env_remove("MLFLOW_TRACKING_INSECURE_TLS")
        .env_remove("MLFLOW_TRACKING_SERVER_CERT_PATH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn an_untrusted_certificate_is_refused_by_default() {
    let server = https_server();
    let out = tollgate(&server.url, &[]);
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("TLS failed"), "{stderr}");
    assert!(
        stderr.contains("MLFLOW_TRACKING_SERVER_CERT_PATH"),
        "{stderr}"
    );
}

#[test]
fn a_ca_bundle_makes_the_certificate_trusted() {
    let server = https_server();
    let out = tollgate(
        &server.url,
        &[(
            "MLFLOW_TRACKING_SERVER_CERT_PATH",
            fixtures().join("cert.pem"),
        )],
    );
    assert_answered(&out);
}

#[test]
fn the_wrong_ca_bundle_is_still_refused() {
    let server = https_server();
    let out = tollgate(
        &server.url,
        &[(
            "MLFLOW_TRACKING_SERVER_CERT_PATH",
            fixtures().join("other-cert.pem"),
        )],
    );
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn insecure_tls_only_when_the_user_says_so() {
    let server = https_server();
    let out = tollgate(
        &server.url,
        &[("MLFLOW_TRACKING_INSECURE_TLS", PathBuf::from("true"))],
    );
    assert_answered(&out);
}

fn assert_answered(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["model"], "tls-model");
}
