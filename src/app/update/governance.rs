//! The governance views' data: the Gate tab's evaluations, the audit trail, the inbox and the
//! models list's pending-request marker. Answers are routed by request id; what a visible view
//! needs is asked for once and kept until refresh.

use super::super::action::{Action, RequestId};
use super::super::effect::Effect;
use super::super::remote::Remote;
use super::super::screens::{AuditTrail, DetailTab, Screen};
use super::super::state::{State, StatusLevel};
use crate::app::action::Answer;
use crate::governance::GateReport;
use crate::registry::PendingRequest;

pub(super) fn gate_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<std::sync::Arc<GateReport>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    for screen in &mut state.screens {
        let Screen::Detail(d) = screen else { continue };
        let Some(slot) = d.gates.values_mut().find(|g| g.pending == Some(request)) else {
            continue;
        };
        slot.resolve(request, result);
        if d.tab == DetailTab::Gate {
            let len = d.scroll_len();
            d.cursor.follow(len, rows);
        }
        let what = format!(
            "evaluating the gates of version {} of '{}'",
            d.version, d.model
        );
        if let Some(e) = error {
            state.set_status(
                StatusLevel::Error,
                format!("{what} failed: {e} (r retries)"),
            );
        }
        return;
    }
}

pub(super) fn audit_loaded(state: &mut State, request: RequestId, result: Answer<AuditTrail>) {
    super::data::tab_data_loaded(
        state,
        request,
        result,
        DetailTab::Audit,
        "audit trail",
        |d| &mut d.audit,
    );
}

pub(super) fn inbox_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<Vec<PendingRequest>>,
) {
    let rows = state.list_rows();
    let error = result.as_ref().err().cloned();
    let marks = result.as_ref().ok().map(|r| marks(r));
    for screen in &mut state.screens {
        if let Screen::Inbox(i) = screen {
            if i.data.resolve(request, result.clone()) {
                let len = i.rows().len();
                i.cursor.follow(len, rows);
                if let Some(e) = error {
                    state.set_status(
                        StatusLevel::Error,
                        format!("reading the pending requests failed: {e} (r retries)"),
                    );
                }
                // The inbox read everything the marker needs: keep the models list in step.
                if let Some(marks) = marks {
                    state.models_mut().pending = Some(Remote::loaded(marks));
                }
                return;
            }
        }
    }
}

/// Pending requests counted per model.
pub fn marks(pending: &[PendingRequest]) -> std::collections::BTreeMap<String, usize> {
    let mut out = std::collections::BTreeMap::new();
    for p in pending {
        *out.entry(p.model.clone()).or_insert(0) += 1;
    }
    out
}

pub(super) fn pending_marks_loaded(
    state: &mut State,
    request: RequestId,
    result: Answer<std::collections::BTreeMap<String, usize>>,
) {
    let error = result.as_ref().err().cloned();
    let Some(pending) = state.models_mut().pending.as_mut() else {
        return;
    };
    if !pending.resolve(request, result) {
        return;
    }
    let kept = pending.stale;
    if let Some(e) = error {
        super::data::marks_failed(state, "pending-request markers", &e, kept);
    }
}

/// Ask for what the governance views on screen need: the models list's marker, the Gate tab's
/// evaluation for its target (once the version's requests are known) and the audit trail.
pub(super) fn ensure_governance_data(state: &mut State, fx: &mut Vec<Effect>) {
    if matches!(state.top(), Screen::Models(_)) && state.models().pending.is_none() {
        let request = state.new_request();
        state.models_mut().pending = Some(Remote::loading(request));
        fx.push(Effect::LoadPendingMarks { request });
    }
    let policy = state.policy.clone();
    let Some(Screen::Detail(d)) = state.screens.last() else {
        return;
    };
    let want_audit = matches!(d.tab, DetailTab::Gate | DetailTab::Audit) && d.audit.is_none();
    let want_gate = match (&policy, d.tab) {
        (Some(_), DetailTab::Gate) => d.gate_target().filter(|t| !d.gates.contains_key(t)),
        _ => None,
    };
    if want_audit {
        let request = state.new_request();
        if let Some(Screen::Detail(d)) = state.screens.last_mut() {
            d.audit = Some(Remote::loading(request));
            fx.push(Effect::LoadAudit {
                request,
                model: d.model.clone(),
            });
        }
    }
    if let (Some(target), Some(policy)) = (want_gate, policy) {
        let request = state.new_request();
        if let Some(Screen::Detail(d)) = state.screens.last_mut() {
            d.gates.insert(target.clone(), Remote::loading(request));
            fx.push(Effect::LoadGate {
                request,
                model: d.model.clone(),
                version: d.version.clone(),
                target,
                policy,
            });
        }
    }
}

