//! Where tollgate's settings come from: flags, `MLFLOW_TRACKING_*` variables (the ones MLflow
//! users already have), and named profiles in a TOML file found with `directories`.
//!
//! Precedence, highest first: command-line flags; the profile named by `--profile` or
//! `TOLLGATE_PROFILE`; `MLFLOW_TRACKING_*` variables; the file's `default_profile`; built-in defaults.

mod file;
mod paths;
mod secret_command;

use std::path::PathBuf;
use std::time::Duration;

pub use file::{ConfigFile, Profile};
pub use paths::Paths;
use thiserror::Error;

use crate::mlflow::http::{parse_tracking_uri, redact_userinfo};
use crate::mlflow::settings::{ProxySettings, ProxyUrl};
use crate::mlflow::{Auth, ConnectionSettings, CredentialSource, MlflowError, Secret};

pub const DEFAULT_TRACKING_URI: &str = "http://127.0.0.1:5000";

/// Default page size for listing models; MLflow allows up to 1000.
pub const DEFAULT_PAGE_SIZE: usize = 1000;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("config file {} is not valid: {reason}", path.display())]
    Parse { path: PathBuf, reason: String },
    #[error("no profile named '{name}' in {}; profiles there: {}", path.display(), if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    UnknownProfile {
        name: String,
        path: PathBuf,
        available: Vec<String>,
    },
    #[error("the {what} of profile '{profile}' failed: {reason}")]
    SecretCommand {
        profile: String,
        what: &'static str,
        reason: String,
    },
    #[error("{error} (from {from})")]
    TrackingUri { from: String, error: MlflowError },
    #[error("{variable} is not a proxy URL ('{proxy}'): {reason}")]
    Proxy {
        variable: &'static str,
        /// Without credentials.
        proxy: String,
        reason: String,
    },
    #[error("invalid setting: {0}")]
    Invalid(String),
}

/// What the command line says about the connection.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub tracking_uri: Option<String>,
    pub profile: Option<String>,
    pub config_path: Option<PathBuf>,
    pub page_size: Option<usize>,
    pub read_only: bool,
}

/// Everything resolved, ready to connect, and the story of where each part came from.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub connection: ConnectionSettings,
    pub profile: Option<String>,
    pub uri_source: String,
    pub config_path: PathBuf,
    pub config_found: bool,
    pub config: ConfigFile,
    pub page_size: usize,
    pub read_only: bool,
    pub paths: Paths,
}

/// Resolve settings from the process environment.
pub fn resolve(overrides: &Overrides) -> Result<Resolved, ConfigError> {
    resolve_with(overrides, &|key| std::env::var(key).ok())
}

