//! The versions list's keys (cursor, open, mark, compare, filter), its answers (the versions,
//! drift markers, compare curves) and its reloads.

use super::VersionsScreen;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyContext;
use crate::app::remote::Remote;
use crate::app::screens::behaviour::{answer_history, failure, marks_failed, requested_target};
use crate::app::screens::{
    Ctx, DecisionSubject, DetailScreen, Move, Opening, Screen, ScreenBehaviour,
};
use crate::app::state::StatusLevel;

impl VersionsScreen {
    /// The list of `model`, loading with `request`; `select` is chosen once it arrives.
    pub fn opening(model: &str, select: Option<&str>, request: crate::app::RequestId) -> Opening {
        let mut screen = VersionsScreen::new(model, Remote::loading(request));
        screen.select_on_load = select.map(str::to_string);
        Opening {
            screen: Screen::Versions(screen),
            load: Effect::LoadVersions {
                request,
                model: model.to_string(),
            },
        }
    }
}

impl ScreenBehaviour for VersionsScreen {
    fn crumb(&self) -> String {
        self.model.clone()
    }

    fn key_context(&self) -> KeyContext {
        KeyContext::Versions
    }

    fn is_loading(&self) -> bool {
        self.data.is_loading()
            || self
                .compare
                .as_ref()
                .is_some_and(|c| c.histories.values().any(Remote::is_loading))
    }

    fn position(&self) -> Option<(usize, usize)> {
        Some((self.cursor.selected, self.visible.len()))
    }

    fn filter(&self) -> &str {
        &self.filter
    }

    fn filterable(&self) -> Result<(), &'static str> {
        Ok(())
    }

    fn set_filter(&mut self, text: String, ctx: &mut Ctx) {
        self.filter = text;
        self.recompute(ctx.rows);
    }

    fn close_inner(&mut self) -> bool {
        self.compare.take().is_some()
    }

    fn handle_key(&mut self, action: &Action, ctx: &mut Ctx) {
        let rows = ctx.rows;
        if let Some(how) = Move::of(action) {
            if self.compare.is_some() {
                let len = self.compare_metrics().len();
                if let Some(c) = self.compare.as_mut() {
                    how.apply(&mut c.cursor, len, rows, rows);
                }
            } else {
                Move::list(action, self.visible.len(), &mut self.cursor, rows);
            }
            return;
        }
        match action {
            Action::Open if self.compare.is_none() => {
                if let Some(version) = self.selected().map(|r| r.version.version.clone()) {
                    let request = ctx.new_request();
                    ctx.open(DetailScreen::opening(&self.model, &version, request));
                }
            }
            Action::Mark if self.compare.is_none() => {
                if let Some(version) = self.selected().map(|r| r.version.version.clone()) {
                    if !self.marked.remove(&version) {
                        self.marked.insert(version);
                    }
                    // Marking moves on, so Space Space marks a run of versions.
                    let len = self.visible.len();
                    self.cursor.move_by(1, len, rows);
                }
            }
            Action::Compare => {
                if self.compare.is_some() {
                    self.compare = None;
                } else if self.data.data.is_some() {
                    self.open_compare();
                }
            }
            _ => {}
        }
    }

    fn answer(&mut self, action: Action, ctx: &mut Ctx) -> Option<Action> {
        match action {
            Action::VersionsLoaded { request, result } if self.data.pending == Some(request) => {
                let error = result.as_ref().err().cloned();
                self.data.resolve(request, result.map(|b| *b));
                let configured = ctx.settings.metrics.get(&self.model).map(Vec::as_slice);
                self.on_data(configured, ctx.rows);
                if let Some(e) = error {
                    let what = format!("loading the versions of '{}'", self.model);
                    let text = failure(&what, &e, self.data.stale);
                    ctx.set_status(StatusLevel::Error, text);
                }
                None
            }
            Action::DriftMarksLoaded { request, result }
                if self
                    .drift
                    .as_ref()
                    .is_some_and(|d| d.pending == Some(request)) =>
            {
                let error = result.as_ref().err().cloned();
                let drift = self.drift.as_mut()?;
                drift.resolve(request, result);
                if let Some(e) = error {
                    marks_failed(ctx, "drift markers", &e, drift.stale);
                }
                None
            }
            unapproved @ Action::UnapprovedLoaded { .. } => self.unapproved.answer(unapproved, ctx),
            history @ Action::HistoryLoaded { .. } => {
                let compare = self.compare.as_mut();
                answer_history(history, move |run_id, key| {
                    compare?
                        .histories
                        .get_mut(&(run_id.to_string(), key.to_string()))
                })
            }
            other => Some(other),
        }
    }

    fn ensure_loaded(&mut self, ctx: &mut Ctx) {
        self.ensure_compare_histories(ctx);
        self.unapproved.ensure_loaded(vec![self.model.clone()], ctx);
        if self.drift.is_none() {
            let request = ctx.new_request();
            self.drift = Some(Remote::loading(request));
            ctx.effect(Effect::LoadDriftMarks {
                request,
                model: self.model.clone(),
                thresholds: ctx.settings.drift.clone(),
            });
        }
    }

    fn refresh(&mut self, ctx: &mut Ctx) {
        if let Some(c) = self.compare.as_mut() {
            c.histories.clear();
        }
        self.reload(ctx);
        if self.unapproved.marks.is_some() {
            self.unapproved.reload(vec![self.model.clone()], false, ctx);
        }
        if let Some(drift) = self.drift.as_mut() {
            let request = ctx.new_request();
            drift.start(request);
            ctx.effect(Effect::LoadDriftMarks {
                request,
                model: self.model.clone(),
                thresholds: ctx.settings.drift.clone(),
            });
        }
    }

    fn on_model_changed(&mut self, model: &str, ctx: &mut Ctx) {
        if self.model == model {
            self.reload(ctx);
            self.unapproved.marks = None;
        }
    }

    fn verify(&mut self, ctx: &mut Ctx) {
        self.unapproved.reload(vec![self.model.clone()], true, ctx);
    }

    fn refollow(&mut self, rows: usize) {
        self.cursor.follow(self.visible.len(), rows);
    }

    fn decision_subject(&self) -> Option<DecisionSubject> {
        self.selected().map(|r| DecisionSubject {
            model: self.model.clone(),
            version: r.version.version.clone(),
            requested: requested_target(&r.version.tags),
        })
    }
}

impl VersionsScreen {
    fn reload(&mut self, ctx: &mut Ctx) {
        let request = ctx.new_request();
        self.data.start(request);
        ctx.effect(Effect::LoadVersions {
            request,
            model: self.model.clone(),
        });
    }
}
