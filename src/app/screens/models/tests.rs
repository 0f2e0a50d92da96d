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
