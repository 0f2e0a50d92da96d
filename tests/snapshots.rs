//! Snapshot tests of every view, drawn into ratatui's TestBackend from fixture data: at 80x24
//! and 160x48, with data, while loading, after an error and empty. Plus the cases that must
//! never regress: escape sequences in server text, selection without colour, too small.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

use tollgate::app::fixtures;
use tollgate::app::{update, Action, Edit, KeyMap, ServerContext, StartAt, State, UiSettings};
use tollgate::app::{Effect, RequestId};
use tollgate::ui::{self, ColorMode, Theme};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[derive(Clone, Copy, Debug)]
enum Kind {
    Data,
    Loading,
    Error,
    Empty,
}

const KINDS: [Kind; 4] = [Kind::Data, Kind::Loading, Kind::Error, Kind::Empty];

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Data => "data",
        Kind::Loading => "loading",
        Kind::Error => "error",
        Kind::Empty => "empty",
    }
}

const CONNECT_ERROR: &str = "cannot connect to http://127.0.0.1:5000: tcp connect error: Connection refused (os error 111). Is the MLflow server running there? Set MLFLOW_TRACKING_URI or pass --tracking-uri";

fn new_state(width: u16, height: u16) -> State {
    let server = ServerContext {
        profile: Some("local".into()),
        url: "http://127.0.0.1:5000".into(),
        read_only: false,
        actor: None,
    };
    let mut s = State::new(server, UiSettings::default(), KeyMap::defaults());
    update(&mut s, Action::Resize { width, height });
    s
}

fn requests(fx: &[Effect]) -> (RequestId, Option<RequestId>, Option<RequestId>) {
    let mut models = 0;
    let (mut versions, mut detail) = (None, None);
    for e in fx {
        match e {
            Effect::LoadModels { request } => models = *request,
            Effect::LoadVersions { request, .. } => versions = Some(*request),
            Effect::LoadDetail { request, .. } => detail = Some(*request),
            _ => {}
        }
    }
    (models, versions, detail)
}

fn models_state(kind: Kind, w: u16, h: u16) -> State {
    let mut s = new_state(w, h);
    let fx = s.start(StartAt::Models);
    let (request, _, _) = requests(&fx);
    let result = match kind {
        Kind::Data => Ok(fixtures::models(40)),
        Kind::Loading => return s,
        Kind::Error => Err(CONNECT_ERROR.to_string()),
        Kind::Empty => Ok(Vec::new()),
    };
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: result.map_err(Into::into),
        },
    );
    s
}

fn versions_state(kind: Kind, w: u16, h: u16) -> State {
    let mut s = new_state(w, h);
    let fx = s.start(StartAt::Model("credit-risk-scorer".into()));
    let (models, versions, _) = requests(&fx);
    update(
        &mut s,
        Action::ModelsLoaded {
            request: models,
            result: Ok(fixtures::models(40)),
        },
    );
    let result = match kind {
        Kind::Data => Ok(Box::new(fixtures::versions("credit-risk-scorer", 30))),
        Kind::Loading => return s,
        Kind::Error => Err("credit-risk-scorer not found: RESOURCE_DOES_NOT_EXIST".to_string()),
        Kind::Empty => Ok(Box::new(fixtures::versions("credit-risk-scorer", 0))),
    };
    update(
        &mut s,
        Action::VersionsLoaded {
            request: versions.unwrap(),
            result: result.map_err(Into::into),
        },
    );
    s
}

fn detail_state(kind: Kind, tab: u8, w: u16, h: u16) -> State {
    let mut s = new_state(w, h);
    let fx = s.start(StartAt::Version("credit-risk-scorer".into(), "29".into()));
    let (_, _, detail) = requests(&fx);
    let result = match kind {
        Kind::Data => Ok(Box::new(fixtures::detail("credit-risk-scorer", 29))),
        Kind::Loading => Err(String::new()),
        Kind::Error => Err("HTTP 503 from http://127.0.0.1:5000/api/2.0/mlflow/model-versions/get: Service Unavailable".to_string()),
        Kind::Empty => {
            let mut d = fixtures::detail("credit-risk-scorer", 29);
            d.run = tollgate::registry::RunState::NoRun;
            d.version.description = None;
            d.version.tags.clear();
            d.version.aliases.clear();
            Ok(Box::new(d))
        }
    };
    if !matches!(kind, Kind::Loading) {
        update(
            &mut s,
            Action::DetailLoaded {
                request: detail.unwrap(),
                result: result.map_err(Into::into),
            },
        );
    }
    update(&mut s, Action::SelectTab(tab));
    s
}

fn theme() -> Theme {
    Theme::load("dark", ColorMode::TrueColor, None).unwrap()
}

fn draw_with(state: &State, theme: &Theme) -> Buffer {
    let area = state.viewport;
    let mut terminal = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
    terminal.draw(|f| ui::draw(f, state, theme)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn snapshot(name: &str, state: &State) -> String {
    let screen = text(&draw_with(state, &theme()));
    insta::assert_snapshot!(name, screen);
    screen
}

#[test]
fn models_view() {
    for (w, h) in SIZES {
        for kind in KINDS {
            let screen = snapshot(
                &format!("models_{}_{w}x{h}", kind_name(kind)),
                &models_state(kind, w, h),
            );
            match kind {
                Kind::Data => assert!(
                    screen.contains("▶ churn-predictor") && screen.contains("credit-risk-scorer")
                ),
                Kind::Loading => assert!(screen.contains("Loading models…")),
                Kind::Error => assert!(
                    screen.contains("Could not load the models")
                        && screen.contains("Press r to retry")
                ),
                Kind::Empty => assert!(screen.contains("No registered models")),
            }
        }
    }
}

#[test]
fn versions_view() {
    for (w, h) in SIZES {
        for kind in KINDS {
            let screen = snapshot(
                &format!("versions_{}_{w}x{h}", kind_name(kind)),
                &versions_state(kind, w, h),
            );
            assert!(
                screen.contains("Models › credit-risk-scorer"),
                "breadcrumb:\n{screen}"
            );
            if let Kind::Data = kind {
                assert!(screen.contains("★") && screen.contains("@champion"));
                assert!(screen.contains("accuracy"), "key metrics as columns");
            }
        }
    }
}

#[test]
fn wide_screens_show_more_metric_columns() {
    let narrow = text(&draw_with(&versions_state(Kind::Data, 80, 24), &theme()));
    let wide = text(&draw_with(&versions_state(Kind::Data, 160, 48), &theme()));
    let count = |s: &str| {
        [
            "accuracy",
            "auc",
            "f1",
            "precision",
            "recall",
            "latency_p95_ms",
        ]
        .iter()
        .filter(|m| s.lines().nth(3).unwrap().contains(*m))
        .count()
    };
    assert!(
        count(&wide) > count(&narrow),
        "narrow {} wide {}",
        count(&narrow),
        count(&wide)
    );
    assert!(count(&narrow) >= 1);
}

#[test]
fn detail_overview_and_metrics_tabs() {
    for (w, h) in SIZES {
        for kind in KINDS {
            for (tab, tab_name) in [(1, "overview"), (2, "metrics")] {
                let name = format!("detail_{tab_name}_{}_{w}x{h}", kind_name(kind));
                let screen = snapshot(&name, &detail_state(kind, tab, w, h));
                assert!(screen.contains("1 Overview") && screen.contains("7 Audit"));
            }
        }
    }
}

#[test]
fn help_overlay_lists_the_keys_of_the_view() {
    for (w, h) in SIZES {
        let mut s = models_state(Kind::Data, w, h);
        update(&mut s, Action::Help);
        let screen = snapshot(&format!("help_models_{w}x{h}"), &s);
        assert!(screen.contains("sort by the next column"));
        let mut s = detail_state(Kind::Data, 1, w, h);
        update(&mut s, Action::Help);
        let screen = snapshot(&format!("help_detail_{w}x{h}"), &s);
        assert!(screen.contains("Version detail"));
    }
}

#[test]
fn escape_sequences_in_server_text_are_shown_harmlessly() {
    let mut s = new_state(160, 48);
    let fx = s.start(StartAt::Models);
    let (request, _, _) = requests(&fx);
    let mut models = fixtures::models(5);
    models[0].name = "escape-test-model\u{1b}[31m\u{1b}]0;pwned\u{7}".into();
    models[0].description = Some("desc \u{1b}[2J\u{1b}[H cleared? \u{9b}31m".into());
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(models),
        },
    );
    let buffer = draw_with(&s, &theme());
    let screen = text(&buffer);
    insta::assert_snapshot!("models_escape_sequences_160x48", screen);
    assert!(screen.contains("escape-test-model\\e[31m\\e]0;pwned"));
    assert!(screen.contains("desc \\e[2J\\e[H cleared? \\u{9b}31m"));
    for cell in buffer.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "raw control {:?}",
            cell.symbol()
        );
    }

    let mut s = detail_state(Kind::Data, 1, 80, 24);
    let mut d = fixtures::detail("evil\u{1b}[5m", 1);
    d.version.description = Some("line one\n\u{1b}[31mred\u{1b}[0m line two".into());
    d.version.tags[0].value = "\u{1b}]52;c;Y3VybCBldmlsCg==\u{7}".into();
    let tollgate::app::screens::Screen::Detail(screen) = s.screens.last_mut().unwrap() else {
        panic!()
    };
    screen.data = tollgate::app::Remote::loaded(d);
    let buffer = draw_with(&s, &theme());
    let screen = text(&buffer);
    insta::assert_snapshot!("detail_escape_sequences_80x24", screen);
    assert!(screen.contains("\\e[31mred\\e[0m line two"));
    assert!(screen.contains("\\e]52;c;"));
    for cell in buffer.content() {
        assert!(!cell.symbol().chars().any(|c| c.is_control()));
    }
}