/// Resolve with an injected environment, so precedence is testable without touching the process.
pub fn resolve_with(
    overrides: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, ConfigError> {
    let paths = Paths::discover(env);
    let config_path = overrides
        .config_path
        .clone()
        .or_else(|| env("TOLLGATE_CONFIG").map(PathBuf::from))
        .unwrap_or_else(|| paths.config_file.clone());
    let (config, config_found) = ConfigFile::load(&config_path)?;

    let explicit_name = overrides
        .profile
        .clone()
        .or_else(|| env("TOLLGATE_PROFILE").filter(|p| !p.is_empty()));
    let lookup = |name: &str| -> Result<Profile, ConfigError> {
        config
            .profiles
            .get(name)
            .cloned()
            .ok_or_else(|| ConfigError::UnknownProfile {
                name: name.to_string(),
                path: config_path.clone(),
                available: config.profiles.keys().cloned().collect(),
            })
    };
    let explicit = explicit_name.as_deref().map(lookup).transpose()?;
    let default_name = config.default_profile.clone();
    let fallback = match (&explicit, &default_name) {
        (None, Some(name)) => Some(lookup(name)?),
        _ => None,
    };
    let active_name = explicit_name
        .clone()
        .or_else(|| fallback.as_ref().and(default_name.clone()));

    let env_uri = env("MLFLOW_TRACKING_URI").filter(|u| !u.is_empty());
    let (tracking_uri, uri_source) = if let Some(uri) = &overrides.tracking_uri {
        (uri.clone(), "--tracking-uri".to_string())
    } else if let Some(uri) = explicit.as_ref().and_then(|p| p.tracking_uri.clone()) {
        (
            uri,
            format!("profile '{}'", explicit_name.clone().unwrap_or_default()),
        )
    } else if let Some(uri) = env_uri {
        (uri, "MLFLOW_TRACKING_URI".to_string())
    } else if let Some(uri) = fallback.as_ref().and_then(|p| p.tracking_uri.clone()) {
        (
            uri,
            format!(
                "default profile '{}'",
                default_name.clone().unwrap_or_default()
            ),
        )
    } else {
        (
            DEFAULT_TRACKING_URI.to_string(),
            "built-in default".to_string(),
        )
    };

    let auth = match (&explicit, &explicit_name) {
        (Some(p), Some(name)) if profile_has_auth(p) => profile_auth(p, name)?,
        _ => match env_auth(env) {
            Some(a) => a,
            None => match (&fallback, &default_name) {
                (Some(p), Some(name)) => profile_auth(p, name)?,
                _ => Auth::None,
            },
        },
    };

    let layered = |get: &dyn Fn(&Profile) -> Option<bool>, env_key: &str| -> bool {
        explicit
            .as_ref()
            .and_then(get)
            .or_else(|| env(env_key).map(|v| truthy(&v)))
            .or_else(|| fallback.as_ref().and_then(get))
            .unwrap_or(false)
    };
    let path_setting = |get: &dyn Fn(&Profile) -> Option<PathBuf>, env_key: &str| {
        explicit
            .as_ref()
            .and_then(get)
            .or_else(|| env(env_key).filter(|v| !v.is_empty()).map(PathBuf::from))
            .or_else(|| fallback.as_ref().and_then(get))
    };
    let profile = explicit.as_ref().or(fallback.as_ref());

    // Checked here, so a malformed URL is a configuration error; credentials written into it
    // become basic auth (unless others were given) and leave the URL before anything prints it.
    let parsed = parse_tracking_uri(&tracking_uri).map_err(|error| ConfigError::TrackingUri {
        from: uri_source.clone(),
        error,
    })?;
    let auth = match (parsed.credentials, auth) {
        (Some((username, password)), Auth::None) => Auth::Basic {
            username,
            password,
            source: CredentialSource::TrackingUri,
        },
        (_, auth) => auth,
    };
    let mut connection = ConnectionSettings::new(parsed.base.as_str());
    connection.auth = auth;
    connection.proxy = proxy_settings(env)?;
    connection.insecure_tls = layered(&|p| p.insecure_tls, "MLFLOW_TRACKING_INSECURE_TLS");
    connection.server_cert_path = path_setting(
        &|p| p.server_cert_path.clone(),
        "MLFLOW_TRACKING_SERVER_CERT_PATH",
    );
    connection.client_cert_path = path_setting(
        &|p| p.client_cert_path.clone(),
        "MLFLOW_TRACKING_CLIENT_CERT_PATH",
    );
    if let Some(secs) = profile.and_then(|p| p.timeout_secs) {
        connection.timeout = Duration::from_secs(secs.max(1));
    }

    let env_page_size = match env("TOLLGATE_PAGE_SIZE") {
        Some(v) => Some(v.trim().parse::<usize>().map_err(|_| {
            ConfigError::Invalid(format!("TOLLGATE_PAGE_SIZE must be a number, got '{v}'"))
        })?),
        None => None,
    };
    let page_size = overrides
        .page_size
        .or(profile.and_then(|p| p.page_size))
        .or(env_page_size)
        .or(config.page_size)
        .unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=crate::mlflow::MAX_MODELS_PAGE).contains(&page_size) {
        return Err(ConfigError::Invalid(format!(
            "page size must be between 1 and {}, got {page_size}",
            crate::mlflow::MAX_MODELS_PAGE
        )));
    }
    let env_max_response_mb = match env("TOLLGATE_MAX_RESPONSE_MB") {
        Some(v) => Some(v.trim().parse::<u64>().map_err(|_| {
            ConfigError::Invalid(format!(
                "TOLLGATE_MAX_RESPONSE_MB must be a whole number of megabytes, got '{v}'"
            ))
        })?),
        None => None,
    };
    if let Some(mb) = profile
        .and_then(|p| p.max_response_mb)
        .or(env_max_response_mb)
        .or(config.max_response_mb)
    {
        if mb == 0 {
            return Err(ConfigError::Invalid(
                "the response size cap (max_response_mb) must be at least 1 MB".into(),
            ));
        }
        connection.max_response_bytes = mb.saturating_mul(1024 * 1024);
    }
    let read_only = overrides.read_only || profile.and_then(|p| p.read_only).unwrap_or(false);

    Ok(Resolved {
        connection,
        profile: active_name,
        uri_source,
        config_path,
        config_found,
        config,
        page_size,
        read_only,
        paths,
    })
}

