//! The headless commands against the real, seeded MLflow server.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::live::{live, stderr, stdout};

fn names(v: &Value) -> BTreeSet<String> {
    v["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect()
}

/// Other tests create models of their own while this one runs, so the reference is the server's
/// own listing read with plain requests just before and just after tollgate's: every model in
/// both must be listed, and nothing outside either.
fn listed_like_the_server(live: &support::live::Live, list: impl FnOnce() -> Value) -> Value {
    let rest = support::rest::Rest::new(&live.uri);
    let before = rest.model_names();
    let listed = list();
    let after = rest.model_names();
    let listed_names = names(&listed);
    let stable: BTreeSet<String> = before.intersection(&after).cloned().collect();
    let possible: BTreeSet<String> = before.union(&after).cloned().collect();
    assert!(
        stable.is_subset(&listed_names),
        "missing: {:?}",
        stable.difference(&listed_names).collect::<Vec<_>>()
    );
    assert!(
        listed_names.is_subset(&possible),
        "unknown: {:?}",
        listed_names.difference(&possible).collect::<Vec<_>>()
    );
    assert!(
        names(&live.manifest).is_subset(&listed_names),
        "seeded models missing"
    );
    assert_eq!(
        listed["count"].as_u64().unwrap() as usize,
        listed_names.len()
    );
    listed
}

#[test]
fn models_lists_every_model_across_pages() {
    let live = live();
    let seeded = names(&live.manifest);
    // A small page size forces many pages on the seeded registry.
    assert!(
        seeded.len() > 150,
        "the seed should need several pages of 50"
    );
    let listed = listed_like_the_server(&live, || {
        live.json(&["models", "--json", "--page-size", "50"])
    });
    for m in listed["models"].as_array().unwrap() {
        let name = m["name"].as_str().unwrap();
        if !seeded.contains(name) {
            continue;
        }
        let seeded = live.model(name);
        assert_eq!(m["version_count"], seeded["num_versions"], "{name}");
        assert_eq!(m["aliases"], seeded["aliases"], "{name}");
    }
}

#[test]
fn page_size_comes_from_the_environment_too() {
    let live = live();
    listed_like_the_server(&live, || {
        let out = live.tollgate_with(&["models", "--json"], &[("TOLLGATE_PAGE_SIZE", "75")]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    });
}

#[test]
fn models_filter_handles_awkward_names() {
    let live = live();
    for (text, expect) in [
        ("O'Brien", "O'Brien churn"),
        ("(EU)", "Fraud Detection (EU)"),
        ("信用", "信用评分"),
        ("o'brien CHURN", "O'Brien churn"),
    ] {
        let listed = live.json(&["models", "--filter", text, "--json"]);
        let found = names(&listed);
        assert!(found.contains(expect), "filter {text:?} gave {found:?}");
        assert!(
            found
                .iter()
                .all(|n| n.to_lowercase().contains(&text.to_lowercase())),
            "filter {text:?} gave {found:?}"
        );
    }
}

#[test]
fn versions_match_the_seed_for_every_core_and_awkward_model() {
    let live = live();
    let mut models: Vec<String> = live.awkward_models();
    models.extend(
        live.manifest["core_models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string()),
    );
    for name in models {
        let seeded = live.model(&name);
        let listed = live.json(&["versions", &name, "--json"]);
        assert_eq!(listed["model"], name.as_str());
        let versions = listed["versions"].as_array().unwrap();
        assert_eq!(
            versions.len() as u64,
            seeded["num_versions"].as_u64().unwrap(),
            "{name}"
        );
        for s in seeded["versions"].as_array().unwrap() {
            let v = versions
                .iter()
                .find(|v| v["version"] == s["version"])
                .unwrap_or_else(|| panic!("{name} v{} missing", s["version"]));
            assert_eq!(v["stage"], s["stage"], "{name} v{}", s["version"]);
            assert_eq!(v["aliases"], s["aliases"], "{name} v{}", s["version"]);
            assert_eq!(v["run_id"], s["run_id"], "{name} v{}", s["version"]);
            let metric_names: Vec<String> =
                v["metrics"].as_object().unwrap().keys().cloned().collect();
            let seeded_names: Vec<String> = s["run_metric_names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            assert_eq!(metric_names, seeded_names, "{name} v{}", s["version"]);
        }
        // Newest first, like the MLflow UI.
        let numbers: Vec<u64> = versions
            .iter()
            .map(|v| v["version"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] > w[1]),
            "{name}: {numbers:?}"
        );
    }
}

#[test]
fn every_stage_and_both_aliases_are_present_in_the_seed_listing() {
    let live = live();
    let listed = live.json(&["versions", "credit-risk-scorer", "--json"]);
    let versions = listed["versions"].as_array().unwrap();
    let stages: BTreeSet<&str> = versions
        .iter()
        .map(|v| v["stage"].as_str().unwrap())
        .collect();
    for stage in ["None", "Staging", "Production", "Archived"] {
        assert!(stages.contains(stage), "{stages:?}");
    }
    let aliases: BTreeSet<&str> = versions
        .iter()
        .flat_map(|v| {
            v["aliases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
        })
        .collect();
    assert!(
        aliases.contains("champion") && aliases.contains("challenger"),
        "{aliases:?}"
    );
}

#[test]
fn show_gives_run_metrics_params_tags_and_datasets() {
    let live = live();
    for name in live.awkward_models() {
        let seeded = live.model(&name);
        let version = seeded["versions"][0]["version"]
            .as_str()
            .unwrap()
            .to_string();
        let shown = live.json(&["show", &name, &version, "--json"]);
        assert_eq!(shown["model"], name.as_str());
        assert_eq!(shown["version"]["version"], version.as_str());
        let run = &shown["run"];
        assert_eq!(run["run_id"], seeded["versions"][0]["run_id"]);
        assert!(!run["metrics"].as_object().unwrap().is_empty(), "{name}");
        assert!(!run["params"].as_object().unwrap().is_empty(), "{name}");
        let datasets = run["datasets"].as_array().unwrap();
        assert!(!datasets.is_empty(), "{name}: no dataset inputs");
        for d in datasets {
            assert!(!d["digest"].as_str().unwrap().is_empty(), "{d}");
            assert!(!d["name"].as_str().unwrap().is_empty(), "{d}");
        }
        let contexts: BTreeSet<&str> = datasets
            .iter()
            .filter_map(|d| d["context"].as_str())
            .collect();
        assert!(contexts.contains("training"), "{name}: {contexts:?}");
    }
}

#[test]
fn show_human_output_has_the_sections() {
    let live = live();
    let out = live.tollgate(&["show", "credit-risk-scorer", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for section in [
        "Model", "Stage", "Metrics", "Params", "Datasets", "Run tags",
    ] {
        assert!(text.contains(section), "missing {section}:\n{text}");
    }
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when stdout is not a terminal"
    );
}

#[test]
fn many_versions_come_with_their_runs_in_a_handful_of_requests() {
    let live = live();
    let name = live.edge("many_versions");
    let seeded = live.model(&name);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client =
        tollgate::mlflow::MlflowClient::new(tollgate::mlflow::ConnectionSettings::new(&live.uri))
            .unwrap();
    let registry = tollgate::registry::Registry::new(client.clone(), 1000);
    let listing = rt.block_on(registry.versions(&name)).unwrap();
    assert_eq!(
        listing.versions.len() as u64,
        seeded["num_versions"].as_u64().unwrap()
    );
    assert!(listing.versions.len() >= 200);
    assert!(listing
        .versions
        .iter()
        .all(|v| v.run.run().is_some_and(|r| r.metric("auc").is_some())));
    // model + versions + experiments + one runs/search per 200 run ids.
    let requests = client.request_count();
    assert!(
        requests <= 5,
        "{requests} requests for {} versions",
        listing.versions.len()
    );
    // The session cache answers a second time without asking for the runs again.
    let before = client.request_count();
    rt.block_on(registry.versions(&name)).unwrap();
    assert_eq!(
        client.request_count() - before,
        2,
        "only the model and its versions are re-read"
    );
}

#[test]
fn a_missing_model_or_version_is_a_clear_error() {
    let live = live();
    let out = live.tollgate(&["versions", "no-such-model-anywhere"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("registered model 'no-such-model-anywhere' not found"),
        "{err}"
    );

    let out = live.tollgate(&["show", "O'Brien churn", "999", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("version 999 of model 'O'Brien churn' not found"));
}

#[test]
fn a_deleted_run_still_shows_its_evidence() {
    let live = live();
    let name = live.edge("deleted_run");
    let listed = live.json(&["versions", &name, "--json"]);
    let v = &listed["versions"][0];
    assert_eq!(v["run_state"], "deleted");
    assert!(!v["metrics"].as_object().unwrap().is_empty());
    let out = live.tollgate(&["versions", &name]);
    assert!(stdout(&out).contains("(deleted)"));
}

#[test]
fn a_version_whose_run_is_gone_is_listed_not_fatal() {
    let live = live();
    let name = live.edge("orphan_run");
    let listed = live.json(&["versions", &name, "--json"]);
    let v = &listed["versions"][0];
    assert_eq!(v["run_state"], "missing");
    assert!(v["metrics"].as_object().unwrap().is_empty());
    let shown = live.json(&["show", &name, v["version"].as_str().unwrap(), "--json"]);
    assert!(shown["run"].is_null());
    let out = live.tollgate(&["show", &name, v["version"].as_str().unwrap()]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("gone"), "{}", stdout(&out));
}

#[test]
fn an_empty_model_has_no_versions() {
    let live = live();
    let name = live.edge("empty");
    let listed = live.json(&["versions", &name, "--json"]);
    assert_eq!(listed["count"], 0);
    let out = live.tollgate(&["versions", &name]);
    assert!(out.status.success());
}

#[test]
fn escape_sequences_from_the_server_are_shown_harmlessly() {
    let live = live();
    let name = live.edge("escape");
    let seeded = live.model(&name);
    let description = seeded["description"].as_str().unwrap();
    assert!(
        description.contains('\u{1b}'),
        "the seed should plant escapes"
    );
    for args in [
        vec!["models", "--filter", "escape"],
        vec!["versions", name.as_str()],
        vec!["show", name.as_str(), "1"],
    ] {
        let out = live.tollgate(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?} printed a control character: {text:?}"
        );
    }
    let out = live.tollgate(&["show", name.as_str(), "1"]);
    assert!(stdout(&out).contains("\\e["), "{}", stdout(&out));
    // JSON keeps the exact text (escaped by JSON itself), so scripts see the truth.
    let shown = live.json(&["show", name.as_str(), "1", "--json"]);
    assert!(serde_json::to_string(&shown).unwrap().contains("\\u001b"));
}

#[test]
fn doctor_reports_a_healthy_server() {
    let live = live();
    let report = live.json(&["doctor", "--json"]);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["server_version"], live.manifest["server_version"]);
    assert_eq!(report["tracking_uri_source"], "MLFLOW_TRACKING_URI");
    let checks: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(checks, ["reachable", "version", "auth"]);
}

#[test]
fn doctor_explains_a_down_server() {
    let live = live();
    let port = support::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let out = live.tollgate(&["doctor", "--json", "--tracking-uri", &url]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["checks"][0]["name"], "reachable");
    assert!(report["checks"][0]["hint"]
        .as_str()
        .unwrap()
        .contains("mlflow server"));
}

#[test]
fn profiles_from_the_config_file_pick_the_server() {
    let live = live();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"down\"\n[profiles.down]\ntracking_uri = \"http://127.0.0.1:9\"\n[profiles.test]\ntracking_uri = \"{}\"\n",
            live.uri
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let out = live.tollgate(&[
        "--config",
        config,
        "--profile",
        "test",
        "models",
        "--filter",
        "信用",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("信用评分"));
    let out = live.tollgate(&["--config", config, "--profile", "nope", "models"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no profile named 'nope'"));
}

#[test]
fn show_reads_the_logged_model_behind_a_version() {
    let live = live();
    let seeded = live.model("credit-risk-scorer");
    let version = &seeded["versions"][0];
    let shown = live.json(&[
        "show",
        "credit-risk-scorer",
        version["version"].as_str().unwrap(),
        "--json",
    ]);
    assert_eq!(shown["version"]["model_id"], version["model_id"]);
    assert_eq!(
        shown["logged_model"]["info"]["model_id"],
        version["model_id"]
    );
    assert_eq!(
        shown["logged_model"]["info"]["source_run_id"],
        version["run_id"]
    );
}