#[test]
fn escape_sequences_in_names_inside_errors_and_breadcrumbs_are_harmless() {
    let evil = "evil\u{1b}]0;owned\u{7}\u{1b}[2J";
    let mut s = new_state(80, 24);
    let fx = s.start(StartAt::Model(evil.into()));
    let (_, versions, _) = requests(&fx);
    update(
        &mut s,
        Action::VersionsLoaded {
            request: versions.unwrap(),
            result: Err(format!("registered model {evil} not found").into()),
        },
    );
    let buffer = draw_with(&s, &theme());
    let screen = text(&buffer);
    assert!(
        screen.contains("Models › evil\\e]0;owned^G\\e[2J"),
        "{screen}"
    );
    assert!(
        screen.contains("Could not load the versions of 'evil\\e]0;owned^G"),
        "{screen}"
    );
    for cell in buffer.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "raw control {:?}",
            cell.symbol()
        );
    }
}

/// The selected row's cells: reverse video, and the marker.
fn selected_row(buffer: &Buffer) -> u16 {
    (0..buffer.area.height)
        .find(|&y| (0..buffer.area.width).any(|x| buffer[(x, y)].symbol() == "▶"))
        .expect("a ▶ marker on screen")
}

#[test]
fn selection_stays_visible_without_colour() {
    for name in ["dark", "monochrome"] {
        let theme = Theme::load(name, ColorMode::NoColor, None).unwrap();
        let s = models_state(Kind::Data, 80, 24);
        let buffer = draw_with(&s, &theme);
        if name == "dark" {
            insta::assert_snapshot!("models_no_color_80x24", text(&buffer));
        }
        for cell in buffer.content() {
            assert_eq!(cell.fg, Color::Reset, "NO_COLOR drew a colour: {cell:?}");
            assert_eq!(cell.bg, Color::Reset, "NO_COLOR drew a colour: {cell:?}");
        }
        let y = selected_row(&buffer);
        for x in 1..79 {
            assert!(
                buffer[(x, y)].modifier.contains(Modifier::REVERSED),
                "{name}: cell {x} not reversed"
            );
        }
        let other = y + 1;
        assert!(!buffer[(5, other)].modifier.contains(Modifier::REVERSED));
    }
}

#[test]
fn sixteen_colour_terminals_get_no_rgb() {
    let theme = Theme::load("dark", ColorMode::Ansi16, None).unwrap();
    let buffer = draw_with(&versions_state(Kind::Data, 160, 48), &theme);
    for cell in buffer.content() {
        assert!(
            !matches!(cell.fg, Color::Rgb(..) | Color::Indexed(_)),
            "{cell:?}"
        );
        assert!(
            !matches!(cell.bg, Color::Rgb(..) | Color::Indexed(_)),
            "{cell:?}"
        );
    }
}

#[test]
fn too_small_says_so() {
    let s = models_state(Kind::Data, 79, 23);
    let screen = snapshot("too_small_79x23", &s);
    assert!(screen.contains("Terminal too small"));
    assert!(screen.contains("79x23"));
}

#[test]
fn filter_prompt_stale_data_and_read_only() {
    let mut s = models_state(Kind::Data, 80, 24);
    s.server.read_only = true;
    update(&mut s, Action::Filter);
    for c in "fraud".chars() {
        update(&mut s, Action::Edit(Edit::Insert(c)));
    }
    let screen = snapshot("models_filtering_80x24", &s);
    assert!(screen.contains("/fraud"));
    assert!(screen.contains("READ-ONLY"));

    let mut s = models_state(Kind::Data, 80, 24);
    let fx = update(&mut s, Action::Refresh);
    let request = fx.iter().find_map(|e| match e {
        Effect::LoadModels { request } => Some(*request),
        _ => None,
    });
    let screen = snapshot("models_refreshing_80x24", &s);
    assert!(screen.contains("refreshing"));
    update(
        &mut s,
        Action::ModelsLoaded {
            request: request.unwrap(),
            result: Err("timeout after 30s".into()),
        },
    );
    let screen = snapshot("models_stale_80x24", &s);
    assert!(screen.contains("STALE") && screen.contains("churn-predictor"));
    assert!(screen.contains("timeout after 30s"));
}

#[test]
fn command_line_completion() {
    let mut s = models_state(Kind::Data, 80, 24);
    update(&mut s, Action::Command);
    for c in "model fraud".chars() {
        update(&mut s, Action::Edit(Edit::Insert(c)));
    }
    update(&mut s, Action::PromptComplete);
    let screen = snapshot("command_completion_80x24", &s);
    assert!(screen.contains(":model Fraud Detection (EU)"));
    assert!(
        screen.contains(" :model fraud-detector"),
        "the other candidate is listed"
    );
}

fn detail_screen(s: &State) -> &tollgate::app::screens::DetailScreen {
    match s.screens.last().unwrap() {
        tollgate::app::screens::Screen::Detail(d) => d,
        _ => panic!("not on a detail screen"),
    }
}

