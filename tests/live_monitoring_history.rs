//! Issue 13 against the real MLflow server: monitoring history read from every monitoring run of
//! a version, in each shape jobs log it (a step per window, a run per window, a mix, Evidently
//! reports only, alibi-detect output only, windows holding NaN or Inf), and the models and
//! versions lists' drift markers for each. Every test seeds its own experiment and models (plain
//! REST, never tollgate), so the seeded registry and its snapshots stay as they are.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use support::live::{live, stdout, Live};
use support::rest::Rest;
use support::{rt, unique};
use tollgate::evidence::drift::DriftThresholds;
use tollgate::mlflow::{ConnectionSettings, MlflowClient};
use tollgate::registry::Registry;

const DAY: i64 = 86_400_000;
/// 2026-09-01T00:00:00Z: day `d`'s window ends at `BASE + d * DAY`.
const BASE: i64 = 1_788_220_800_000;

/// Day `d`'s window end as `YYYY-MM-DD`.
fn day(d: i64) -> String {
    chrono::DateTime::from_timestamp_millis(BASE + d * DAY)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string()
}

/// Income's PSI and KS p-value on day `d`: stable, drifting from day 20 on.
fn income(d: i64) -> (f64, f64) {
    if d >= 20 {
        (0.25 + 0.02 * (d - 20) as f64, 1e-6)
    } else {
        (0.02 + 0.001 * d as f64, 0.6)
    }
}

/// One window's metrics at `step`, timestamped at the window's end plus `late_ms`.
fn window_metrics(d: i64, step: i64, late_ms: i64) -> Vec<Value> {
    let ts = BASE + d * DAY + late_ms;
    let (psi, p) = income(d);
    let m = |k: &str, v: Value| json!({"key": k, "value": v, "timestamp": ts, "step": step});
    vec![
        m("drift.income.psi", json!(psi)),
        m("drift.income.p_value", json!(p)),
        m("drift.age.psi", json!(0.01)),
        m("drift.age.p_value", json!(0.7)),
        m("drift.share", json!(if d >= 20 { 0.5 } else { 0.0 })),
        m("perf.auc", json!(0.82 - 0.002 * d as f64)),
    ]
}

struct Seeder {
    rest: Rest,
    experiment: String,
}

impl Seeder {
    fn new(live: &Live, label: &str) -> Seeder {
        let rest = Rest::new(&live.uri);
        let experiment = rest.experiment(&unique(&format!("history-{label}")));
        Seeder { rest, experiment }
    }

    /// A registered model with version 1.
    fn model(&self, label: &str) -> String {
        let name = unique(&format!("history-{label}"));
        self.rest.model_with_version(&name, &self.experiment);
        name
    }

    /// A finished monitoring run of `model` v1 started at `start`, with extra tags and metrics.
    fn run(&self, model: &str, start: i64, tags: &[(&str, String)], metrics: Vec<Value>) -> String {
        let mut all = vec![
            json!({"key": "monitoring.model_name", "value": model}),
            json!({"key": "monitoring.model_version", "value": "1"}),
        ];
        all.extend(tags.iter().map(|(k, v)| json!({"key": k, "value": v})));
        let run = self.rest.post(
            "runs/create",
            json!({"experiment_id": self.experiment, "start_time": start, "tags": all}),
        );
        let run_id = run["run"]["info"]["run_id"].as_str().unwrap().to_string();
        for chunk in metrics.chunks(1000) {
            self.rest.post(
                "runs/log-batch",
                json!({"run_id": run_id, "metrics": chunk}),
            );
        }
        self.rest.post(
            "runs/update",
            json!({"run_id": run_id, "status": "FINISHED", "end_time": start + 60_000}),
        );
        run_id
    }

    /// One run per day for `days`, each tagged with its window's end (RFC 3339 on even days,
    /// epoch milliseconds on odd ones), metrics logged an hour after the window closed.
    fn daily(
        &self,
        model: &str,
        days: std::ops::RangeInclusive<i64>,
        edit: impl Fn(i64, &mut Vec<Value>),
    ) {
        for d in days {
            let end = BASE + d * DAY;
            let tag = if d % 2 == 0 {
                format!("{}T00:00:00Z", day(d))
            } else {
                end.to_string()
            };
            let mut metrics = window_metrics(d, 0, 3_600_000);
            edit(d, &mut metrics);
            self.run(
                model,
                end + 3_000_000,
                &[("monitoring.window_end", tag)],
                metrics,
            );
        }
    }

