//! How to reach a server: URL, credentials, TLS. Built by `config/`, consumed by the HTTP client.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

/// The default cap on one response's body: far above any MLflow answer tollgate reads, far below
/// what would hurt the machine.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

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
    /// `user:password@` written into the tracking URI.
    TrackingUri,
    Profile(String),
    PasswordCommand(String),
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Environment => f.write_str("environment"),
            CredentialSource::TrackingUri => f.write_str("the tracking URI"),
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
                username,
                password,
                source,
            } if password.expose().is_empty() => {
                format!(
                    "basic auth as user '{username}' with an empty password (user from {source})"
                )
            }
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
    /// A response body longer than this fails instead of being read on.
    pub max_response_bytes: u64,
    /// The HTTP(S) proxy, from `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` and `NO_PROXY`.
    pub proxy: ProxySettings,
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
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            proxy: ProxySettings::default(),
        }
    }
}

/// A proxy URL and the variable it came from (named in errors, since the URL may hold a password).
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    pub url: Url,
    pub from: &'static str,
}

impl ProxyUrl {
    /// The proxy without credentials, safe to print.
    pub fn display(&self) -> String {
        format!(
            "{} (from {})",
            self.url.origin().ascii_serialization(),
            self.from
        )
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Which proxy a request goes through. tollgate decides this itself (rather than leaving it to
/// the HTTP library) so that `NO_PROXY=*` means every host, and an unreachable proxy is named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    pub http: Option<ProxyUrl>,
    pub https: Option<ProxyUrl>,
    /// The `NO_PROXY` list, as written.
    pub no_proxy: Option<String>,
}

impl ProxySettings {
    /// The proxy for `url`, or `None` to connect directly.
    pub fn proxy_for(&self, url: &Url) -> Option<&ProxyUrl> {
        let host = url.host_str()?;
        if let Some(list) = &self.no_proxy {
            if no_proxy_matches(list, host) {
                return None;
            }
        }
        match url.scheme() {
            "https" => self.https.as_ref(),
            "http" => self.http.as_ref(),
            _ => None,
        }
    }
}

/// curl's `NO_PROXY` rules: `*` alone matches every host; otherwise a comma-separated list of
/// host names (matching the name and its subdomains, with or without a leading dot), IP addresses
/// and CIDR ranges. A port in an entry is ignored.
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let host_ip: Option<std::net::IpAddr> = host.parse().ok();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = without_port(entry);
            match host_ip {
                Some(ip) => ip_entry_matches(entry, ip),
                None => {
                    domain_matches(entry.trim_start_matches("*.").trim_start_matches('.'), host)
                }
            }
        })
}

/// `example.com` matches itself and `a.example.com`, never `notexample.com`.
fn domain_matches(domain: &str, host: &str) -> bool {
    if domain.is_empty() {
        return false;
    }
    if host.eq_ignore_ascii_case(domain) {
        return true;
    }
    let Some(split) = host.len().checked_sub(domain.len() + 1) else {
        return false;
    };
    host.get(split..split + 1) == Some(".")
        && host
            .get(split + 1..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(domain))
}

/// `host:port`, `[::1]:port` and `[::1]` name the host alone (the port does not narrow it).
fn without_port(entry: &str) -> &str {
    if let Some(rest) = entry.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.chars().all(|c| c.is_ascii_digit()) => {
            host
        }
        _ => entry,
    }
}

fn ip_entry_matches(entry: &str, ip: std::net::IpAddr) -> bool {
    if let Ok(addr) = entry.parse::<std::net::IpAddr>() {
        return addr == ip;
    }
    let Some((net, bits)) = entry.split_once('/') else {
        return false;
    };
    let (Ok(net), Ok(bits)) = (net.parse::<std::net::IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (net, ip) {
        (std::net::IpAddr::V4(net), std::net::IpAddr::V4(ip)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(net) & mask == u32::from(ip) & mask
        }
        (std::net::IpAddr::V6(net), std::net::IpAddr::V6(ip)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(net) & mask == u128::from(ip) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxied(no_proxy: Option<&str>) -> ProxySettings {
        let proxy = ProxyUrl {
            url: Url::parse("http://proxy.corp:3128").unwrap(),
            from: "HTTP_PROXY",
        };
        ProxySettings {
            http: Some(proxy.clone()),
            https: Some(proxy),
            no_proxy: no_proxy.map(str::to_string),
        }
    }

    fn goes_direct(settings: &ProxySettings, url: &str) -> bool {
        settings.proxy_for(&Url::parse(url).unwrap()).is_none()
    }

    #[test]
    fn no_proxy_star_bypasses_every_host() {
        let s = proxied(Some("*"));
        for url in [
            "http://127.0.0.1:5000",
            "https://mlflow.example.com",
            "http://[::1]:5000",
            "http://localhost",
        ] {
            assert!(goes_direct(&s, url), "{url}");
        }
    }

    #[test]
    fn no_proxy_lists_match_names_subdomains_ips_and_ranges() {
        let s = proxied(Some("example.com, .corp.net,10.0.0.0/8, ::1"));
        assert!(goes_direct(&s, "https://example.com"));
        assert!(goes_direct(&s, "https://mlflow.EXAMPLE.com"));
        assert!(!goes_direct(&s, "https://notexample.com"));
        assert!(goes_direct(&s, "https://a.corp.net"));
        assert!(goes_direct(&s, "http://10.1.2.3:5000"));
        assert!(!goes_direct(&s, "http://11.1.2.3:5000"));
        assert!(goes_direct(&s, "http://[::1]:5000"));
        assert!(!goes_direct(&proxied(None), "http://127.0.0.1:5000"));
        let s = proxied(Some("localhost:5000,127.0.0.1:8080,[::2]:1"));
        assert!(goes_direct(&s, "http://localhost:9"));
        assert!(goes_direct(&s, "http://127.0.0.1:5000"));
        assert!(goes_direct(&s, "http://[::2]:5000"));
        assert!(!goes_direct(&s, "http://127.0.0.2:5000"));
    }
}
