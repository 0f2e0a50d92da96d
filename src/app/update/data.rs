//! Answers from the background tasks, routed to the screen that asked by request id.

use super::super::action::RequestId;
use super::super::effect::Effect;
use super::super::remote::Remote;
use super::super::screens::{DetailScreen, DetailTab, Screen};
use super::super::state::{ServerContext, StartAt, State, StatusLevel};
use crate::app::action::Answer;
use crate::registry::{ModelSummary, ModelVersions, VersionDetail};

pub(super) use super::prompt::search_due;

/// How a failure reads in the status line: what failed, why, and what the screen shows now.
fn failure(what: &str, error: &str, kept_data: bool) -> String {
    if kept_data {
        format!("{what} failed: {error} (showing older data; r retries)")
    } else {
        format!("{what} failed: {error} (r retries)")
    }
}

pub(super) fn models_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<Vec<ModelSummary>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    let m = state.models_mut();
    if !m.all.resolve(request, result) {
        return;
    }
    m.recompute(rows);
    let kept = m.all.stale;
    if let Some(e) = error {
        state.set_status(StatusLevel::Error, failure("listing models", &e, kept));
    }
}

/// Drift markers of a versions list.
pub(super) fn drift_marks_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<std::collections::BTreeMap<String, bool>>,
) {
    let error = result.as_ref().err().cloned();
    let Some(drift) = state.screens.iter_mut().find_map(|s| match s {
        Screen::Versions(v) => v.drift.as_mut().filter(|d| d.pending == Some(request)),
        _ => None,
    }) else {
        return;
    };
    drift.resolve(request, result);
    let kept = drift.stale;
    if let Some(e) = error {
        marks_failed(state, "drift markers", &e, kept);
    }
}

/// Drift markers of the models list.
pub(super) fn model_drift_marks_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<std::collections::BTreeMap<String, bool>>,
) {
    let error = result.as_ref().err().cloned();
    let Some(drift) = state.models_mut().drift.as_mut() else {
        return;
    };
    if !drift.resolve(request, result) {
        return;
    }
    let kept = drift.stale;
    if let Some(e) = error {
        marks_failed(state, "drift markers", &e, kept);
    }
}

/// Markers are hints beside a list: their failure leaves the list usable, not in error. The
/// markers already shown stay, marked stale; the status line says the load failed, unless it
/// already tells of an error (the list's own, from the same refresh).
pub(super) fn marks_failed(state: &mut State, what: &str, error: &str, kept: bool) {
    if state
        .status
        .as_ref()
        .is_some_and(|s| s.level == StatusLevel::Error)
    {
        return;
    }
    let text = if kept {
        format!("refreshing the {what} failed: {error} (the markers shown are older, marked stale; r retries)")
    } else {
        format!("loading the {what} failed: {error} (none shown; r retries)")
    };
    state.set_status(StatusLevel::Warning, text);
}

pub(super) fn search_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<Vec<ModelSummary>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    let m = state.models_mut();
    let Some(search) = m.search.as_mut() else {
        return;
    };
    if !search.results.resolve(request, result) {
        return;
    }
    m.recompute(rows);
    if let Some(e) = error {
        state.set_status(
            StatusLevel::Error,
            format!("searching the server failed: {e} (the filter still narrows the loaded list)"),
        );
    }
}

pub(super) fn versions_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<Box<ModelVersions>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    let metrics = &state.settings.metrics;
    let Some(screen) = state.screens.iter_mut().find_map(|s| match s {
        Screen::Versions(v) if v.data.pending == Some(request) => Some(v),
        _ => None,
    }) else {
        return;
    };
    screen.data.resolve(request, result.map(|b| *b));
    screen.on_data(metrics.get(&screen.model).map(Vec::as_slice), rows);
    let (model, kept) = (screen.model.clone(), screen.data.stale);
    if let Some(e) = error {
        let what = format!("loading the versions of '{model}'");
        state.set_status(StatusLevel::Error, failure(&what, &e, kept));
    }
}

pub(super) fn detail_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<Box<VersionDetail>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    let Some(screen) = state.screens.iter_mut().find_map(|s| match s {
        Screen::Detail(d) if d.data.pending == Some(request) => Some(d),
        _ => None,
    }) else {
        return;
    };
    screen.data.resolve(request, result.map(|b| *b));
    let len = screen.scroll_len();
    screen.cursor.follow(len, rows);
    screen.settle_on_entry(1, rows);
    let what = format!("loading version {} of '{}'", screen.version, screen.model);
    let kept = screen.data.stale;
    if let Some(e) = error {
        state.set_status(StatusLevel::Error, failure(&what, &e, kept));
    }
}