/// `T` on the Gate tab: the next target (its evaluation is asked for if not yet there).
pub(super) fn cycle_gate_target(state: &mut State) {
    let policy = state.policy.clone();
    let Screen::Detail(d) = state.top_mut() else {
        return;
    };
    if d.tab != DetailTab::Gate {
        return;
    }
    let targets = d.gate_targets(policy.as_deref());
    let current = d.gate_target();
    let next = match current.and_then(|c| targets.iter().position(|t| *t == c)) {
        Some(i) => targets[(i + 1) % targets.len()].clone(),
        None => match targets.first() {
            Some(t) => t.clone(),
            None => return,
        },
    };
    d.gate_target = Some(next);
    d.evidence_open = false;
    d.cursor = Default::default();
}

/// Enter in the inbox: the request's version, straight on its Gate tab for that target.
pub(super) fn open_request(state: &mut State, fx: &mut Vec<Effect>) {
    let Screen::Inbox(i) = state.top() else {
        return;
    };
    let Some(r) = i.selected().cloned() else {
        return;
    };
    fx.push(state.push_detail(&r.model, &r.version));
    if let Screen::Detail(d) = state.top_mut() {
        d.tab = DetailTab::Gate;
        d.gate_target = Some(r.target);
    }
}

/// `r` on the inbox.
pub(super) fn refresh_inbox(state: &mut State, fx: &mut Vec<Effect>) {
    let request = state.new_request();
    if let Screen::Inbox(i) = state.top_mut() {
        i.data.start(request);
        fx.push(Effect::LoadInbox { request });
    }
}

/// `r` on a detail screen: re-evaluate the shown target and re-read the audit trail; other
/// targets' evaluations are dropped (asked for again when shown).
pub(super) fn refresh_detail_governance(state: &mut State, fx: &mut Vec<Effect>) {
    let policy = state.policy.clone();
    let gate_request = state.new_request();
    let audit_request = state.new_request();
    let Screen::Detail(d) = state.top_mut() else {
        return;
    };
    let target = d.gate_target();
    d.gates.retain(|t, _| Some(t) == target.as_ref());
    if let (Some(target), Some(policy)) = (target, policy) {
        if let Some(g) = d.gates.get_mut(&target) {
            g.start(gate_request);
            fx.push(Effect::LoadGate {
                request: gate_request,
                model: d.model.clone(),
                version: d.version.clone(),
                target,
                policy,
            });
        }
    }
    if let Some(a) = d.audit.as_mut() {
        a.start(audit_request);
        fx.push(Effect::LoadAudit {
            request: audit_request,
            model: d.model.clone(),
        });
    }
}

/// Route this module's answers; `None` when `action` is not one of them.
pub(super) fn answer(state: &mut State, action: Action) -> Option<Action> {
    match action {
        Action::GateLoaded { request, result } => gate_loaded(state, request, result),
        Action::AuditLoaded { request, result } => audit_loaded(state, request, result),
        Action::InboxLoaded { request, result } => inbox_loaded(state, request, result),
        Action::PendingMarksLoaded { request, result } => {
            pending_marks_loaded(state, request, result)
        }
        other => return Some(other),
    }
    None
}
