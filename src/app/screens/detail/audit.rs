//! Tab 7, Audit: the model's decision history (decisions and recorded gate checks, as
//! `tollgate audit` lists them). The Gate tab reads the same trail for its recorded reports.
//! Asked for on the first visit of either tab; a decision on the model drops it.

use std::sync::Arc;

use super::DetailScreen;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::remote::Remote;
use crate::app::screens::behaviour::failure;
use crate::app::screens::Ctx;
use crate::app::state::StatusLevel;
use crate::registry::AuditRun;

/// The model's audit runs, newest first (both governance tabs read them).
pub type AuditTrail = Arc<Vec<AuditRun>>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditTab {
    /// The model's audit runs, asked for on first visit.
    pub trail: Option<Remote<AuditTrail>>,
}

impl AuditTab {
    pub fn is_loading(&self) -> bool {
        self.trail.as_ref().is_some_and(Remote::is_loading)
    }

    pub fn ensure_loaded(&mut self, model: &str, ctx: &mut Ctx) {
        if self.trail.is_none() {
            let request = ctx.new_request();
            self.trail = Some(Remote::loading(request));
            ctx.effect(Effect::LoadAudit {
                request,
                model: model.to_string(),
            });
        }
    }

    /// `r`: read again what was read (what is shown stays until the answer).
    pub fn refresh(&mut self, model: &str, ctx: &mut Ctx) {
        if let Some(a) = self.trail.as_mut() {
            let request = ctx.new_request();
            a.start(request);
            ctx.effect(Effect::LoadAudit {
                request,
                model: model.to_string(),
            });
        }
    }

    /// A decision added to the trail: read it again when shown.
    pub fn on_model_changed(&mut self) {
        self.trail = None;
    }

    /// The trail this tab asked for; `about` names the version in a failure.
    pub fn answer(&mut self, action: Action, about: &str, ctx: &mut Ctx) -> Option<Action> {
        match action {
            Action::AuditLoaded { request, result }
                if self
                    .trail
                    .as_ref()
                    .is_some_and(|t| t.pending == Some(request)) =>
            {
                let error = result.as_ref().err().cloned();
                let remote = self.trail.as_mut()?;
                remote.resolve(request, result);
                if let Some(e) = error {
                    let text = failure(&format!("audit trail of {about}"), &e, remote.stale);
                    ctx.set_status(StatusLevel::Error, text);
                }
                None
            }
            other => Some(other),
        }
    }

    /// The trail, or nothing before it arrived.
    pub fn runs(&self) -> &[AuditRun] {
        self.trail
            .as_ref()
            .and_then(|a| a.data.as_deref())
            .map_or(&[], Vec::as_slice)
    }
}

impl DetailScreen {
    /// The audit trail, or nothing before it arrived.
    pub fn audit_trail(&self) -> &[AuditRun] {
        self.audit.runs()
    }

    /// The Audit tab's rows: every audit run of the model (decisions and recorded gate
    /// checks, as `tollgate audit` lists them), newest first.
    pub fn audit_rows(&self) -> Vec<&AuditRun> {
        self.audit_trail().iter().collect()
    }
}
