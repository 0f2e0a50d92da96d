use super::test_support::{config_file, env_of, overrides};
use super::*;

const FILE: &str = r#"
default_profile = "local"
[profiles.local]
tracking_uri = "http://localhost:6000"
[profiles.prod]
tracking_uri = "https://mlflow.example.com"
username = "alice"
password_command = "printf s3cret; echo -from-command"
read_only = true
"#;

#[test]
fn defaults_without_anything() {
    let f = config_file("");
    let r = resolve_with(&overrides(f.path()), &env_of(&[])).unwrap();
    assert_eq!(r.connection.tracking_uri, DEFAULT_TRACKING_URI);
    assert_eq!(r.connection.auth, Auth::None);
    assert_eq!(r.uri_source, "built-in default");
    assert!(!r.read_only);
}

#[test]
fn environment_beats_the_default_profile() {
    let f = config_file(FILE);
    let env = env_of(&[
        ("MLFLOW_TRACKING_URI", "http://env:5000"),
        ("MLFLOW_TRACKING_TOKEN", "tok"),
    ]);
    let r = resolve_with(&overrides(f.path()), &env).unwrap();
    assert_eq!(r.connection.tracking_uri, "http://env:5000");
    assert!(matches!(r.connection.auth, Auth::Bearer { .. }));
}

#[test]
fn default_profile_applies_when_environment_is_silent() {
    let f = config_file(FILE);
    let r = resolve_with(&overrides(f.path()), &env_of(&[])).unwrap();
    assert_eq!(r.connection.tracking_uri, "http://localhost:6000");
    assert_eq!(r.profile.as_deref(), Some("local"));
}

#[test]
fn explicit_profile_beats_environment_and_runs_its_password_command() {
    let f = config_file(FILE);
    let env = env_of(&[
        ("MLFLOW_TRACKING_URI", "http://env:5000"),
        ("MLFLOW_TRACKING_USERNAME", "envuser"),
        ("MLFLOW_TRACKING_PASSWORD", "envpass"),
    ]);
    let mut o = overrides(f.path());
    o.profile = Some("prod".into());
    let r = resolve_with(&o, &env).unwrap();
    assert_eq!(r.connection.tracking_uri, "https://mlflow.example.com");
    match &r.connection.auth {
        Auth::Basic {
            username, password, ..
        } => {
            assert_eq!(username, "alice");
            assert_eq!(password.expose(), "s3cret-from-command");
        }
        other => panic!("expected basic auth, got {other:?}"),
    }
    assert!(r.read_only);
    assert!(!format!("{r:?}").contains("s3cret-from-command"));
}

#[test]
fn flag_beats_everything() {
    let f = config_file(FILE);
    let mut o = overrides(f.path());
    o.profile = Some("prod".into());
    o.tracking_uri = Some("http://flag:1".into());
    let r = resolve_with(&o, &env_of(&[("MLFLOW_TRACKING_URI", "http://env:5000")])).unwrap();
    assert_eq!(r.connection.tracking_uri, "http://flag:1");
}

#[test]
fn unknown_profile_lists_the_known_ones() {
    let f = config_file(FILE);
    let mut o = overrides(f.path());
    o.profile = Some("staging".into());
    let err = resolve_with(&o, &env_of(&[])).unwrap_err().to_string();
    assert!(err.contains("no profile named 'staging'"), "{err}");
    assert!(err.contains("local, prod"), "{err}");
}

#[test]
fn secrets_in_the_file_are_refused() {
    let f = config_file("[profiles.x]\ntracking_uri = \"http://a\"\npassword = \"hunter2\"\n");
    let err = resolve_with(&overrides(f.path()), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("password_command"), "{err}");
    assert!(!err.contains("hunter2"));
}

#[test]
fn failing_password_command_is_reported_without_output() {
    let f =
        config_file("[profiles.x]\nusername = \"a\"\npassword_command = \"echo leaked; exit 3\"\n");
    let mut o = overrides(f.path());
    o.profile = Some("x".into());
    let err = resolve_with(&o, &env_of(&[])).unwrap_err().to_string();
    assert!(err.contains("password_command"), "{err}");
    assert!(!err.contains("leaked"), "{err}");
}

#[test]
fn insecure_tls_only_when_asked() {
    let f = config_file("");
    let r = resolve_with(&overrides(f.path()), &env_of(&[])).unwrap();
    assert!(!r.connection.insecure_tls);
    let r = resolve_with(
        &overrides(f.path()),
        &env_of(&[("MLFLOW_TRACKING_INSECURE_TLS", "true")]),
    )
    .unwrap();
    assert!(r.connection.insecure_tls);
}

#[test]
fn page_size_is_validated() {
    let f = config_file("page_size = 5000\n");
    assert!(resolve_with(&overrides(f.path()), &env_of(&[])).is_err());
    let f = config_file("page_size = 50\n");
    assert_eq!(
        resolve_with(&overrides(f.path()), &env_of(&[]))
            .unwrap()
            .page_size,
        50
    );
}

#[test]
fn malformed_file_names_the_path() {
    let f = config_file("this is = = not toml");
    let err = resolve_with(&overrides(f.path()), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains(&f.path().display().to_string()), "{err}");
}