/// Answer the pending history request of `key` with a noisy 30,000-point loss curve.
fn answer_history(s: &mut State, key: &str, result: Result<usize, &str>) {
    let request = detail_screen(s).metrics.histories[key]
        .pending
        .expect("history asked for");
    let result = result
        .map(|n| {
            (0..n)
                .map(|i| tollgate::mlflow::Metric {
                    key: key.into(),
                    value: 0.7 * (-(i as f64) / 4000.0).exp()
                        + 0.05
                        + if i == 12_345 { 0.4 } else { 0.0 },
                    timestamp: 1_790_000_000_000 + i as i64 * 1000,
                    step: i as i64,
                })
                .collect()
        })
        .map_err(str::to_string);
    update(
        s,
        Action::HistoryLoaded {
            request,
            run_id: "run00029".into(),
            key: key.into(),
            result: result.map_err(Into::into),
        },
    );
}

#[test]
fn metrics_tab_draws_the_selected_curve() {
    for (w, h) in SIZES {
        let mut s = detail_state(Kind::Data, 2, w, h);
        answer_history(&mut s, "accuracy", Ok(30_000));
        let screen = snapshot(&format!("detail_metrics_curve_{w}x{h}"), &s);
        assert!(screen.contains("30000 points, by step"), "{screen}");
        assert!(screen.contains("29999"), "the last step labels the x axis");
        update(&mut s, Action::ToggleTimeAxis);
        let screen = snapshot(&format!("detail_metrics_curve_by_time_{w}x{h}"), &s);
        assert!(screen.contains("by time"), "{screen}");

        let mut s = detail_state(Kind::Data, 2, w, h);
        answer_history(&mut s, "accuracy", Err("HTTP 500: history unavailable"));
        let screen = snapshot(&format!("detail_metrics_curve_error_{w}x{h}"), &s);
        assert!(screen.contains("history unavailable"), "{screen}");

        let mut s = detail_state(Kind::Data, 2, w, h);
        answer_history(&mut s, "accuracy", Ok(1));
        let screen = snapshot(&format!("detail_metrics_curve_single_{w}x{h}"), &s);
        assert!(screen.contains("one value logged"), "{screen}");
    }
    let mut s = detail_state(Kind::Data, 2, 80, 24);
    s.settings.ascii = true;
    answer_history(&mut s, "accuracy", Ok(30_000));
    let screen = snapshot("detail_metrics_curve_ascii_80x24", &s);
    // The header's spinner is braille (models still loading); the chart below it is not.
    let body: String = screen.lines().skip(1).collect();
    assert!(!body.chars().any(|c| ('\u{2800}'..='\u{28ff}').contains(&c)));
    assert!(body.contains('•'), "dots mark the curve");
}

/// Replace the run's metrics of a detail state (fixtures carry only a few).
fn with_metrics(s: &mut State, metrics: &[(&str, f64)]) {
    let tollgate::app::screens::Screen::Detail(d) = s.screens.last_mut().unwrap() else {
        panic!()
    };
    let detail = d.data.data.as_mut().unwrap();
    let tollgate::registry::RunState::Active(run) = &mut detail.run else {
        panic!()
    };
    let run = std::sync::Arc::make_mut(run);
    run.data.metrics = metrics
        .iter()
        .map(|(k, v)| tollgate::mlflow::Metric {
            key: k.to_string(),
            value: *v,
            timestamp: 1_790_000_000_000,
            step: 0,
        })
        .collect();
}

const FAIRNESS: &[(&str, f64)] = &[
    ("accuracy", 0.83),
    ("fairness.disparate_impact", 0.74),
    ("fairness.statistical_parity_difference", -0.12),
    ("fairness.sex.disparate_impact", 0.74),
    ("fairness.age_group.disparate_impact", 0.91),
    ("fairness.sex:female.selection_rate", 0.34),
    ("fairness.sex:male.selection_rate", 0.46),
    ("fairness.sex:female.accuracy", 0.81),
    ("fairness.sex:male.accuracy", 0.84),
    ("fairness.sex:female.tpr", 0.62),
    ("fairness.sex:male.tpr", 0.71),
    ("fairness.sex:female.fpr", 0.09),
    ("fairness.sex:male.fpr", 0.14),
    ("fairness.age_group:lt25.selection_rate", 0.38),
    ("fairness.age_group:25to60.selection_rate", 0.42),
    ("fairness.age_group:gt60.selection_rate", 0.40),
];

#[test]
fn fairness_tab() {
    for (w, h) in SIZES {
        for kind in KINDS {
            let mut s = detail_state(kind, 3, w, h);
            if let Kind::Data = kind {
                with_metrics(&mut s, FAIRNESS);
            }
            let name = format!("detail_fairness_{}_{w}x{h}", kind_name(kind));
            let screen = snapshot(&name, &s);
            match kind {
                Kind::Data => {
                    assert!(screen.contains("disparate_impact"), "{screen}");
                    assert!(
                        screen.contains("four-fifths 0.905 = lt25 0.38 / 25to60 0.42 ✓ pass"),
                        "{screen}"
                    );
                    assert!(screen.contains("no policy"));
                }
                Kind::Empty => assert!(screen.contains("no readable source run"), "{screen}"),
                Kind::Loading => assert!(screen.contains("Loading"), "{screen}"),
                Kind::Error => assert!(screen.contains("Could not load"), "{screen}"),
            }
        }
        // No fairness metric at all: the convention to follow.
        let mut s = detail_state(Kind::Data, 3, w, h);
        with_metrics(&mut s, &[("accuracy", 0.8)]);
        let screen = snapshot(&format!("detail_fairness_none_{w}x{h}"), &s);
        assert!(screen.contains("No fairness evidence logged"), "{screen}");
        assert!(screen.contains("fairness.<metric>"), "{screen}");

        // A policy's bounds give verdicts; j moves to the next attribute.
        let mut s = detail_state(Kind::Data, 3, w, h);
        with_metrics(&mut s, FAIRNESS);
        let bounds: std::collections::BTreeMap<String, tollgate::evidence::bounds::Bounds> = [(
            "fairness.disparate_impact".to_string(),
            tollgate::evidence::bounds::Bounds {
                min: Some(0.8),
                max: Some(1.25),
                abs_max: None,
            },
        )]
        .into();
        s.fairness_bounds = Some(bounds);
        update(&mut s, Action::MoveDown);
        let screen = snapshot(&format!("detail_fairness_policy_{w}x{h}"), &s);
        assert!(screen.contains("✗ fail"), "{screen}");
        assert!(screen.contains("sex by group"), "{screen}");
        assert!(screen.contains("four-fifths 0.739"), "{screen}");
    }
}

