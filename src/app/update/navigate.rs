//! Moving around: cursors, the breadcrumb, tabs, sorting, refresh, the help overlay.

use super::super::action::{Action, RequestId};
use super::super::effect::Effect;
use super::super::prompt::{Prompt, PromptKind};
use super::super::screens::{DetailTab, ModelsScreen, Screen};
use super::super::state::{State, StatusLevel};
use crate::evidence::lineage::NodeRef;

pub(super) fn handle(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::MoveUp => move_cursor(state, Move::By(-1)),
        Action::MoveDown => move_cursor(state, Move::By(1)),
        Action::PageUp => move_cursor(state, Move::Page(-1)),
        Action::PageDown => move_cursor(state, Move::Page(1)),
        Action::First => move_cursor(state, Move::First),
        Action::Last => move_cursor(state, Move::Last),
        Action::Open => open(state, fx),
        Action::Back => back(state),
        Action::Quit => {
            if state.screens.len() == 1 {
                state.quit = true;
            } else {
                state.screens.pop();
            }
        }
        Action::Help => state.help = Some(0),
        Action::Filter => open_filter(state),
        Action::Command => state.prompt = Some(Prompt::new(PromptKind::Command, "")),
        Action::Refresh => refresh(state, fx),
        Action::CycleSort | Action::ReverseSort => sort(state, action == Action::CycleSort),
        Action::NextTab | Action::PrevTab | Action::SelectTab(_) => tab(state, action),
        Action::Mark => {
            let rows = state.list_rows();
            if let Screen::Versions(v) = state.top_mut() {
                if v.compare.is_none() {
                    if let Some(version) = v.selected().map(|r| r.version.version.clone()) {
                        if !v.marked.remove(&version) {
                            v.marked.insert(version);
                        }
                        // Marking moves on, so Space Space marks a run of versions.
                        let len = v.visible.len();
                        v.cursor.move_by(1, len, rows);
                    }
                }
            }
        }
        Action::Compare => {
            if let Screen::Versions(v) = state.top_mut() {
                if v.compare.is_some() {
                    v.compare = None;
                } else if v.data.data.is_some() {
                    v.open_compare();
                }
            }
        }
        Action::ToggleFold => {
            let rows = state.list_rows();
            if let Screen::Detail(d) = state.top_mut() {
                if d.tab == DetailTab::Lineage {
                    if let Some((path, node)) = d.selected_node() {
                        if !node.children.is_empty() && !d.folded.remove(&path) {
                            d.folded.insert(path);
                        }
                        let len = d.scroll_len();
                        d.cursor.follow(len, rows);
                    }
                }
            }
        }
        Action::CycleGateTarget => super::governance::cycle_gate_target(state),
        Action::ToggleTimeAxis => match state.top_mut() {
            Screen::Detail(d) if d.tab == DetailTab::Metrics => d.by_time = !d.by_time,
            Screen::Run(r) => r.by_time = !r.by_time,
            _ => {}
        },
        _ => {}
    }
}

#[derive(Clone, Copy)]
pub(super) enum Move {
    By(isize),
    Page(isize),
    First,
    Last,
}

pub(super) fn move_cursor(state: &mut State, how: Move) {
    let rows = state.list_rows();
    let (cursor, len, window) = match state.top_mut() {
        Screen::Models(m) => (&mut m.cursor, m.visible.len(), rows),
        Screen::Versions(v) if v.compare.is_some() => {
            let len = v.compare_metrics().len();
            let c = v.compare.as_mut().expect("checked");
            (&mut c.cursor, len, rows)
        }
        Screen::Versions(v) => (&mut v.cursor, v.visible.len(), rows),
        Screen::Inbox(i) => {
            let len = i.rows().len();
            (&mut i.cursor, len, rows)
        }
        Screen::Run(r) => {
            let len = r.entries().len();
            (&mut r.cursor, len, rows)
        }
        Screen::Velocity(v) => {
            let len = v.rows().len();
            (&mut v.cursor, len, rows)
        }
        Screen::Detail(d) => {
            let len = d.scroll_len();
            // The Overview scrolls (a one-row window makes the cursor the scroll position).
            let window = if d.tab == DetailTab::Overview {
                1
            } else {
                rows
            };
            (&mut d.cursor, len, window)
        }
    };
    let direction = match how {
        Move::By(n) | Move::Page(n) => n.signum(),
        Move::First => 1,
        Move::Last => -1,
    };
    match how {
        Move::By(n) => cursor.move_by(n, len, window),
        Move::Page(n) => cursor.move_by(n * rows.max(1) as isize, len, window),
        Move::First => cursor.first(),
        Move::Last => cursor.last(len, window),
    }
    match state.top_mut() {
        Screen::Detail(d) => d.settle_on_entry(direction, rows),
        Screen::Run(r) => r.settle_on_entry(direction, rows),
        _ => {}
    }
}

