//! `update` is pure, so the cockpit's behaviour is tested here without a terminal or server.

use super::testing::*;
use super::update;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::fixtures;
use crate::app::keymap::KeyMap;
use crate::app::prompt::PromptKind;
use crate::app::screens::Screen;
use crate::app::state::{ServerContext, StartAt, StatusLevel};

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
        matches!(&fx[..], [Effect::LoadVersions { model, .. }, Effect::LoadUnapproved { models, .. }, Effect::LoadDriftMarks { model: m2, .. }] if model == "fraud-detector" && m2 == model && models == std::slice::from_ref(model)),
        "the versions and, once per list, their unapproved changes and drift markers: {fx:?}"
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
        s.models().error().map(ToString::to_string).as_deref(),
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
fn a_kept_filter_does_not_follow_a_model_jump_unannounced() {
    let mut s = with_models(10);
    update(&mut s, Action::Filter);
    type_text(&mut s, "fraud");
    update(&mut s, Action::PromptSubmit);
    assert_eq!(s.models().filter, "fraud", "kept with Enter");
    update(&mut s, Action::Command);
    type_text(&mut s, "model churn-predictor");
    update(&mut s, Action::PromptSubmit);
    assert_eq!(s.screens.len(), 2);
    let (level, text) = status(&s);
    assert_eq!(level, StatusLevel::Info);
    assert_eq!(text, "cleared the models filter /fraud");
    update(&mut s, Action::Back);
    assert_eq!(s.screens.len(), 1);
    assert_eq!(s.models().filter, "", "back on the list, nothing hidden");
    assert_eq!(s.models().visible.len(), 10);
}

#[test]
fn the_metrics_filter_shows_and_clears_only_on_its_tab() {
    let mut s = state();
    let fx = s.start(StartAt::Version("credit-risk-scorer".into(), "5".into()));
    update(
        &mut s,
        Action::DetailLoaded {
            request: detail_request(&fx),
            result: Ok(Box::new(fixtures::detail("credit-risk-scorer", 5))),
        },
    );
    update(&mut s, Action::SelectTab(2));
    update(&mut s, Action::Filter);
    type_text(&mut s, "au");
    update(&mut s, Action::PromptSubmit);
    assert_eq!(s.top().filter(), "au");
    update(&mut s, Action::SelectTab(4));
    assert_eq!(s.top().filter(), "", "the Drift tab has no filter line");
    update(&mut s, Action::Back);
    assert!(
        matches!(s.top(), Screen::Versions(_)),
        "Esc on another tab goes back, it does not clear an unseen filter"
    );
}