/// A fairness name wider than its column at 80 columns is cut with `…`, not bare.
#[test]
fn fairness_names_cut_at_80_columns_end_with_an_ellipsis() {
    let mut s = detail_state(Kind::Data, 3, 80, 24);
    with_metrics(
        &mut s,
        &[
            (
                "fairness.applicant_age_group_at_application_time.equalized_odds_difference",
                0.07,
            ),
            ("fairness.disparate_impact", 0.74),
        ],
    );
    let screen = snapshot("detail_fairness_long_name_80x24", &s);
    let row = screen
        .lines()
        .find(|l| l.contains("applicant_age"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        row.contains("applicant_age_group_at_application… 0.0700"),
        "{row}"
    );
    assert!(row.contains("0.0700"), "the value is still shown: {row}");
}

/// Monitoring of 14 daily windows: `income` drifts from window 8 on, `age` never; accuracy falls.
fn monitored() -> tollgate::app::screens::Monitored {
    use std::collections::HashMap;
    use tollgate::mlflow::Metric;
    let day = 86_400_000i64;
    let start = 1_794_700_800_000i64; // 2026-11-14
    let series = |f: &dyn Fn(i64) -> f64| -> Vec<Metric> {
        (0..14)
            .map(|i| Metric {
                key: String::new(),
                value: f(i),
                timestamp: start + i * day,
                step: i,
            })
            .collect()
    };
    let mut h: HashMap<String, Vec<Metric>> = HashMap::new();
    let drifting = |i: i64| {
        if i >= 8 {
            0.15 + 0.05 * (i - 8) as f64
        } else {
            0.03
        }
    };
    h.insert("drift.income.psi".into(), series(&|i| drifting(i) * 2.0));
    h.insert("drift.income.ks_stat".into(), series(&|i| drifting(i)));
    h.insert(
        "drift.income.p_value".into(),
        series(&|i| if i >= 8 { 0.001 } else { 0.4 }),
    );
    h.insert("drift.age.psi".into(), series(&|_| 0.02));
    h.insert("drift.age.ks_stat".into(), series(&|_| 0.03));
    h.insert("drift.age.p_value".into(), series(&|_| 0.6));
    h.insert(
        "drift.share".into(),
        series(&|i| if i >= 8 { 0.5 } else { 0.0 }),
    );
    h.insert("perf.accuracy".into(), series(&|i| 0.85 - 0.01 * i as f64));
    h.insert("perf.auc".into(), series(&|i| 0.9 - 0.008 * i as f64));
    let histograms = serde_json::json!({
        "reference_rows": 5000,
        "features": {
            "income": {
                "kind": "numeric",
                "bin_edges": [0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0],
                "reference": [300, 1200, 1800, 1100, 450, 150],
                "windows": [{"step": 13, "window_end_ms": start + 13 * day, "rows": 1000,
                             "counts": [20, 90, 200, 330, 250, 110]}]
            }
        }
    });
    tollgate::app::screens::Monitored {
        run_id: "monrun0001".into(),
        run_name: Some("monitoring-credit-risk-scorer-v29".into()),
        runs: 1,
        history: tollgate::evidence::drift::DriftHistory::from_metric_histories(
            &h,
            &Default::default(),
        ),
        reports: Vec::new(),
        histograms: Some(
            tollgate::evidence::drift::Histograms::parse(histograms.to_string().as_bytes())
                .map_err(|e| e.to_string()),
        ),
    }
}

fn answer_monitoring(s: &mut State, result: Result<tollgate::app::screens::Monitoring, String>) {
    let request = detail_screen(s)
        .drift
        .monitoring
        .as_ref()
        .and_then(|m| m.pending)
        .expect("monitoring asked for");
    update(
        s,
        Action::MonitoringLoaded {
            request,
            result: result.map_err(Into::into),
        },
    );
}

#[test]
fn drift_tab() {
    for (w, h) in SIZES {
        for kind in KINDS {
            let mut s = detail_state(Kind::Data, 4, w, h);
            let result = match kind {
                Kind::Data => Ok(Some(std::sync::Arc::new(monitored()))),
                Kind::Loading => Err(String::new()),
                Kind::Error => Err("HTTP 503 from http://127.0.0.1:5000/api/2.0/mlflow/runs/search: Service Unavailable".into()),
                Kind::Empty => Ok(None),
            };
            if !matches!(kind, Kind::Loading) {
                answer_monitoring(&mut s, result);
            }
            let screen = snapshot(&format!("detail_drift_{}_{w}x{h}", kind_name(kind)), &s);
            match kind {
                Kind::Data => {
                    assert!(
                        screen.contains("income drifting since 2026-11-23"),
                        "{screen}"
                    );
                    assert!(screen.contains("● yes"), "{screen}");
                    assert!(screen.contains("share 0.50 DRIFTED"), "{screen}");
                }
                Kind::Loading => assert!(screen.contains("Loading monitoring runs"), "{screen}"),
                Kind::Error => assert!(
                    screen.contains("Could not load the monitoring runs"),
                    "{screen}"
                ),
                Kind::Empty => assert!(screen.contains("Not monitored"), "{screen}"),
            }
        }
        // The other feature: not drifting.
        let mut s = detail_state(Kind::Data, 4, w, h);
        answer_monitoring(&mut s, Ok(Some(std::sync::Arc::new(monitored()))));
        update(&mut s, Action::MoveDown);
        let screen = snapshot(&format!("detail_drift_stable_feature_{w}x{h}"), &s);
        assert!(
            screen.contains("age not drifting · PSI by window"),
            "{screen}"
        );
    }
}

/// At 80x24 one lower panel fits: `v` (CycleDriftPanel) brings each to the screen in turn, the
/// footer offers it, and the threshold is named on the bottom border, not in a box over the curve.
#[test]
fn drift_tab_panels_at_80x24() {
    let mut s = detail_state(Kind::Data, 4, 80, 24);
    answer_monitoring(&mut s, Ok(Some(std::sync::Arc::new(monitored()))));
    let screen = snapshot("detail_drift_panel_trend_80x24", &s);
    assert!(
        screen.contains("income drifting since 2026-11-23 · PSI by window"),
        "{screen}"
    );
    // Named once, on the chart's bottom border: nothing is drawn over the curve.
    assert_eq!(screen.matches("threshold").count(), 1, "{screen}");
    let named = screen.lines().find(|l| l.contains("threshold")).unwrap();
    assert!(
        named.contains("─ threshold 0.2000 ┘"),
        "on the bottom border: {screen}"
    );
    assert!(screen.contains("v panel"), "{screen}");
    assert!(!screen.contains("live performance"), "{screen}");

    update(&mut s, Action::CycleDriftPanel);
    let screen = snapshot("detail_drift_panel_histogram_80x24", &s);
    assert!(screen.contains("income ■ reference ■ current"), "{screen}");
    assert!(!screen.contains("drifting since"), "{screen}");

    update(&mut s, Action::CycleDriftPanel);
    let screen = snapshot("detail_drift_panel_perf_80x24", &s);
    assert!(
        screen.contains("live performance (perf.*) ■ accuracy ■ auc"),
        "{screen}"
    );
    assert!(!screen.contains("■ reference"), "{screen}");

    update(&mut s, Action::CycleDriftPanel);
    let screen = text(&draw_with(&s, &theme()));
    assert!(
        screen.contains("income drifting since"),
        "back to the trend: {screen}"
    );

    // The key means nothing on other tabs.
    update(&mut s, Action::SelectTab(2));
    update(&mut s, Action::CycleDriftPanel);
    update(&mut s, Action::SelectTab(4));
    assert!(text(&draw_with(&s, &theme())).contains("income drifting since"));
}

/// A monitoring run that logged only an Evidently report (made by the real `evidently` 0.4.40):
/// the same per-feature table, named as the report's.
#[test]
fn drift_tab_from_an_evidently_report() {
    let thresholds = tollgate::evidence::drift::DriftThresholds::default();
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/evidently/evidently_0_4_40_datadrift_5000rows.json"),
    )
    .unwrap();
    let reports = tollgate::evidence::drift::read_reports(
        &[("evidently/data_drift.json".to_string(), bytes)],
        &thresholds,
    );
    let monitored = tollgate::app::screens::Monitored {
        run_id: "monrun0002".into(),
        run_name: Some("evidently-daily".into()),
        runs: 1,
        history: tollgate::evidence::drift::DriftHistory::from_metric_histories(
            &Default::default(),
            &thresholds,
        ),
        reports,
        histograms: None,
    };
    let mut s = detail_state(Kind::Data, 4, 80, 24);
    answer_monitoring(&mut s, Ok(Some(std::sync::Arc::new(monitored))));
    let screen = snapshot("detail_drift_evidently_80x24", &s);
    assert!(
        screen.contains("Evidently 0.4-0.6 report evidently/data_drift"),
        "{screen}"
    );
    let income = screen
        .lines()
        .find(|l| l.contains("income"))
        .expect("income row");
    assert!(income.contains("● yes"), "{screen}");
    // One window: instead of drift over time, the report's own distributions.
    assert!(
        screen.contains("income Evidently: reference vs current"),
        "{screen}"
    );
    // A categorical column: paired bars per category.
    update(&mut s, Action::MoveDown);
    update(&mut s, Action::MoveDown);
    let screen = snapshot("detail_drift_evidently_categorical_80x24", &s);
    assert!(screen.contains("region ■ reference ■ current"), "{screen}");
}

