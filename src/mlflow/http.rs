//! The transport: one `reqwest` client with auth, TLS and proxy applied, JSON in and out, MLflow's
//! errors decoded, bodies read up to a cap, and retries for reads only (a write is never repeated
//! behind the user's back).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use super::error::MlflowError;
use super::settings::{Auth, ConnectionSettings, CredentialSource, Secret};

/// How much of an error answer is read: enough for MLflow's JSON error, bounded for anything else.
const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// Like reqwest's default policy.
const MAX_REDIRECTS: usize = 10;

/// Is this request safe to repeat? Reads are; writes are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    Read,
    Write,
}

/// What a request is about, for error messages ("registered model 'x' not found").
#[derive(Debug, Clone)]
pub struct Subject {
    pub what: String,
    pub action: &'static str,
}

impl Subject {
    pub fn new(action: &'static str, what: impl Into<String>) -> Self {
        Subject {
            what: what.into(),
            action,
        }
    }
}

/// A tracking URI taken apart: the base URL (no credentials, ending in `/`) and any
/// `user:password@` that was written into it.
#[derive(Debug)]
pub struct TrackingUri {
    pub base: Url,
    pub credentials: Option<(String, Secret)>,
}

/// Parse and check a tracking URI. Errors never quote the credentials it may hold.
pub fn parse_tracking_uri(raw: &str) -> Result<TrackingUri, MlflowError> {
    let invalid = |reason: String| MlflowError::InvalidUri {
        uri: redact_userinfo(raw),
        reason,
    };
    let mut base = Url::parse(raw.trim_end_matches('/')).map_err(|e| invalid(e.to_string()))?;
    if !matches!(base.scheme(), "http" | "https") {
        return Err(invalid(
            "it is not an http(s):// URL, and tollgate needs an http(s):// tracking server".into(),
        ));
    }
    let mut credentials = None;
    if !base.username().is_empty() || base.password().is_some() {
        // `user:pa@ss/word@host` parses, with host `ss`: a password's unencoded `@` or `/`
        // would send part of it as the host name. Refuse, rather than guess.
        let after_host = format!(
            "{}{}{}",
            base.path(),
            base.query().unwrap_or(""),
            base.fragment().unwrap_or("")
        );
        if after_host.contains('@') {
            return Err(invalid(
                "the credentials seem to hold an unencoded '@' or '/'; percent-encode them (%40, %2F)".into(),
            ));
        }
        credentials = Some((
            percent_decode(base.username()),
            Secret::new(percent_decode(base.password().unwrap_or(""))),
        ));
        let _ = base.set_username("");
        let _ = base.set_password(None);
    }
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    Ok(TrackingUri { base, credentials })
}

#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base: Url,
    settings: Arc<ConnectionSettings>,
    requests: Arc<AtomicU64>,
}