fn profile_has_auth(p: &Profile) -> bool {
    p.username.is_some() || p.token_command.is_some()
}

fn profile_auth(p: &Profile, name: &str) -> Result<Auth, ConfigError> {
    if let Some(username) = &p.username {
        let (password, source) = match &p.password_command {
            Some(cmd) => (
                secret_command::run(cmd).map_err(|reason| ConfigError::SecretCommand {
                    profile: name.to_string(),
                    what: "password_command",
                    reason,
                })?,
                CredentialSource::PasswordCommand(name.to_string()),
            ),
            None => (String::new(), CredentialSource::Profile(name.to_string())),
        };
        return Ok(Auth::Basic {
            username: username.clone(),
            password: Secret::new(password),
            source,
        });
    }
    if let Some(cmd) = &p.token_command {
        let token = secret_command::run(cmd).map_err(|reason| ConfigError::SecretCommand {
            profile: name.to_string(),
            what: "token_command",
            reason,
        })?;
        return Ok(Auth::Bearer {
            token: Secret::new(token),
            source: CredentialSource::PasswordCommand(name.to_string()),
        });
    }
    Ok(Auth::None)
}

/// MLflow's own order: basic auth first, then a bearer token.
fn env_auth(env: &dyn Fn(&str) -> Option<String>) -> Option<Auth> {
    let user = env("MLFLOW_TRACKING_USERNAME").filter(|v| !v.is_empty());
    let password = env("MLFLOW_TRACKING_PASSWORD");
    if let (Some(username), Some(password)) = (user, password) {
        return Some(Auth::Basic {
            username,
            password: Secret::new(password),
            source: CredentialSource::Environment,
        });
    }
    env("MLFLOW_TRACKING_TOKEN")
        .filter(|t| !t.is_empty())
        .map(|token| Auth::Bearer {
            token: Secret::new(token),
            source: CredentialSource::Environment,
        })
}

/// The proxy variables curl reads (lower case first); `HTTP_PROXY` is skipped in a CGI
/// environment, where a request's `Proxy:` header would set it (httpoxy).
fn proxy_settings(env: &dyn Fn(&str) -> Option<String>) -> Result<ProxySettings, ConfigError> {
    let first = |names: &[&'static str]| {
        names.iter().find_map(|name| {
            env(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (*name, v))
        })
    };
    let is_cgi = env("REQUEST_METHOD").is_some();
    let http_names: &[&'static str] = if is_cgi {
        &["http_proxy"]
    } else {
        &["http_proxy", "HTTP_PROXY"]
    };
    let all = first(&["all_proxy", "ALL_PROXY"]);
    let http = first(http_names).or_else(|| all.clone());
    let https = first(&["https_proxy", "HTTPS_PROXY"]).or(all);
    Ok(ProxySettings {
        http: http.map(proxy_url).transpose()?,
        https: https.map(proxy_url).transpose()?,
        no_proxy: first(&["no_proxy", "NO_PROXY"]).map(|(_, v)| v),
    })
}

fn proxy_url((variable, raw): (&'static str, String)) -> Result<ProxyUrl, ConfigError> {
    let raw = raw.trim();
    // `proxy:3128` means http://proxy:3128, as in curl.
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("http://{raw}")
    };
    let refuse = |reason: String| ConfigError::Proxy {
        variable,
        proxy: redact_userinfo(&with_scheme),
        reason,
    };
    let url = url::Url::parse(&with_scheme).map_err(|e| refuse(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(refuse("it must look like http://host:port".into()));
    }
    Ok(ProxyUrl {
        url,
        from: variable,
    })
}

fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
