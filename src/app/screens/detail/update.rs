//! The detail screen's keys (cursor, tabs, and each tab's own: fold, evidence, gate target,
//! curve axis, export), its answers (routed to the tab that asked) and its reloads.

use super::{DetailScreen, DetailTab};
use crate::app::action::{Action, RequestId};
use crate::app::effect::Effect;
use crate::app::keymap::KeyContext;
use crate::app::screens::behaviour::{failure, requested_target};
use crate::app::screens::{Ctx, DecisionSubject, Move, ScreenBehaviour};
use crate::app::state::{StatusLevel, DETAIL_CHROME_ROWS};

impl ScreenBehaviour for DetailScreen {
    fn crumb(&self) -> String {
        format!("version {}", self.version)
    }

    fn parent_crumb(&self) -> Option<String> {
        Some(self.model.clone())
    }

    fn inner_crumb(&self) -> Option<String> {
        Some(self.tab.title().to_string())
    }

    fn key_context(&self) -> KeyContext {
        KeyContext::Detail
    }

    fn chrome_rows(&self) -> u16 {
        DETAIL_CHROME_ROWS
    }

    fn is_loading(&self) -> bool {
        self.data.is_loading()
            || self.metrics.is_loading()
            || self.drift.is_loading()
            || self.lineage.is_loading()
            || self.gate.is_loading()
            || self.audit.is_loading()
    }

    /// The Metrics tab's filter, only while that tab is shown: it narrows nothing elsewhere, so
    /// the other tabs neither show it nor clear it on Esc.
    fn filter(&self) -> &str {
        if self.tab.filterable() {
            &self.metrics.filter
        } else {
            ""
        }
    }

