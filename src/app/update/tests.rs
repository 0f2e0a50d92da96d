//! `update` is pure, so the cockpit's behaviour is tested here without a terminal or server.

use super::update;
use crate::app::action::{Action, Edit};
use crate::app::effect::Effect;
use crate::app::fixtures;
use crate::app::keymap::KeyMap;
use crate::app::prompt::PromptKind;
use crate::app::screens::{DetailTab, ModelSortColumn, Screen};
use crate::app::settings::UiSettings;
use crate::app::state::{ServerContext, StartAt, State, StatusLevel};

fn state() -> State {
    let server = ServerContext {
        profile: Some("local".into()),
        url: "http://127.0.0.1:5000".into(),
        read_only: false,
        actor: None,
    };
    let mut s = State::new(server, UiSettings::default(), KeyMap::defaults());
    s.profiles = vec!["local".into(), "prod".into()];
    s.themes = vec!["dark".into(), "light".into()];
    s
}

/// A state showing `n` models (the first request answered).
fn with_models(n: usize) -> State {
    let mut s = state();
    let fx = s.start(StartAt::Models);
    let Effect::LoadModels { request } = fx[0] else {
        panic!("first effect loads models: {fx:?}")
    };
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(fixtures::models(n)),
        },
    );
    s
}

fn type_text(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(s, Action::Edit(Edit::Insert(c))))
        .collect()
}

fn selected_model(s: &State) -> String {
    s.models().selected().unwrap().name.clone()
}

fn versions_request(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadVersions { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a versions request")
}

fn detail_request(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadDetail { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a detail request")
}

fn status(s: &State) -> (StatusLevel, String) {
    let st = s.status.as_ref().expect("a status message");
    (st.level, st.text.clone())
}

#[test]
fn starts_loading_and_lists_models_by_name() {
    let mut s = state();
    let fx = s.start(StartAt::Models);
    assert!(matches!(fx.as_slice(), [Effect::LoadModels { .. }]));
    assert!(s.is_loading());
    let s = with_models(10);
    assert!(!s.is_loading());
    assert_eq!(s.models().visible.len(), 10);
    assert_eq!(
        selected_model(&s),
        "churn-predictor",
        "sorted by name, case-insensitive"
    );
}

#[test]
fn cursor_moves_pages_and_jumps() {
    let mut s = with_models(100);
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    let rows = s.list_rows();
    assert_eq!(rows, 17);
    update(&mut s, Action::MoveDown);
    update(&mut s, Action::MoveDown);
    assert_eq!(s.models().cursor.selected, 2);
    update(&mut s, Action::MoveUp);
    assert_eq!(s.models().cursor.selected, 1);
    update(&mut s, Action::PageDown);
    assert_eq!(s.models().cursor.selected, 1 + rows);
    update(&mut s, Action::Last);
    assert_eq!(s.models().cursor.selected, 99);
    assert_eq!(s.models().cursor.offset, 100 - rows);
    update(&mut s, Action::PageUp);
    assert_eq!(s.models().cursor.selected, 99 - rows);
    update(&mut s, Action::First);
    assert_eq!(s.models().cursor.selected, 0);
    update(&mut s, Action::MoveUp);
    assert_eq!(s.models().cursor.selected, 0, "stops at the top");
}

#[test]
fn open_walks_down_the_breadcrumb_and_back_walks_up() {
    let mut s = with_models(10);
    while selected_model(&s) != "credit-risk-scorer" {
        update(&mut s, Action::MoveDown);
    }
    let fx = update(&mut s, Action::Open);
    let request = versions_request(&fx);
    assert!(
        matches!(s.top(), Screen::Versions(v) if v.model == "credit-risk-scorer" && v.data.is_loading())
    );
    update(
        &mut s,
        Action::VersionsLoaded {
            request,
            result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 6))),
        },
    );
    let Screen::Versions(v) = s.top() else {
        panic!()
    };
    assert_eq!(v.visible.len(), 6);
    assert_eq!(v.champion.as_deref(), Some("5"));
    assert!(v
        .metric_columns
        .starts_with(&["accuracy".to_string(), "auc".to_string()]));
    assert!(!v.metric_columns.iter().any(|m| m.starts_with("fairness.")));

    update(&mut s, Action::MoveDown);
    let fx = update(&mut s, Action::Open);
    assert!(
        matches!(&fx[..], [Effect::LoadDetail { model, version, .. }] if model == "credit-risk-scorer" && version == "5")
    );
    assert_eq!(s.screens.len(), 3);
    let crumbs: Vec<String> = s.screens.iter().map(Screen::crumb).collect();
    assert_eq!(crumbs, ["Models", "credit-risk-scorer", "version 5"]);

    update(&mut s, Action::Back);
    assert_eq!(s.screens.len(), 2);
    let Screen::Versions(v) = s.top() else {
        panic!()
    };
    assert_eq!(v.cursor.selected, 1, "the list is as it was left");
    update(&mut s, Action::Quit);
    assert_eq!(s.screens.len(), 1, "q below the top goes back");
    assert!(!s.quit);
    update(&mut s, Action::Back);
    assert_eq!(s.screens.len(), 1, "the models list is never popped");
    update(&mut s, Action::Quit);
    assert!(s.quit, "q at the top quits");
}

