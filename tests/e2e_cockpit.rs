//! End-to-end: the real binary in a pseudo-terminal against the real, seeded MLflow test
//! server (scripts/test.sh). Keys go in, the screen is read back with vt100.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use support::live::{alias_version, manifest, tracking_uri};
use support::pty::{self, restored, signal, Cockpit, Launch};
use support::{rest, unique};

fn start(args: &[&str]) -> Cockpit {
    Cockpit::start(Launch {
        args,
        tracking_uri: Some(tracking_uri()),
        ..Launch::default()
    })
}

#[test]
fn filter_open_a_version_switch_tabs_go_back_and_quit() {
    let manifest = manifest();
    let champion = alias_version(&manifest, "credit-risk-scorer", "champion");
    let mut c = start(&[]);
    c.wait_for(&["tollgate", "Models", "credit-risk-scorer", "sort name"]);

    // The selection is visible without colour: reverse video on the ▶ row.
    let inverse = c.with_screen(|s| {
        (0..pty::ROWS).find_map(|row| {
            let text = s.contents_between(row, 0, row, pty::COLS);
            text.contains('▶')
                .then(|| s.cell(row, 5).is_some_and(|cell| cell.inverse()))
        })
    });
    assert_eq!(
        inverse,
        Some(true),
        "the selected row is not in reverse video"
    );

    // Filter: narrows at once; the seeded registry is long, so the server is asked as well.
    c.send("/");
    c.type_text("credit-risk");
    c.wait_for(&["/credit-risk", "1 of", "(server search)"]);
    c.send("\r");
    // The prompt closed and the status line says the filter is kept.
    let screen = c.wait_for(&["filter /credit-risk", "(Esc clears)"]);
    assert!(!screen.contains("fraud-detector"));

    c.send("\r");
    c.wait_for(&[
        "Models › credit-risk-scorer",
        "versions",
        "VER",
        "STAGE",
        "★ serving",
    ]);

    // Find the champion with the versions filter, then open it.
    c.send("/");
    c.type_text("@champion");
    c.send("\r");
    c.wait_for(&["of", "@champion", "filter /@champion"]);
    c.send("\r");
    let crumb = format!("Models › credit-risk-scorer › version {champion} › Overview");
    let screen = c.wait_for(&[&crumb, "Stage", "Production", "Description", "Tags ("]);
    assert!(screen.contains("@champion"), "{screen}");

    c.send("2");
    c.wait_for(&["› Metrics", "Metrics (", "accuracy", "auc"]);
    c.send("3");
    c.wait_for(&["› Fairness", "AGGREGATE", "four-fifths"]);
    c.send("\t");
    c.wait_for(&["› Drift"]);
    c.send("\x1b[Z");
    c.wait_for(&["› Fairness"]);
    c.send("1");
    c.wait_for(&["› Overview"]);

    c.esc();
    let screen = c.wait_until("the versions list", |s| {
        s.contains("Models › credit-risk-scorer") && !s.contains("› version")
    });
    assert!(screen.contains("@champion"));
    c.esc(); // clears the versions filter
    c.wait_until("the versions filter to clear", |s| {
        !s.contains("filter /@champion")
    });
    c.esc();
    c.wait_until("the models list", |s| {
        s.contains(" Models ") && !s.contains("› credit-risk-scorer")
    });

    c.send("?");
    c.wait_for(&["Keys", "sort by the next column", "Filter and command line"]);
    c.esc();
    c.wait_until("help to close", |s| !s.contains("sort by the next column"));

    c.send("q");
    assert!(c.wait_exit(), "q at the top level exits cleanly");
    assert!(restored(&c.raw()), "terminal not restored after q");
}

