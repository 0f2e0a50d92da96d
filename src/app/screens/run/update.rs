//! The run view's keys (cursor off the headings, curve by step or time), its answers (the run,
//! the selected metric's history) and its reload.

use super::RunScreen;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyContext;
use crate::app::remote::Remote;
use crate::app::screens::behaviour::{answer_history, failure};
use crate::app::screens::{Ctx, Move, Opening, Screen, ScreenBehaviour};
use crate::app::state::{StatusLevel, DETAIL_CHROME_ROWS};

impl RunScreen {
    /// The run `run_id` (`label` names it until it loaded), loading with `request`.
    pub fn opening(run_id: &str, label: &str, request: crate::app::RequestId) -> Opening {
        Opening {
            screen: Screen::Run(RunScreen::new(run_id, label, Remote::loading(request))),
            load: Effect::LoadRun {
                request,
                run_id: run_id.to_string(),
            },
        }
    }
}

impl ScreenBehaviour for RunScreen {
    /// The run's name once known, else its id's start.
    fn crumb(&self) -> String {
        let name = self
            .data
            .data
            .as_ref()
            .and_then(|r| r.info.run_name.clone());
        let short: String = self.run_id.chars().take(8).collect();
        format!("run {}", name.unwrap_or(short))
    }

    fn key_context(&self) -> KeyContext {
        KeyContext::Run
    }

    fn chrome_rows(&self) -> u16 {
        DETAIL_CHROME_ROWS
    }

    fn is_loading(&self) -> bool {
        self.data.is_loading() || self.histories.values().any(Remote::is_loading)
    }

    fn handle_key(&mut self, action: &Action, ctx: &mut Ctx) {
        if let Some(how) = Move::of(action) {
            let len = self.entries().len();
            how.apply(&mut self.cursor, len, ctx.rows, ctx.rows);
            self.settle_on_entry(how.direction(), ctx.rows);
            return;
        }
        if *action == Action::ToggleTimeAxis {
            self.by_time = !self.by_time;
        }
    }

    fn answer(&mut self, action: Action, ctx: &mut Ctx) -> Option<Action> {
        match action {
            Action::RunLoaded { request, result } if self.data.pending == Some(request) => {
                let error = result.as_ref().err().cloned();
                self.data.resolve(request, result.map(|b| *b));
                let len = self.entries().len();
                self.cursor.follow(len, ctx.rows);
                self.settle_on_entry(1, ctx.rows);
                if let Some(e) = error {
                    let what = format!("loading run {}", self.run_id);
                    let text = failure(&what, &e, self.data.stale);
                    ctx.set_status(StatusLevel::Error, text);
                }
                None
            }
            history @ Action::HistoryLoaded { .. } => {
                let (own_run, histories) = (&self.run_id, &mut self.histories);
                answer_history(history, move |run_id, key| {
                    (run_id == own_run)
                        .then(|| histories.get_mut(key))
                        .flatten()
                })
            }
            other => Some(other),
        }
    }

    /// The selected metric's history, once.
    fn ensure_loaded(&mut self, ctx: &mut Ctx) {
        let Some(key) = self
            .selected_metric()
            .map(|m| m.key.clone())
            .filter(|k| !self.histories.contains_key(k))
        else {
            return;
        };
        let request = ctx.new_request();
        self.histories.insert(key.clone(), Remote::loading(request));
        ctx.effect(Effect::LoadHistory {
            request,
            run_id: self.run_id.clone(),
            key,
        });
    }

    fn refresh(&mut self, ctx: &mut Ctx) {
        self.histories.clear();
        let request = ctx.new_request();
        self.data.start(request);
        ctx.effect(Effect::LoadRun {
            request,
            run_id: self.run_id.clone(),
        });
    }

    fn refollow(&mut self, rows: usize) {
        let len = self.entries().len();
        self.cursor.follow(len, rows);
    }
}