pub(super) fn velocity_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<Vec<crate::governance::velocity::ModelVelocity>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    let Some(screen) = state.screens.iter_mut().find_map(|s| match s {
        Screen::Velocity(v) if v.data.pending == Some(request) => Some(v),
        _ => None,
    }) else {
        return;
    };
    screen.data.resolve(request, result);
    let len = screen.rows().len();
    screen.cursor.follow(len, rows);
    let kept = screen.data.stale;
    if let Some(e) = error {
        state.set_status(StatusLevel::Error, failure("computing velocity", &e, kept));
    }
}

pub(super) fn run_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<Box<crate::mlflow::Run>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    let Some(screen) = state.screens.iter_mut().find_map(|s| match s {
        Screen::Run(r) if r.data.pending == Some(request) => Some(r),
        _ => None,
    }) else {
        return;
    };
    screen.data.resolve(request, result.map(|b| *b));
    let len = screen.entries().len();
    screen.cursor.follow(len, rows);
    screen.settle_on_entry(1, rows);
    let (what, kept) = (format!("loading run {}", screen.run_id), screen.data.stale);
    if let Some(e) = error {
        state.set_status(StatusLevel::Error, failure(&what, &e, kept));
    }
}

pub(super) fn history_loaded(
    state: &mut State,
    request: RequestId,
    run_id: &str,
    key: &str,
    result: Answer<Vec<crate::mlflow::Metric>>,
) {
    for screen in &mut state.screens {
        let slot = match screen {
            Screen::Detail(d) => d.histories.get_mut(key),
            Screen::Versions(v) => v
                .compare
                .as_mut()
                .and_then(|c| c.histories.get_mut(&(run_id.to_string(), key.to_string()))),
            Screen::Run(r) if r.run_id == run_id => r.histories.get_mut(key),
            Screen::Models(_) | Screen::Inbox(_) | Screen::Run(_) | Screen::Velocity(_) => None,
        };
        if let Some(h) = slot {
            if h.resolve(request, result.clone()) {
                return;
            }
        }
    }
}

pub(super) fn monitoring_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<crate::app::screens::Monitoring>,
) {
    tab_data_loaded(
        state,
        request,
        result,
        DetailTab::Drift,
        "monitoring",
        |d| &mut d.monitoring,
    );
}

pub(super) fn lineage_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<std::sync::Arc<crate::evidence::lineage::LineageNode>>,
) {
    tab_data_loaded(state, request, result, DetailTab::Lineage, "lineage", |d| {
        &mut d.lineage
    });
}

/// One detail tab's answer: stored on the detail screen that asked for it (others are dropped),
/// the cursor kept in range when that tab shows, a failure said in the status line.
pub(super) fn tab_data_loaded<T>(
    state: &mut State,
    request: RequestId,
    result: Answer<T>,
    tab: DetailTab,
    noun: &str,
    slot: fn(&mut DetailScreen) -> &mut Option<Remote<T>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    let Some(d) = state.screens.iter_mut().find_map(|s| match s {
        Screen::Detail(d) => {
            let asked = slot(d).as_ref().and_then(|m| m.pending) == Some(request);
            asked.then_some(d)
        }
        _ => None,
    }) else {
        return;
    };
    if let Some(remote) = slot(d).as_mut() {
        remote.resolve(request, result);
    }
    if d.tab == tab {
        let len = d.scroll_len();
        d.cursor.follow(len, rows);
    }
    let what = format!("{noun} of version {} of '{}'", d.version, d.model);
    let kept = slot(d).as_ref().is_some_and(|m| m.stale);
    if let Some(e) = error {
        state.set_status(StatusLevel::Error, failure(&what, &e, kept));
    }
}