/// Tabs 2-5 on the monitored version with the 30,000-point curve.
#[test]
fn evidence_tabs_on_a_monitored_version() {
    let manifest = manifest();
    let monitoring = &manifest["monitoring"][0];
    let model = monitoring["model_name"].as_str().unwrap();
    let version = monitoring["model_version"].as_str().unwrap();
    let feature = monitoring["drifting_feature"].as_str().unwrap();
    let fine = manifest["fine_curve"]["metric"].as_str().unwrap();
    let mut c = start(&["open", model, version]);
    c.wait_for(&["› Overview", "Stage"]);

    c.send("2");
    c.wait_for(&["› Metrics", "Metrics ("]);
    c.send("/");
    c.type_text(fine);
    c.send("\r");
    let points = format!("{fine} 30000 points, by step");
    c.wait_for(&[&points, "29999"]);
    c.send("t");
    c.wait_for(&["30000 points, by time"]);

    c.send("3");
    c.wait_for(&["› Fairness", "disparate_impact", "four-fifths", "by group"]);

    c.send("4");
    let drifting = format!("{feature} drifting since 20");
    let screen = c.wait_for(&["› Drift", "FEATURE", "PSI", &drifting]);
    assert!(screen.contains("● yes"), "{screen}");
    assert!(screen.contains("monitoring"), "{screen}");

    c.send("5");
    let v = format!("version {version}");
    c.wait_for(&["› Lineage", "LINEAGE", "▾ credit-risk-scorer", &v, "run "]);
    // Back on the versions list (the Metrics tab's filter is that tab's: it neither shows nor
    // holds Esc here), the monitored version carries the drift marker.
    assert!(!c.screen().contains(&format!("/{fine}")), "{}", c.screen());
    c.esc();
    let screen = c.wait_for(&["● drifted", "VER"]);
    let marked: Vec<&str> = screen.lines().filter(|l| l.contains('●')).collect();
    assert!(
        marked.iter().any(|l| l.contains(&format!(" {version} "))),
        "{screen}"
    );
    c.send("q");
    c.send("q");
    assert!(c.wait_exit());
}

/// Lineage of the seeded version whose run has a parent: Enter on the parent run opens the run
/// view with its metrics; Esc returns to the Lineage tab.
#[test]
fn enter_on_a_parent_run_in_lineage_opens_its_metrics() {
    let manifest = manifest();
    let chain = &manifest["run_chains"][0];
    let model = chain["model"].as_str().unwrap();
    let version = chain["version"].as_str().unwrap();
    let parent = chain["parent"].as_str().unwrap();
    let mut c = start(&["open", model, version]);
    c.wait_for(&["› Overview", "Stage"]);
    c.send("5");
    c.wait_for(&["› Lineage", "LINEAGE", "run hpo-sweep"]);
    let selected = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains('▶'))
            .unwrap_or_default()
            .to_string()
    };
    // Down the tree to the parent run (the first "hpo-sweep" run below the version's run).
    for _ in 0..30 {
        let screen = c.screen();
        let line = selected(&screen);
        if line.contains("run hpo-sweep") {
            break;
        }
        c.send("j");
        c.wait_until("the selection to move", |s| selected(s) != line);
    }
    assert!(
        selected(&c.screen()).contains("run hpo-sweep"),
        "{}",
        c.screen()
    );
    c.send("\r");
    let screen = c.wait_for(&["› run hpo-sweep", "Metrics (", "best_val_auc", "Params ("]);
    assert!(
        screen.contains(&parent[..8]),
        "the run id in the title: {screen}"
    );
    c.esc();
    c.wait_until("the Lineage tab again", |s| {
        s.contains("› Lineage") && !s.contains("› run ")
    });
    c.send("q");
    c.send("q");
    c.send("q");
    assert!(c.wait_exit());
}

/// A monitoring run that logged only an Evidently report (made by the real `evidently` 0.7.23):
/// the Drift tab shows the report's per-feature table, as `tollgate drift` reads it.
#[test]
fn drift_tab_shows_an_evidently_only_monitoring_run() {
    let api = rest::Rest::new(&tracking_uri());
    let experiment = api.experiment(&unique("evidently-cockpit"));
    let model = unique("evidently-cockpit-model");
    api.model_with_version(&model, &experiment);
    let run_id = api.monitoring_run(&experiment, &model, "1");
    let report = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/evidently/evidently_0_7_23_datadrift_500rows.json"),
    )
    .unwrap();
    api.put_artifact(&experiment, &run_id, "evidently/data_drift.json", report);

    let mut c = start(&["open", &model, "1"]);
    c.wait_for(&["› Overview", "Stage"]);
    c.send("4");
    let screen = c.wait_for(&[
        "› Drift",
        "Evidently 0.7 report evidently/data_drift",
        "FEATURE",
        "income",
    ]);
    let income = screen
        .lines()
        .find(|l| l.contains("income"))
        .unwrap_or_default();
    assert!(income.contains("● yes"), "{screen}");
    assert!(screen.contains("no drift over time"), "{screen}");
    c.send("q");
    c.send("q");
    c.send("q");
    assert!(c.wait_exit());
}

