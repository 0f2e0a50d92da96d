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

    #[error("TLS failed for {url}: {reason}. The certificate is for another host name: connect with a name it lists (a CA bundle cannot make another name valid)")]
    TlsHostname { url: String, reason: String },

    #[error("TLS failed for {url}: {reason}. {}", client_certificate_advice(configured.as_deref()))]
    ClientCertificate {
        url: String,
        reason: String,
        /// The client certificate that was offered, if any.
        configured: Option<String>,
    },

    #[error("cannot connect to the proxy {proxy}: {reason}. Check HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, or list the server in NO_PROXY to connect directly")]
    ProxyConnect { proxy: String, reason: String },

    #[error("{from} redirected to {to}, which is plain HTTP: refused, since credentials and answers would travel unencrypted. Use the https:// address the server really serves")]
    InsecureRedirect { from: String, to: String },

    #[error("the response from {url} is larger than {}, the cap on a response's size; if the server really sends that much, raise TOLLGATE_MAX_RESPONSE_MB (or max_response_mb in the config)", size_text(*limit))]
    TooLarge { url: String, limit: u64 },

    #[error("the {what} {path} (from {setting}) {reason}")]
    TlsConfig {
        what: &'static str,
        setting: &'static str,
        path: String,
        reason: String,
    },

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

fn size_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes % MB == 0 {
        format!("{} MB", bytes / MB)
    } else {
        format!("{bytes} bytes")
    }
}

fn client_certificate_advice(configured: Option<&str>) -> String {
    match configured {
        None => "The server wants a client certificate (a refused handshake usually means that): set MLFLOW_TRACKING_CLIENT_CERT_PATH (or the profile's client_cert_path) to one PEM file holding the certificate and its private key".into(),
        Some(path) => format!("The server refused the client certificate {path}: check that MLFLOW_TRACKING_CLIENT_CERT_PATH (or the profile's client_cert_path) holds a certificate the server trusts, with its private key"),
    }
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
            MlflowError::TlsHostname { .. } => "tls_hostname",
            MlflowError::ClientCertificate { .. } => "tls_client_certificate",
            MlflowError::ProxyConnect { .. } => "proxy_connect",
            MlflowError::InsecureRedirect { .. } => "insecure_redirect",
            MlflowError::TooLarge { .. } => "response_too_large",
            MlflowError::TlsConfig { .. } => "tls_config",
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