#[test]
fn models_list_marks_models_with_drift() {
    let mut s = models_state(Kind::Data, 80, 24);
    let request = s.models().drift.as_ref().and_then(|d| d.pending);
    let request = request.expect("drift marks asked for once the list loaded");
    update(
        &mut s,
        Action::ModelDriftMarksLoaded {
            request,
            result: Ok([
                ("credit-risk-scorer".to_string(), true),
                ("churn-predictor".to_string(), false),
            ]
            .into()),
        },
    );
    let screen = snapshot("models_drift_marks_80x24", &s);
    assert!(screen.contains("● drifted"), "{screen}");
    let marked: Vec<&str> = screen
        .lines()
        .filter(|l| l.starts_with('│') && l.contains(" ● "))
        .collect();
    assert_eq!(marked.len(), 1, "{screen}");
    assert!(marked[0].contains("credit-risk-scorer"), "{screen}");
}

#[test]
fn versions_list_marks_drifted_versions() {
    for (w, h) in SIZES {
        let mut s = versions_state(Kind::Data, w, h);
        let tollgate::app::screens::Screen::Versions(v) = s.screens.last().unwrap() else {
            panic!()
        };
        let request = v.drift.as_ref().and_then(|d| d.pending);
        let request = request.expect("drift marks asked for with the list");
        update(
            &mut s,
            Action::DriftMarksLoaded {
                request,
                result: Ok([("29".to_string(), true), ("28".to_string(), false)].into()),
            },
        );
        let screen = snapshot(&format!("versions_drift_marks_{w}x{h}"), &s);
        assert!(screen.contains("● drifted"), "{screen}");
        let row = screen.lines().find(|l| l.contains("  29 ")).unwrap();
        assert!(row.contains("★●"), "the champion, drifted: {row}");
        let row = screen.lines().find(|l| l.contains("  28 ")).unwrap();
        assert!(!row.contains('●'), "{row}");
    }
}

fn lineage_tree() -> std::sync::Arc<tollgate::evidence::lineage::LineageNode> {
    use std::collections::HashMap;
    let d = fixtures::detail("credit-risk-scorer", 29);
    let mut run = d.run.run().unwrap().clone();
    // A parent that cannot be read: the tree marks it, the rest stays.
    run.data.tags.push(tollgate::mlflow::Tag {
        key: "mlflow.parentRunId".into(),
        value: "deadbeef0000".into(),
    });
    let (runs, experiments) = (HashMap::new(), HashMap::new());
    let input = tollgate::evidence::lineage::LineageInput {
        version: &d.version,
        logged_model: None,
        source_run: Some(&run),
        runs: &runs,
        experiments: &experiments,
        dataset_users: &[],
    };
    std::sync::Arc::new(tollgate::evidence::lineage::build_lineage(&input))
}

#[test]
fn lineage_tab() {
    for (w, h) in SIZES {
        for kind in KINDS {
            let mut s = detail_state(Kind::Data, 5, w, h);
            let request = detail_screen(&s)
                .lineage
                .tree
                .as_ref()
                .and_then(|l| l.pending)
                .expect("lineage asked for");
            let result = match kind {
                Kind::Data => Ok(lineage_tree()),
                Kind::Loading => Err(String::new()),
                Kind::Error => Err("HTTP 404: RESOURCE_DOES_NOT_EXIST".into()),
                Kind::Empty => Ok(std::sync::Arc::new({
                    let mut t = (*lineage_tree()).clone();
                    t.children.clear();
                    t
                })),
            };
            if !matches!(kind, Kind::Loading) {
                update(
                    &mut s,
                    Action::LineageLoaded {
                        request,
                        result: result.map_err(Into::into),
                    },
                );
            }
            let screen = snapshot(&format!("detail_lineage_{}_{w}x{h}", kind_name(kind)), &s);
            match kind {
                Kind::Data => {
                    assert!(screen.contains("credit-risk-scorer"), "{screen}");
                    assert!(screen.contains("✗ run deadbeef0000"), "{screen}");
                }
                Kind::Loading => assert!(screen.contains("Loading the lineage"), "{screen}"),
                Kind::Error => assert!(screen.contains("RESOURCE_DOES_NOT_EXIST"), "{screen}"),
                Kind::Empty => assert!(screen.contains("LINEAGE"), "{screen}"),
            }
        }
    }
    // Space folds the root: one line left.
    let mut s = detail_state(Kind::Data, 5, 80, 24);
    let request = detail_screen(&s)
        .lineage
        .tree
        .as_ref()
        .and_then(|l| l.pending)
        .unwrap();
    update(
        &mut s,
        Action::LineageLoaded {
            request,
            result: Ok(lineage_tree()),
        },
    );
    update(&mut s, Action::ToggleFold);
    let screen = snapshot("detail_lineage_folded_80x24", &s);
    assert!(screen.contains("▸ credit-risk-scorer"), "{screen}");
    // Enter on the version's own run opens its metrics.
    update(&mut s, Action::ToggleFold);
    let run_row = {
        let d = detail_screen(&s);
        let tree = d.lineage_tree().unwrap();
        tollgate::app::screens::tree_lines(tree, &d.lineage.folded)
            .iter()
            .position(|(_, l)| l.node.kind == tollgate::evidence::lineage::NodeKind::Run)
            .expect("a run node")
    };
    for _ in 0..run_row {
        update(&mut s, Action::MoveDown);
    }
    update(&mut s, Action::Open);
    assert_eq!(
        detail_screen(&s).tab,
        tollgate::app::screens::DetailTab::Metrics
    );
}

