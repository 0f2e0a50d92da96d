//! How to reach a server: URL, credentials, TLS. Built by `config/`, consumed by the HTTP client.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// A secret that never shows itself in `Debug` or `Display`, so it cannot leak into logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The only way to read the value: callers that need it say so explicitly.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where a credential came from; named in 401 errors instead of the credential itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Environment,
    Profile(String),
    PasswordCommand(String),
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Environment => f.write_str("environment"),
            CredentialSource::Profile(name) => write!(f, "profile '{name}'"),
            CredentialSource::PasswordCommand(name) => {
                write!(f, "password_command of profile '{name}'")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Basic {
        username: String,
        password: Secret,
        source: CredentialSource,
    },
    Bearer {
        token: Secret,
        source: CredentialSource,
    },
}

impl Auth {
    /// A description that is safe to print: the kind of credential and where it came from.
    pub fn describe(&self) -> String {
        match self {
            Auth::None => "no credentials".to_string(),
            Auth::Basic {
                username, source, ..
            } => format!("basic auth as user '{username}' (password from {source})"),
            Auth::Bearer { source, .. } => format!("bearer token (from {source})"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    /// The tracking URI, without a trailing slash, e.g. `http://127.0.0.1:5000`.
    pub tracking_uri: String,
    pub auth: Auth,
    /// Off only when the user says so (`MLFLOW_TRACKING_INSECURE_TLS=true` or the profile).
    pub insecure_tls: bool,
    pub server_cert_path: Option<PathBuf>,
    pub client_cert_path: Option<PathBuf>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries of idempotent reads after the first attempt.
    pub max_retries: u32,
    /// Concurrent requests allowed when a call fans out.
    pub concurrency: usize,
}

impl ConnectionSettings {
    pub fn new(tracking_uri: impl Into<String>) -> Self {
        let uri: String = tracking_uri.into();
        ConnectionSettings {
            tracking_uri: uri.trim_end_matches('/').to_string(),
            auth: Auth::None,
            insecure_tls: false,
            server_cert_path: None,
            client_cert_path: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            max_retries: 3,
            concurrency: 4,
        }
    }
}