/// Keep every cursor valid after the window changed size.
pub(super) fn refollow(state: &mut State) {
    let rows = state.list_rows();
    for screen in &mut state.screens {
        match screen {
            Screen::Models(m) => m.cursor.follow(m.visible.len(), rows),
            Screen::Versions(v) => v.cursor.follow(v.visible.len(), rows),
            Screen::Detail(d) if d.tab != DetailTab::Overview => {
                let len = d.scroll_len();
                d.cursor.follow(len, rows)
            }
            Screen::Run(r) => {
                let len = r.entries().len();
                r.cursor.follow(len, rows)
            }
            Screen::Velocity(v) => {
                let len = v.rows().len();
                v.cursor.follow(len, rows)
            }
            Screen::Detail(_) => {}
            Screen::Inbox(i) => {
                let len = i.rows().len();
                i.cursor.follow(len, rows)
            }
        }
    }
}

fn open(state: &mut State, fx: &mut Vec<Effect>) {
    match state.top() {
        Screen::Models(m) => {
            if let Some(model) = m.selected().map(|m| m.name.clone()) {
                fx.push(state.push_versions(&model, None));
            }
        }
        Screen::Versions(v) if v.compare.is_some() => {}
        Screen::Run(_) => {}
        Screen::Velocity(v) => {
            if let Some(model) = v.selected().map(|m| m.model.clone()) {
                fx.push(state.push_versions(&model, None));
            }
        }
        Screen::Versions(v) => {
            if let Some(version) = v.selected().map(|r| r.version.version.clone()) {
                let model = v.model.clone();
                fx.push(state.push_detail(&model, &version));
            }
        }
        Screen::Inbox(_) => super::governance::open_request(state, fx),
        Screen::Detail(d) if d.tab == DetailTab::Gate => {
            let has_check = d.selected_check().is_some();
            if let Screen::Detail(d) = state.top_mut() {
                d.evidence_open = has_check && !d.evidence_open;
            }
        }
        Screen::Detail(d) => {
            if d.tab != DetailTab::Lineage {
                return;
            }
            let Some((_, node)) = d.selected_node() else {
                return;
            };
            let own_run = d.run_id().map(str::to_string);
            let (model, version) = (d.model.clone(), d.version.clone());
            match node.opens.clone() {
                Some(NodeRef::Version {
                    model: m,
                    version: v,
                }) => {
                    if m == model && v == version {
                        tab(state, Action::SelectTab(1));
                    } else {
                        fx.push(state.push_detail(&m, &v));
                    }
                }
                Some(NodeRef::Run { run_id }) if own_run.as_deref() == Some(run_id.as_str()) => {
                    tab(state, Action::SelectTab(2));
                }
                Some(NodeRef::Run { run_id }) => {
                    let label = node.label.clone();
                    fx.push(state.push_run(&run_id, &label));
                }
                Some(NodeRef::Experiment { experiment_id }) => {
                    state.set_status(StatusLevel::Info, format!("experiment {experiment_id}"))
                }
                Some(NodeRef::LoggedModel { model_id }) => {
                    state.set_status(StatusLevel::Info, format!("logged model {model_id}"))
                }
                None if node.missing => state.set_status(
                    StatusLevel::Warning,
                    format!("{}: missing (deleted or unreadable)", node.label),
                ),
                None => {}
            }
        }
    }
}

/// Esc: clear the filter first (as k9s does), then go up one level.
fn back(state: &mut State) {
    if let Screen::Versions(v) = state.top_mut() {
        if v.compare.take().is_some() {
            return;
        }
    }
    if let Screen::Detail(d) = state.top_mut() {
        if std::mem::take(&mut d.evidence_open) {
            return;
        }
    }
    if !state.top().filter().is_empty() {
        super::prompt::set_filter(state, String::new());
        return;
    }
    if state.screens.len() > 1 {
        state.screens.pop();
    }
}

fn open_filter(state: &mut State) {
    let filterable = match state.top() {
        Screen::Detail(d) => d.tab.filterable(),
        Screen::Inbox(_) | Screen::Run(_) | Screen::Velocity(_) => false,
        _ => true,
    };
    if !filterable {
        let what = if matches!(state.top(), Screen::Detail(_)) {
            "nothing to filter on this tab"
        } else {
            "nothing to filter here"
        };
        state.set_status(StatusLevel::Info, what);
        return;
    }
    let text = state.top().filter().to_string();
    state.prompt = Some(Prompt::new(PromptKind::Filter, &text));
}