#[test]
fn open_starts_on_a_model_or_a_version_with_awkward_names() {
    let mut c = start(&["open", "O'Brien churn", "1"]);
    c.wait_for(&["Models › O'Brien churn › version 1 › Overview", "Stage"]);
    c.esc();
    c.wait_for(&["Models › O'Brien churn", "versions"]);
    c.send("q");
    c.wait_until("the models list", |s| s.contains("sort name"));
    c.send("q");
    assert!(c.wait_exit());

    let mut c = start(&["open", "信用评分"]);
    c.wait_for(&["Models › 信用评分", "versions", "★ serving"]);
    c.send("\x03");
    assert!(c.wait_exit(), "Ctrl-C exits cleanly");
    assert!(restored(&c.raw()));
}

#[test]
fn escape_sequences_from_the_server_reach_the_screen_harmlessly() {
    let mut c = start(&["open", "escape-test-model", "1"]);
    let screen = c.wait_for(&["Description", "\\e[1;31mBOLD RED\\e[0m"]);
    assert!(screen.contains("^G"), "{screen}");
    let raw = c.raw();
    let raw_text = String::from_utf8_lossy(&raw);
    assert!(
        !raw_text.contains("\x1b[1;31mBOLD RED"),
        "a raw escape sequence reached the terminal"
    );
    assert!(!raw_text.contains('\x07'), "a raw BEL reached the terminal");
    c.send("q");
    c.send("q");
    c.send("q");
    assert!(c.wait_exit());
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut c = start(&[]);
    c.wait_for(&["credit-risk-scorer"]);
    assert!(
        c.with_screen(|s| s.alternate_screen()),
        "the cockpit uses the alternate screen"
    );
    signal(c.pid(), "TERM");
    assert_eq!(c.wait_status().exit_code(), 128 + 15, "{}", c.log());
    assert!(
        restored(&c.raw()),
        "alternate screen not left or cursor not shown after SIGTERM"
    );
    assert!(c.with_screen(|s| !s.alternate_screen() && !s.hide_cursor()));
    assert!(c.log().contains("SIGTERM: leaving"), "{}", c.log());
}

#[test]
fn sighup_restores_the_terminal() {
    let mut c = start(&["open", "fraud-detector"]);
    c.wait_for(&["Models › fraud-detector"]);
    signal(c.pid(), "HUP");
    assert_eq!(c.wait_status().exit_code(), 128 + 1, "{}", c.log());
    assert!(restored(&c.raw()));
    assert!(
        c.log().contains("SIGHUP: the terminal went away"),
        "{}",
        c.log()
    );
}

/// SIGINT from `kill` (Ctrl-C in raw mode is a key, and quits cleanly).
#[test]
fn sigint_from_kill_restores_the_terminal_and_exits_130() {
    let mut c = start(&[]);
    c.wait_for(&["credit-risk-scorer"]);
    signal(c.pid(), "INT");
    assert_eq!(c.wait_status().exit_code(), 128 + 2, "{}", c.log());
    assert!(restored(&c.raw()));
}

