//! The transport: one `reqwest` client with auth and TLS applied, JSON in and out, MLflow's
//! errors decoded, and retries for reads only (a write is never repeated behind the user's back).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use super::error::MlflowError;
use super::settings::{Auth, ConnectionSettings, CredentialSource, Secret};

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

#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base: Url,
    settings: Arc<ConnectionSettings>,
    requests: Arc<AtomicU64>,
}

impl Transport {
    pub fn new(mut settings: ConnectionSettings) -> Result<Self, MlflowError> {
        let mut base = Url::parse(&settings.tracking_uri).map_err(|e| MlflowError::InvalidUri {
            uri: redact_userinfo(&settings.tracking_uri),
            reason: e.to_string(),
        })?;
        match base.scheme() {
            "http" | "https" => {}
            other => {
                return Err(MlflowError::InvalidUri {
                    uri: redact_userinfo(&settings.tracking_uri),
                    reason: format!(
                        "scheme '{other}' is not served over HTTP; tollgate needs an http(s):// tracking server"
                    ),
                })
            }
        }
        // Credentials written into the URL become basic auth, and leave the URL so they never
        // appear in messages or logs.
        if !base.username().is_empty() {
            if settings.auth == Auth::None {
                let username = percent_decode(base.username());
                let password = percent_decode(base.password().unwrap_or(""));
                settings.auth = Auth::Basic {
                    username,
                    password: Secret::new(password),
                    source: CredentialSource::Environment,
                };
            }
            let _ = base.set_username("");
            let _ = base.set_password(None);
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        settings.tracking_uri = base.as_str().trim_end_matches('/').to_string();

        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .user_agent(concat!("tollgate/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(settings.concurrency.max(1));
        if settings.insecure_tls {
            builder = builder.danger_accept_invalid_certs(true);
        }
        if let Some(path) = &settings.server_cert_path {
            let pem = std::fs::read(path).map_err(|e| {
                MlflowError::ClientSetup(format!(
                    "cannot read server CA bundle {}: {e}",
                    path.display()
                ))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                MlflowError::ClientSetup(format!("bad CA bundle {}: {e}", path.display()))
            })?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        if let Some(path) = &settings.client_cert_path {
            let pem = std::fs::read(path).map_err(|e| {
                MlflowError::ClientSetup(format!(
                    "cannot read client certificate {}: {e}",
                    path.display()
                ))
            })?;
            let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
                MlflowError::ClientSetup(format!(
                    "client certificate {} must be PEM holding the certificate and its private key: {e}",
                    path.display()
                ))
            })?;
            builder = builder.identity(identity);
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
        decode_json(response, &url).await
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
        decode_json(response, &url).await
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
        decode_json(response, &url).await
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
            .map_err(|e| transport_error(e, &url, self.settings.timeout))?;
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
        response
            .bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| transport_error(e, &url, self.settings.timeout))
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
            let outcome = request.send().await;
            let retry_after = match &outcome {
                Ok(resp) if is_retryable_status(resp.status()) => {
                    Some(retry_after(resp).unwrap_or_else(|| backoff(attempt)))
                }
                Err(e) if e.is_connect() => Some(backoff(attempt)),
                _ => None,
            };
            if let (Some(wait), true) = (retry_after, attempt < attempts) {
                tracing::info!(url = %url, attempt, wait_ms = wait.as_millis() as u64, "retrying read");
                tokio::time::sleep(wait).await;
                continue;
            }
            let response = outcome.map_err(|e| transport_error(e, &url, self.settings.timeout))?;
            if response.status().is_success() {
                return Ok(response);
            }
            return Err(self
                .decode_error(response, &url, idempotency, subject)
                .await);
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

    async fn decode_error(
        &self,
        response: Response,
        url: &Url,
        idempotency: Idempotency,
        subject: &Subject,
    ) -> MlflowError {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        classify_error(
            status,
            &body,
            url,
            &self.settings.auth,
            idempotency,
            subject,
        )
    }
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
        Some(b) => (b.error_code.clone(), b.message.clone()),
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

async fn decode_json<T: DeserializeOwned>(response: Response, url: &Url) -> Result<T, MlflowError> {
    let bytes = response.bytes().await.map_err(|e| MlflowError::Malformed {
        url: url_without_query(url),
        detail: format!("body could not be read: {e}"),
    })?;
    let body: &[u8] = if bytes.is_empty() { b"{}" } else { &bytes };
    serde_json::from_slice(body).map_err(|e| MlflowError::Malformed {
        url: url_without_query(url),
        detail: format!("the JSON did not have the expected shape ({e})"),
    })
}

fn transport_error(e: reqwest::Error, url: &Url, timeout: Duration) -> MlflowError {
    let server = origin(url);
    if e.is_timeout() {
        return MlflowError::Timeout {
            url: server,
            after: timeout,
        };
    }
    let chain = error_chain(&e);
    let lowered = chain.to_lowercase();
    if lowered.contains("certificate") || lowered.contains("tls") || lowered.contains("handshake") {
        return MlflowError::Tls {
            url: server,
            reason: chain,
        };
    }
    if e.is_connect() || e.is_request() {
        return MlflowError::Connect {
            url: server,
            reason: chain,
        };
    }
    MlflowError::Malformed {
        url: url_without_query(url),
        detail: chain,
    }
}

/// reqwest hides the useful part ("Connection refused") in the source chain.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![];
    let mut current: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = current {
        let text = err.to_string();
        if !parts.iter().any(|p: &String| p.contains(&text)) {
            parts.push(text);
        }
        current = err.source();
    }
    // The outer layers say "error sending request for url (...)"; the innermost cause
    // ("Connection refused", "certificate expired") is what the user can act on.
    parts.pop().unwrap_or_default()
}

fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    let seconds: u64 = value.to_str().ok()?.trim().parse().ok()?;
    // A server asking for minutes is better answered with an error than a frozen command.
    Some(Duration::from_secs(seconds.min(30)))
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << attempt.min(5)))
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
    let mut out: String = collapsed.chars().take(200).collect();
    if collapsed.chars().count() > 200 {
        out.push('…');
    }
    out
}

pub fn redact_userinfo(uri: &str) -> String {
    match Url::parse(uri) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("***");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => uri.to_string(),
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
    fn non_http_schemes_are_refused() {
        assert!(matches!(
            Transport::new(ConnectionSettings::new("sqlite:///mlflow.db")),
            Err(MlflowError::InvalidUri { .. })
        ));
    }
}
