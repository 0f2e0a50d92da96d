//! The real binary against a scripted or loopback server, away from the user's config and
//! credentials (tests against the seeded server use `live::Live::tollgate`).

use std::process::Command;

/// `tollgate --tracking-uri URL`, with no config file, a throwaway HOME and no credentials
/// from the environment; add arguments and environment, then run it.
pub fn tollgate_at(url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    cmd.args(["--tracking-uri", url])
        .env("TOLLGATE_CONFIG", "/nonexistent/tollgate-test-config.toml")
        .env("HOME", std::env::temp_dir())
        .env_remove("MLFLOW_TRACKING_USERNAME")
        .env_remove("MLFLOW_TRACKING_TOKEN");
    cmd
}
