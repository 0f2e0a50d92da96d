use super::*;
use crate::evidence::drift::WindowTable;
use crate::evidence::evidently::ReportShape;
use crate::mlflow::Tag;

const DAY: i64 = 86_400_000;
/// 2026-11-01T00:00:00Z
const START: i64 = 1_793_491_200_000;

fn metric(key: &str, step: i64, ts: i64, value: f64) -> Metric {
    Metric {
        key: key.into(),
        value,
        timestamp: ts,
        step,
    }
}

fn run(id: &str, start: i64, tags: &[(&str, &str)], metrics: Vec<Metric>) -> Run {
    let mut r = Run::default();
    r.info.run_id = id.into();
    r.info.start_time = Some(start);
    r.data.tags = tags
        .iter()
        .map(|(k, v)| Tag {
            key: k.to_string(),
            value: v.to_string(),
        })
        .collect();
    r.data.metrics = metrics;
    r
}

/// Income's PSI on day `day` (1-based): stable, then drifting from day 20.
fn income_psi(day: i64) -> f64 {
    if day >= 20 {
        0.3 + 0.01 * day as f64
    } else {
        0.02
    }
}

/// One run per day, tagged with its window's end (as RFC 3339), metrics logged an hour later
/// (the job runs after the window closes), runs given newest first as the search returns them.
fn daily_runs(days: std::ops::RangeInclusive<i64>) -> Vec<Run> {
    let mut runs: Vec<Run> = days
        .map(|day| {
            let end = START + day * DAY;
            let logged = end + 3_600_000;
            let end_tag = super::super::day_of(end) + "T00:00:00Z";
            run(
                &format!("day-{day}"),
                logged - 60_000,
                &[(WINDOW_END_TAG, end_tag.as_str())],
                vec![
                    metric("drift.income.psi", 0, logged, income_psi(day)),
                    metric("drift.age.psi", 0, logged, 0.01),
                    metric("perf.auc", 0, logged, 0.8),
                    metric("accuracy", 0, logged, 0.9),
                ],
            )
        })
        .collect();
    runs.reverse();
    runs
}

fn history_of(runs: &[Run]) -> DriftHistory {
    let inputs: Vec<MonitoringRun> = runs
        .iter()
        .map(|run| MonitoringRun {
            run,
            histories: None,
            reports: &[],
        })
        .collect();
    DriftHistory::from_runs(&inputs, &DriftThresholds::default())
}

#[test]
fn thirty_daily_runs_make_thirty_windows_and_the_onset_is_day_twenty() {
    let runs = daily_runs(1..=30);
    assert!(runs.iter().all(|r| !needs_histories(r)));
    let h = history_of(&runs);
    assert_eq!(h.windows.len(), 30);
    assert_eq!(
        h.windows[0].window_end_ms,
        START + DAY,
        "ordered by the tag"
    );
    let onset = h.drifting_since("income").unwrap();
    assert_eq!(onset.day(), "2026-11-21");
    assert_eq!(onset.window.window_end_ms, START + 20 * DAY);
    assert_eq!(onset.windows_drifted, 11);
    assert_eq!(h.first_drifted_window().unwrap().step, 19);
    assert_eq!(h.perf["auc"].len(), 30);
    assert_eq!(h.latest().unwrap().step, Some(29));
}

#[test]
fn the_window_end_comes_from_the_tag_then_the_metrics_then_the_run_start() {
    assert_eq!(parse_window_end("1793577600000"), Some(START + DAY));
    assert_eq!(parse_window_end("2026-11-02T00:00:00Z"), Some(START + DAY));
    assert_eq!(
        parse_window_end("2026-11-02T01:00:00+01:00"),
        Some(START + DAY)
    );
    assert_eq!(parse_window_end("2026-11-02"), Some(START + DAY));
    assert_eq!(parse_window_end("yesterday"), None);
    let by_metric = run(
        "m",
        START,
        &[(WINDOW_END_TAG, "not a date")],
        vec![metric("drift.x.psi", 0, START + 5 * DAY, 0.01)],
    );
    let by_start = run(
        "s",
        START + 9 * DAY,
        &[],
        vec![metric("drift.x.psi", 0, 0, 0.01)],
    );
    let h = history_of(&[by_metric, by_start]);
    assert_eq!(
        h.windows
            .iter()
            .map(|w| w.window_end_ms)
            .collect::<Vec<_>>(),
        [START + 5 * DAY, START + 9 * DAY]
    );
}