#[test]
fn compare_marked_versions_with_the_champion() {
    for (w, h) in SIZES {
        let mut s = versions_state(Kind::Data, w, h);
        update(&mut s, Action::Mark); // v30, the cursor moves on
        update(&mut s, Action::MoveDown); // skip the champion (always compared)
        update(&mut s, Action::Mark); // v28
        let screen = snapshot(&format!("versions_marked_{w}x{h}"), &s);
        assert!(screen.contains("2 marked (c compares)"), "{screen}");
        assert!(screen.contains("+30") && screen.contains("+28"), "{screen}");

        let fx = update(&mut s, Action::Compare);
        let mut histories = fx.iter().filter_map(|e| match e {
            Effect::LoadHistory {
                request,
                run_id,
                key,
            } => Some((*request, run_id.clone(), key.clone())),
            _ => None,
        });
        let screen = snapshot(&format!("versions_compare_loading_{w}x{h}"), &s);
        assert!(screen.contains("compare 3 versions"), "{screen}");
        assert!(
            screen.contains("v29★"),
            "the champion is the baseline: {screen}"
        );
        assert!(
            screen.contains("(+0.0010)"),
            "differences to the champion: {screen}"
        );
        let mut n = 0;
        for (request, run_id, key) in histories.by_ref() {
            n += 1;
            let shift = n as f64 * 0.01;
            let result = Ok((0..200)
                .map(|i| tollgate::mlflow::Metric {
                    key: key.clone(),
                    value: 0.6 + shift + 0.2 * (1.0 - (-(i as f64) / 40.0).exp()),
                    timestamp: 1_790_000_000_000 + i * 1000,
                    step: i,
                })
                .collect());
            update(
                &mut s,
                Action::HistoryLoaded {
                    request,
                    run_id,
                    key,
                    result,
                },
            );
        }
        assert_eq!(n, 3, "one history per compared run");
        let screen = snapshot(&format!("versions_compare_{w}x{h}"), &s);
        assert!(
            screen.contains("by step, overlaid ■ v29 ★ ■ v30 ■ v28"),
            "{screen}"
        );
        update(&mut s, Action::Back);
        let screen = text(&draw_with(&s, &theme()));
        assert!(
            !screen.contains("compare 3 versions"),
            "Esc closes: {screen}"
        );
    }
}

#[test]
fn escape_sequences_in_evidence_are_harmless() {
    let evil = "x\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let assert_clean = |s: &State| {
        let buffer = draw_with(s, &theme());
        for cell in buffer.content() {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control()),
                "{:?}",
                cell.symbol()
            );
        }
        text(&buffer)
    };
    // Fairness: an attribute and a group named with escapes.
    let mut s = detail_state(Kind::Data, 3, 160, 48);
    let g1 = format!("fairness.{evil}:{evil}.selection_rate");
    let g2 = format!("fairness.{evil}:b.selection_rate");
    with_metrics(&mut s, &[(g1.as_str(), 0.3), (g2.as_str(), 0.5)]);
    let screen = assert_clean(&s);
    assert!(screen.contains("x\\e]0;pwned"), "{screen}");
    // Metrics: the curve of a metric with an escape in its name.
    let mut s = detail_state(Kind::Data, 2, 160, 48);
    let key = format!("loss{evil}");
    with_metrics(&mut s, &[(key.as_str(), 0.3)]);
    let fx = update(&mut s, Action::MoveDown);
    let _ = fx;
    update(&mut s, Action::MoveUp);
    if detail_screen(&s).metrics.histories.contains_key(&key) {
        answer_history(&mut s, &key, Err(evil));
    }
    assert_clean(&s);
}

/// The versions list with a decision dialog open on the selected version, its review answered
/// with fixture evidence (`di`: the disparate impact) for `target`.
fn dialog_state(
    action: Action,
    actor: &str,
    target: &str,
    di: f64,
    policy: tollgate::governance::Policy,
) -> State {
    use tollgate::app::dialog::Review;
    use tollgate::governance::decision::{Actor, ActorSource};
    let mut s = versions_state(Kind::Data, 80, 24);
    s.server.actor = Some(Actor {
        name: actor.into(),
        source: ActorSource::Env,
    });
    s.policy = Some(std::sync::Arc::new(policy.clone()));
    let decision = match action {
        Action::Approve => tollgate::governance::decision::Decision::Approved,
        Action::Reject => tollgate::governance::decision::Decision::Rejected,
        _ => tollgate::governance::decision::Decision::Requested,
    };
    update(&mut s, action);
    while s.dialog.as_ref().unwrap().target.text != target {
        update(&mut s, Action::Edit(Edit::Right));
    }
    let (request, version) = match &s.dialog.as_ref().unwrap().review {
        Review::Loading { request, .. } => (*request, s.dialog.as_ref().unwrap().version.clone()),
        other => panic!("{other:?}"),
    };
    let prepared = fixtures::prepared(
        "credit-risk-scorer",
        &version,
        target,
        decision,
        actor,
        di,
        policy,
    );
    update(
        &mut s,
        Action::DecisionPrepared {
            request,
            result: Ok(Box::new(prepared)),
        },
    );
    s
}

#[test]
fn decision_dialogs_at_80x24() {
    let mut s = dialog_state(
        Action::Approve,
        "reviewer",
        "Staging",
        0.93,
        fixtures::dialog_policy(true, false),
    );
    update(&mut s, Action::DialogNext);
    for c in "looks good".chars() {
        update(&mut s, Action::Edit(Edit::Insert(c)));
    }
    let screen = snapshot("dialog_approve_passing_80x24", &s);
    assert!(
        screen.contains("PASS") && screen.contains("looks good"),
        "{screen}"
    );

    let s = dialog_state(
        Action::Approve,
        "reviewer",
        "Staging",
        0.6,
        fixtures::dialog_policy(true, false),
    );
    let screen = snapshot("dialog_approve_failing_refused_80x24", &s);
    assert!(
        screen.contains("FAIL") && screen.contains("four-fifths"),
        "{screen}"
    );
    assert!(screen.contains("submit disabled"), "{screen}");

    let s = dialog_state(
        Action::Approve,
        "reviewer",
        "Production",
        0.93,
        fixtures::dialog_policy(true, false),
    );
    let screen = snapshot("dialog_approve_production_80x24", &s);
    assert!(
        screen.contains("type the model name (credit-risk-scorer) to confirm"),
        "{screen}"
    );
    assert!(screen.contains("[x] archive"), "{screen}");

    let s = dialog_state(
        Action::Approve,
        "model-builder",
        "Staging",
        0.93,
        fixtures::dialog_policy(true, false),
    );
    let screen = snapshot("dialog_approve_four_eyes_80x24", &s);
    assert!(screen.contains("four-eyes"), "{screen}");
}

/// A decision whose write failed: the dialog words each kind its own way (typed errors), a stale
/// report with what changed, a refused permission with whom to ask.
#[test]
fn decision_dialog_failures_say_what_happened_and_what_to_do() {
    use tollgate::app::dialog::Progress;
    use tollgate::governance::decision::Change;
    use tollgate::mlflow::MlflowError;
    use tollgate::registry::decide::DecideError;
    let failed = |error: DecideError| {
        let mut s = dialog_state(
            Action::Approve,
            "reviewer",
            "Staging",
            0.93,
            fixtures::dialog_policy(true, false),
        );
        update(&mut s, Action::DialogNext);
        for c in "ok".chars() {
            update(&mut s, Action::Edit(Edit::Insert(c)));
        }
        let fx = update(&mut s, Action::DialogSubmit);
        let request = fx
            .iter()
            .find_map(|e| match e {
                tollgate::app::Effect::CommitDecision { request, .. } => Some(*request),
                _ => None,
            })
            .expect("submitted");
        update(
            &mut s,
            Action::DecisionCommitted {
                request,
                result: Err(error.into()),
            },
        );
        assert!(matches!(
            s.dialog.as_ref().unwrap().progress,
            Progress::Failed(_)
        ));
        s
    };
    let stale = failed(DecideError::Stale {
        seen: "3b010d1bf688".into(),
        fresh: "99a673bc7900".into(),
        changes: vec![Change::Metric {
            key: "accuracy".into(),
            from: Some(0.91),
            to: Some(0.62),
        }],
    });
    let screen = snapshot("dialog_failed_stale_80x24", &stale);
    assert!(screen.contains("metric accuracy 0.91 -> 0.62"), "{screen}");
    assert!(screen.contains("Enter reviews it again"), "{screen}");

    let refused = failed(DecideError::Refused {
        what: "the decision",
        error: MlflowError::PermissionDenied {
            action: "set a model version tag".into(),
            permission: "EDIT",
            resource: "model credit-risk-scorer".into(),
            message: "Permission denied".into(),
        },
    });
    let screen = snapshot("dialog_failed_permission_80x24", &refused);
    assert!(screen.contains("EDIT permission"), "{screen}");
}

