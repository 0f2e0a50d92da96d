//! No secret is printed or logged on any path, and a malformed URL or config file is exit 2
//! (issue 9, item 8). Runs the real binary; a scripted loopback server stands in for MLflow
//! only where doctor needs an answer.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::fault_server::{FaultServer, Reply};

const SECRET: &str = "hunter2-sekrit";

/// A home of its own per test, so the log file read afterwards is this run's.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn log_file(&self) -> PathBuf {
        self.path().join("data/tollgate/tollgate.log")
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn tollgate(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tollgate"));
        cmd.args(args)
            .env("HOME", self.path())
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("TOLLGATE_CONFIG", self.path().join("absent.toml"))
            .env("TOLLGATE_LOG", "trace");
        for var in [
            "MLFLOW_TRACKING_URI",
            "MLFLOW_TRACKING_USERNAME",
            "MLFLOW_TRACKING_PASSWORD",
            "MLFLOW_TRACKING_TOKEN",
            "TOLLGATE_PROFILE",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// The secret is nowhere: not on stdout, not on stderr, not in the log file.
    fn assert_no_secret(&self, out: &Output, secret: &str) {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let log = std::fs::read_to_string(self.log_file()).unwrap_or_default();
        for (name, text) in [
            ("stdout", &stdout),
            ("stderr", &stderr),
            ("log", &log.into()),
        ] {
            assert!(!text.contains(secret), "{name} holds the secret:\n{text}");
        }
    }
}

const MALFORMED_URIS: [&str; 4] = [
    "http://bob:hunter2-sekrit@host:99999",
    "http://bob:hunter2-sekrit@exa mple.com:5000",
    "https://bob:hunter2-sekrit@[::1",
    "bob:hunter2-sekrit@mlflow.example.com",
];

#[test]
fn a_malformed_url_is_exit_2_without_its_password_on_every_path() {
    let commands: [&[&str]; 4] = [
        &["models"],
        &["models", "--json"],
        &["doctor"],
        &["doctor", "--json"],
    ];
    for uri in MALFORMED_URIS {
        for command in commands {
            let sandbox = Sandbox::new();
            // From the flag, and from the environment.
            let mut by_flag = vec!["--tracking-uri", uri];
            by_flag.extend_from_slice(command);
            for out in [
                sandbox.tollgate(&by_flag, &[]),
                sandbox.tollgate(command, &[("MLFLOW_TRACKING_URI", uri)]),
            ] {
                sandbox.assert_no_secret(&out, SECRET);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(2), "{uri} {command:?}: {stderr}");
                assert!(stderr.contains("invalid tracking URI"), "{stderr}");
            }
        }
    }
}

#[test]
fn a_malformed_url_in_a_profile_is_exit_2_without_its_password() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "config.toml",
        "[profiles.prod]\ntracking_uri = \"http://bob:hunter2-sekrit@host:99999\"\n",
    );
    let config = config.to_str().unwrap();
    for command in [&["models"][..], &["doctor", "--json"][..]] {
        let mut args = vec!["--config", config, "--profile", "prod"];
        args.extend_from_slice(command);
        let out = sandbox.tollgate(&args, &[]);
        sandbox.assert_no_secret(&out, SECRET);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("profile 'prod'"), "{stderr}");
    }
}

#[test]
fn a_config_error_never_echoes_the_offending_line() {
    let broken = [
        // An unterminated string: toml quotes the line it stopped at.
        "[profiles.prod]\ntracking_uri = \"https://mlflow.example.com\"\nusername = \"alice:hunter2-sekrit\n",
        // A value of the wrong type: serde quotes the value.
        "[profiles.prod]\ntracking_uri = \"https://mlflow.example.com\"\ntimeout_secs = \"hunter2-sekrit\"\n",
        // A misspelt key whose value is the secret.
        "[profiles.prod]\npasswrd_command = \"echo hunter2-sekrit\"\nread_only = hunter2-sekrit\n",
    ];
    for text in broken {
        let sandbox = Sandbox::new();
        let config = sandbox.write("config.toml", text);
        for command in [&["models"][..], &["doctor"][..], &["doctor", "--json"][..]] {
            let mut args = vec!["--config", config.to_str().unwrap()];
            args.extend_from_slice(command);
            let out = sandbox.tollgate(&args, &[]);
            sandbox.assert_no_secret(&out, SECRET);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            // Still says where: the file and the line.
            assert!(
                stderr.contains("config.toml") && stderr.contains("line "),
                "{stderr}"
            );
        }
    }
}