#[test]
fn ctrl_c_quits_from_anywhere_even_a_prompt() {
    let mut s = with_models(3);
    update(&mut s, Action::Filter);
    update(&mut s, Action::ForceQuit);
    assert!(s.quit);
}

#[test]
fn detail_tabs_switch_by_number_and_wrap() {
    let mut s = state();
    let fx = s.start(StartAt::Version("credit-risk-scorer".into(), "3".into()));
    assert_eq!(
        fx.len(),
        3,
        "models, versions and the version load together: {fx:?}"
    );
    update(
        &mut s,
        Action::DetailLoaded {
            request: detail_request(&fx),
            result: Ok(Box::new(fixtures::detail("credit-risk-scorer", 3))),
        },
    );
    let tab = |s: &State| match s.top() {
        Screen::Detail(d) => d.tab,
        _ => panic!("not on the detail"),
    };
    assert_eq!(tab(&s), DetailTab::Overview);
    update(&mut s, Action::SelectTab(2));
    assert_eq!(tab(&s), DetailTab::Metrics);
    let selected = |s: &State| match s.top() {
        Screen::Detail(d) => d.cursor.selected,
        _ => panic!(),
    };
    assert_eq!(selected(&s), 1, "the Metrics heading is skipped");
    update(&mut s, Action::MoveUp);
    assert_eq!(selected(&s), 1, "and cannot be selected going up");
    update(&mut s, Action::Last);
    assert_eq!(selected(&s), 10);
    update(&mut s, Action::MoveUp);
    update(&mut s, Action::MoveUp);
    assert_eq!(selected(&s), 7, "the Params heading (8) is stepped over");
    update(&mut s, Action::NextTab);
    assert_eq!(tab(&s), DetailTab::Fairness);
    update(&mut s, Action::SelectTab(7));
    update(&mut s, Action::NextTab);
    assert_eq!(tab(&s), DetailTab::Overview, "Tab wraps around");
    update(&mut s, Action::PrevTab);
    assert_eq!(tab(&s), DetailTab::Audit, "Shift-Tab wraps back");
    update(&mut s, Action::SelectTab(9));
    assert_eq!(tab(&s), DetailTab::Audit, "no tab 9");
    update(&mut s, Action::Back);
    assert!(matches!(s.top(), Screen::Versions(v) if v.model == "credit-risk-scorer"));
}

#[test]
fn open_at_a_version_selects_it_in_the_list_below() {
    let mut s = state();
    let fx = s.start(StartAt::Version("credit-risk-scorer".into(), "2".into()));
    update(
        &mut s,
        Action::VersionsLoaded {
            request: versions_request(&fx),
            result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 6))),
        },
    );
    let Screen::Versions(v) = &s.screens[1] else {
        panic!()
    };
    assert_eq!(v.selected().unwrap().version.version, "2");
}