    fn filterable(&self) -> Result<(), &'static str> {
        if self.tab.filterable() {
            Ok(())
        } else {
            Err("nothing to filter on this tab")
        }
    }

    fn set_filter(&mut self, text: String, ctx: &mut Ctx) {
        self.metrics.filter = text;
        let len = self.scroll_len();
        self.cursor.follow(len, ctx.rows);
        self.settle_on_entry(1, ctx.rows);
    }

    fn close_inner(&mut self) -> bool {
        std::mem::take(&mut self.gate.evidence_open)
    }

    fn handle_key(&mut self, action: &Action, ctx: &mut Ctx) {
        let rows = ctx.rows;
        if let Some(how) = Move::of(action) {
            let len = self.scroll_len();
            // The Overview scrolls (a one-row window makes the cursor the scroll position).
            let window = if self.tab == DetailTab::Overview {
                1
            } else {
                rows
            };
            how.apply(&mut self.cursor, len, window, rows);
            self.settle_on_entry(how.direction(), rows);
            return;
        }
        match (action, self.tab) {
            (Action::NextTab, _) => self.select_tab(self.tab.next(), rows),
            (Action::PrevTab, _) => self.select_tab(self.tab.prev(), rows),
            (Action::SelectTab(n), _) => {
                if let Some(tab) = DetailTab::from_number(*n) {
                    self.select_tab(tab, rows);
                }
            }
            (Action::Open, DetailTab::Gate) => self.toggle_evidence(),
            (Action::Open, DetailTab::Lineage) => self.open_node(ctx),
            (Action::ToggleFold, DetailTab::Lineage) => self.toggle_fold(rows),
            (Action::CycleGateTarget, DetailTab::Gate) => {
                self.cycle_gate_target(ctx.policy.map(|p| p.as_ref()))
            }
            (Action::CycleDriftPanel, DetailTab::Drift) => self.drift.cycle_panel(),
            (Action::ToggleTimeAxis, DetailTab::Metrics) => {
                self.metrics.by_time = !self.metrics.by_time
            }
            (Action::Export, _) => self.start_export(ctx),
            _ => {}
        }
    }

    fn answer(&mut self, action: Action, ctx: &mut Ctx) -> Option<Action> {
        let action = match action {
            Action::DetailLoaded { request, result } if self.data.pending == Some(request) => {
                let error = result.as_ref().err().cloned();
                self.data.resolve(request, result.map(|b| *b));
                let len = self.scroll_len();
                self.cursor.follow(len, ctx.rows);
                self.settle_on_entry(1, ctx.rows);
                if let Some(e) = error {
                    let what = format!("loading {}", self.about());
                    let text = failure(&what, &e, self.data.stale);
                    ctx.set_status(StatusLevel::Error, text);
                }
                return None;
            }
            other => other,
        };
        let action = self.metrics.answer(action)?;
        if let unapproved @ Action::UnapprovedLoaded { .. } = action {
            return match self.unapproved.answer(unapproved, ctx) {
                None => self.answered(DetailTab::Gate, ctx.rows),
                other => other,
            };
        }
        let about = self.about();
        let action = match self.drift.answer(action, &about, ctx) {
            None => return self.answered(DetailTab::Drift, ctx.rows),
            Some(other) => other,
        };
        let action = match self.lineage.answer(action, &about, ctx) {
            None => return self.answered(DetailTab::Lineage, ctx.rows),
            Some(other) => other,
        };
        let action = match self.gate.answer(action, &about, ctx) {
            None => return self.answered(DetailTab::Gate, ctx.rows),
            Some(other) => other,
        };
        match self.audit.answer(action, &about, ctx) {
            None => self.answered(DetailTab::Audit, ctx.rows),
            other => other,
        }
    }

    /// What the tab shown needs and lacks.
    fn ensure_loaded(&mut self, ctx: &mut Ctx) {
        match self.tab {
            DetailTab::Overview | DetailTab::Fairness => {}
            DetailTab::Metrics => {
                let selected = self.run_id().zip(self.selected_metric());
                if let Some((run_id, key)) = selected.map(|(r, m)| (r.to_string(), m.key.clone())) {
                    self.metrics.ensure_loaded(&run_id, &key, ctx);
                }
            }
            DetailTab::Drift => self.drift.ensure_loaded(&self.model, &self.version, ctx),
            DetailTab::Lineage => self.lineage.ensure_loaded(&self.model, &self.version, ctx),
            DetailTab::Gate => {
                self.audit.ensure_loaded(&self.model, ctx);
                self.unapproved.ensure_loaded(vec![self.model.clone()], ctx);
                let target = self.gate_target();
                self.gate
                    .ensure_loaded(target, &self.model, &self.version, ctx);
            }
            DetailTab::Audit => self.audit.ensure_loaded(&self.model, ctx),
        }
    }

    /// The version and every tab's data read so far (what is shown stays until the answer).
    fn refresh(&mut self, ctx: &mut Ctx) {
        self.metrics.refresh();
        self.lineage.refresh(&self.model, &self.version, ctx);
        self.drift.refresh(&self.model, &self.version, ctx);
        let request = ctx.new_request();
        self.reload(request, ctx);
        let target = self.gate_target();
        self.gate.refresh(target, &self.model, &self.version, ctx);
        self.audit.refresh(&self.model, ctx);
        if self.unapproved.marks.is_some() {
            self.unapproved.reload(vec![self.model.clone()], false, ctx);
        }
    }

    /// A decision changes the version's stage and tags, what the gates read and the trail;
    /// the run's metrics, its monitoring and its lineage stay as they were.
    fn on_model_changed(&mut self, model: &str, ctx: &mut Ctx) {
        if self.model != model {
            return;
        }
        // The Gate and Audit tabs are evaluated and read again when shown.
        self.gate.on_model_changed();
        self.audit.on_model_changed();
        self.unapproved.marks = None;
        let request = ctx.new_request();
        self.reload(request, ctx);
    }

    fn verify(&mut self, ctx: &mut Ctx) {
        self.unapproved.reload(vec![self.model.clone()], true, ctx);
    }

    fn refollow(&mut self, rows: usize) {
        if self.tab != DetailTab::Overview {
            let len = self.scroll_len();
            self.cursor.follow(len, rows);
        }
    }

    fn decision_subject(&self) -> Option<DecisionSubject> {
        let requested = self
            .data
            .data
            .as_ref()
            .and_then(|d| requested_target(&d.version.tags));
        Some(DecisionSubject {
            model: self.model.clone(),
            version: self.version.clone(),
            requested,
        })
    }
}

impl DetailScreen {
    fn reload(&mut self, request: RequestId, ctx: &mut Ctx) {
        self.data.start(request);
        ctx.effect(Effect::LoadDetail {
            request,
            model: self.model.clone(),
            version: self.version.clone(),
        });
    }

    /// A tab took an answer: keep the cursor in range when that tab shows.
    fn answered(&mut self, tab: DetailTab, rows: usize) -> Option<Action> {
        if self.tab == tab {
            let len = self.scroll_len();
            self.cursor.follow(len, rows);
        }
        None
    }

    /// Export into `tollgate-evidence/<model>-v<version>` under the current directory:
    /// predictable, so the user knows where to look without a prompt.
    fn start_export(&self, ctx: &mut Ctx) {
        let (model, version) = (self.model.clone(), self.version.clone());
        let dir = std::path::PathBuf::from("tollgate-evidence").join(format!(
            "{}-v{}",
            crate::export::naming::safe_stem(&model),
            crate::export::naming::safe_stem(&version)
        ));
        ctx.set_status(
            StatusLevel::Info,
            format!("exporting the evidence pack to {} …", dir.display()),
        );
        ctx.effect(Effect::Export {
            model,
            version,
            dir,
        });
    }
}