#[test]
fn credentials_in_the_uri_become_basic_auth_and_leave_the_uri() {
    let f = config_file("");
    let mut o = overrides(f.path());
    o.tracking_uri = Some("https://bob:s%3Acret@mlflow.example.com/prefix/".into());
    let r = resolve_with(&o, &env_of(&[])).unwrap();
    assert_eq!(
        r.connection.tracking_uri,
        "https://mlflow.example.com/prefix"
    );
    match &r.connection.auth {
        Auth::Basic {
            username,
            password,
            source,
        } => {
            assert_eq!(username, "bob");
            assert_eq!(password.expose(), "s:cret");
            assert_eq!(source, &CredentialSource::TrackingUri);
        }
        other => panic!("expected basic auth, got {other:?}"),
    }
    assert!(!format!("{r:?}").contains("s%3Acret"));
    // Credentials given as such win over the URL's, as before.
    let r = resolve_with(&o, &env_of(&[("MLFLOW_TRACKING_TOKEN", "tok")])).unwrap();
    assert!(matches!(r.connection.auth, Auth::Bearer { .. }));
    assert_eq!(
        r.connection.tracking_uri,
        "https://mlflow.example.com/prefix"
    );
}

#[test]
fn a_malformed_uri_is_a_config_error_without_its_password() {
    let f = config_file("");
    for uri in [
        "http://bob:hunter2@host:99999",
        "http://bob:hunter2@exa mple.com",
        "bob:hunter2@host",
        "ftp://bob:hunter2@host",
    ] {
        let err = resolve_with(
            &overrides(f.path()),
            &env_of(&[("MLFLOW_TRACKING_URI", uri)]),
        )
        .unwrap_err();
        assert!(matches!(err, ConfigError::TrackingUri { .. }), "{err:?}");
        let text = err.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
        assert!(text.contains("MLFLOW_TRACKING_URI"), "{text}");
    }
}

#[test]
fn a_toml_error_names_the_line_but_never_quotes_it() {
    let f = config_file("[profiles.x]\ntracking_uri = \"http://a\"\nusername = \"u:hunter2\n");
    let err = resolve_with(&overrides(f.path()), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    let f = config_file("[profiles.x]\ninsecure_tls = \"hunter2\"\n");
    let err = resolve_with(&overrides(f.path()), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 2") && err.contains("expected a boolean"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn the_response_cap_comes_from_profile_then_environment_then_file() {
    let f = config_file(
        "max_response_mb = 8\ndefault_profile = \"a\"\n[profiles.a]\ntracking_uri = \"http://a\"\n[profiles.b]\ntracking_uri = \"http://b\"\nmax_response_mb = 2\n",
    );
    let cap = |profile: Option<&str>, env: &[(&str, &str)]| {
        let mut o = overrides(f.path());
        o.profile = profile.map(str::to_string);
        resolve_with(&o, &env_of(env))
            .map(|r| r.connection.max_response_bytes / (1024 * 1024))
            .map_err(|e| e.to_string())
    };
    assert_eq!(cap(None, &[]), Ok(8));
    assert_eq!(cap(None, &[("TOLLGATE_MAX_RESPONSE_MB", "16")]), Ok(16));
    assert_eq!(cap(Some("b"), &[("TOLLGATE_MAX_RESPONSE_MB", "16")]), Ok(2));
    let empty = config_file("");
    let r = resolve_with(&overrides(empty.path()), &env_of(&[])).unwrap();
    assert_eq!(
        r.connection.max_response_bytes,
        crate::mlflow::settings::DEFAULT_MAX_RESPONSE_BYTES
    );
    assert!(cap(None, &[("TOLLGATE_MAX_RESPONSE_MB", "0")]).is_err());
    assert!(cap(None, &[("TOLLGATE_MAX_RESPONSE_MB", "lots")]).is_err());
}

#[test]
fn proxies_come_from_the_usual_variables() {
    let f = config_file("");
    let proxy = |env: &[(&str, &str)]| {
        resolve_with(&overrides(f.path()), &env_of(env))
            .unwrap()
            .connection
            .proxy
    };
    let p = proxy(&[]);
    assert!(p.http.is_none() && p.https.is_none());

    let p = proxy(&[
        ("http_proxy", "http://lower:3128"),
        ("HTTP_PROXY", "http://upper:3128"),
        ("ALL_PROXY", "all:8080"),
        ("NO_PROXY", "*"),
    ]);
    let http = p.http.unwrap();
    assert_eq!(
        (http.url.as_str(), http.from),
        ("http://lower:3128/", "http_proxy")
    );
    let https = p.https.unwrap();
    assert_eq!(
        (https.url.as_str(), https.from),
        ("http://all:8080/", "ALL_PROXY")
    );
    assert_eq!(p.no_proxy.as_deref(), Some("*"));

    // In a CGI environment HTTP_PROXY can be set by a request header (httpoxy): ignored.
    let p = proxy(&[("HTTP_PROXY", "http://evil:1"), ("REQUEST_METHOD", "GET")]);
    assert!(p.http.is_none());
}

#[test]
fn a_malformed_proxy_is_a_config_error_without_its_password() {
    let f = config_file("");
    let err = resolve_with(
        &overrides(f.path()),
        &env_of(&[("HTTPS_PROXY", "http://u:hunter2@proxy:99999")]),
    )
    .unwrap_err();
    assert!(matches!(err, ConfigError::Proxy { .. }), "{err:?}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert!(err.to_string().contains("HTTPS_PROXY"), "{err}");
}