#[test]
fn filter_narrows_while_typing_enter_keeps_esc_clears() {
    let mut s = with_models(10);
    update(&mut s, Action::Filter);
    assert_eq!(s.prompt.as_ref().unwrap().kind, PromptKind::Filter);
    let fx = type_text(&mut s, "fraud");
    assert!(fx.is_empty(), "a short list filters locally only: {fx:?}");
    let names: Vec<_> = (0..s.models().visible.len())
        .map(|i| s.models().row(i).unwrap().name.clone())
        .collect();
    assert_eq!(names, ["Fraud Detection (EU)", "fraud-detector"]);
    update(&mut s, Action::PromptSubmit);
    assert!(s.prompt.is_none());
    assert_eq!(s.models().filter, "fraud", "Enter keeps the filter");
    assert_eq!(s.models().visible.len(), 2);

    update(&mut s, Action::Filter);
    assert_eq!(
        s.prompt.as_ref().unwrap().input.text,
        "fraud",
        "reopening edits the filter"
    );
    update(&mut s, Action::PromptCancel);
    assert!(s.prompt.is_none());
    assert_eq!(s.models().filter, "", "Esc clears");
    assert_eq!(s.models().visible.len(), 10);

    update(&mut s, Action::Filter);
    type_text(&mut s, "信用");
    update(&mut s, Action::PromptSubmit);
    assert_eq!(selected_model(&s), "信用评分");
    update(&mut s, Action::Back);
    assert_eq!(
        s.models().filter,
        "",
        "Esc outside the prompt clears the filter first"
    );
    assert_eq!(s.screens.len(), 1);
}

#[test]
fn filter_narrows_versions_and_metrics_too() {
    let mut s = state();
    let fx = s.start(StartAt::Model("credit-risk-scorer".into()));
    update(
        &mut s,
        Action::VersionsLoaded {
            request: versions_request(&fx),
            result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 6))),
        },
    );
    update(&mut s, Action::Filter);
    type_text(&mut s, "@champion");
    let Screen::Versions(v) = s.top() else {
        panic!()
    };
    assert_eq!(v.visible.len(), 1);
    assert_eq!(v.selected().unwrap().version.version, "5");
    update(&mut s, Action::PromptSubmit);
    let fx = update(&mut s, Action::Open);
    update(
        &mut s,
        Action::DetailLoaded {
            request: detail_request(&fx),
            result: Ok(Box::new(fixtures::detail("credit-risk-scorer", 5))),
        },
    );
    update(&mut s, Action::Filter);
    assert!(s.prompt.is_none(), "the Overview has nothing to filter");
    assert_eq!(status(&s).1, "nothing to filter on this tab");
    update(&mut s, Action::SelectTab(2));
    update(&mut s, Action::Filter);
    type_text(&mut s, "au");
    let Screen::Detail(d) = s.top() else { panic!() };
    assert_eq!(
        d.metric_entries().len(),
        3,
        "sections + auc: {:?}",
        d.metric_entries()
    );
}

#[test]
fn long_model_lists_also_search_the_server_after_a_pause() {
    let mut s = with_models(300);
    assert_eq!(s.settings.server_search_threshold, 200);
    update(&mut s, Action::Filter);
    let fx = type_text(&mut s, "fra");
    assert_eq!(fx.len(), 3, "one debounce timer per keystroke");
    assert_eq!(s.models().visible.len(), 2, "narrowed locally at once");
    let due = |fx: &Effect| match fx {
        Effect::After { delay_ms, action } => {
            assert_eq!(*delay_ms, 250);
            (**action).clone()
        }
        other => panic!("expected a timer, got {other:?}"),
    };
    // Timers for superseded text do nothing; the one for the current text searches.
    assert!(update(&mut s, due(&fx[0])).is_empty());
    let search = update(&mut s, due(&fx[2]));
    let [Effect::SearchModels { request, text }] = search.as_slice() else {
        panic!("expected a search: {search:?}")
    };
    assert_eq!(text, "fra");
    assert!(s.is_loading());
    assert!(
        update(&mut s, due(&fx[2])).is_empty(),
        "no second search for the same text"
    );
    let mut found = fixtures::models(3);
    found[0].name = "fraud-new-on-server".into();
    update(
        &mut s,
        Action::ModelSearchLoaded {
            request: *request,
            result: Ok(found),
        },
    );
    assert!(s.models().is_search_active());
    let names: Vec<_> = (0..s.models().visible.len())
        .map(|i| s.models().row(i).unwrap().name.clone())
        .collect();
    assert_eq!(
        names,
        ["fraud-detector", "fraud-new-on-server"],
        "the server's answer, narrowed"
    );
    update(&mut s, Action::PromptCancel);
    assert!(s.models().search.is_none());
    assert_eq!(s.models().visible.len(), 300);
}

