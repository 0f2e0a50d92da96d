//! TLS failures that need a server misbehaving on purpose: a listener that answers a handshake
//! with plain text, a client certificate demanded by a test-only HTTPS server, a CA file that
//! is not PEM, a redirect to plain HTTP. Trust itself (verification on by default, a CA bundle,
//! the wrong one, insecure only when asked, mutual TLS, redirects between hosts) is tested
//! against the real nginx front before the real MLflow server: tests/tls_front.rs.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use support::cli::tollgate_at;
use support::fault_server::{FaultServer, Reply};
use tollgate::mlflow::{ConnectionSettings, MlflowClient};

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
    https_server_with(&[])
}

fn https_server_with(options: &[&str]) -> HttpsServer {
    let dir = fixtures();
    let mut child = Command::new("python3")
        .arg(dir.join("https_server.py"))
        .arg(dir.join("cert.pem"))
        .arg(dir.join("key.pem"))
        .args(options)
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
    let mut cmd = tollgate_at(url);
    cmd.args(["versions", "tls-model", "--json"])
        .env_remove("MLFLOW_TRACKING_INSECURE_TLS")
        .env_remove("MLFLOW_TRACKING_SERVER_CERT_PATH")
        .env_remove("MLFLOW_TRACKING_CLIENT_CERT_PATH");
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

// ---- issue 9: TLS failures fail once, with the right advice ----

/// A TCP listener that answers every connection with `reply` (instead of a TLS handshake) and
/// counts the connections.
fn refusing_listener(reply: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counted.fetch_add(1, Ordering::SeqCst);
            let mut hello = [0u8; 1024];
            let _ = stream.read(&mut hello);
            let _ = stream.write_all(reply);
        }
    });
    (url, connections)
}

#[test]
fn tls_handshake_failures_are_not_retried() {
    // A fatal handshake_failure alert, and a plain-HTTP server's answer to a ClientHello.
    let replies: [&'static [u8]; 2] = [
        &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28],
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ];
    for reply in replies {
        let (url, connections) = refusing_listener(reply);
        let client = MlflowClient::new(ConnectionSettings::new(&url)).unwrap();
        let err = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(client.get_registered_model("m"))
            .unwrap_err();
        assert!(
            ["tls", "tls_client_certificate"].contains(&err.kind()),
            "{err:?}"
        );
        assert_eq!(
            connections.load(Ordering::SeqCst),
            1,
            "a read whose handshake failed was tried again: {err}"
        );
    }
}

#[test]
fn a_missing_client_certificate_points_at_the_client_certificate_setting() {
    let ca = fixtures().join("cert.pem");
    let server = https_server_with(&["--require-client-cert", ca.to_str().unwrap()]);
    let out = tollgate(
        &server.url,
        &[("MLFLOW_TRACKING_SERVER_CERT_PATH", ca.clone())],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("client certificate")
            && stderr.contains("MLFLOW_TRACKING_CLIENT_CERT_PATH"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Set MLFLOW_TRACKING_SERVER_CERT_PATH"),
        "the server's certificate was fine: {stderr}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(["--tracking-uri", &server.url, "doctor"])
        .env("TOLLGATE_CONFIG", "/nonexistent/tollgate-tls.toml")
        .env("MLFLOW_TRACKING_SERVER_CERT_PATH", &ca)
        .env_remove("MLFLOW_TRACKING_CLIENT_CERT_PATH")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let hint = stdout
        .lines()
        .find(|l| l.contains("hint"))
        .unwrap_or_default();
    assert!(
        hint.contains("MLFLOW_TRACKING_CLIENT_CERT_PATH"),
        "{stdout}"
    );

    // A certificate the server does not accept (a server certificate, here) is named.
    let client = tempfile::NamedTempFile::new().unwrap();
    let pair = [
        std::fs::read_to_string(fixtures().join("cert.pem")).unwrap(),
        std::fs::read_to_string(fixtures().join("key.pem")).unwrap(),
    ];
    std::fs::write(client.path(), pair.concat()).unwrap();
    let out = tollgate(
        &server.url,
        &[
            ("MLFLOW_TRACKING_SERVER_CERT_PATH", ca.clone()),
            (
                "MLFLOW_TRACKING_CLIENT_CERT_PATH",
                client.path().to_path_buf(),
            ),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("refused the client certificate")
            && stderr.contains(&client.path().display().to_string()),
        "{stderr}"
    );
}

#[test]
fn a_ca_file_that_is_not_pem_is_a_config_error() {
    let server = https_server();
    let not_pem = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_pem.path(), "this is not a certificate\n").unwrap();
    for ca in [fixtures().join("cert.der"), not_pem.path().to_path_buf()] {
        let out = tollgate(
            &server.url,
            &[("MLFLOW_TRACKING_SERVER_CERT_PATH", ca.clone())],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&ca.display().to_string()) && stderr.contains("no PEM certificate"),
            "{stderr}"
        );
        let doctor = Command::new(env!("CARGO_BIN_EXE_tollgate"))
            .args(["--tracking-uri", &server.url, "doctor"])
            .env("TOLLGATE_CONFIG", "/nonexistent/tollgate-tls.toml")
            .env("MLFLOW_TRACKING_SERVER_CERT_PATH", &ca)
            .output()
            .unwrap();
        assert_eq!(doctor.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&doctor.stdout).contains("no PEM certificate"));
    }
}

#[test]
fn an_https_to_http_redirect_is_refused() {
    let plain = FaultServer::start(vec![Reply::json(
        200,
        r#"{"registered_model": {"name": "tls-model"}, "model_versions": []}"#,
    )]);
    let server = https_server_with(&["--redirect-to", &plain.url]);
    let out = tollgate(
        &server.url,
        &[(
            "MLFLOW_TRACKING_SERVER_CERT_PATH",
            fixtures().join("cert.pem"),
        )],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("plain HTTP"), "{stderr}");
    assert!(stderr.contains(&plain.url), "names where it led: {stderr}");
    assert!(
        plain.received().is_empty(),
        "the plain-HTTP server was asked"
    );
}