impl Transport {
    pub fn new(mut settings: ConnectionSettings) -> Result<Self, MlflowError> {
        let TrackingUri { base, credentials } = parse_tracking_uri(&settings.tracking_uri)?;
        // Credentials written into the URL become basic auth (unless others were given), and
        // leave the URL so they never appear in messages or logs.
        if let (Some((username, password)), Auth::None) = (credentials, &settings.auth) {
            settings.auth = Auth::Basic {
                username,
                password,
                source: CredentialSource::TrackingUri,
            };
        }
        settings.tracking_uri = base.as_str().trim_end_matches('/').to_string();

        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .user_agent(concat!("tollgate/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(settings.concurrency.max(1))
            .redirect(redirect_policy())
            // tollgate picks the proxy itself (settings.proxy), so it can name it in errors.
            .no_proxy();
        if settings.proxy.http.is_some() || settings.proxy.https.is_some() {
            let proxies = settings.proxy.clone();
            builder = builder.proxy(reqwest::Proxy::custom(move |url| {
                proxies.proxy_for(url).map(|p| p.url.clone())
            }));
        }
        if settings.insecure_tls {
            builder = builder.danger_accept_invalid_certs(true);
        }
        if let Some(path) = &settings.server_cert_path {
            for cert in read_ca_bundle(path)? {
                builder = builder.add_root_certificate(cert);
            }
        }
        if let Some(path) = &settings.client_cert_path {
            builder = builder.identity(read_client_identity(path)?);
        }
        let http = builder
            .build()
            .map_err(|e| MlflowError::ClientSetup(e.to_string()))?;
        Ok(Transport {
            http,
            base,
            settings: Arc::new(settings),
            requests: Arc::new(AtomicU64::new(0)),
        })
    }

    pub fn settings(&self) -> &ConnectionSettings {
        &self.settings
    }

    /// The server's base URL, never with credentials in it.
    pub fn base_url(&self) -> &str {
        self.settings.tracking_uri.as_str()
    }

    /// Requests sent so far (each retry counts): the figure behind "a handful of round trips".
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn api_url(&self, route: &str) -> Result<Url, MlflowError> {
        self.url(&format!("api/2.0/mlflow/{route}"))
    }

    pub fn url(&self, path: &str) -> Result<Url, MlflowError> {
        self.base.join(path).map_err(|e| MlflowError::InvalidUri {
            uri: self.base_url().to_string(),
            reason: e.to_string(),
        })
    }

    /// GET an API route with query parameters and decode the JSON answer.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        route: &str,
        query: &[(&str, String)],
        subject: &Subject,
    ) -> Result<T, MlflowError> {
        let mut url = self.api_url(route)?;
        append_query(&mut url, query);
        let response = self
            .send(
                Method::GET,
                url.clone(),
                None::<&()>,
                Idempotency::Read,
                subject,
            )
            .await?;
        decode_json(&self.read_body(response, &url).await?, &url)
    }

    /// POST JSON. `Read` marks searches sent as POST (e.g. `runs/search`), which may be retried.
    pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        route: &str,
        body: &B,
        idempotency: Idempotency,
        subject: &Subject,
    ) -> Result<T, MlflowError> {
        let url = self.api_url(route)?;
        let response = self
            .send(Method::POST, url.clone(), Some(body), idempotency, subject)
            .await?;
        decode_json(&self.read_body(response, &url).await?, &url)
    }