#[test]
fn sort_cycles_on_the_models_list() {
    let mut s = with_models(10);
    update(&mut s, Action::CycleSort);
    assert_eq!(s.models().sort.column, ModelSortColumn::Updated);
    assert_eq!(
        selected_model(&s),
        "churn-predictor",
        "selection follows the model"
    );
    update(&mut s, Action::First);
    assert_eq!(
        selected_model(&s),
        "credit-risk-scorer",
        "most recently updated first"
    );
    update(&mut s, Action::ReverseSort);
    assert!(!s.models().sort.descending);
}

#[test]
fn command_line_runs_and_completes() {
    let mut s = with_models(10);
    update(&mut s, Action::Command);
    type_text(&mut s, "model fraud-d");
    update(&mut s, Action::PromptComplete);
    assert_eq!(
        s.prompt.as_ref().unwrap().input.text,
        "model fraud-detector"
    );
    let fx = update(&mut s, Action::PromptSubmit);
    assert!(
        matches!(&fx[..], [Effect::LoadVersions { model, .. }, Effect::LoadDriftMarks { model: m2, .. }] if model == "fraud-detector" && m2 == model),
        "the versions and, once per list, their drift markers: {fx:?}"
    );
    assert_eq!(s.screens.len(), 2);

    update(&mut s, Action::Command);
    type_text(&mut s, "mo");
    update(&mut s, Action::PromptComplete);
    assert_eq!(s.prompt.as_ref().unwrap().input.text, "models");
    update(&mut s, Action::PromptComplete);
    assert_eq!(s.prompt.as_ref().unwrap().input.text, "model ");
    update(&mut s, Action::PromptCompleteBack);
    assert_eq!(s.prompt.as_ref().unwrap().input.text, "models");
    update(&mut s, Action::PromptSubmit);
    assert_eq!(s.screens.len(), 1, ":models goes to the top");

    update(&mut s, Action::Command);
    type_text(&mut s, "theme light");
    assert_eq!(
        update(&mut s, Action::PromptSubmit),
        [Effect::SetTheme {
            name: "light".into()
        }]
    );
    update(&mut s, Action::ThemeApplied("light".into()));
    assert_eq!(s.theme, "light");

    update(&mut s, Action::Command);
    type_text(&mut s, "launch");
    update(&mut s, Action::PromptSubmit);
    let (level, text) = status(&s);
    assert_eq!(level, StatusLevel::Error);
    assert!(text.contains("unknown command :launch"), "{text}");

    update(&mut s, Action::Command);
    type_text(&mut s, "quit");
    update(&mut s, Action::PromptSubmit);
    assert!(s.quit);
}