#[test]
fn a_window_two_runs_cover_is_taken_from_the_newer_run() {
    let mut runs = daily_runs(1..=5);
    // A re-run of day 3, started later, finds no drift where the first run found some.
    let mut rerun = run(
        "day-3-rerun",
        START + 10 * DAY,
        &[(WINDOW_END_TAG, "2026-11-04")],
        vec![metric("drift.income.psi", 0, START + 10 * DAY, 0.9)],
    );
    runs.push(rerun.clone());
    let h = history_of(&runs);
    assert_eq!(h.windows.len(), 5);
    let t = h.table_at(2).unwrap();
    assert_eq!(
        t.feature("income").unwrap().stat(&Statistic::Psi),
        Some(0.9)
    );
    assert!(t.feature("age").is_none(), "the newer run's window, whole");
    // Started earlier than the daily run: the daily run wins.
    rerun.info.start_time = Some(START);
    runs.pop();
    runs.push(rerun);
    let h = history_of(&runs);
    let t = h.table_at(2).unwrap();
    assert_eq!(
        t.feature("income").unwrap().stat(&Statistic::Psi),
        Some(0.02)
    );
}

/// A backfill run with a step per window for days 1-10, then daily runs for days 10-30 (day
/// 10 in both: the daily run is newer).
#[test]
fn a_mix_of_a_stepped_run_and_daily_runs() {
    let mut histories: HashMap<String, Vec<Metric>> = HashMap::new();
    for day in 1..=10 {
        let end = START + day * DAY;
        for (k, v) in [
            ("drift.income.psi", income_psi(day)),
            ("drift.age.psi", 0.01),
        ] {
            histories
                .entry(k.into())
                .or_default()
                .push(metric(k, day - 1, end, v));
        }
    }
    let backfill = run(
        "backfill",
        START - DAY,
        &[],
        vec![metric("drift.income.psi", 9, START + 10 * DAY, 0.02)],
    );
    assert!(needs_histories(&backfill));
    let mut daily = daily_runs(10..=30);
    // Day 10's daily run (tagged with the same end as the backfill's last window, and newer)
    // found a different value.
    if let Some(day10) = daily.iter_mut().find(|r| r.info.run_id == "day-10") {
        day10.data.metrics.iter_mut().for_each(|m| m.value = 0.05);
    }
    let mut inputs: Vec<MonitoringRun> = daily
        .iter()
        .map(|run| MonitoringRun {
            run,
            histories: None,
            reports: &[],
        })
        .collect();
    inputs.push(MonitoringRun {
        run: &backfill,
        histories: Some(&histories),
        reports: &[],
    });
    let h = DriftHistory::from_runs(&inputs, &DriftThresholds::default());
    assert_eq!(h.windows.len(), 30, "day 10 counted once");
    let day10 = h.table_at(9).unwrap();
    assert_eq!(
        day10.feature("income").unwrap().stat(&Statistic::Psi),
        Some(0.05)
    );
    assert_eq!(h.drifting_since("income").unwrap().day(), "2026-11-21");
    assert_eq!(
        h.windows
            .windows(2)
            .filter(|w| w[0].window_end_ms >= w[1].window_end_ms)
            .count(),
        0
    );
}

fn report(path: &str, drifted: bool) -> ReadReport {
    let row = FeatureRow {
        feature: "income".into(),
        stats: BTreeMap::from([(Statistic::PValue, if drifted { 0.001 } else { 0.6 })]),
        test: None,
        column_type: None,
        verdict: Some(crate::evidence::drift::Verdict {
            drifted,
            statistic: Statistic::PValue,
            value: if drifted { 0.001 } else { 0.6 },
            threshold: 0.0125,
            comparison: crate::evidence::drift::Comparison::Below,
        }),
    };
    ReadReport {
        path: path.into(),
        shape: ReportShape::AlibiKsDrift,
        evidently_version: None,
        table: WindowTable {
            features: vec![row],
            ..WindowTable::default()
        }
        .complete(&DriftThresholds::default()),
        distributions: BTreeMap::new(),
    }
}