    /// A write with another verb (PATCH, DELETE); never retried.
    pub async fn write_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        route: &str,
        body: &B,
        subject: &Subject,
    ) -> Result<T, MlflowError> {
        let url = self.api_url(route)?;
        let response = self
            .send(method, url.clone(), Some(body), Idempotency::Write, subject)
            .await?;
        decode_json(&self.read_body(response, &url).await?, &url)
    }

    /// PUT raw bytes to a path outside the API prefix (artifact uploads); never retried.
    pub async fn put_bytes(
        &self,
        path: &str,
        bytes: Vec<u8>,
        subject: &Subject,
    ) -> Result<(), MlflowError> {
        let url = self.url(path)?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(url = %url, "upload");
        let request = self.authorize(self.http.put(url.clone()).body(bytes));
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_error(e, &url))?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(self
            .decode_error(response, &url, Idempotency::Write, subject)
            .await)
    }

    /// GET a path outside the API prefix (`/health`, `/version`, `/get-artifact`) as bytes.
    pub async fn get_bytes(
        &self,
        path: &str,
        query: &[(&str, String)],
        subject: &Subject,
    ) -> Result<Vec<u8>, MlflowError> {
        let mut url = self.url(path)?;
        append_query(&mut url, query);
        let response = self
            .send(
                Method::GET,
                url.clone(),
                None::<&()>,
                Idempotency::Read,
                subject,
            )
            .await?;
        self.read_body(response, &url).await
    }

    async fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
        idempotency: Idempotency,
        subject: &Subject,
    ) -> Result<Response, MlflowError> {
        let attempts = match idempotency {
            Idempotency::Read => self.settings.max_retries + 1,
            Idempotency::Write => 1,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.requests.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(%method, url = %url, attempt, "request");
            let mut request = self.http.request(method.clone(), url.clone());
            if let Some(body) = body {
                // MLflow refuses JSON bodies without this exact content type.
                request = request.json(body);
            }
            request = self.authorize(request);
            let (wait, error) = match request.send().await {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) if is_retryable_status(response.status()) && attempt < attempts => (
                    retry_after(&response).unwrap_or_else(|| backoff(attempt)),
                    None,
                ),
                Ok(response) => {
                    return Err(self
                        .decode_error(response, &url, idempotency, subject)
                        .await)
                }
                Err(e) => {
                    let refused_connection = e.is_connect();
                    let error = self.transport_error(e, &url);
                    // Only a refused or dropped connection may be worth another try; a TLS
                    // failure is the same on every attempt.
                    let retryable = refused_connection
                        && matches!(
                            error,
                            MlflowError::Connect { .. } | MlflowError::ProxyConnect { .. }
                        );
                    if !retryable || attempt >= attempts {
                        return Err(error);
                    }
                    (backoff(attempt), Some(error))
                }
            };
            tracing::info!(url = %url, attempt, wait_ms = wait.as_millis() as u64, error = ?error.map(|e| e.kind()), "retrying read");
            tokio::time::sleep(wait).await;
        }
    }

    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.settings.auth {
            Auth::None => request,
            Auth::Basic {
                username, password, ..
            } => request.basic_auth(username, Some(password.expose())),
            Auth::Bearer { token, .. } => request.bearer_auth(token.expose()),
        }
    }

    /// Read a body in chunks, failing as soon as it passes the cap: memory stays bounded
    /// whatever the server sends.
    async fn read_body(&self, mut response: Response, url: &Url) -> Result<Vec<u8>, MlflowError> {
        let limit = self.settings.max_response_bytes;
        let too_large = || MlflowError::TooLarge {
            url: url_without_query(url),
            limit,
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.body_error(e, url))?
        {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn body_error(&self, e: reqwest::Error, url: &Url) -> MlflowError {
        if e.is_timeout() {
            return MlflowError::Timeout {
                url: origin(url),
                after: self.settings.timeout,
            };
        }
        MlflowError::Malformed {
            url: url_without_query(url),
            detail: format!("body could not be read: {}", innermost_cause(&e)),
        }
    }

    async fn decode_error(
        &self,
        response: Response,
        url: &Url,
        idempotency: Idempotency,
        subject: &Subject,
    ) -> MlflowError {
        let status = response.status();
        let body = read_prefix(response, ERROR_BODY_LIMIT).await;
        if let Some(reason) = front_refused_client_certificate(status, &body) {
            return MlflowError::ClientCertificate {
                url: origin(url),
                reason,
                configured: self
                    .settings
                    .client_cert_path
                    .as_ref()
                    .map(|p| p.display().to_string()),
            };
        }
        classify_error(
            status,
            &body,
            url,
            &self.settings.auth,
            idempotency,
            subject,
        )
    }

    fn transport_error(&self, e: reqwest::Error, url: &Url) -> MlflowError {
        let server = origin(url);
        if let Some(refused) = find_cause::<DowngradeRefused>(&e) {
            return MlflowError::InsecureRedirect {
                from: refused.from.clone(),
                to: refused.to.clone(),
            };
        }
        if e.is_timeout() {
            return MlflowError::Timeout {
                url: server,
                after: self.settings.timeout,
            };
        }
        let reason = innermost_cause(&e);
        match tls_failure(&e) {
            Some(TlsFailure::ClientCertificate) => {
                return MlflowError::ClientCertificate {
                    url: server,
                    reason,
                    configured: self
                        .settings
                        .client_cert_path
                        .as_ref()
                        .map(|p| p.display().to_string()),
                }
            }
            Some(TlsFailure::Hostname) => {
                return MlflowError::TlsHostname {
                    url: server,
                    reason,
                }
            }
            Some(TlsFailure::Other) => {
                return MlflowError::Tls {
                    url: server,
                    reason,
                }
            }
            None => {}
        }
        if e.is_connect() || e.is_request() {
            return match self.settings.proxy.proxy_for(url) {
                Some(proxy) => MlflowError::ProxyConnect {
                    proxy: proxy.display(),
                    reason,
                },
                None => MlflowError::Connect {
                    url: server,
                    reason,
                },
            };
        }
        MlflowError::Malformed {
            url: url_without_query(url),
            detail: reason,
        }
    }
}

fn read_ca_bundle(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, MlflowError> {
    let refuse = |reason: String| MlflowError::TlsConfig {
        what: "server CA bundle",
        setting: "MLFLOW_TRACKING_SERVER_CERT_PATH or a profile's server_cert_path",
        path: path.display().to_string(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| refuse(format!("cannot be read: {e}")))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| refuse(format!("is not a PEM bundle: {e}")))?;
    // A DER file or anything else without a PEM block yields no certificate at all; trusting
    // nothing extra in silence would hide the mistake until the handshake fails.
    if certs.is_empty() {
        return Err(refuse(
            "holds no PEM certificate (no -----BEGIN CERTIFICATE----- block); convert a DER file with `openssl x509 -inform der -in FILE -out FILE.pem`".into(),
        ));
    }
    Ok(certs)
}

fn read_client_identity(path: &std::path::Path) -> Result<reqwest::Identity, MlflowError> {
    let refuse = |reason: String| MlflowError::TlsConfig {
        what: "client certificate",
        setting: "MLFLOW_TRACKING_CLIENT_CERT_PATH or a profile's client_cert_path",
        path: path.display().to_string(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| refuse(format!("cannot be read: {e}")))?;
    reqwest::Identity::from_pem(&pem).map_err(|e| {
        refuse(format!(
            "must be one PEM file holding the certificate and its private key: {e}"
        ))
    })
}

/// Follow redirects like reqwest does, except from https to plain http: that would send the
/// credentials and read the answers unencrypted.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let was_https = attempt.previous().iter().any(|u| u.scheme() == "https");
        if was_https && attempt.url().scheme() == "http" {
            let refused = DowngradeRefused {
                from: attempt
                    .previous()
                    .last()
                    .map(printable_url)
                    .unwrap_or_default(),
                to: printable_url(attempt.url()),
            };
            attempt.error(refused)
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

#[derive(Debug)]
struct DowngradeRefused {
    from: String,
    to: String,
}

impl std::fmt::Display for DowngradeRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redirect from {} to {} refused", self.from, self.to)
    }
}

impl std::error::Error for DowngradeRefused {}

fn find_cause<'a, E: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<E>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

enum TlsFailure {
    /// The server ended the handshake with an alert about the client's certificate (none sent,
    /// or one it does not accept).
    ClientCertificate,
    /// A certificate the client trusts, issued for another host name.
    Hostname,
    Other,
}

/// rustls's errors reach us as text inside reqwest's source chain.
fn tls_failure(e: &reqwest::Error) -> Option<TlsFailure> {
    let chain = cause_chain(e).join(": ").to_lowercase();
    if let Some((_, alert)) = chain.split_once("received fatal alert: ") {
        // An alert from the server is about what the client sent: in practice its certificate
        // (none, or one the server does not accept).
        let name = alert
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        let about_client = name.contains("certificate")
            || ["unknownca", "accessdenied", "handshakefailure"].contains(&name);
        return Some(if about_client {
            TlsFailure::ClientCertificate
        } else {
            TlsFailure::Other
        });
    }
    // rustls: "invalid peer certificate: certificate not valid for name ...".
    if chain.contains("not valid for name") {
        return Some(TlsFailure::Hostname);
    }
    let tls = [
        "certificate",
        "tls",
        "handshake",
        "corrupt message",
        "invalidcontenttype",
        "ssl",
    ]
    .iter()
    .any(|marker| chain.contains(marker));
    tls.then_some(TlsFailure::Other)
}

/// A TLS front that asks for client certificates, such as nginx with `ssl_verify_client on`,
/// completes the handshake and refuses the request with HTTP 400 (its 496 and 495 codes), so the
/// refusal arrives as an answer, not as a failed handshake. Its own wording is recognised here,
/// so the user is told about the client certificate rather than shown a bare 400.
fn front_refused_client_certificate(status: StatusCode, body: &str) -> Option<String> {
    if !matches!(status.as_u16(), 400 | 495 | 496) {
        return None;
    }
    [
        "No required SSL certificate was sent",
        "The SSL certificate error",
    ]
    .into_iter()
    .find(|text| body.contains(text))
    .map(|text| format!("the TLS front answered HTTP {}: {text}", status.as_u16()))
}

/// Turn a failed answer into a typed error. Pure, so every body shape is unit-tested.
pub fn classify_error(
    status: StatusCode,
    body: &str,
    url: &Url,
    auth: &Auth,
    idempotency: Idempotency,
    subject: &Subject,
) -> MlflowError {
    let server = origin(url);
    if body.contains("Invalid Host header") {
        return MlflowError::InvalidHost { url: server };
    }
    let api: Option<ApiErrorBody> = serde_json::from_str(body).ok();
    let (error_code, message) = match &api {
        Some(b) => (bounded(&b.error_code, 100), bounded(&b.message, 1000)),
        None => (String::new(), excerpt(body)),
    };
    let permission = match idempotency {
        Idempotency::Read => "READ",
        Idempotency::Write => "EDIT",
    };
    match (status.as_u16(), error_code.as_str()) {
        (_, "RESOURCE_DOES_NOT_EXIST") | (404, "NOT_FOUND") => MlflowError::NotFound {
            what: subject.what.clone(),
            message,
        },
        (401, _) | (_, "UNAUTHENTICATED") => MlflowError::Unauthenticated {
            url: server,
            tried: auth.describe(),
        },
        (403, _) | (_, "PERMISSION_DENIED") => MlflowError::PermissionDenied {
            action: subject.action.to_string(),
            permission,
            resource: subject.what.clone(),
            message: if message.is_empty() {
                "forbidden".into()
            } else {
                message
            },
        },
        (code, _) if api.is_some() && !error_code.is_empty() => MlflowError::Api {
            status: code,
            error_code,
            message,
        },
        (404, _) => MlflowError::Http {
            status: 404,
            url: url_without_query(url),
            excerpt: if message.is_empty() {
                "no such route: the server may be older than this feature, or not an MLflow server"
                    .into()
            } else {
                message
            },
        },
        (code, _) => MlflowError::Http {
            status: code,
            url: url_without_query(url),
            excerpt: if message.is_empty() {
                status.canonical_reason().unwrap_or("error").to_string()
            } else {
                message
            },
        },
    }
}

#[derive(serde::Deserialize)]
struct ApiErrorBody {
    #[serde(default)]
    error_code: String,
    #[serde(default)]
    message: String,
}

fn decode_json<T: DeserializeOwned>(bytes: &[u8], url: &Url) -> Result<T, MlflowError> {
    let body: &[u8] = if bytes.is_empty() { b"{}" } else { bytes };
    serde_json::from_slice(body).map_err(|e| MlflowError::Malformed {
        url: url_without_query(url),
        detail: format!("the JSON did not have the expected shape ({e})"),
    })
}

/// The first `limit` bytes of a body (an error answer: what is past that is not needed).
async fn read_prefix(mut response: Response, limit: usize) -> String {
    let mut body = Vec::new();
    while body.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let take = chunk.len().min(limit - body.len());
                body.extend_from_slice(&chunk[..take]);
            }
            _ => break,
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Every distinct message in reqwest's source chain, outermost first.
fn cause_chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut parts: Vec<String> = vec![];
    let mut current: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = current {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = err.source();
    }
    parts
}

/// The outer layers say "error sending request for url (...)"; the innermost cause
/// ("Connection refused", "certificate expired") is what the user can act on.
fn innermost_cause(e: &dyn std::error::Error) -> String {
    cause_chain(e).pop().unwrap_or_default()
}

fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn retry_after(response: &Response) -> Option<std::time::Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    let seconds: u64 = value.to_str().ok()?.trim().parse().ok()?;
    // A server asking for minutes is better answered with an error than a frozen command.
    Some(std::time::Duration::from_secs(seconds.min(30)))
}

