//! The models list through `update`: sorting, the server search for long lists, and the
//! markers it asks for once it shows.

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::fixtures;
use crate::app::keymap::KeyMap;
use crate::app::screens::ModelSortColumn;
use crate::app::settings::UiSettings;
use crate::app::state::{ServerContext, StartAt, State};
use crate::app::update;
use crate::app::update::testing::*;

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

#[test]
fn the_models_list_asks_for_its_pending_marker_once_and_again_on_refresh() {
    let mut s = State::new(
        ServerContext::default(),
        UiSettings::default(),
        KeyMap::defaults(),
    );
    let fx = s.start(StartAt::Models);
    let Effect::LoadModels { request } = fx[0] else {
        panic!()
    };
    let fx = update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(fixtures::models(6)),
        },
    );
    let Some(Effect::LoadPendingMarks { request }) = fx
        .iter()
        .find(|e| matches!(e, Effect::LoadPendingMarks { .. }))
    else {
        panic!("{fx:?}")
    };
    assert!(update(&mut s, Action::MoveDown).is_empty(), "asked once");
    assert!(
        s.models().selected().is_some(),
        "usable before the marker arrives"
    );
    update(
        &mut s,
        Action::PendingMarksLoaded {
            request: *request,
            result: Ok([("fraud-detector".to_string(), 2)].into()),
        },
    );
    assert_eq!(s.models().pending_count("fraud-detector"), 2);
    assert_eq!(s.models().pending_count("churn-predictor"), 0);
    let fx = update(&mut s, Action::Refresh);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::LoadPendingMarks { .. })));
}

/// Rows without their count, as pages arrive (counts come after the list).
fn uncounted(models: &[crate::registry::ModelSummary]) -> Vec<crate::registry::ModelSummary> {
    models
        .iter()
        .cloned()
        .map(|mut m| {
            m.version_count = None;
            m
        })
        .collect()
}

#[test]
fn a_first_load_shows_each_page_as_it_arrives_and_the_counts_last() {
    let mut s = state();
    let fx = s.start(StartAt::Models);
    let Effect::LoadModels { request } = fx[0] else {
        panic!("{fx:?}")
    };
    let all = fixtures::models(30);
    update(
        &mut s,
        Action::ModelsPage {
            request,
            rows: uncounted(&all[..10]),
        },
    );
    assert_eq!(s.models().visible.len(), 10, "the first page shows at once");
    assert!(s.models().is_loading(), "more are on their way");
    assert!(s.models().counting());
    update(&mut s, Action::MoveDown);
    assert_eq!(s.models().cursor.selected, 1, "keys work while it fills");
    update(
        &mut s,
        Action::ModelsPage {
            request,
            rows: uncounted(&all[10..20]),
        },
    );
    assert_eq!(s.models().visible.len(), 20);
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(uncounted(&all[20..])),
        },
    );
    assert_eq!(s.models().visible.len(), 30);
    assert!(!s.models().is_loading());
    assert!(s.models().counting(), "the counts come after the list");
    assert!(s
        .models()
        .all
        .data
        .as_ref()
        .unwrap()
        .iter()
        .all(|m| m.version_count.is_none()));
    let counts: std::collections::HashMap<String, usize> =
        [("fraud-detector".to_string(), 4)].into();
    update(
        &mut s,
        Action::ModelCountsLoaded {
            request,
            result: Ok(std::sync::Arc::new(counts)),
        },
    );
    assert!(!s.models().counting());
    let count = |name: &str| {
        s.models()
            .all
            .data
            .as_ref()
            .unwrap()
            .iter()
            .find(|m| m.name == name)
            .unwrap()
            .version_count
    };
    assert_eq!(count("fraud-detector"), Some(4));
    assert_eq!(count("churn-predictor"), Some(0), "counted: none found");
}

#[test]
fn a_refresh_keeps_the_list_shown_until_its_last_page_and_keeps_the_old_counts() {
    let mut s = state();
    let fx = s.start(StartAt::Models);
    let Effect::LoadModels { request } = fx[0] else {
        panic!("{fx:?}")
    };
    let first = fixtures::models(12);
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(uncounted(&first)),
        },
    );
    let counts: std::collections::HashMap<String, usize> =
        first.iter().map(|m| (m.name.clone(), 7)).collect();
    update(
        &mut s,
        Action::ModelCountsLoaded {
            request,
            result: Ok(std::sync::Arc::new(counts)),
        },
    );
    let before: Vec<String> = (0..12)
        .map(|i| s.models().row(i).unwrap().name.clone())
        .collect();
    let fx = update(&mut s, Action::Refresh);
    let Some(Effect::LoadModels { request }) = fx
        .iter()
        .find(|e| matches!(e, Effect::LoadModels { .. }))
        .cloned()
    else {
        panic!("{fx:?}")
    };
    // A newer list in two pages: the old one stays on screen until the last page.
    let fresh = fixtures::models(13);
    update(
        &mut s,
        Action::ModelsPage {
            request,
            rows: uncounted(&fresh[..5]),
        },
    );
    let shown: Vec<String> = (0..s.models().visible.len())
        .map(|i| s.models().row(i).unwrap().name.clone())
        .collect();
    assert_eq!(shown, before, "no flicker to a half list");
    // A page of a superseded load is dropped.
    update(
        &mut s,
        Action::ModelsPage {
            request: request + 1000,
            rows: uncounted(&fresh[..1]),
        },
    );
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(uncounted(&fresh[5..])),
        },
    );
    assert_eq!(s.models().visible.len(), 13);
    assert!(s.models().counting());
    let all = s.models().all.data.as_ref().unwrap();
    assert_eq!(
        all.iter().filter(|m| m.version_count == Some(7)).count(),
        12,
        "the old counts stand in until the new ones arrive"
    );
    assert_eq!(
        all.iter().filter(|m| m.version_count.is_none()).count(),
        1,
        "a new model waits for its count"
    );
}

#[test]
fn a_failed_first_load_keeps_the_pages_shown_and_says_so() {
    let mut s = state();
    let fx = s.start(StartAt::Models);
    let Effect::LoadModels { request } = fx[0] else {
        panic!("{fx:?}")
    };
    let all = fixtures::models(8);
    update(
        &mut s,
        Action::ModelsPage {
            request,
            rows: uncounted(&all[..4]),
        },
    );
    update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Err("server went away".into()),
        },
    );
    assert_eq!(s.models().visible.len(), 4, "what arrived stays");
    assert!(s.models().is_stale(), "marked as incomplete");
    assert!(!s.models().is_loading());
}
