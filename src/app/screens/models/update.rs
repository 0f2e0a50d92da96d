//! The models list's keys (cursor, open, sort, filter with a debounced server search), its
//! answers (the list, search results, both markers) and its reloads.

use super::state::{ModelsScreen, ServerSearch};
use crate::app::action::{Action, Answer, RequestId};
use crate::app::effect::Effect;
use crate::app::keymap::KeyContext;
use crate::app::remote::Remote;
use crate::app::screens::behaviour::{failure, marks_failed};
use crate::app::screens::{Ctx, Move, Notice, ScreenBehaviour, VersionsScreen};
use crate::app::state::StatusLevel;
use crate::registry::ModelSummary;

impl ScreenBehaviour for ModelsScreen {
    fn crumb(&self) -> String {
        "Models".to_string()
    }

    fn key_context(&self) -> KeyContext {
        KeyContext::Models
    }

    fn is_loading(&self) -> bool {
        ModelsScreen::is_loading(self)
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
        self.filter = text.clone();
        if text.is_empty() {
            self.search = None;
        }
        self.recompute(ctx.rows);
        let threshold = ctx.settings.server_search_threshold;
        let long = self
            .all
            .data
            .as_ref()
            .is_none_or(|all| all.len() >= threshold);
        if long && !text.trim().is_empty() {
            ctx.effect(Effect::After {
                delay_ms: ctx.settings.search_debounce_ms,
                action: Box::new(Action::SearchDue { text }),
            });
        }
    }

    fn handle_key(&mut self, action: &Action, ctx: &mut Ctx) {
        if Move::list(action, self.visible.len(), &mut self.cursor, ctx.rows) {
            return;
        }
        match action {
            Action::Open => {
                if let Some(model) = self.selected().map(|m| m.name.clone()) {
                    let request = ctx.new_request();
                    ctx.open(VersionsScreen::opening(&model, None, request));
                }
            }
            Action::CycleSort => {
                self.sort = self.sort.cycled();
                self.recompute(ctx.rows);
            }
            Action::ReverseSort => {
                self.sort.descending = !self.sort.descending;
                self.recompute(ctx.rows);
            }
            _ => {}
        }
    }

    fn answer(&mut self, action: Action, ctx: &mut Ctx) -> Option<Action> {
        match action {
            Action::ModelsPage { request, rows } => {
                if self.all.pending == Some(request) {
                    self.page_arrived(rows);
                    self.recompute(ctx.rows);
                }
            }
            Action::ModelsLoaded { request, result } => self.models_loaded(request, result, ctx),
            Action::ModelCountsLoaded { request, result } => {
                let error = result.as_ref().err().cloned();
                if !self.counts.resolve(request, result) {
                    return None;
                }
                self.apply_counts();
                self.recompute(ctx.rows);
                if let Some(e) = error {
                    tracing::warn!(error = %e, "could not count versions");
                }
            }
            Action::ModelSearchLoaded { request, result } => {
                self.search_loaded(request, result, ctx)
            }
            Action::SearchDue { text } => self.search_due(&text, ctx),
            Action::ModelDriftMarksLoaded { request, result } => {
                let error = result.as_ref().err().cloned();
                let drift = self.drift.as_mut()?;
                if !drift.resolve(request, result) {
                    return None;
                }
                if let Some(e) = error {
                    marks_failed(ctx, "drift markers", &e, drift.stale);
                }
            }
            Action::PendingMarksLoaded { request, result } => {
                let error = result.as_ref().err().cloned();
                let pending = self.pending.as_mut()?;
                if !pending.resolve(request, result) {
                    return None;
                }
                if let Some(e) = error {
                    marks_failed(ctx, "pending-request markers", &e, pending.stale);
                }
            }
            other => return Some(other),
        }
        None
    }

    fn ensure_loaded(&mut self, ctx: &mut Ctx) {
        if self.pending.is_none() {
            let request = ctx.new_request();
            self.pending = Some(Remote::loading(request));
            ctx.effect(Effect::LoadPendingMarks { request });
        }
    }

