//! Proxies (issue 9): `NO_PROXY=*` bypasses the proxy for every host, and an unreachable proxy
//! is reported as the proxy, never as an unreachable MLflow server. Scripted loopback servers
//! stand in for the proxy and the target; only what reaches which one is asserted.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::process::Output;

use support::cli::tollgate_at;
use support::fault_server::{FaultServer, Reply};
use support::free_port;

const MODEL: &str = r#"{"registered_model": {"name": "m"}, "model_versions": []}"#;

const PROXY_VARIABLES: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

fn tollgate(url: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = tollgate_at(url);
    cmd.args(["versions", "m", "--json"]);
    for var in PROXY_VARIABLES {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_proxy_is_used_when_set() {
    // The baseline the next test departs from: with HTTP_PROXY set, requests go to the proxy.
    let target = FaultServer::start(vec![Reply::json(200, MODEL)]);
    let proxy = FaultServer::start(vec![Reply::json(200, MODEL)]);
    let out = tollgate(&target.url, &[("HTTP_PROXY", &proxy.url)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(target.received().is_empty());
    let asked = proxy.received();
    assert!(!asked.is_empty());
    // A proxy is asked for the absolute URL.
    assert!(
        asked[0].target.starts_with(&target.url),
        "{:?}",
        asked[0].target
    );
}

#[test]
fn no_proxy_star_bypasses_the_proxy_for_every_host() {
    for (proxy_var, no_proxy_var) in [
        ("HTTP_PROXY", "NO_PROXY"),
        ("http_proxy", "no_proxy"),
        ("ALL_PROXY", "no_proxy"),
    ] {
        for target_host in ["127.0.0.1", "localhost"] {
            let target = FaultServer::start(vec![Reply::json(200, MODEL)]);
            let proxy = FaultServer::start(vec![Reply::json(200, MODEL)]);
            let url = target.url.replace("127.0.0.1", target_host);
            let out = tollgate(&url, &[(proxy_var, &proxy.url), (no_proxy_var, "*")]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "{proxy_var} {no_proxy_var} {url}: {stderr}"
            );
            assert!(
                proxy.received().is_empty(),
                "{no_proxy_var}='*' still sent {url} through {proxy_var}"
            );
            assert!(!target.received().is_empty());
        }
    }
}

#[test]
fn an_unreachable_proxy_is_named_without_its_credentials() {
    let target = FaultServer::start(vec![Reply::json(200, MODEL)]);
    let proxy_port = free_port();
    let proxy = format!("http://squid:proxy-s3cret@127.0.0.1:{proxy_port}");
    for variable in ["http_proxy", "ALL_PROXY"] {
        let out = tollgate(&target.url, &[(variable, &proxy)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        assert!(
            stderr.contains("cannot connect to the proxy")
                && stderr.contains(&format!("127.0.0.1:{proxy_port}"))
                && stderr.contains(variable),
            "{stderr}"
        );
        assert!(
            !stderr.contains("Is the MLflow server running"),
            "the server was never tried: {stderr}"
        );
        assert!(!stderr.contains("proxy-s3cret"), "{stderr}");
        assert!(target.received().is_empty());
    }
}

#[test]
fn a_malformed_proxy_url_is_a_config_error_without_its_password() {
    let target = FaultServer::start(vec![Reply::json(200, MODEL)]);
    let out = tollgate(
        &target.url,
        &[("HTTPS_PROXY", "http://squid:proxy-s3cret@proxy:99999")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("HTTPS_PROXY"), "{stderr}");
    assert!(!stderr.contains("proxy-s3cret"), "{stderr}");
}