/// Read the models list again, and its server search when one is shown; the pending-request
/// marker is asked for again once the list shows.
pub(super) fn reload_models(
    m: &mut ModelsScreen,
    request: RequestId,
    search_request: RequestId,
    marks_request: RequestId,
    fx: &mut Vec<Effect>,
) {
    m.all.start(request);
    fx.push(Effect::LoadModels { request });
    if let Some(search) = m.search.as_mut() {
        search.results.start(search_request);
        fx.push(Effect::SearchModels {
            request: search_request,
            text: search.text.clone(),
        });
    }
    // The markers shown stay (marked stale if this reload fails); never asked: asked when shown.
    if let Some(pending) = m.pending.as_mut() {
        pending.start(marks_request);
        fx.push(Effect::LoadPendingMarks {
            request: marks_request,
        });
    }
}

/// `r`: forget cached data and reload what is on screen; what is shown stays until the answer.
fn refresh(state: &mut State, fx: &mut Vec<Effect>) {
    fx.push(Effect::Invalidate);
    let request = state.new_request();
    let search_request = state.new_request();
    let thresholds = state.settings.drift.clone();
    let lineage_request = state.new_request();
    let (marks_request, drift_request) = (state.new_request(), state.new_request());
    match state.top_mut() {
        Screen::Models(m) => {
            reload_models(m, request, search_request, marks_request, fx);
            // Markers shown stay until the answer (and stale if it fails), as the list does.
            if let Some(drift) = m.drift.as_mut() {
                drift.start(drift_request);
                fx.push(Effect::LoadModelDriftMarks {
                    request: drift_request,
                    thresholds,
                });
            }
        }
        Screen::Versions(v) => {
            if let Some(c) = v.compare.as_mut() {
                c.histories.clear();
            }
            v.data.start(request);
            fx.push(Effect::LoadVersions {
                request,
                model: v.model.clone(),
            });
            if let Some(drift) = v.drift.as_mut() {
                drift.start(drift_request);
                fx.push(Effect::LoadDriftMarks {
                    request: drift_request,
                    model: v.model.clone(),
                    thresholds,
                });
            }
        }
        Screen::Velocity(v) => {
            v.data.start(request);
            fx.push(Effect::LoadVelocity {
                request,
                thresholds,
            });
        }
        Screen::Run(r) => {
            r.histories.clear();
            r.data.start(request);
            fx.push(Effect::LoadRun {
                request,
                run_id: r.run_id.clone(),
            });
        }
        Screen::Detail(d) => {
            d.histories.clear();
            if let Some(l) = d.lineage.as_mut() {
                let request = lineage_request;
                l.start(request);
                fx.push(Effect::LoadLineage {
                    request,
                    model: d.model.clone(),
                    version: d.version.clone(),
                });
            }
            if let Some(m) = d.monitoring.as_mut() {
                m.start(search_request);
                fx.push(Effect::LoadMonitoring {
                    request: search_request,
                    model: d.model.clone(),
                    version: d.version.clone(),
                    thresholds,
                });
            }
            d.data.start(request);
            fx.push(Effect::LoadDetail {
                request,
                model: d.model.clone(),
                version: d.version.clone(),
            });
            super::governance::refresh_detail_governance(state, fx);
        }
        Screen::Inbox(_) => super::governance::refresh_inbox(state, fx),
    }
}

fn sort(state: &mut State, cycle: bool) {
    let rows = state.list_rows();
    if let Screen::Models(m) = state.top_mut() {
        if cycle {
            m.sort = m.sort.cycled();
        } else {
            m.sort.descending = !m.sort.descending;
        }
        m.recompute(rows);
    }
}

fn tab(state: &mut State, action: Action) {
    let rows = state.list_rows();
    if let Screen::Detail(d) = state.top_mut() {
        let next = match action {
            Action::NextTab => d.tab.next(),
            Action::PrevTab => d.tab.prev(),
            Action::SelectTab(n) => match DetailTab::from_number(n) {
                Some(t) => t,
                None => return,
            },
            _ => return,
        };
        if next != d.tab {
            d.tab = next;
            d.evidence_open = false;
            d.cursor = Default::default();
            d.settle_on_entry(1, rows);
        }
    }
}

/// With the help open, keys close or scroll it; Ctrl-C still quits (handled earlier).
pub(super) fn help_key(state: &mut State, action: Action) {
    let scroll = state.help.unwrap_or(0);
    state.help = match action {
        Action::MoveDown => Some(scroll + 1),
        Action::MoveUp => Some(scroll.saturating_sub(1)),
        Action::PageDown => Some(scroll + state.list_rows()),
        Action::PageUp => Some(scroll.saturating_sub(state.list_rows())),
        Action::First => Some(0),
        _ => None,
    };
}