/// A dropped SSH session: the terminal's other side closes. The cockpit leaves with SIGHUP's
/// status and says why in its log, and writing to the terminal that is gone panics nothing.
#[test]
fn closing_the_terminal_ends_the_cockpit_with_129() {
    let mut c = start(&["open", "fraud-detector"]);
    c.wait_for(&["Models › fraud-detector"]);
    c.hang_up();
    let status = c.wait_status();
    let log = c.log();
    assert_eq!(status.exit_code(), 128 + 1, "{status:?}\n{log}");
    assert!(log.contains("the terminal went away"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

/// Under `nohup` (SIGHUP ignored) the closed terminal only reads as end of input: the cockpit
/// still leaves (the wait is a liveness bound, not a timing) instead of spinning on it.
#[test]
fn closing_the_terminal_ends_the_cockpit_when_sighup_is_ignored() {
    let mut c = Cockpit::start_ignoring_sighup(Launch {
        args: &["open", "fraud-detector"],
        tracking_uri: Some(tracking_uri()),
        ..Launch::default()
    });
    // Idle: everything loaded, nothing more to draw (a draw would also meet the hang-up).
    c.wait_for(&["Models › fraud-detector", "★ serving", "● drifted"]);
    c.hang_up();
    let status = c.wait_status();
    let log = c.log();
    assert_eq!(status.exit_code(), 128 + 1, "{status:?}\n{log}");
    assert!(log.contains("SIGHUP is ignored"), "{log}");
    assert!(log.contains("the terminal hung up"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

/// A decision being written when SIGTERM arrives is finished before the cockpit leaves (the
/// wait is bounded), and the log says what was written.
#[test]
fn a_decision_being_written_when_sigterm_arrives_is_finished_and_logged() {
    use support::governance::{fresh_model, GOOD};
    let live = support::live::live();
    let m = fresh_model(&live.uri, "pty-sigterm", &[GOOD]);
    let config = format!(
        "default_profile = \"review\"\n[profiles.review]\npolicy = \"{}\"\n",
        m.policy_path()
    );
    let mut c = Cockpit::start(Launch {
        args: &["open", &m.name],
        tracking_uri: Some(live.uri.clone()),
        config: Some(&config),
        env: &[("TOLLGATE_USER", "reviewer")],
        ..Launch::default()
    });
    c.wait_for(&["1 version", "READY"]);
    c.send("a");
    c.wait_for(&["Approve:", "PASS", "target"]);
    c.send("\x1b[C"); // Staging -> Production
    c.wait_for(&["[Production", "type the model name", "PASS"]);
    c.send("\t");
    c.type_text("approved as the session ended");
    c.send("\t"); // archive
    c.send("\t"); // confirm
    c.type_text(&m.name);
    c.send("\r");
    // An approval's claim alone stands for most of a second before the promotion.
    c.wait_for(&["re-checking the gates and writing"]);
    signal(c.pid(), "TERM");
    let status = c.wait_status();
    let log = c.log();
    assert_eq!(
        m.version("1").current_stage.as_deref(),
        Some("Production"),
        "{log}"
    );
    assert_eq!(
        m.tag("1", "tollgate.decision.Production").as_deref(),
        Some("approved")
    );
    assert_eq!(status.exit_code(), 128 + 15, "{log}");
    assert!(
        log.contains("waiting for the decision being written"),
        "the signal came while the decision was written: {log}"
    );
    assert!(log.contains("decision written in full"), "{log}");
}

#[test]
fn ctrl_c_quits_from_the_filter_prompt() {
    let mut c = start(&[]);
    c.wait_for(&["credit-risk-scorer"]);
    c.send("/");
    c.type_text("zz");
    c.wait_for(&["/zz"]);
    c.send("\x03");
    assert!(c.wait_exit());
    assert!(restored(&c.raw()));
}

#[test]
fn read_only_hides_and_refuses_writes() {
    let mut c = start(&["--read-only", "open", "credit-risk-scorer"]);
    c.wait_for(&["READ-ONLY", "★ serving"]);
    c.send("a");
    c.wait_for(&["read-only: 'approve' writes to the registry and is disabled"]);
    c.send("?");
    let help = c.wait_for(&["Keys", "Everywhere"]);
    assert!(
        !help.contains("approve"),
        "the help lists a write under read-only:\n{help}"
    );
    c.send("\x03");
    assert!(c.wait_exit());
}

#[test]
fn profile_switch_reconnects_without_restarting() {
    let uri = tracking_uri();
    let config = format!(
        "default_profile = \"good\"\n\
         [profiles.good]\ntracking_uri = \"{uri}\"\n\
         [profiles.down]\ntracking_uri = \"http://127.0.0.1:9\"\ntimeout_secs = 2\n"
    );
    let mut c = Cockpit::start(Launch {
        config: Some(&config),
        ..Launch::default()
    });
    c.wait_for(&["│ good │", "credit-risk-scorer"]);
    c.send(":");
    c.type_text("profile do");
    c.send("\t");
    c.wait_for(&[":profile down"]);
    c.send("\r");
    c.wait_for(&["│ down │", "Could not load the models", "Press r to retry"]);
    // The rest of the screen keeps working while the server is down.
    c.send("?");
    c.wait_for(&["Keys"]);
    c.esc();
    c.send(":");
    c.type_text("profile good");
    c.send("\r");
    c.wait_for(&["│ good │", "credit-risk-scorer"]);
    c.send("q");
    assert!(c.wait_exit());
}

#[test]
fn a_server_that_is_down_shows_an_error_and_r_retries() {
    // No test server needed: nothing listens on port 9.
    let mut c = Cockpit::start(Launch {
        tracking_uri: Some("http://127.0.0.1:9".into()),
        ..Launch::default()
    });
    c.wait_for(&[
        "Could not load the models",
        "cannot connect to http://127.0.0.1:9",
        "Press r to retry",
    ]);
    c.send("r");
    c.wait_for(&["Could not load the models"]);
    c.send(":");
    c.type_text("quit");
    c.send("\r");
    assert!(c.wait_exit());
    assert!(restored(&c.raw()));
}

#[test]
fn e_exports_the_evidence_pack_of_the_version_on_screen() {
    let manifest = manifest();
    let champion = alias_version(&manifest, "credit-risk-scorer", "champion");
    let mut c = start(&["open", "credit-risk-scorer", &champion]);
    c.wait_for(&["Overview", "Stage", "Production"]);
    c.send("e");
    // Charts for a monitored version take a few seconds in a debug build.
    c.wait_for(&["evidence pack:", "files in tollgate-evidence/"]);
    let dir = c
        .home()
        .join("tollgate-evidence")
        .join(format!("credit-risk-scorer-v{champion}"));
    let report = std::fs::read_to_string(dir.join("report.md")).expect("report.md written");
    assert!(report.contains("credit-risk-scorer"), "{report}");
    assert!(dir.join("evidence.json").exists());
    assert!(std::fs::read_dir(&dir).unwrap().any(|f| f
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".png")));
    c.send("q");
}

#[test]
fn the_configured_policy_gives_fairness_verdicts() {
    let policy = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policy.toml");
    let config =
        format!("default_profile = \"review\"\n[profiles.review]\npolicy = \"{policy}\"\n");
    let mut c = Cockpit::start(Launch {
        args: &["open", "credit-risk-scorer", "5"],
        tracking_uri: Some(tracking_uri()),
        config: Some(&config),
        ..Launch::default()
    });
    c.wait_for(&["Overview", "Stage"]);
    c.send("3");
    // Seeded v5 has disparate impact 0.636: below the example policy's 0.8.
    c.wait_for(&["disparate_impact", "✗ fail"]);
    c.send("q");
}

/// `--policy FILE` gives the cockpit its gates: the Gate tab evaluates the example policy.
#[test]
fn policy_flag_feeds_the_gate_tab() {
    let manifest = manifest();
    let champion = alias_version(&manifest, "credit-risk-scorer", "champion");
    let policy = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policy.toml");
    let mut c = start(&["--policy", policy, "open", "credit-risk-scorer", &champion]);
    c.wait_for(&["Description"]);
    c.send("6");
    c.wait_for(&["→ Production", "auc-vs-champion", "four-fifths", "digest"]);
    c.send("q");
}

/// An explicit `--policy` that cannot be read stops before the terminal is taken, with the
/// reason, rather than opening a cockpit without gates.
#[test]
fn unreadable_policy_flag_is_an_error() {
    let mut c = start(&["--policy", "/nonexistent/policy.toml"]);
    assert!(!c.wait_exit(), "a missing --policy must fail");
    let screen = c.screen();
    assert!(
        screen.contains("cannot read the policy") && screen.contains("/nonexistent/policy.toml"),
        "{screen}"
    );
}