    fn artifact(&self, run_id: &str, path: &str, bytes: Vec<u8>) {
        self.rest
            .put_artifact(&self.experiment, run_id, path, bytes);
    }
}

fn registry(uri: &str) -> (Registry, MlflowClient) {
    let client = MlflowClient::new(ConnectionSettings::new(uri)).unwrap();
    (Registry::new(client.clone(), 1000), client)
}

/// `tollgate drift MODEL 1 --json`'s only monitored version.
fn drift_json(live: &Live, model: &str) -> Value {
    let report = live.json(&["drift", model, "1", "--json"]);
    report["monitored_versions"][0].clone()
}

fn onset_of(d: &Value, feature: &str) -> Option<String> {
    d["onsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["feature"] == feature)
        .map(|o| o["since"].as_str().unwrap().to_string())
}

/// The versions list's marker and the models list's marker of `model`, as the cockpit computes
/// them (the same effect code).
fn markers(live: &Live, model: &str) -> (Option<bool>, Option<bool>) {
    let (registry, _) = registry(&live.uri);
    let t = DriftThresholds::default();
    rt().block_on(async {
        let runs = registry.monitoring_runs(model, None).await.unwrap();
        let only = tollgate::app::effects::report_only(&runs);
        let artifacts = registry.json_artifacts_of(&only).await.unwrap();
        let versions = tollgate::app::effects::drift_marks(&runs, &artifacts, &t);
        let all = registry.all_monitoring_runs().await.unwrap();
        let only = tollgate::app::effects::report_only(&all);
        let artifacts = registry.json_artifacts_of(&only).await.unwrap();
        let models = tollgate::app::effects::model_drift_marks(&all, &artifacts, &t);
        (versions.get("1").copied(), models.get(model).copied())
    })
}

/// The case: 30 daily runs, `income` drifting from day 20.
#[test]
fn thirty_daily_runs_are_thirty_windows_with_the_onset_on_day_twenty() {
    let live = live();
    let s = Seeder::new(&live, "daily");
    let model = s.model("daily");
    s.daily(&model, 1..=30, |_, _| {});
    let d = drift_json(&live, &model);
    assert_eq!(d["monitoring_runs"], 30);
    assert_eq!(d["window_count"], 30);
    assert_eq!(onset_of(&d, "income").as_deref(), Some(day(20).as_str()));
    assert_eq!(onset_of(&d, "age"), None);
    assert_eq!(d["drifted_features"], json!(["income"]));
    // The window ends come from the tags, in order.
    let ends: Vec<i64> = d["history"]["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["window_end_ms"].as_i64().unwrap())
        .collect();
    assert_eq!(ends, (1..=30).map(|d| BASE + d * DAY).collect::<Vec<_>>());
    assert_eq!(d["perf_first"]["auc"], 0.818);
    let text = stdout(&live.tollgate(&["drift", &model, "1"]));
    assert!(text.contains("and 29 older (30 windows"), "{text}");
    assert!(
        text.contains(&format!("income drifting since {}", day(20))),
        "{text}"
    );
    assert_eq!(markers(&live, &model), (Some(true), Some(true)));
}

/// One run, a step per window (the seed's own shape), is read as before.
#[test]
fn one_run_with_a_step_per_window() {
    let live = live();
    let s = Seeder::new(&live, "stepped");
    let model = s.model("stepped");
    let metrics = (1..=30).flat_map(|d| window_metrics(d, d - 1, 0)).collect();
    s.run(&model, BASE, &[], metrics);
    let d = drift_json(&live, &model);
    assert_eq!(d["monitoring_runs"], 1);
    assert_eq!(d["window_count"], 30);
    assert_eq!(onset_of(&d, "income").as_deref(), Some(day(20).as_str()));
    assert_eq!(markers(&live, &model), (Some(true), Some(true)));
}

/// A backfill run with a step per window for days 1-12, daily runs for days 10-30: days 10-12
/// are covered twice and the daily runs (newer) win; a 40th-day re-run that finds no drift
/// replaces nothing older than itself.
#[test]
fn a_stepped_backfill_and_daily_runs_merge_by_window_end() {
    let live = live();
    let s = Seeder::new(&live, "mix");
    let model = s.model("mix");
    // The backfill's days 10-12 found no drift at all; the daily runs say otherwise.
    let backfill = (1..=12)
        .flat_map(|d| {
            let mut m = window_metrics(d, d - 1, 0);
            if d >= 10 {
                m[0]["value"] = json!(0.9);
            }
            m
        })
        .collect();
    s.run(&model, BASE, &[], backfill);
    s.daily(&model, 10..=30, |_, _| {});
    let d = drift_json(&live, &model);
    assert_eq!(d["monitoring_runs"], 22);
    assert_eq!(d["window_count"], 30, "days 10-12 counted once");
    let psi = &d["history"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["feature"] == "income")
        .unwrap()["windows"];
    // Day 10 (window 9) comes from its daily run, not from the backfill's 0.9.
    assert_eq!(psi[9][1]["stats"]["psi"], income(10).0);
    assert_eq!(onset_of(&d, "income").as_deref(), Some(day(20).as_str()));
    assert_eq!(markers(&live, &model), (Some(true), Some(true)));
}

/// Days 25 and 26 logged NaN and +Inf for income's statistics: 30 windows still, the onset still
/// day 20 (a NaN window neither starts nor breaks drift), the marker still drifted.
#[test]
fn windows_holding_nan_or_inf_keep_the_history() {
    let live = live();
    let s = Seeder::new(&live, "nonfinite");
    let model = s.model("nonfinite");
    s.daily(&model, 1..=30, |d, metrics| {
        let v = match d {
            25 => json!("NaN"),
            26 => json!("Infinity"),
            _ => return,
        };
        metrics[0]["value"] = v.clone();
        metrics[1]["value"] = v;
    });
    let d = drift_json(&live, &model);
    assert_eq!(d["window_count"], 30);
    assert_eq!(onset_of(&d, "income").as_deref(), Some(day(20).as_str()));
    let streak = d["onsets"][0]["windows_drifted"].as_u64().unwrap();
    assert_eq!(streak, 10, "day 25 (NaN) is not counted");
    assert_eq!(markers(&live, &model), (Some(true), Some(true)));
    let text = stdout(&live.tollgate(&["drift", &model, "1"]));
    assert!(text.contains("30 windows"), "{text}");
}

/// A run that logged only an Evidently report is marked on both lists; a version whose newest
/// report says no drift is not.
#[test]
fn evidently_only_runs_are_marked() {
    let live = live();
    let s = Seeder::new(&live, "evidently");
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evidently");
    let model = s.model("evidently");
    let run = s.run(
        &model,
        BASE + DAY,
        &[("monitoring.window_end", day(1))],
        vec![],
    );
    let bytes = std::fs::read(fixtures.join("evidently_0_7_23_datadrift_500rows.json")).unwrap();
    s.artifact(&run, "evidently/data_drift.json", bytes);
    let d = drift_json(&live, &model);
    assert_eq!(d["window_count"], 1);
    assert_eq!(d["history"]["windows"][0]["window_end_ms"], BASE + DAY);
    assert!(d["drifted_features"]
        .as_array()
        .unwrap()
        .contains(&json!("income")));
    assert_eq!(markers(&live, &model), (Some(true), Some(true)));
}

/// The KSDrift output of the real alibi-detect (tests/fixtures/alibi), one run per day: the
/// first three days a copy with nothing drifted, then the fixture (income drifted).
#[test]
fn alibi_detect_only_runs_make_a_history_and_are_marked() {
    let live = live();
    let s = Seeder::new(&live, "alibi");
    let fixture = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/alibi/ksdrift_income_drifted.json"),
    )
    .unwrap();
    let drifted: Value = serde_json::from_slice(&fixture).unwrap();
    let mut calm = drifted.clone();
    calm["data"]["is_drift"] = json!(0);
    calm["data"]["p_val"] = json!([0.5, 0.4, 0.6, 0.7]);
    let model = s.model("alibi");
    let features = (
        "monitoring.features",
        "age,income,tenure_months,utilization".to_string(),
    );
    for d in 1..=5 {
        let tags = [features.clone(), ("monitoring.window_end", day(d))];
        let run = s.run(&model, BASE + d * DAY + 1, &tags, vec![]);
        let doc = if d >= 4 { &drifted } else { &calm };
        s.artifact(
            &run,
            "drift/alibi_ksdrift.json",
            serde_json::to_vec(doc).unwrap(),
        );
    }
    let d = drift_json(&live, &model);
    assert_eq!(d["monitoring_runs"], 5);
    assert_eq!(d["window_count"], 5);
    assert_eq!(onset_of(&d, "income").as_deref(), Some(day(4).as_str()));
    let r = &d["evidently_reports"][0];
    assert_eq!(r["shape"], "alibi_ks_drift");
    assert_eq!(r["path"], "drift/alibi_ksdrift.json");
    assert_eq!(d["drifted_features"], json!(["income"]));
    assert_eq!(markers(&live, &model), (Some(true), Some(true)));
    let text = stdout(&live.tollgate(&["drift", &model, "1"]));
    assert!(
        text.contains("alibi-detect report drift/alibi_ksdrift.json (KSDrift)"),
        "{text}"
    );

    // Newest report calm again: no marker.
    let calm_model = s.model("alibi-calm");
    let run = s.run(&calm_model, BASE + DAY, &[features], vec![]);
    s.artifact(
        &run,
        "drift/alibi_ksdrift.json",
        serde_json::to_vec(&calm).unwrap(),
    );
    assert_eq!(markers(&live, &calm_model), (Some(false), Some(false)));
}

/// A year of daily runs: the metrics come with the search, so reading the whole history costs
/// a handful of requests, however many runs there are. The figure is printed for the report.
#[test]
fn a_year_of_daily_runs_is_read_in_a_few_requests() {
    let live = live();
    let s = Seeder::new(&live, "year");
    let model = s.model("year");
    s.daily(&model, 1..=365, |_, _| {});
    let (registry, client) = registry(&live.uri);
    let data = rt()
        .block_on(registry.monitoring(&model, "1"))
        .unwrap()
        .unwrap();
    let requests = client.request_count();
    let history = data.history(&DriftThresholds::default());
    assert_eq!(data.runs.len(), 365);
    assert_eq!(history.windows.len(), 365);
    // The experiments listing, the runs search (one page), and the newest run's artifacts: the
    // histogram's folder listing and the report listing of the root.
    eprintln!("monitoring history of 365 daily runs: {requests} requests");
    assert!(requests <= 5, "{requests} requests");
    // Time to restore etc. come from the whole history: the first crossing is day 20.
    let first = history.first_drifted_window().unwrap();
    assert_eq!(first.window_end_ms, BASE + 20 * DAY);
    let by_key: BTreeMap<_, _> = history
        .perf
        .iter()
        .map(|(k, v)| (k.clone(), v.len()))
        .collect();
    assert_eq!(by_key.get("auc"), Some(&365));

    // The versions list's marker: the search alone (runs with drift metrics need no artifact).
    let (registry, client) = self::registry(&live.uri);
    let marks = rt().block_on(async {
        let runs = registry.monitoring_runs(&model, None).await.unwrap();
        let only = tollgate::app::effects::report_only(&runs);
        let artifacts = registry.json_artifacts_of(&only).await.unwrap();
        tollgate::app::effects::drift_marks(&runs, &artifacts, &DriftThresholds::default())
    });
    let requests = client.request_count();
    eprintln!("drift marker of 365 daily runs: {requests} requests");
    assert!(requests <= 2, "{requests} requests");
    assert_eq!(marks.get("1"), Some(&true));
}

/// The cockpit on the registry: the Drift tab counts every daily run's window, and the
/// versions list marks the drifting version.
#[test]
fn the_drift_tab_spans_the_daily_runs_and_the_versions_list_marks_the_version() {
    use support::pty::{Cockpit, Launch};
    let live = live();
    let s = Seeder::new(&live, "cockpit");
    let model = s.model("cockpit");
    s.daily(&model, 1..=30, |_, _| {});
    let mut c = Cockpit::start(Launch {
        args: &["open", &model, "1"],
        tracking_uri: Some(live.uri.clone()),
        ..Launch::default()
    });
    c.wait_for(&["› Overview", "Stage"]);
    c.send("4");
    let window = format!("30 windows to {}", day(30));
    let screen = c.wait_for(&["› Drift", &window, "income"]);
    let income = screen
        .lines()
        .find(|l| l.contains("income"))
        .unwrap_or_default();
    assert!(income.contains("yes"), "{screen}");
    c.esc();
    let screen = c.wait_until("the version's drift marker", |s| {
        s.lines().any(|l| l.contains('●') && l.contains(" 1 "))
    });
    assert!(screen.contains("versions"), "{screen}");
    c.send("q");
    c.send("q");
    assert!(c.wait_exit());
}
