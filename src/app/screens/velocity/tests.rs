//! `:velocity` through `update`: the figures load, Enter opens a model, `r` reloads.

use crate::app::action::{Action, Edit};
use crate::app::effect::Effect;
use crate::app::update;
use crate::app::update::testing::*;

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