    fn ensure_loaded_below(&mut self, ctx: &mut Ctx) {
        if self.drift.is_none() && self.all.data.is_some() {
            let request = ctx.new_request();
            self.drift = Some(Remote::loading(request));
            ctx.effect(Effect::LoadModelDriftMarks {
                request,
                thresholds: ctx.settings.drift.clone(),
            });
        }
    }

    fn refresh(&mut self, ctx: &mut Ctx) {
        self.reload(ctx);
        // Markers shown stay until the answer (and stale if it fails), as the list does.
        if let Some(drift) = self.drift.as_mut() {
            let request = ctx.new_request();
            drift.start(request);
            ctx.effect(Effect::LoadModelDriftMarks {
                request,
                thresholds: ctx.settings.drift.clone(),
            });
        }
    }

    /// Any model's new stage shows in the list (and in a server search on screen).
    fn on_model_changed(&mut self, _model: &str, ctx: &mut Ctx) {
        self.reload(ctx);
    }

    fn hear(&mut self, notice: &Notice) {
        match notice {
            Notice::PendingMarks(marks) => self.pending = Some(Remote::loaded(marks.clone())),
        }
    }

    fn refollow(&mut self, rows: usize) {
        self.cursor.follow(self.visible.len(), rows);
    }
}

impl ModelsScreen {
    /// Read the list again, and its server search when one is shown; the pending-request
    /// marker is asked for again once the list shows.
    fn reload(&mut self, ctx: &mut Ctx) {
        let request = ctx.new_request();
        self.start_load(request);
        ctx.effect(Effect::LoadModels { request });
        if let Some(search) = self.search.as_mut() {
            let request = ctx.new_request();
            search.results.start(request);
            ctx.effect(Effect::SearchModels {
                request,
                text: search.text.clone(),
            });
        }
        // The markers shown stay (marked stale if this reload fails); never asked: asked when shown.
        if let Some(pending) = self.pending.as_mut() {
            let request = ctx.new_request();
            pending.start(request);
            ctx.effect(Effect::LoadPendingMarks { request });
        }
    }

    fn models_loaded(
        &mut self,
        request: RequestId,
        result: Answer<Vec<ModelSummary>>,
        ctx: &mut Ctx,
    ) {
        if self.all.pending != Some(request) {
            return;
        }
        let error = result.as_ref().err().cloned();
        let result = result.map(|rows| self.last_page(rows));
        self.all.resolve(request, result);
        self.fill_ended();
        self.recompute(ctx.rows);
        if let Some(e) = error {
            let text = failure("listing models", &e, self.all.stale);
            ctx.set_status(StatusLevel::Error, text);
        }
    }

    fn search_loaded(
        &mut self,
        request: RequestId,
        result: Answer<Vec<ModelSummary>>,
        ctx: &mut Ctx,
    ) {
        let error = result.as_ref().err().cloned();
        let Some(search) = self.search.as_mut() else {
            return;
        };
        if !search.results.resolve(request, result) {
            return;
        }
        self.recompute(ctx.rows);
        if let Some(e) = error {
            ctx.set_status(
                StatusLevel::Error,
                format!(
                    "searching the server failed: {e} (the filter still narrows the loaded list)"
                ),
            );
        }
    }

    /// The debounce delay passed: search the server if the filter is still this text.
    fn search_due(&mut self, text: &str, ctx: &mut Ctx) {
        let request = ctx.new_request();
        if self.filter != text || text.trim().is_empty() {
            return;
        }
        if self.search.as_ref().is_some_and(|s| s.text == text) {
            return;
        }
        self.search = Some(ServerSearch {
            text: text.to_string(),
            results: Remote::loading(request),
        });
        ctx.effect(Effect::SearchModels {
            request,
            text: text.to_string(),
        });
    }
}