#[test]
fn report_only_runs_are_windows_with_the_reports_verdicts() {
    let runs: Vec<Run> = (1..=4)
        .map(|day| {
            let end = (START + day * DAY).to_string();
            run(
                &format!("r{day}"),
                START + day * DAY + 1,
                &[(WINDOW_END_TAG, end.as_str())],
                vec![],
            )
        })
        .collect();
    let reports: Vec<Vec<ReadReport>> = (1..=4)
        .map(|day| vec![report("drift/alibi_ksdrift.json", day >= 3)])
        .collect();
    let inputs: Vec<MonitoringRun> = runs
        .iter()
        .zip(&reports)
        .map(|(run, reports)| MonitoringRun {
            run,
            histories: None,
            reports,
        })
        .collect();
    let h = DriftHistory::from_runs(&inputs, &DriftThresholds::default());
    assert_eq!(h.windows.len(), 4);
    let onset = h.drifting_since("income").unwrap();
    assert_eq!(onset.window.window_end_ms, START + 3 * DAY);
    // alibi-detect's own threshold, kept.
    let latest = h.latest().unwrap();
    let verdict = latest.feature("income").unwrap().verdict.clone().unwrap();
    assert_eq!(verdict.threshold, 0.0125);
    // A run with drift metrics ignores its report: the metrics are the window.
    let mixed = run(
        "both",
        START,
        &[],
        vec![metric("drift.income.psi", 0, START + 9 * DAY, 0.01)],
    );
    let drifted = [report("r.json", true)];
    let h = DriftHistory::from_runs(
        &[MonitoringRun {
            run: &mixed,
            histories: None,
            reports: &drifted,
        }],
        &DriftThresholds::default(),
    );
    assert!(h.drifting_since("income").is_none());
}

#[test]
fn nan_windows_neither_start_nor_break_drift_and_inf_is_drift() {
    let mut runs = daily_runs(1..=30);
    // Day 25's income PSI is NaN, day 26's +Inf (MLflow sends its stand-in, f64::MAX).
    for r in runs.iter_mut() {
        for m in r
            .data
            .metrics
            .iter_mut()
            .filter(|m| m.key == "drift.income.psi")
        {
            if r.info.run_id == "day-25" {
                m.value = f64::NAN;
            }
            if r.info.run_id == "day-26" {
                m.value = f64::MAX;
            }
        }
    }
    let h = history_of(&runs);
    assert_eq!(h.windows.len(), 30);
    let onset = h.drifting_since("income").unwrap();
    assert_eq!(onset.day(), "2026-11-21");
    assert_eq!(onset.windows_drifted, 10, "the NaN window is not counted");
    let by_psi = h.drifting_since_by("income", &Statistic::Psi).unwrap();
    assert_eq!(by_psi.day(), "2026-11-21");
}

#[test]
fn only_runs_with_steps_above_zero_need_histories() {
    let one = run("a", 0, &[], vec![metric("drift.x.psi", 0, 1, 0.1)]);
    let many = run("b", 0, &[], vec![metric("perf.auc", 3, 1, 0.8)]);
    let other = run("c", 0, &[], vec![metric("loss", 7, 1, 0.8)]);
    assert!(!needs_histories(&one));
    assert!(needs_histories(&many));
    assert!(!needs_histories(&other));
    assert!(has_drift_metrics(&one));
    assert!(!has_drift_metrics(&many));
}

#[test]
fn no_runs_no_windows() {
    let h = DriftHistory::from_runs(&[], &DriftThresholds::default());
    assert!(h.is_empty());
    assert!(h.windows.is_empty());
}

#[test]
fn the_run_holding_the_newest_window_comes_first_not_the_latest_started() {
    // A backfill started after the daily job's last run, over older windows.
    let backfill = run(
        "backfill",
        START + 40 * DAY,
        &[],
        vec![metric("drift.income.psi", 9, START + 10 * DAY, 0.02)],
    );
    let mut runs = daily_runs(28..=30);
    runs.insert(0, backfill);
    assert_eq!(latest_window_end(&runs[0]), START + 10 * DAY);
    assert_eq!(latest_window_end(&runs[1]), START + 30 * DAY, "the tag");
    newest_window_first(&mut runs);
    let ids: Vec<&str> = runs.iter().map(|r| r.info.run_id.as_str()).collect();
    assert_eq!(ids, ["day-30", "day-29", "day-28", "backfill"]);
    // No tag, no metric: the run's start.
    let bare = run("bare", START, &[], vec![]);
    assert_eq!(latest_window_end(&bare), START);
}