#[test]
fn credentials_in_a_working_url_reach_no_output_or_log() {
    let server = FaultServer::start(vec![
        Reply::text(200, "text/plain", "OK"),
        Reply::text(200, "text/plain", "3.1.0"),
        Reply::json(200, r#"{"registered_models": []}"#),
    ]);
    let uri = server.url.replace("http://", "http://bob:hunter2-sekrit@");
    let sandbox = Sandbox::new();
    for args in [&["doctor"][..], &["doctor", "--json"][..]] {
        let mut full = vec!["--tracking-uri", uri.as_str()];
        full.extend_from_slice(args);
        let out = sandbox.tollgate(&full, &[]);
        sandbox.assert_no_secret(&out, SECRET);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The log was written (every request at trace level), so its silence above means something.
    let log = std::fs::read_to_string(sandbox.log_file()).unwrap();
    assert!(log.contains("request"), "{log}");
}

/// doctor's `auth` line, read from its JSON report.
fn doctor_auth(out: &Output) -> String {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    report["auth"].as_str().unwrap().to_string()
}

fn healthy_server() -> FaultServer {
    FaultServer::start(vec![
        Reply::text(200, "text/plain", "OK"),
        Reply::text(200, "text/plain", "3.1.0"),
        Reply::json(200, r#"{"registered_models": []}"#),
    ])
}

#[test]
fn doctor_names_the_auth_really_sent() {
    let sandbox = Sandbox::new();

    // Credentials in the URL: basic auth, from the URL.
    let server = healthy_server();
    let uri = server.url.replace("http://", "http://bob:hunter2-sekrit@");
    let out = sandbox.tollgate(&["--tracking-uri", &uri, "doctor", "--json"], &[]);
    assert_eq!(
        doctor_auth(&out),
        "basic auth as user 'bob' (password from the tracking URI)"
    );
    let sent = server.received()[0]
        .header("authorization")
        .map(str::to_string);
    assert!(sent.is_some_and(|h| h.starts_with("Basic ")));

    // A token in the environment: a bearer token, from the environment.
    let server = healthy_server();
    let out = sandbox.tollgate(
        &["--tracking-uri", &server.url, "doctor", "--json"],
        &[("MLFLOW_TRACKING_TOKEN", SECRET)],
    );
    assert_eq!(doctor_auth(&out), "bearer token (from environment)");
    assert!(server.received()[0]
        .header("authorization")
        .is_some_and(|h| h.starts_with("Bearer ")));
    sandbox.assert_no_secret(&out, SECRET);

    // A user without a password sends nothing, and doctor says so.
    let server = healthy_server();
    let out = sandbox.tollgate(
        &["--tracking-uri", &server.url, "doctor", "--json"],
        &[("MLFLOW_TRACKING_USERNAME", "bob")],
    );
    assert_eq!(doctor_auth(&out), "no credentials");
    assert!(server.received()[0].header("authorization").is_none());

    // The table says the same.
    let server = healthy_server();
    let uri = server.url.replace("http://", "http://bob:hunter2-sekrit@");
    let out = sandbox.tollgate(&["--tracking-uri", &uri, "doctor"], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = "basic auth as user 'bob' (password from the tracking URI)";
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("auth") && l.contains(expected)),
        "{stdout}"
    );
}