/// Enter on the parent run in the Lineage tab: the run view with its metrics, the selected
/// metric's curve, params and key tags.
#[test]
fn run_view_from_lineage() {
    use std::collections::HashMap;
    use tollgate::evidence::lineage::NodeKind;
    let mut s = detail_state(Kind::Data, 5, 80, 24);
    let d = fixtures::detail("credit-risk-scorer", 29);
    let mut run = d.run.run().unwrap().clone();
    run.data.tags.push(tollgate::mlflow::Tag {
        key: "mlflow.parentRunId".into(),
        value: "parent0001".into(),
    });
    let mut parent = fixtures::detail("credit-risk-scorer", 28)
        .run
        .run()
        .unwrap()
        .clone();
    parent.info.run_id = "parent0001".into();
    parent.info.run_name = Some("hpo-sweep-credit".into());
    let runs: HashMap<String, tollgate::mlflow::Run> =
        [("parent0001".to_string(), parent.clone())].into();
    let experiments = HashMap::new();
    let input = tollgate::evidence::lineage::LineageInput {
        version: &d.version,
        logged_model: None,
        source_run: Some(&run),
        runs: &runs,
        experiments: &experiments,
        dataset_users: &[],
    };
    let tree = std::sync::Arc::new(tollgate::evidence::lineage::build_lineage(&input));
    let request = detail_screen(&s)
        .lineage
        .tree
        .as_ref()
        .and_then(|l| l.pending)
        .unwrap();
    update(
        &mut s,
        Action::LineageLoaded {
            request,
            result: Ok(tree),
        },
    );
    let row = {
        let d = detail_screen(&s);
        tollgate::app::screens::tree_lines(d.lineage_tree().unwrap(), &d.lineage.folded)
            .iter()
            .position(|(_, l)| l.node.kind == NodeKind::ParentRun)
            .expect("a parent run node")
    };
    for _ in 0..row {
        update(&mut s, Action::MoveDown);
    }
    let fx = update(&mut s, Action::Open);
    let Some(Effect::LoadRun { request, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Action::RunLoaded {
            request,
            result: Ok(Box::new(parent)),
        },
    );
    for e in fx {
        if let Effect::LoadHistory {
            request,
            run_id,
            key,
        } = e
        {
            let result = Ok((0..50)
                .map(|i| tollgate::mlflow::Metric {
                    key: key.clone(),
                    value: 0.6 + 0.2 * (1.0 - (-(i as f64) / 10.0).exp()),
                    timestamp: 1_790_000_000_000 + i * 1000,
                    step: i,
                })
                .collect());
            update(
                &mut s,
                Action::HistoryLoaded {
                    request,
                    run_id,
                    key,
                    result,
                },
            );
        }
    }
    let screen = snapshot("run_view_80x24", &s);
    assert!(screen.contains("run hpo-sweep-credit"), "{screen}");
    assert!(screen.contains("Metrics ("), "{screen}");
    assert!(screen.contains("50 points"), "{screen}");
}

/// `:velocity` with figures computed by the pure module from a small audit trail.
#[test]
fn velocity_view() {
    use tollgate::governance::decision::{AuditEntry, Decision};
    use tollgate::governance::velocity::{velocity, DriftStart, Recorded, VersionTimes};
    let day = 86_400_000i64;
    let start = 1_767_225_600_000i64; // 2026-01-01
    let at = |d: i64| chrono::DateTime::from_timestamp_millis(start + d * day).unwrap();
    let entry = |model: &str, version: &str, target: &str, decision, d| Recorded {
        model: model.to_string(),
        entry: AuditEntry {
            target: target.parse().unwrap(),
            decision,
            version: version.to_string(),
            at: at(d),
            previous: None,
        },
        verified: true,
    };
    // Training runs start six days before registration.
    let versions: Vec<VersionTimes> = (1..=6)
        .map(|v| VersionTimes {
            model: "credit-risk-scorer".into(),
            version: v.to_string(),
            created_ms: start + (v - 1) * 30 * day,
            run_started_ms: Some(start + (v - 1) * 30 * day - 6 * day),
            commit_ms: None,
            serving_now: false,
        })
        .chain((1..=2).map(|v| VersionTimes {
            model: "churn-predictor".into(),
            version: v.to_string(),
            created_ms: start + v * 50 * day,
            run_started_ms: None,
            commit_ms: None,
            // In Production by hand: promoted outside tollgate.
            serving_now: v == 2,
        }))
        .collect();
    let audit = vec![
        entry(
            "credit-risk-scorer",
            "1",
            "Production",
            Decision::Approved,
            2,
        ),
        entry(
            "credit-risk-scorer",
            "2",
            "Production",
            Decision::Approved,
            33,
        ),
        entry(
            "credit-risk-scorer",
            "3",
            "Production",
            Decision::Rejected,
            64,
        ),
        entry(
            "credit-risk-scorer",
            "4",
            "@champion",
            Decision::Approved,
            95,
        ),
        entry(
            "credit-risk-scorer",
            "2",
            "Production",
            Decision::RolledBack,
            100,
        ),
        entry(
            "credit-risk-scorer",
            "5",
            "@champion",
            Decision::Approved,
            126,
        ),
        entry("fraud-detector", "3", "Production", Decision::Rejected, 40),
    ];
    let drift = [DriftStart {
        model: "credit-risk-scorer".into(),
        version: "4".into(),
        at_ms: start + 97 * day,
    }];
    let figures = velocity(&versions, &audit, &drift);

    let mut s = models_state(Kind::Data, 80, 24);
    update(&mut s, Action::Command);
    for c in "velocity".chars() {
        update(&mut s, Action::Edit(Edit::Insert(c)));
    }
    let fx = update(&mut s, Action::PromptSubmit);
    let Some(Effect::LoadVelocity { request, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    let screen = snapshot("velocity_loading_80x24", &s);
    assert!(screen.contains("Velocity"), "{screen}");
    update(
        &mut s,
        Action::VelocityLoaded {
            request,
            result: Ok(figures),
        },
    );
    update(&mut s, Action::MoveDown);
    let screen = snapshot("velocity_80x24", &s);
    let row = screen
        .lines()
        .find(|l| l.contains("credit-risk-scorer"))
        .expect("a row per model");
    // v2 rolled back (it held Production), v4 drifted while champion: 2 of 4 promotions.
    assert!(row.contains("50% 2/4"), "change failure rate: {row}");
    assert!(row.contains("10.0 d"), "median lead time: {row}");
    assert!(row.contains("3.0 d"), "time to restore: {row}");
    assert!(screen.contains("promotions per month"), "{screen}");
    let churn = screen
        .lines()
        .find(|l| l.contains("churn-predictor"))
        .expect("a row per model");
    assert!(churn.contains("! 1"), "promoted outside tollgate: {churn}");
}

/// A refresh whose marker loads fail keeps the markers shown, says `(stale)` beside their
/// legends (words, not colour alone), and the status line says the refresh failed.
#[test]
fn failed_marker_refresh_keeps_the_markers_marked_stale() {
    let mut s = models_state(Kind::Data, 80, 24);
    let drift = s.models().drift.as_ref().and_then(|d| d.pending).unwrap();
    let pending = s.models().pending.as_ref().and_then(|p| p.pending).unwrap();
    update(
        &mut s,
        Action::ModelDriftMarksLoaded {
            request: drift,
            result: Ok([("credit-risk-scorer".to_string(), true)].into()),
        },
    );
    update(
        &mut s,
        Action::PendingMarksLoaded {
            request: pending,
            result: Ok([("churn-predictor".to_string(), 2)].into()),
        },
    );
    let fx = update(&mut s, Action::Refresh);
    let (request, _, _) = requests(&fx);
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(fixtures::models(40)),
        },
    );
    for effect in fx {
        let failed = "HTTP 503 Service Unavailable".to_string();
        match effect {
            Effect::LoadModelDriftMarks { request, .. } => update(
                &mut s,
                Action::ModelDriftMarksLoaded {
                    request,
                    result: Err(failed.into()),
                },
            ),
            Effect::LoadPendingMarks { request } => update(
                &mut s,
                Action::PendingMarksLoaded {
                    request,
                    result: Err(failed.into()),
                },
            ),
            _ => Vec::new(),
        };
    }
    let screen = snapshot("models_stale_markers_80x24", &s);
    assert!(screen.contains("● drifted (stale)"), "{screen}");
    assert!(screen.contains("◆ 2 pending (stale)"), "{screen}");
    let row = |name: &str| screen.lines().find(|l| l.contains(name)).unwrap();
    assert!(row("credit-risk-scorer").contains('●'), "{screen}");
    assert!(row("churn-predictor").contains('◆'), "{screen}");
    assert!(screen.contains("refreshing the"), "{screen}");
}

#[test]
fn failed_marker_refresh_keeps_the_versions_drift_markers_marked_stale() {
    let mut s = versions_state(Kind::Data, 80, 24);
    let tollgate::app::screens::Screen::Versions(v) = s.screens.last().unwrap() else {
        panic!()
    };
    let request = v.drift.as_ref().and_then(|d| d.pending).unwrap();
    update(
        &mut s,
        Action::DriftMarksLoaded {
            request,
            result: Ok([("29".to_string(), true)].into()),
        },
    );
    let fx = update(&mut s, Action::Refresh);
    for effect in fx {
        match effect {
            Effect::LoadVersions { request, .. } => update(
                &mut s,
                Action::VersionsLoaded {
                    request,
                    result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 30))),
                },
            ),
            Effect::LoadDriftMarks { request, .. } => update(
                &mut s,
                Action::DriftMarksLoaded {
                    request,
                    result: Err(("HTTP 503 Service Unavailable".to_string()).into()),
                },
            ),
            _ => Vec::new(),
        };
    }
    let screen = snapshot("versions_stale_drift_markers_80x24", &s);
    assert!(screen.contains("● drifted (stale)"), "{screen}");
    let row = screen.lines().find(|l| l.contains("  29 ")).unwrap();
    assert!(row.contains('●'), "{row}");
}