/// Ask for what the shown tab needs and does not have yet: the selected metric's history on
/// the Metrics tab, the monitoring evidence on the Drift tab. Each is asked for once and kept
/// until refresh.
pub(super) fn ensure_tab_data(state: &mut State, fx: &mut Vec<Effect>) {
    ensure_compare_histories(state, fx);
    if state.models().drift.is_none() && state.models().all.data.is_some() {
        let request = state.new_request();
        state.models_mut().drift = Some(Remote::loading(request));
        fx.push(Effect::LoadModelDriftMarks {
            request,
            thresholds: state.settings.drift.clone(),
        });
    }
    if let Some(Screen::Versions(v)) = state.screens.last() {
        if v.drift.is_none() {
            let request = state.new_request();
            let thresholds = state.settings.drift.clone();
            if let Some(Screen::Versions(v)) = state.screens.last_mut() {
                v.drift = Some(Remote::loading(request));
                fx.push(Effect::LoadDriftMarks {
                    request,
                    model: v.model.clone(),
                    thresholds,
                });
            }
        }
    }
    ensure_run_history(state, fx);
    let Some(Screen::Detail(d)) = state.screens.last() else {
        return;
    };
    let want_history = match (d.run_id(), d.selected_metric()) {
        (Some(run), Some(m)) if !d.histories.contains_key(&m.key) => {
            Some((run.to_string(), m.key.clone()))
        }
        _ => None,
    };
    if d.tab == DetailTab::Lineage && d.lineage.is_none() {
        let request = state.new_request();
        if let Some(Screen::Detail(d)) = state.screens.last_mut() {
            d.lineage = Some(Remote::loading(request));
            fx.push(Effect::LoadLineage {
                request,
                model: d.model.clone(),
                version: d.version.clone(),
            });
        }
    }
    let Some(Screen::Detail(d)) = state.screens.last() else {
        return;
    };
    let want_monitoring = d.tab == DetailTab::Drift && d.monitoring.is_none();
    if want_monitoring {
        let request = state.new_request();
        let thresholds = state.settings.drift.clone();
        if let Some(Screen::Detail(d)) = state.screens.last_mut() {
            d.monitoring = Some(Remote::loading(request));
            fx.push(Effect::LoadMonitoring {
                request,
                model: d.model.clone(),
                version: d.version.clone(),
                thresholds,
            });
        }
    }
    if let Some((run_id, key)) = want_history {
        let request = state.new_request();
        if let Some(Screen::Detail(d)) = state.screens.last_mut() {
            d.histories.insert(key.clone(), Remote::loading(request));
        }
        fx.push(Effect::LoadHistory {
            request,
            run_id,
            key,
        });
    }
}

/// The run view's selected metric: its history, once.
fn ensure_run_history(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(Screen::Run(r)) = state.screens.last() else {
        return;
    };
    let Some(key) = r
        .selected_metric()
        .map(|m| m.key.clone())
        .filter(|k| !r.histories.contains_key(k))
    else {
        return;
    };
    let run_id = r.run_id.clone();
    let request = state.new_request();
    if let Some(Screen::Run(r)) = state.screens.last_mut() {
        r.histories.insert(key.clone(), Remote::loading(request));
    }
    fx.push(Effect::LoadHistory {
        request,
        run_id,
        key,
    });
}

/// The compare view's selected metric: each compared run's history, once.
fn ensure_compare_histories(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(Screen::Versions(v)) = state.screens.last() else {
        return;
    };
    let Some(c) = &v.compare else {
        return;
    };
    let metrics = v.compare_metrics();
    let Some(key) = metrics.get(c.cursor.selected).cloned() else {
        return;
    };
    let wanted: Vec<String> = v
        .compare_runs()
        .into_iter()
        .map(|(_, run)| run)
        .filter(|run| !c.histories.contains_key(&(run.clone(), key.clone())))
        .collect();
    for run_id in wanted {
        let request = state.new_request();
        if let Some(Screen::Versions(v)) = state.screens.last_mut() {
            if let Some(c) = v.compare.as_mut() {
                c.histories
                    .insert((run_id.clone(), key.clone()), Remote::loading(request));
            }
        }
        fx.push(Effect::LoadHistory {
            request,
            run_id,
            key: key.clone(),
        });
    }
}

/// Connected to another server: start over at its models list.
pub(super) fn profile_switched(state: &mut State, server: ServerContext, fx: &mut Vec<Effect>) {
    let label = format!(
        "profile '{}': {}",
        server.profile.as_deref().unwrap_or("-"),
        server.url
    );
    state.server = server;
    state.switching_profile = None;
    state.prompt = None;
    fx.extend(state.start(StartAt::Models));
    state.set_status(StatusLevel::Info, label);
}
