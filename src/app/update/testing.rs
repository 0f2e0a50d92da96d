//! The states the update tests start from, reached through `update` as a user would get there,
//! and small finders for the effects they look at.

use crate::app::action::{Action, Edit};
use crate::app::effect::Effect;
use crate::app::fixtures;
use crate::app::keymap::KeyMap;
use crate::app::settings::UiSettings;
use crate::app::state::{ServerContext, StartAt, State, StatusLevel};
use crate::app::update;

pub(crate) fn state() -> State {
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
pub(crate) fn with_models(n: usize) -> State {
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

pub(crate) fn type_text(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(s, Action::Edit(Edit::Insert(c))))
        .collect()
}

pub(crate) fn selected_model(s: &State) -> String {
    s.models().selected().unwrap().name.clone()
}

pub(crate) fn versions_request(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadVersions { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a versions request")
}

pub(crate) fn detail_request(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadDetail { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a detail request")
}

pub(crate) fn status(s: &State) -> (StatusLevel, String) {
    let st = s.status.as_ref().expect("a status message");
    (st.level, st.text.clone())
}

/// A detail screen of `credit-risk-scorer` v5 with its data loaded.
pub(crate) fn with_detail() -> State {
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