/// A metric as the real MLflow server sends it (issue 9): NaN as the string "NaN", ±Inf as
/// ±1.7976931348623157e308.
fn wire_metric(key: &str, value: serde_json::Value, step: i64) -> tollgate::mlflow::Metric {
    serde_json::from_value(serde_json::json!({
        "key": key,
        "value": value,
        "timestamp": 1_790_000_000_000i64 + step * 1000,
        "step": step,
    }))
    .expect("MLflow's metric JSON reads")
}

/// Issue 9: NaN and ±Inf metrics show as `NaN`, `+Inf`, `-Inf`; huge and tiny values in
/// scientific notation, never 309 digits.
#[test]
fn versions_list_shows_non_finite_and_huge_metrics() {
    use serde_json::json;
    let values = [
        json!("NaN"),
        json!(1.7976931348623157e308),
        json!(-1.7976931348623157e308),
        json!(1.5e300),
        json!(2.5e-7),
    ];
    for (w, h) in SIZES {
        let mut data = fixtures::versions("credit-risk-scorer", 30);
        for (row, value) in data.versions.iter_mut().zip(&values) {
            let tollgate::registry::RunState::Active(run) = &mut row.run else {
                panic!("fixture rows have runs")
            };
            let run = std::sync::Arc::make_mut(run);
            for m in run.data.metrics.iter_mut().filter(|m| m.key == "accuracy") {
                *m = wire_metric("accuracy", value.clone(), m.step);
            }
        }
        let mut s = new_state(w, h);
        let fx = s.start(StartAt::Model("credit-risk-scorer".into()));
        let (_, versions, _) = requests(&fx);
        update(
            &mut s,
            Action::VersionsLoaded {
                request: versions.unwrap(),
                result: Ok(Box::new(data)),
            },
        );
        let screen = snapshot(&format!("versions_non_finite_{w}x{h}"), &s);
        let row = |v: &str| {
            screen
                .lines()
                .find(|l| l.contains(&format!("  {v} ")))
                .unwrap_or_else(|| panic!("row {v}:\n{screen}"))
                .to_string()
        };
        assert!(row("30").contains("NaN"), "{}", row("30"));
        assert!(row("29").contains("+Inf"), "{}", row("29"));
        assert!(row("28").contains("-Inf"), "{}", row("28"));
        assert!(row("27").contains("1.50e300"), "{}", row("27"));
        assert!(row("26").contains("2.50e-7"), "{}", row("26"));
        assert!(!screen.contains("000000000000"), "{screen}");
    }
}

/// Issue 9: a curve with one NaN and one +Inf point (as MLflow sends them) drew as a flat line
/// at the top, scaled to 1.8e308. The chart leaves them out and the title says so.
#[test]
fn metrics_curve_leaves_non_finite_points_out() {
    for (w, h) in SIZES {
        let mut s = detail_state(Kind::Data, 2, w, h);
        let request = detail_screen(&s).metrics.histories["accuracy"]
            .pending
            .expect("history asked for");
        let history = (0..40)
            .map(|i| match i {
                17 => wire_metric("accuracy", serde_json::json!("NaN"), i),
                25 => wire_metric("accuracy", serde_json::json!(1.7976931348623157e308), i),
                _ => wire_metric("accuracy", serde_json::json!(0.6 + 0.005 * i as f64), i),
            })
            .collect();
        update(
            &mut s,
            Action::HistoryLoaded {
                request,
                run_id: "run00029".into(),
                key: "accuracy".into(),
                result: Ok(history),
            },
        );
        let screen = snapshot(&format!("detail_metrics_curve_non_finite_{w}x{h}"), &s);
        assert!(screen.contains("2 NaN/±Inf not drawn"), "{screen}");
        // The y axis spans the finite values (0.6 to 0.795), not 1.8e308.
        assert!(!screen.contains("e308"), "{screen}");
        assert!(screen.contains("0.7"), "{screen}");
    }
}