#[test]
fn profile_switch_reconnects_and_starts_over() {
    let mut s = with_models(10);
    update(&mut s, Action::Open);
    update(&mut s, Action::Command);
    type_text(&mut s, "profile prod");
    let fx = update(&mut s, Action::PromptSubmit);
    assert_eq!(
        fx,
        [Effect::SwitchProfile {
            name: "prod".into()
        }]
    );
    assert!(s.is_loading());
    let fx = update(
        &mut s,
        Action::ProfileSwitched(ServerContext {
            profile: Some("prod".into()),
            url: "https://mlflow.example".into(),
            read_only: true,
            actor: None,
        }),
    );
    assert!(matches!(
        fx.as_slice(),
        [Effect::LoadModels { .. }, Effect::LoadPendingMarks { .. }]
    ));
    assert_eq!(s.screens.len(), 1);
    assert!(
        s.models().all.data.is_none(),
        "nothing from the old server stays"
    );
    assert!(s.server.read_only, "the new profile's read-only applies");

    // The new profile's policy replaces the old one, bounds and all; a broken one leaves none.
    s.set_policy(Some(fixtures::gate_policy()));
    let prod = crate::governance::Policy::parse(
        "[[gate]]\nid = \"parity\"\nmetric = \"fairness.statistical_parity_difference\"\nabs_max = 0.1\n",
        "prod.toml",
    )
    .unwrap();
    update(
        &mut s,
        Action::PolicyChanged(Ok(Some(Box::new(prod.clone())))),
    );
    assert_eq!(s.policy.as_deref(), Some(&prod));
    assert!(s
        .fairness_bounds
        .as_ref()
        .is_some_and(|b| b.contains_key("fairness.statistical_parity_difference")));
    update(
        &mut s,
        Action::PolicyChanged(Err("prod.toml:3:1: unknown key".into())),
    );
    assert!(s.policy.is_none() && s.fairness_bounds.is_none());
    assert_eq!(status(&s).0, StatusLevel::Warning);

    update(
        &mut s,
        Action::ProfileFailed {
            name: "nope".into(),
            error: "no profile named 'nope'".into(),
        },
    );
    assert_eq!(status(&s).0, StatusLevel::Error);
}

#[test]
fn read_only_refuses_writing_actions() {
    let mut s = state();
    s.server.read_only = true;
    let fx = s.start(StartAt::Model("credit-risk-scorer".into()));
    update(
        &mut s,
        Action::VersionsLoaded {
            request: versions_request(&fx),
            result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 3))),
        },
    );
    for action in [
        Action::Approve,
        Action::RequestPromotion,
        Action::Reject,
        Action::Rollback,
    ] {
        let before = s.screens.clone();
        let fx = update(&mut s, action.clone());
        assert!(fx.is_empty());
        assert_eq!(s.screens, before, "{action:?} changed nothing");
        let (level, text) = status(&s);
        assert_eq!(level, StatusLevel::Error);
        assert!(text.starts_with("read-only:"), "{text}");
    }
    s.server.read_only = false;
    update(&mut s, Action::Approve);
    assert!(s.dialog.is_some(), "without read-only the dialog opens");
}

#[test]
fn failed_load_shows_error_then_refresh_retries_keeping_data() {
    let mut s = state();
    let fx = s.start(StartAt::Models);
    let Effect::LoadModels { request } = fx[0] else {
        panic!()
    };
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Err("cannot connect to http://127.0.0.1:5000".into()),
        },
    );
    assert!(!s.is_loading());
    assert_eq!(
        s.models().error(),
        Some("cannot connect to http://127.0.0.1:5000")
    );
    let (level, text) = status(&s);
    assert_eq!(level, StatusLevel::Error);
    assert!(text.contains("r retries"), "{text}");

    let fx = update(&mut s, Action::Refresh);
    assert_eq!(fx[0], Effect::Invalidate);
    let Effect::LoadModels { request } = fx[1] else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(fixtures::models(5)),
        },
    );
    assert!(s.models().error().is_none());

    let fx = update(&mut s, Action::Refresh);
    let Effect::LoadModels { request } = fx[1] else {
        panic!("{fx:?}")
    };
    assert!(s.is_loading());
    assert_eq!(
        s.models().visible.len(),
        5,
        "data stays visible while refreshing"
    );
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Err("timeout".into()),
        },
    );
    assert_eq!(s.models().visible.len(), 5, "and after the refresh failed");
    assert!(s.models().is_stale());
    assert!(status(&s).1.contains("showing older data"));
}

#[test]
fn late_answers_to_superseded_requests_are_dropped() {
    let mut s = with_models(5);
    let old = update(&mut s, Action::Open);
    update(&mut s, Action::Back);
    let new = update(&mut s, Action::Open);
    update(
        &mut s,
        Action::VersionsLoaded {
            request: versions_request(&old),
            result: Ok(Box::new(fixtures::versions("stale", 2))),
        },
    );
    let Screen::Versions(v) = s.top() else {
        panic!()
    };
    assert!(
        v.data.data.is_none(),
        "the answer for the popped screen is dropped"
    );
    assert!(v.data.pending == Some(versions_request(&new)));
}

