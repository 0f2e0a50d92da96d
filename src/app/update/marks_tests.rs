//! The markers beside the lists (drift, pending requests): a refresh that fails keeps the ones
//! shown, marked stale, and the status line says so.

use std::collections::BTreeMap;

use super::update;
use crate::app::action::{Action, RequestId};
use crate::app::effect::Effect;
use crate::app::fixtures;
use crate::app::keymap::KeyMap;
use crate::app::screens::Screen;
use crate::app::settings::UiSettings;
use crate::app::state::{ServerContext, StartAt, State, StatusLevel};

fn state() -> State {
    let server = ServerContext {
        profile: Some("local".into()),
        url: "http://127.0.0.1:5000".into(),
        read_only: false,
        actor: None,
    };
    State::new(server, UiSettings::default(), KeyMap::defaults())
}

fn models_request(fx: &[Effect]) -> RequestId {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadModels { request } => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the list is asked for: {fx:?}"))
}

fn drift_request(fx: &[Effect]) -> RequestId {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadModelDriftMarks { request, .. }
            | Effect::LoadDriftMarks { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the drift markers are asked for: {fx:?}"))
}

fn pending_request(fx: &[Effect]) -> RequestId {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadPendingMarks { request } => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the pending markers are asked for: {fx:?}"))
}

/// The models list with churn-predictor drifted and two requests pending on fraud-detector.
pub(super) fn models_with_marks() -> State {
    let mut s = state();
    let fx = s.start(StartAt::Models);
    let request = models_request(&fx);
    let fx = update(
        &mut s,
        Action::ModelsLoaded {
            request,
            result: Ok(fixtures::models(6)),
        },
    );
    let (drift, pending) = (drift_request(&fx), pending_request(&fx));
    update(
        &mut s,
        Action::ModelDriftMarksLoaded {
            request: drift,
            result: Ok(BTreeMap::from([("churn-predictor".to_string(), true)])),
        },
    );
    update(
        &mut s,
        Action::PendingMarksLoaded {
            request: pending,
            result: Ok(BTreeMap::from([("fraud-detector".to_string(), 2)])),
        },
    );
    s
}

#[test]
fn a_failed_refresh_keeps_the_models_markers_marked_stale() {
    let mut s = models_with_marks();
    let fx = update(&mut s, Action::Refresh);
    let (list, drift, pending) = (
        models_request(&fx),
        drift_request(&fx),
        pending_request(&fx),
    );
    // While the refresh runs, the markers shown stay.
    assert_eq!(s.models().drifted("churn-predictor"), Some(true));
    assert_eq!(s.models().pending_count("fraud-detector"), 2);
    update(
        &mut s,
        Action::ModelsLoaded {
            request: list,
            result: Ok(fixtures::models(6)),
        },
    );
    update(
        &mut s,
        Action::ModelDriftMarksLoaded {
            request: drift,
            result: Err("HTTP 503".into()),
        },
    );
    let m = s.models();
    assert_eq!(m.drifted("churn-predictor"), Some(true), "kept");
    assert!(m.drift.as_ref().unwrap().stale, "and marked stale");
    let status = s.status.as_ref().expect("the failure is said");
    assert_eq!(status.level, StatusLevel::Warning);
    assert!(
        status
            .text
            .contains("refreshing the drift markers failed: HTTP 503")
            && status.text.contains("marked stale"),
        "{}",
        status.text
    );

    update(
        &mut s,
        Action::PendingMarksLoaded {
            request: pending,
            result: Err("HTTP 503".into()),
        },
    );
    let m = s.models();
    assert_eq!(m.pending_count("fraud-detector"), 2, "kept");
    assert!(m.pending.as_ref().unwrap().stale, "and marked stale");
    assert!(
        s.status.as_ref().is_some_and(|st| st
            .text
            .contains("refreshing the pending-request markers failed")),
        "{:?}",
        s.status
    );

    // The next refresh that works clears the mark.
    let fx = update(&mut s, Action::Refresh);
    update(
        &mut s,
        Action::ModelDriftMarksLoaded {
            request: drift_request(&fx),
            result: Ok(BTreeMap::new()),
        },
    );
    let drift = s.models().drift.as_ref().unwrap();
    assert!(!drift.stale);
    assert_eq!(s.models().drifted("churn-predictor"), None);
}

#[test]
fn the_lists_own_failure_stays_in_the_status_line() {
    let mut s = models_with_marks();
    let fx = update(&mut s, Action::Refresh);
    update(
        &mut s,
        Action::ModelsLoaded {
            request: models_request(&fx),
            result: Err("connection refused".into()),
        },
    );
    update(
        &mut s,
        Action::ModelDriftMarksLoaded {
            request: drift_request(&fx),
            result: Err("connection refused".into()),
        },
    );
    let status = s.status.as_ref().unwrap();
    assert!(
        status.text.starts_with("listing models failed"),
        "{}",
        status.text
    );
    assert!(s.models().drift.as_ref().unwrap().stale);
}

#[test]
fn a_failed_refresh_keeps_the_versions_drift_markers_marked_stale() {
    let mut s = state();
    let fx = s.start(StartAt::Model("credit-risk-scorer".into()));
    let versions = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadVersions { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = update(
        &mut s,
        Action::VersionsLoaded {
            request: versions,
            result: Ok(Box::new(fixtures::versions("credit-risk-scorer", 4))),
        },
    );
    update(
        &mut s,
        Action::DriftMarksLoaded {
            request: drift_request(&fx),
            result: Ok(BTreeMap::from([("3".to_string(), true)])),
        },
    );
    let fx = update(&mut s, Action::Refresh);
    update(
        &mut s,
        Action::DriftMarksLoaded {
            request: drift_request(&fx),
            result: Err("HTTP 500".into()),
        },
    );
    let Some(Screen::Versions(v)) = s.screens.last() else {
        panic!()
    };
    assert_eq!(v.drifted("3"), Some(true), "kept");
    assert!(v.drift.as_ref().unwrap().stale, "and marked stale");
    assert!(
        s.status
            .as_ref()
            .is_some_and(|st| st.text.contains("refreshing the drift markers failed")),
        "{:?}",
        s.status
    );
}
