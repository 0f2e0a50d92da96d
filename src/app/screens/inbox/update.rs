//! The inbox's keys (cursor, Enter opens the request's version on its Gate tab), its answer
//! (which also feeds the models list's marker) and its reloads.

use super::InboxScreen;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyContext;
use crate::app::remote::Remote;
use crate::app::screens::{
    Ctx, DecisionSubject, DetailScreen, DetailTab, Move, Notice, Opening, Screen, ScreenBehaviour,
};
use crate::app::state::StatusLevel;
use crate::registry::PendingRequest;

impl InboxScreen {
    /// The inbox, loading with `request`.
    pub fn opening(request: crate::app::RequestId) -> Opening {
        Opening {
            screen: Screen::Inbox(InboxScreen::new(Remote::loading(request))),
            load: Effect::LoadInbox { request },
        }
    }

    fn reload(&mut self, ctx: &mut Ctx) {
        let request = ctx.new_request();
        self.data.start(request);
        ctx.effect(Effect::LoadInbox { request });
    }
}

impl ScreenBehaviour for InboxScreen {
    fn crumb(&self) -> String {
        "Inbox".to_string()
    }

    fn key_context(&self) -> KeyContext {
        KeyContext::Inbox
    }

    fn is_loading(&self) -> bool {
        self.data.is_loading()
    }

    fn position(&self) -> Option<(usize, usize)> {
        Some((self.cursor.selected, self.rows().len()))
    }

    fn handle_key(&mut self, action: &Action, ctx: &mut Ctx) {
        if Move::list(action, self.rows().len(), &mut self.cursor, ctx.rows) {
            return;
        }
        // Enter: the request's version, straight on its Gate tab for that target.
        if *action == Action::Open {
            let Some(r) = self.selected().cloned() else {
                return;
            };
            let request = ctx.new_request();
            let mut detail = DetailScreen::loading(&r.model, &r.version, request);
            detail.tab = DetailTab::Gate;
            detail.gate.target = Some(r.target);
            ctx.open(detail.into_opening(request));
        }
    }

    fn answer(&mut self, action: Action, ctx: &mut Ctx) -> Option<Action> {
        let action = match action {
            unapproved @ Action::UnapprovedLoaded { .. } => {
                return self.unapproved.answer(unapproved, ctx)
            }
            other => other,
        };
        let Action::InboxLoaded { request, result } = action else {
            return Some(action);
        };
        if self.data.pending != Some(request) {
            return Some(Action::InboxLoaded { request, result });
        }
        let error = result.as_ref().err().cloned();
        let read = result.as_ref().ok().map(|r| marks(r));
        self.data.resolve(request, result);
        let len = self.rows().len();
        self.cursor.follow(len, ctx.rows);
        if let Some(e) = error {
            ctx.set_status(
                StatusLevel::Error,
                format!("reading the pending requests failed: {e} (r retries)"),
            );
        }
        // The inbox read everything the marker needs: keep the models list in step.
        if let Some(marks) = read {
            ctx.tell(Notice::PendingMarks(marks));
            // The requests' models may have changed: check those now shown.
            let models = self.models();
            self.unapproved.reload(models, false, ctx);
        }
        None
    }

    fn refresh(&mut self, ctx: &mut Ctx) {
        self.reload(ctx);
    }

    /// A decided request leaves the inbox, whichever model it was on.
    fn on_model_changed(&mut self, _model: &str, ctx: &mut Ctx) {
        self.reload(ctx);
    }

    fn verify(&mut self, ctx: &mut Ctx) {
        let models = self.models();
        self.unapproved.reload(models, true, ctx);
    }

    fn refollow(&mut self, rows: usize) {
        let len = self.rows().len();
        self.cursor.follow(len, rows);
    }

    fn decision_subject(&self) -> Option<DecisionSubject> {
        self.selected().map(|r| DecisionSubject {
            model: r.model.clone(),
            version: r.version.clone(),
            requested: Some(r.target.to_string()),
        })
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
