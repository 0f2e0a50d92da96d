//! What can go wrong talking to a server, each case saying what to do about it.

use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum MlflowError {
    #[error("cannot connect to {url}: {reason}. Is the MLflow server running there? Set MLFLOW_TRACKING_URI or pass --tracking-uri")]
    Connect { url: String, reason: String },

    #[error("{url} did not answer within {}s; the server may be overloaded, or the network slow (try again, or raise the timeout)", after.as_secs())]
    Timeout { url: String, after: Duration },

    #[error("TLS failed for {url}: {reason}. Set MLFLOW_TRACKING_SERVER_CERT_PATH to the CA bundle, or (only if you trust the network) MLFLOW_TRACKING_INSECURE_TLS=true")]
    Tls { url: String, reason: String },

    #[error("the server at {url} refused the credentials: tried {tried}. Check MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD, MLFLOW_TRACKING_TOKEN or the profile's credentials")]
    Unauthenticated { url: String, tried: String },

    #[error("permission denied for {action}: {permission} permission is needed on {resource} ({message})")]
    PermissionDenied {
        action: String,
        permission: &'static str,
        resource: String,
        message: String,
    },

    #[error("{what} not found{}", detail_suffix(message))]
    NotFound { what: String, message: String },

    #[error("the server at {url} rejected the Host header (MLflow >= 3.5 checks it). Start the server with --allowed-hosts (or MLFLOW_SERVER_ALLOWED_HOSTS) including this host name, or connect through localhost (e.g. an SSH tunnel)")]
    InvalidHost { url: String },

    #[error("the server said {error_code} (HTTP {status}): {message}")]
    Api {
        status: u16,
        error_code: String,
        message: String,
    },

    #[error("HTTP {status} from {url}: {excerpt}")]
    Http {
        status: u16,
        url: String,
        excerpt: String,
    },

    #[error("unexpected response from {url}: {detail}. Is this an MLflow server (and a version tollgate supports)?")]
    Malformed { url: String, detail: String },

    #[error("invalid tracking URI '{uri}': {reason}")]
    InvalidUri { uri: String, reason: String },

    #[error("cannot set up the HTTP client: {0}")]
    ClientSetup(String),
}

fn detail_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl MlflowError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, MlflowError::NotFound { .. })
    }

    /// A stable kind, for `--json` error output and exit codes.
    pub fn kind(&self) -> &'static str {
        match self {
            MlflowError::Connect { .. } => "connect",
            MlflowError::Timeout { .. } => "timeout",
            MlflowError::Tls { .. } => "tls",
            MlflowError::Unauthenticated { .. } => "unauthenticated",
            MlflowError::PermissionDenied { .. } => "permission_denied",
            MlflowError::NotFound { .. } => "not_found",
            MlflowError::InvalidHost { .. } => "invalid_host",
            MlflowError::Api { .. } => "api",
            MlflowError::Http { .. } => "http",
            MlflowError::Malformed { .. } => "malformed_response",
            MlflowError::InvalidUri { .. } => "invalid_uri",
            MlflowError::ClientSetup(_) => "client_setup",
        }
    }
}
