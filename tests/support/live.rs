//! The real MLflow test server that `scripts/test.sh` starts and seeds. Tests that need it fail
//! (never skip) when it is absent, naming the command that provides it.

use std::process::{Command, Output};

use serde_json::Value;

pub struct Live {
    pub uri: String,
    pub manifest: Value,
}

pub fn live() -> Live {
    Live {
        uri: tracking_uri(),
        manifest: manifest(),
    }
}

/// The test server's URL, or a failure that says how to get one.
pub fn tracking_uri() -> String {
    match std::env::var("TOLLGATE_TEST_TRACKING_URI") {
        Ok(uri) if !uri.is_empty() => uri,
        _ => panic!(
            "TOLLGATE_TEST_TRACKING_URI is not set: these tests need the real MLflow server that \
             `scripts/test.sh` starts and seeds (it sets TOLLGATE_TEST_TRACKING_URI and \
             TOLLGATE_TEST_MANIFEST); run the tests through scripts/test.sh"
        ),
    }
}

/// The seeder's manifest (what models and versions exist).
pub fn manifest() -> Value {
    let path = std::env::var("TOLLGATE_TEST_MANIFEST")
        .expect("TOLLGATE_TEST_MANIFEST is not set; run the tests through scripts/test.sh");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the seed manifest {path}: {e}"));
    serde_json::from_str(&text).expect("the seed manifest is JSON")
}

/// A model's alias -> version from the manifest.
pub fn alias_version(manifest: &Value, model: &str, alias: &str) -> String {
    manifest["models"]
        .as_array()
        .expect("models[]")
        .iter()
        .find(|m| m["name"] == model)
        .and_then(|m| m["aliases"][alias].as_str())
        .unwrap_or_else(|| panic!("the manifest has no @{alias} for {model}"))
        .to_string()
}

impl Live {
    pub fn model(&self, name: &str) -> &Value {
        self.manifest["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("model {name:?} is not in the seed manifest"))
    }

    pub fn edge(&self, key: &str) -> String {
        self.manifest["edge_cases"][key]
            .as_str()
            .unwrap_or_else(|| panic!("edge case {key} missing from the manifest"))
            .to_string()
    }

    pub fn awkward_models(&self) -> Vec<String> {
        self.manifest["awkward_models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    /// Run the real binary against the server, with no user config in the way.
    pub fn tollgate(&self, args: &[&str]) -> Output {
        self.tollgate_with(args, &[])
    }

    pub fn tollgate_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let home = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tollgate"));
        cmd.args(args)
            .env("MLFLOW_TRACKING_URI", &self.uri)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("TOLLGATE_CONFIG", home.path().join("none.toml"))
            .env_remove("TOLLGATE_PROFILE")
            .env_remove("MLFLOW_TRACKING_USERNAME")
            .env_remove("MLFLOW_TRACKING_TOKEN")
            .env_remove("TOLLGATE_PAGE_SIZE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.tollgate(args);
        assert!(
            out.status.success(),
            "tollgate {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }
}

/// The exit code (a test fails when the process died of a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}
