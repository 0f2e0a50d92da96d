//! The detail screen's governance tabs: 6 Gate (the configured policy evaluated for a target,
//! next to the reports recorded earlier) and 7 Audit (the model's decision history).

use std::sync::Arc;

use super::{DetailScreen, DetailTab};
use crate::governance::decision::DecisionRecord;
use crate::governance::{CheckResult, GateReport, Policy, Stage, Target};
use crate::registry::AuditRun;

/// The model's audit runs, newest first (both governance tabs read them).
pub type AuditTrail = Arc<Vec<AuditRun>>;

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
        if let Some(t) = &self.gate_target {
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
        if let Some(t) = &self.gate_target {
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
        self.gates.get(&t)?.data.as_deref()
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

    /// The audit trail, or nothing before it arrived.
    pub fn audit_trail(&self) -> &[AuditRun] {
        self.audit
            .as_ref()
            .and_then(|a| a.data.as_deref())
            .map_or(&[], Vec::as_slice)
    }

    /// The Audit tab's rows: every audit run of the model (decisions and recorded gate
    /// checks, as `tollgate audit` lists them), newest first.
    pub fn audit_rows(&self) -> Vec<&AuditRun> {
        self.audit_trail().iter().collect()
    }

    /// Lines the governance tabs scroll through.
    pub(super) fn governance_len(&self) -> usize {
        match self.tab {
            DetailTab::Gate => self.gate_report().map_or(0, |r| r.checks.len()),
            DetailTab::Audit => self.audit_rows().len(),
            _ => 0,
        }
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