#[test]
fn help_overlay_opens_scrolls_and_closes() {
    let mut s = with_models(5);
    update(&mut s, Action::Help);
    assert_eq!(s.help, Some(0));
    update(&mut s, Action::MoveDown);
    update(&mut s, Action::MoveDown);
    assert_eq!(s.help, Some(2));
    assert_eq!(
        s.models().cursor.selected,
        0,
        "keys scroll the help, not the list"
    );
    update(&mut s, Action::Back);
    assert_eq!(s.help, None);
    update(&mut s, Action::Help);
    update(&mut s, Action::Help);
    assert_eq!(s.help, None, "? toggles");
}

#[test]
fn ticks_only_advance_the_spinner() {
    let mut s = with_models(5);
    let before = s.clone();
    update(&mut s, Action::Tick);
    assert_eq!(s.spinner, before.spinner + 1);
    s.spinner = before.spinner;
    assert_eq!(s, before);
}

#[test]
fn configured_metrics_become_the_versions_columns() {
    let mut s = state();
    s.settings.metrics.insert(
        "credit-risk-scorer".into(),
        vec!["f1".into(), "recall".into()],
    );
    let fx = s.start(StartAt::Model("credit-risk-scorer".into()));
    update(
        &mut s,
        Action::VersionsLoaded {
            request: versions_request(&fx),
            result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 3))),
        },
    );
    let Screen::Versions(v) = s.top() else {
        panic!()
    };
    assert_eq!(v.metric_columns, ["f1", "recall"]);
}

/// A detail screen of `credit-risk-scorer` v5 with its data loaded.
fn with_detail() -> State {
    let mut s = state();
    let fx = s.start(StartAt::Version("credit-risk-scorer".into(), "5".into()));
    update(
        &mut s,
        Action::DetailLoaded {
            request: detail_request(&fx),
            result: Ok(Box::new(fixtures::detail("credit-risk-scorer", 5))),
        },
    );
    s
}

#[test]
fn each_tab_asks_for_its_data_once_and_again_on_refresh() {
    let mut s = with_detail();
    let count = |fx: &[Effect], f: &dyn Fn(&Effect) -> bool| fx.iter().filter(|e| f(e)).count();
    let is_history = |e: &Effect| matches!(e, Effect::LoadHistory { .. });
    let is_monitoring = |e: &Effect| matches!(e, Effect::LoadMonitoring { .. });
    let is_lineage = |e: &Effect| matches!(e, Effect::LoadLineage { .. });

    let fx = update(&mut s, Action::SelectTab(2));
    assert_eq!(
        count(&fx, &is_history),
        1,
        "the selected metric's history: {fx:?}"
    );
    let fx = update(&mut s, Action::MoveDown);
    assert_eq!(count(&fx, &is_history), 1, "the next metric's");
    let fx = update(&mut s, Action::MoveUp);
    assert_eq!(count(&fx, &is_history), 0, "cached");

    let fx = update(&mut s, Action::SelectTab(4));
    assert_eq!(count(&fx, &is_monitoring), 1);
    let fx = update(&mut s, Action::SelectTab(5));
    assert_eq!(count(&fx, &is_lineage), 1);
    update(&mut s, Action::SelectTab(4));
    let fx = update(&mut s, Action::SelectTab(5));
    assert_eq!(
        count(&fx, &is_monitoring) + count(&fx, &is_lineage),
        0,
        "kept"
    );

    // r: everything asked for again; drift and lineage keep showing what they had meanwhile.
    let fx = update(&mut s, Action::Refresh);
    assert_eq!(count(&fx, &is_monitoring), 1, "{fx:?}");
    assert_eq!(count(&fx, &is_lineage), 1, "{fx:?}");
    let fx = update(&mut s, Action::SelectTab(2));
    assert_eq!(
        count(&fx, &is_history),
        1,
        "histories are forgotten on refresh"
    );
}

