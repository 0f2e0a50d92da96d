//! Tab 6, Gate: the configured policy evaluated for a target (`T` cycles the targets), next to
//! the reports recorded earlier; Enter opens the selected check's evidence. Each target's
//! evaluation is asked for once and kept until refresh; a decision on the model drops them all.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::DetailScreen;
use crate::app::action::{Action, RequestId};
use crate::app::effect::Effect;
use crate::app::remote::Remote;
use crate::app::screens::Ctx;
use crate::app::state::StatusLevel;
use crate::governance::decision::DecisionRecord;
use crate::governance::{CheckResult, GateReport, Policy, Stage, Target};
use crate::registry::AuditRun;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GateTab {
    /// The target chosen with `T`; `None` follows the pending request (else Production).
    pub target: Option<Target>,
    /// The policy evaluated per target, each asked for once and kept until refresh.
    pub reports: BTreeMap<Target, Remote<Arc<GateReport>>>,
    /// The selected check's evidence is open.
    pub evidence_open: bool,
}

/// How a report recorded earlier compares with the evaluation on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    Agrees,
    /// Same target, but the status or the digest differ.
    Disagrees {
        status: bool,
        digest: bool,
    },
    /// Recorded for another target (nothing to compare).
    OtherTarget,
}

impl GateTab {
    pub fn is_loading(&self) -> bool {
        self.reports.values().any(Remote::is_loading)
    }

    /// An evaluation this tab asked for; `about` names the version in a failure.
    pub fn answer(&mut self, action: Action, about: &str, ctx: &mut Ctx) -> Option<Action> {
        let Action::GateLoaded { request, result } = action else {
            return Some(action);
        };
        let Some(slot) = self
            .reports
            .values_mut()
            .find(|g| g.pending == Some(request))
        else {
            return Some(Action::GateLoaded { request, result });
        };
        let error = result.as_ref().err().cloned();
        slot.resolve(request, result);
        if let Some(e) = error {
            ctx.set_status(
                StatusLevel::Error,
                format!("evaluating the gates of {about} failed: {e} (r retries)"),
            );
        }
        None
    }

    /// The evaluation for `target`, asked for once (with a policy, and once the target is known:
    /// it follows the version's pending request).
    pub fn ensure_loaded(
        &mut self,
        target: Option<Target>,
        model: &str,
        version: &str,
        ctx: &mut Ctx,
    ) {
        if ctx.policy.is_none() {
            return;
        }
        let Some(target) = target.filter(|t| !self.reports.contains_key(t)) else {
            return;
        };
        let request = ctx.new_request();
        self.reports
            .insert(target.clone(), Remote::loading(request));
        evaluate(request, target, model, version, ctx);
    }

    /// `r`: evaluate `target` (the one shown) again; other targets' evaluations are dropped
    /// (asked for again when shown).
    pub fn refresh(&mut self, target: Option<Target>, model: &str, version: &str, ctx: &mut Ctx) {
        self.reports.retain(|t, _| Some(t) == target.as_ref());
        let Some(target) = target.filter(|_| ctx.policy.is_some()) else {
            return;
        };
        if let Some(g) = self.reports.get_mut(&target) {
            let request = ctx.new_request();
            g.start(request);
            evaluate(request, target, model, version, ctx);
        }
    }

    /// A decision changed what the gates read: evaluate again when shown.
    pub fn on_model_changed(&mut self) {
        self.reports.clear();
    }
}

/// Ask for the configured policy's evaluation of `model` `version` for `target`.
fn evaluate(request: RequestId, target: Target, model: &str, version: &str, ctx: &mut Ctx) {
    if let Some(policy) = ctx.policy.cloned() {
        ctx.effect(Effect::LoadGate {
            request,
            model: model.to_string(),
            version: version.to_string(),
            target,
            policy,
        });
    }
}

impl DetailScreen {
    /// The targets `T` cycles through: the version's pending requests first, then Production,
    /// Staging, @champion and every target the policy's gates name.
    pub fn gate_targets(&self, policy: Option<&Policy>) -> Vec<Target> {
        let mut out: Vec<Target> = self.pending_targets();
        let mut push = |t: Target| {
            if !out.contains(&t) {
                out.push(t);
            }
        };
        push(Target::Stage(Stage::Production));
        push(Target::Stage(Stage::Staging));
        push(Target::Alias("champion".into()));
        for gate in policy.map(|p| p.gates.as_slice()).unwrap_or_default() {
            for t in gate.targets.iter().flatten() {
                push(t.clone());
            }
        }
        if let Some(t) = &self.gate.target {
            push(t.clone());
        }
        out
    }

    /// Targets of the version's pending promotion requests (from its tags, once loaded).
    fn pending_targets(&self) -> Vec<Target> {
        self.data
            .data
            .as_ref()
            .map(|d| {
                DecisionRecord::pending(&d.version.tags)
                    .into_iter()
                    .map(|r| r.target)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The target the Gate tab evaluates: the one chosen, else the pending request's, else
    /// Production. `None` while the version (and so its requests) is still loading.
    pub fn gate_target(&self) -> Option<Target> {
        if let Some(t) = &self.gate.target {
            return Some(t.clone());
        }
        self.data.data.as_ref()?;
        Some(
            self.pending_targets()
                .into_iter()
                .next()
                .unwrap_or(Target::Stage(Stage::Production)),
        )
    }

    /// The evaluation for the current target, once it arrived.
    pub fn gate_report(&self) -> Option<&GateReport> {
        let t = self.gate_target()?;
        self.gate.reports.get(&t)?.data.as_deref()
    }

    /// The check selected on the Gate tab.
    pub fn selected_check(&self) -> Option<&CheckResult> {
        self.gate_report()?.checks.get(self.cursor.selected)
    }

    /// Audit runs of this version that carry a gate report (gate checks and decisions),
    /// newest first.
    pub fn recorded_reports(&self) -> Vec<&AuditRun> {
        self.audit_trail()
            .iter()
            .filter(|r| r.version == self.version && r.report_digest.is_some())
            .collect()
    }

    /// Enter: open or close the selected check's evidence.
    pub(super) fn toggle_evidence(&mut self) {
        let has_check = self.selected_check().is_some();
        self.gate.evidence_open = has_check && !self.gate.evidence_open;
    }

    /// `T`: the next target (its evaluation is asked for if not yet there).
    pub(super) fn cycle_gate_target(&mut self, policy: Option<&Policy>) {
        let targets = self.gate_targets(policy);
        let current = self.gate_target();
        let next = match current.and_then(|c| targets.iter().position(|t| *t == c)) {
            Some(i) => targets[(i + 1) % targets.len()].clone(),
            None => match targets.first() {
                Some(t) => t.clone(),
                None => return,
            },
        };
        self.gate.target = Some(next);
        self.gate.evidence_open = false;
        self.cursor = Default::default();
    }
}

/// Whether a recorded report agrees with the current evaluation.
pub fn agreement(recorded: &AuditRun, current: &GateReport) -> Agreement {
    if recorded.target != current.target.to_string() {
        return Agreement::OtherTarget;
    }
    let status = recorded.gate_status.as_deref() != Some(current.status.as_str());
    let digest = recorded.report_digest.as_deref() != Some(current.digest.as_str());
    if status || digest {
        Agreement::Disagrees { status, digest }
    } else {
        Agreement::Agrees
    }
}