fn backoff(attempt: u32) -> std::time::Duration {
    std::time::Duration::from_millis(200u64.saturating_mul(1 << attempt.min(5)))
}

fn append_query(url: &mut Url, query: &[(&str, String)]) {
    if query.is_empty() {
        return;
    }
    let mut pairs = url.query_pairs_mut();
    for (k, v) in query {
        pairs.append_pair(k, v);
    }
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

fn url_without_query(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.to_string()
}

/// A URL from elsewhere (a redirect's Location) as it may be printed: no credentials, no query.
fn printable_url(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// At most `max` characters of server text.
fn bounded(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// A short, single-line excerpt of a plain-text or HTML body.
pub fn excerpt(body: &str) -> String {
    let mut text = String::with_capacity(body.len().min(512));
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            _ => text.push(c),
        }
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    bounded(&collapsed, 200)
}

/// A URI as it may be printed: everything before its last `@` (after the scheme) becomes `***`.
/// Textual, not parsed: a password with an unencoded `@` or `/` fools a parser about where the
/// host begins, and an unparseable URI has no parts at all.
pub fn redact_userinfo(uri: &str) -> String {
    let (scheme, rest) = match uri.find("://") {
        Some(i) => uri.split_at(i + 3),
        None => ("", uri),
    };
    match rest.rfind('@') {
        Some(at) => format!("{scheme}***@{}", &rest[at + 1..]),
        None => uri.to_string(),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://127.0.0.1:5000/api/2.0/mlflow/registered-models/get?name=x").unwrap()
    }

    fn subject() -> Subject {
        Subject::new("read", "registered model 'x'")
    }

    #[test]
    fn json_not_found_names_the_subject() {
        let body = r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Registered Model with name=x not found"}"#;
        let err = classify_error(
            StatusCode::NOT_FOUND,
            body,
            &url(),
            &Auth::None,
            Idempotency::Read,
            &subject(),
        );
        assert!(err.is_not_found());
        assert!(
            err.to_string()
                .starts_with("registered model 'x' not found"),
            "{err}"
        );
    }

    #[test]
    fn plain_text_401_names_credentials_not_values() {
        let auth = Auth::Basic {
            username: "alice".into(),
            password: Secret::new("hunter2"),
            source: CredentialSource::Environment,
        };
        let err = classify_error(
            StatusCode::UNAUTHORIZED,
            "You are not authenticated. Please see the documentation",
            &url(),
            &auth,
            Idempotency::Read,
            &subject(),
        );
        let text = err.to_string();
        assert!(text.contains("basic auth as user 'alice'"), "{text}");
        assert!(!text.contains("hunter2"));
    }

    #[test]
    fn forbidden_write_asks_for_edit() {
        let err = classify_error(
            StatusCode::FORBIDDEN,
            "Permission denied",
            &url(),
            &Auth::None,
            Idempotency::Write,
            &Subject::new("transition stage", "model 'x' version 3"),
        );
        assert!(err.to_string().contains("EDIT permission"), "{err}");
    }

    #[test]
    fn html_bodies_are_reduced_to_text() {
        let body = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";
        let err = classify_error(
            StatusCode::BAD_GATEWAY,
            body,
            &url(),
            &Auth::None,
            Idempotency::Read,
            &subject(),
        );
        assert_eq!(err.to_string(), "HTTP 502 from http://127.0.0.1:5000/api/2.0/mlflow/registered-models/get: 502 Bad Gateway Bad Gateway");
    }

    #[test]
    fn an_nginx_client_certificate_refusal_is_recognised() {
        let missing =
            "<html><head><title>400 No required SSL certificate was sent</title></head></html>";
        let reason = front_refused_client_certificate(StatusCode::BAD_REQUEST, missing);
        assert!(reason.is_some_and(|r| r.contains("No required SSL certificate")));
        let refused = "<html><head><title>400 The SSL certificate error</title></head></html>";
        assert!(front_refused_client_certificate(StatusCode::BAD_REQUEST, refused).is_some());
        // Other 400s, and the same words in another status, are not about the certificate.
        assert!(front_refused_client_certificate(StatusCode::BAD_REQUEST, "bad request").is_none());
        assert!(front_refused_client_certificate(StatusCode::NOT_FOUND, missing).is_none());
    }

    #[test]
    fn invalid_host_is_recognised() {
        let err = classify_error(
            StatusCode::BAD_REQUEST,
            "Invalid Host header - possible DNS rebinding attack detected",
            &url(),
            &Auth::None,
            Idempotency::Read,
            &subject(),
        );
        assert!(matches!(err, MlflowError::InvalidHost { .. }));
    }

    #[test]
    fn bare_404_is_a_missing_route() {
        let err = classify_error(
            StatusCode::NOT_FOUND,
            "",
            &url(),
            &Auth::None,
            Idempotency::Read,
            &subject(),
        );
        assert!(matches!(err, MlflowError::Http { status: 404, .. }));
    }

    #[test]
    fn credentials_in_the_uri_move_to_basic_auth() {
        let t =
            Transport::new(ConnectionSettings::new("http://bob:s3cret@localhost:5000")).unwrap();
        assert_eq!(t.base_url(), "http://localhost:5000");
        assert!(matches!(&t.settings().auth, Auth::Basic { username, .. } if username == "bob"));
        assert!(!format!("{:?}", t.settings()).contains("s3cret"));
    }

    #[test]
    fn path_prefixes_are_kept() {
        let t = Transport::new(ConnectionSettings::new("https://example.com/mlflow")).unwrap();
        assert_eq!(
            t.api_url("runs/get").unwrap().as_str(),
            "https://example.com/mlflow/api/2.0/mlflow/runs/get"
        );
    }

    #[test]
    fn unparseable_uris_lose_everything_before_their_last_at() {
        for (raw, printed) in [
            (
                "http://bob:hunter2@exa mple.com:5000",
                "http://***@exa mple.com:5000",
            ),
            ("bob:hunter2@host", "***@host"),
            ("http://bob:pa@ss/word@host:99999", "http://***@host:99999"),
            ("https://bob:hunter2@host:5000/", "https://***@host:5000/"),
            ("http://bob:hunter2@host:5000/x", "http://***@host:5000/x"),
            ("sqlite:///mlflow.db", "sqlite:///mlflow.db"),
        ] {
            assert_eq!(redact_userinfo(raw), printed);
        }
    }

    #[test]
    fn invalid_uri_errors_never_hold_the_password() {
        for raw in [
            "http://bob:hunter2@host:99999",
            "bob:hunter2@host",
            "http://bob:hun@ter2/x@host:5000",
        ] {
            let err = parse_tracking_uri(raw).unwrap_err();
            assert!(matches!(err, MlflowError::InvalidUri { .. }));
            assert!(!format!("{err} {err:?}").contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn api_messages_are_bounded() {
        let body = format!(
            r#"{{"error_code":"INVALID_PARAMETER_VALUE","message":"{}"}}"#,
            "m".repeat(100_000)
        );
        let err = classify_error(
            StatusCode::BAD_REQUEST,
            &body,
            &url(),
            &Auth::None,
            Idempotency::Read,
            &subject(),
        );
        assert!(err.to_string().len() < 1200, "{}", err.to_string().len());
    }

    #[test]
    fn non_http_schemes_are_refused() {
        assert!(matches!(
            Transport::new(ConnectionSettings::new("sqlite:///mlflow.db")),
            Err(MlflowError::InvalidUri { .. })
        ));
    }
}