#[test]
fn time_axis_and_marks_go_through_the_key_map() {
    let km = KeyMap::defaults();
    use crate::app::keymap::{Key, KeyContext};
    assert_eq!(
        km.lookup(KeyContext::Detail, Key::char('t')),
        Some(&Action::ToggleTimeAxis)
    );
    assert_eq!(
        km.lookup(KeyContext::Versions, Key::char(' ')),
        Some(&Action::Mark)
    );
    assert_eq!(
        km.lookup(KeyContext::Versions, Key::char('c')),
        Some(&Action::Compare)
    );
    assert_eq!(
        km.lookup(KeyContext::Detail, Key::char(' ')),
        Some(&Action::ToggleFold)
    );
    let mut s = with_detail();
    update(&mut s, Action::SelectTab(2));
    update(&mut s, Action::ToggleTimeAxis);
    let Screen::Detail(d) = s.top() else { panic!() };
    assert!(d.metrics.by_time);
}

#[test]
fn export_writes_the_version_on_screen_to_a_predictable_folder() {
    let mut s = state();
    s.start(StartAt::Version("O'Brien churn".into(), "3".into()));
    let fx = update(&mut s, Action::Export);
    let export = fx.iter().find_map(|e| match e {
        Effect::Export {
            model,
            version,
            dir,
        } => Some((model.clone(), version.clone(), dir.clone())),
        _ => None,
    });
    let (model, version, dir) = export.expect("an export effect");
    assert_eq!((model.as_str(), version.as_str()), ("O'Brien churn", "3"));
    // Server names never reach the file system unfiltered.
    let dir = dir.to_string_lossy().into_owned();
    assert!(
        dir.starts_with("tollgate-evidence/") && !dir.contains('\''),
        "{dir}"
    );
    assert!(status(&s).1.contains("exporting"));
    update(
        &mut s,
        Action::ExportDone {
            result: Ok((std::path::PathBuf::from("tollgate-evidence/x-v3"), 12)),
        },
    );
    assert_eq!(
        status(&s).1,
        "evidence pack: 12 files in tollgate-evidence/x-v3"
    );
    update(
        &mut s,
        Action::ExportDone {
            result: Err("disk full".into()),
        },
    );
    assert_eq!(status(&s).0, StatusLevel::Error);
}

#[test]
fn export_does_nothing_outside_a_version() {
    let mut s = with_models(3);
    let fx = update(&mut s, Action::Export);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Export { .. })));
}

/// A lineage tree whose source run has a readable parent run.
fn lineage_with_parent(s: &State) -> std::sync::Arc<crate::evidence::lineage::LineageNode> {
    use std::collections::HashMap;
    let Screen::Detail(d) = s.top() else { panic!() };
    let detail = d.data.data.as_ref().unwrap();
    let mut run = detail.run.run().unwrap().clone();
    run.data.tags.push(crate::mlflow::Tag {
        key: "mlflow.parentRunId".into(),
        value: "parent0001".into(),
    });
    let mut parent = crate::mlflow::Run::default();
    parent.info.run_id = "parent0001".into();
    parent.info.run_name = Some("hpo-sweep".into());
    let runs: HashMap<String, crate::mlflow::Run> = [("parent0001".to_string(), parent)].into();
    let experiments = HashMap::new();
    let input = crate::evidence::lineage::LineageInput {
        version: &detail.version,
        logged_model: None,
        source_run: Some(&run),
        runs: &runs,
        experiments: &experiments,
        dataset_users: &[],
    };
    std::sync::Arc::new(crate::evidence::lineage::build_lineage(&input))
}

