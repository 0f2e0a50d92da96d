//! The velocity view's keys (cursor, Enter opens the model's versions), its answer and reload.

use super::VelocityScreen;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyContext;
use crate::app::remote::Remote;
use crate::app::screens::behaviour::failure;
use crate::app::screens::{Ctx, Move, Opening, Screen, ScreenBehaviour, VersionsScreen};
use crate::app::state::StatusLevel;
use crate::evidence::drift::DriftThresholds;

impl VelocityScreen {
    /// The figures, computing with `request` (drift judged by `thresholds`).
    pub fn opening(request: crate::app::RequestId, thresholds: DriftThresholds) -> Opening {
        Opening {
            screen: Screen::Velocity(VelocityScreen {
                data: Remote::loading(request),
                ..Default::default()
            }),
            load: Effect::LoadVelocity {
                request,
                thresholds,
            },
        }
    }
}

impl ScreenBehaviour for VelocityScreen {
    fn crumb(&self) -> String {
        "Velocity".to_string()
    }

    fn key_context(&self) -> KeyContext {
        KeyContext::Velocity
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
        if *action == Action::Open {
            if let Some(model) = self.selected().map(|m| m.model.clone()) {
                let request = ctx.new_request();
                ctx.open(VersionsScreen::opening(&model, None, request));
            }
        }
    }

    fn answer(&mut self, action: Action, ctx: &mut Ctx) -> Option<Action> {
        match action {
            Action::VelocityLoaded { request, result } if self.data.pending == Some(request) => {
                let error = result.as_ref().err().cloned();
                self.data.resolve(request, result);
                let len = self.rows().len();
                self.cursor.follow(len, ctx.rows);
                if let Some(e) = error {
                    let text = failure("computing velocity", &e, self.data.stale);
                    ctx.set_status(StatusLevel::Error, text);
                }
                None
            }
            other => Some(other),
        }
    }

    fn refresh(&mut self, ctx: &mut Ctx) {
        let request = ctx.new_request();
        self.data.start(request);
        ctx.effect(Effect::LoadVelocity {
            request,
            thresholds: ctx.settings.drift.clone(),
        });
    }

    fn refollow(&mut self, rows: usize) {
        let len = self.rows().len();
        self.cursor.follow(len, rows);
    }
}
