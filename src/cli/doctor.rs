use std::io::Write;

use serde::Serialize;

use super::output::{self, Table};
use super::CliError;
use crate::config::Resolved;
use crate::mlflow::http::excerpt;
use crate::mlflow::{MlflowClient, MlflowError};

#[derive(Serialize)]
struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

#[derive(Serialize)]
struct DoctorReport {
    tracking_uri: String,
    tracking_uri_source: String,
    profile: Option<String>,
    auth: String,
    tls_verification: bool,
    config_file: String,
    config_file_found: bool,
    log_file: String,
    cache_dir: String,
    page_size: usize,
    read_only: bool,
    server_version: Option<String>,
    checks: Vec<Check>,
    ok: bool,
}

pub async fn run(resolved: &Resolved, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let mut checks = Vec::new();
    let mut server_version = None;
    let mut tracking_uri = resolved.connection.tracking_uri.clone();
    // The auth the client really sends (credentials in the URL become basic auth there).
    let mut auth = resolved.connection.auth.describe();
    let mut config_problem = false;
    match MlflowClient::new(resolved.connection.clone()) {
        Err(e) => {
            config_problem = matches!(
                e,
                MlflowError::TlsConfig { .. } | MlflowError::InvalidUri { .. }
            );
            checks.push(failed("client", &e));
        }
        Ok(client) => {
            tracking_uri = client.base_url().to_string();
            auth = client.transport().settings().auth.describe();
            match client.health().await {
                // The server's text is untrusted and may be huge: a short excerpt only.
                Ok(body) => checks.push(Check {
                    name: "reachable",
                    ok: true,
                    detail: format!("GET /health answered '{}'", excerpt(&body)),
                    hint: None,
                }),
                Err(e) => checks.push(failed("reachable", &e)),
            }
            if checks.iter().all(|c| c.ok) {
                match client.server_version().await {
                    Ok(v) => {
                        checks.push(Check {
                            name: "version",
                            ok: true,
                            detail: format!("MLflow {}", excerpt(&v)),
                            hint: version_hint(&v),
                        });
                        server_version = Some(excerpt(&v));
                    }
                    Err(e) => checks.push(failed("version", &e)),
                }
                match client.search_registered_models_page(None, 1, None).await {
                    Ok(_) => checks.push(Check {
                        name: "auth",
                        ok: true,
                        detail: format!("registry readable with {auth}"),
                        hint: None,
                    }),
                    Err(e) => checks.push(failed("auth", &e)),
                }
            }
        }
    }
    let ok = checks.iter().all(|c| c.ok);
    let report = DoctorReport {
        tracking_uri,
        tracking_uri_source: resolved.uri_source.clone(),
        profile: resolved.profile.clone(),
        auth,
        tls_verification: !resolved.connection.insecure_tls,
        config_file: resolved.config_path.display().to_string(),
        config_file_found: resolved.config_found,
        log_file: resolved.paths.log_file.display().to_string(),
        cache_dir: resolved.paths.cache_dir.display().to_string(),
        page_size: resolved.page_size,
        read_only: resolved.read_only,
        server_version,
        checks,
        ok,
    };
    if json {
        output::json(out, &report)?;
    } else {
        write_human(&report, out)?;
    }
    let summary = format!("doctor found problems with {}", report.tracking_uri);
    match (ok, config_problem) {
        (true, _) => Ok(()),
        (false, true) => Err(CliError::ReportedConfig(summary)),
        (false, false) => Err(CliError::Reported(summary)),
    }
}

fn failed(name: &'static str, e: &MlflowError) -> Check {
    let hint = match e {
        MlflowError::Connect { .. } => Some(
            "start a server (`mlflow server --host 127.0.0.1 --port 5000`), or point tollgate at yours with --tracking-uri / MLFLOW_TRACKING_URI".into(),
        ),
        MlflowError::Unauthenticated { .. } => Some(
            "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN, or a profile with username + password_command".into(),
        ),
        MlflowError::PermissionDenied { .. } => {
            Some("ask an MLflow admin for READ permission on the registry".into())
        }
        MlflowError::Tls { .. } => Some(
            "point MLFLOW_TRACKING_SERVER_CERT_PATH at the CA bundle that signed the server's certificate".into(),
        ),
        MlflowError::TlsHostname { .. } => Some(
            "use the host name the server's certificate is issued for in the tracking URI".into(),
        ),
        MlflowError::ClientCertificate { .. } => Some(
            "point MLFLOW_TRACKING_CLIENT_CERT_PATH (or the profile's client_cert_path) at one PEM file with the client certificate and its private key".into(),
        ),
        MlflowError::ProxyConnect { .. } => Some(
            "start the proxy, fix HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, or add the server to NO_PROXY".into(),
        ),
        MlflowError::TooLarge { .. } => Some(
            "the URL may not be an MLflow server; if it is, raise TOLLGATE_MAX_RESPONSE_MB".into(),
        ),
        MlflowError::InvalidHost { .. } => Some(
            "the server must list this host in --allowed-hosts / MLFLOW_SERVER_ALLOWED_HOSTS, or use an SSH tunnel to localhost".into(),
        ),
        MlflowError::Http { status: 404, .. } => Some(
            "the URL answers but is not an MLflow tracking server; check the path prefix".into(),
        ),
        _ => None,
    };
    Check {
        name,
        ok: false,
        detail: e.to_string(),
        hint,
    }
}

fn version_hint(version: &str) -> Option<String> {
    let major: u32 = version.split('.').next()?.parse().ok()?;
    (major < 3).then(|| {
        "MLflow 2.x: logged models (MLflow 3) are not available; everything else works".to_string()
    })
}

fn write_human(r: &DoctorReport, out: &mut dyn Write) -> std::io::Result<()> {
    let mut t = Table::new(["SETTING", "VALUE"]);
    t.row([
        "tracking uri",
        &format!("{} (from {})", r.tracking_uri, r.tracking_uri_source),
    ]);
    t.row(["profile", &output::or_dash(r.profile.as_deref())]);
    t.row(["auth", &r.auth]);
    t.row([
        "tls verification",
        if r.tls_verification {
            "on"
        } else {
            "OFF (insecure)"
        },
    ]);
    t.row([
        "config file",
        &format!(
            "{}{}",
            r.config_file,
            if r.config_file_found {
                ""
            } else {
                " (not present; defaults apply)"
            }
        ),
    ]);
    t.row(["log file", &r.log_file]);
    t.row(["cache dir", &r.cache_dir]);
    t.row(["page size", &r.page_size.to_string()]);
    t.row(["read only", if r.read_only { "yes" } else { "no" }]);
    t.write(out, output::stdout_styled())?;
    writeln!(out)?;
    let mut t = Table::new(["CHECK", "RESULT", "DETAIL"]);
    for c in &r.checks {
        t.row([c.name, if c.ok { "ok" } else { "FAILED" }, &c.detail]);
        if let Some(h) = &c.hint {
            t.row(["", "hint", h.as_str()]);
        }
    }
    t.write(out, output::stdout_styled())?;
    Ok(())
}