#[test]
fn enter_on_a_parent_run_opens_the_run_view_and_esc_returns_to_lineage() {
    use crate::evidence::lineage::NodeKind;
    let mut s = with_detail();
    let fx = update(&mut s, Action::SelectTab(5));
    let Some(Effect::LoadLineage { request, .. }) = fx
        .iter()
        .find(|e| matches!(e, Effect::LoadLineage { .. }))
        .cloned()
    else {
        panic!("{fx:?}")
    };
    let tree = lineage_with_parent(&s);
    update(
        &mut s,
        Action::LineageLoaded {
            request,
            result: Ok(tree),
        },
    );
    let row = {
        let Screen::Detail(d) = s.top() else { panic!() };
        crate::app::screens::tree_lines(d.lineage_tree().unwrap(), &d.lineage.folded)
            .iter()
            .position(|(_, l)| l.node.kind == NodeKind::ParentRun)
            .expect("a parent run node")
    };
    for _ in 0..row {
        update(&mut s, Action::MoveDown);
    }
    let fx = update(&mut s, Action::Open);
    let Some(Effect::LoadRun { request, run_id }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(run_id, "parent0001");
    assert_eq!(s.screens.len(), 4, "models, versions, detail, run");
    assert!(s.top().crumb().starts_with("run "), "{}", s.top().crumb());

    let mut parent = fixtures::detail("credit-risk-scorer", 4)
        .run
        .run()
        .unwrap()
        .clone();
    parent.info.run_id = "parent0001".into();
    parent.info.run_name = Some("hpo-sweep".into());
    let fx = update(
        &mut s,
        Action::RunLoaded {
            request,
            result: Ok(Box::new(parent)),
        },
    );
    assert_eq!(s.top().crumb(), "run hpo-sweep");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadHistory { run_id, .. } if run_id == "parent0001")),
        "the first metric's curve is asked for: {fx:?}"
    );
    let fx = update(&mut s, Action::ToggleTimeAxis);
    assert!(fx.is_empty());
    let Screen::Run(r) = s.top() else { panic!() };
    assert!(r.by_time);

    update(&mut s, Action::Back);
    let Screen::Detail(d) = s.top() else {
        panic!("back on the detail")
    };
    assert_eq!(d.tab, DetailTab::Lineage);
}

#[test]
fn velocity_command_loads_figures_and_enter_opens_the_model() {
    let mut s = with_models(3);
    update(&mut s, Action::Command);
    for c in "velocity".chars() {
        update(&mut s, Action::Edit(Edit::Insert(c)));
    }
    let fx = update(&mut s, Action::PromptSubmit);
    let Some(Effect::LoadVelocity { request, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(s.top().crumb(), "Velocity");
    let figures = crate::governance::velocity::velocity(
        &[],
        &[],
        &[crate::governance::velocity::DriftStart {
            model: "churn-predictor".into(),
            version: "2".into(),
            at_ms: 0,
        }],
    );
    update(
        &mut s,
        Action::VelocityLoaded {
            request,
            result: Ok(figures),
        },
    );
    let fx = update(&mut s, Action::Open);
    assert!(
        matches!(fx.first(), Some(Effect::LoadVersions { model, .. }) if model == "churn-predictor"),
        "{fx:?}"
    );
    update(&mut s, Action::Back);
    assert_eq!(s.top().crumb(), "Velocity");
    let fx = update(&mut s, Action::Refresh);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadVelocity { .. })),
        "{fx:?}"
    );
}

#[test]
fn model_drift_marks_are_asked_for_once_the_list_loads_and_again_on_refresh() {
    let mut s = state();
    let fx = s.start(StartAt::Models);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::LoadModelDriftMarks { .. })),
        "not before the list: {fx:?}"
    );
    let Effect::LoadModels { request } = fx[0] else {
        panic!()
    };
    let fx = update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(fixtures::models(3)),
        },
    );
    let Some(Effect::LoadModelDriftMarks { request, .. }) = fx
        .iter()
        .find(|e| matches!(e, Effect::LoadModelDriftMarks { .. }))
        .cloned()
    else {
        panic!("{fx:?}")
    };
    let fx = update(&mut s, Action::MoveDown);
    assert!(fx.is_empty(), "asked once: {fx:?}");
    update(
        &mut s,
        Action::ModelDriftMarksLoaded {
            request,
            result: Ok([("churn-predictor".to_string(), true)].into()),
        },
    );
    assert_eq!(s.models().drifted("churn-predictor"), Some(true));
    assert_eq!(s.models().drifted("credit-risk-scorer"), None);
    let fx = update(&mut s, Action::Refresh);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadModelDriftMarks { .. })),
        "{fx:?}"
    );
}
