//! The config file: named profiles (servers) and settings, in TOML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when neither `--profile` nor `TOLLGATE_PROFILE` names one.
    pub default_profile: Option<String>,
    /// Page size for listing models (1..=1000).
    pub page_size: Option<usize>,
    /// The cap on one response's size, in MB.
    pub max_response_mb: Option<u64>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Sections later capabilities read (keys, theme, ui); kept so one file serves them all.
    #[serde(default)]
    pub keys: Option<toml::Table>,
    #[serde(default)]
    pub ui: Option<toml::Table>,
    #[serde(default)]
    pub policy: Option<toml::Table>,
    /// Who is acting when the registry does not say (no credentials) and `TOLLGATE_USER` is
    /// unset; recorded with the source `config`.
    pub identity: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub tracking_uri: Option<String>,
    pub username: Option<String>,
    /// A shell command whose standard output is the password, so no secret sits in this file.
    pub password_command: Option<String>,
    /// A shell command whose standard output is a bearer token.
    pub token_command: Option<String>,
    #[serde(default)]
    pub insecure_tls: Option<bool>,
    pub server_cert_path: Option<PathBuf>,
    pub client_cert_path: Option<PathBuf>,
    /// Refuse every write (promotions, tags) for this profile.
    #[serde(default)]
    pub read_only: Option<bool>,
    pub timeout_secs: Option<u64>,
    pub page_size: Option<usize>,
    /// This profile's cap on one response's size, in MB.
    pub max_response_mb: Option<u64>,
    pub theme: Option<String>,
    pub policy: Option<PathBuf>,
    /// This profile's `identity` (wins over the top-level one).
    pub identity: Option<String>,
}

impl ConfigFile {
    /// Read the file; a missing file is an empty config, a malformed one a clear error.
    pub fn load(path: &Path) -> Result<(ConfigFile, bool), ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let parsed = Self::parse(&text).map_err(|reason| ConfigError::Parse {
                    path: path.to_path_buf(),
                    reason,
                })?;
                Ok((parsed, true))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok((ConfigFile::default(), false))
            }
            Err(e) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }),
        }
    }

    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        // Secrets must not sit in the file; say so rather than ignore them.
        if let Ok(raw) = text.parse::<toml::Table>() {
            if let Some(toml::Value::Table(profiles)) = raw.get("profiles") {
                for (name, p) in profiles {
                    for key in ["password", "token"] {
                        if p.get(key).is_some() {
                            return Err(format!(
                                "profile '{name}' has '{key}': secrets do not belong in the config file; use {key}_command (a command that prints it) or the MLFLOW_TRACKING_* environment variables"
                            ));
                        }
                    }
                }
            }
        }
        toml::from_str(text).map_err(|e| describe_toml_error(&e, text))
    }
}

/// Where the file is wrong and why, without the line itself: toml's own message quotes the
/// offending line, which may hold a secret. Quoted values in the reason are left out too.
fn describe_toml_error(e: &toml::de::Error, text: &str) -> String {
    let reason = without_quoted_values(e.message().trim());
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("line {line}, column {column}: {reason}")
        }
        None => reason,
    }
}

/// `invalid type: string "hunter2", expected a boolean` becomes `... string "…", ...`.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_quotes = false;
    for c in message.chars() {
        match (c, in_quotes) {
            ('"', false) => {
                in_quotes = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                in_quotes = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    if in_quotes {
        out.push('"');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
