//! Unapproved changes (a version holding a stage or alias, or a decision tag, that the verified
//! trail does not account for), as the versions list, the inbox and the Gate tab mark them.
//! Each screen asks for the models it shows once; `:verify` asks again and says what it found.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::behaviour::marks_failed;
use super::Ctx;
use crate::app::action::{Action, RequestId};
use crate::app::effect::Effect;
use crate::app::remote::Remote;
use crate::app::state::StatusLevel;
use crate::governance::decision::UnapprovedChange;

/// Model name -> its unapproved changes (empty: none).
pub type UnapprovedMarks = Arc<BTreeMap<String, Vec<UnapprovedChange>>>;

/// The marker drawn beside such a version, with the word that explains it (legend, Gate tab).
pub const UNAPPROVED_MARK: &str = "⊘";
pub const UNAPPROVED_WORD: &str = "unapproved change";

/// Markers are an extra, like drift markers: loading them does not spin the indicator.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unapproved {
    pub marks: Option<Remote<UnapprovedMarks>>,
    /// The last check was asked for with `:verify`: say what it found.
    announce: bool,
}

impl Unapproved {
    /// Ask once for `models` (nothing when there are none).
    pub fn ensure_loaded(&mut self, models: Vec<String>, ctx: &mut Ctx) {
        if self.marks.is_none() && !models.is_empty() {
            let request = ctx.new_request();
            self.marks = Some(Remote::loading(request));
            load(request, models, ctx);
        }
    }

    /// Read again (refresh, or `:verify` when `announce`).
    pub fn reload(&mut self, models: Vec<String>, announce: bool, ctx: &mut Ctx) {
        if models.is_empty() {
            if announce {
                ctx.set_status(StatusLevel::Info, "verify: no model on this screen");
            }
            return;
        }
        let request = ctx.new_request();
        match self.marks.as_mut() {
            Some(m) => m.start(request),
            None => self.marks = Some(Remote::loading(request)),
        }
        self.announce = announce;
        if announce {
            ctx.set_status(
                StatusLevel::Info,
                "verify: comparing the registry with the trail…",
            );
        }
        load(request, models, ctx);
    }

    /// Take the answer when it is ours.
    pub fn answer(&mut self, action: Action, ctx: &mut Ctx) -> Option<Action> {
        match action {
            Action::UnapprovedLoaded { request, result }
                if self
                    .marks
                    .as_ref()
                    .is_some_and(|m| m.pending == Some(request)) =>
            {
                let error = result.as_ref().err().cloned();
                let marks = self.marks.as_mut()?;
                marks.resolve(request, result);
                if let Some(e) = error {
                    marks_failed(ctx, "unapproved change markers", &e, marks.stale);
                } else if std::mem::take(&mut self.announce) {
                    let found: usize = marks
                        .data
                        .as_ref()
                        .map_or(0, |m| m.values().map(Vec::len).sum());
                    match found {
                        0 => ctx.set_status(
                            StatusLevel::Info,
                            "verify: every holder and decision tag is backed by a verified record",
                        ),
                        n => ctx.set_status(
                            StatusLevel::Error,
                            format!("verify: {n} {UNAPPROVED_WORD}(s), marked {UNAPPROVED_MARK}"),
                        ),
                    }
                }
                None
            }
            other => Some(other),
        }
    }

    /// The changes about one version.
    pub fn changes(&self, model: &str, version: &str) -> Vec<&UnapprovedChange> {
        self.marks
            .as_ref()
            .and_then(|m| m.data.as_ref())
            .and_then(|m| m.get(model))
            .map(|list| list.iter().filter(|c| c.version == version).collect())
            .unwrap_or_default()
    }

    /// Whether the version has any.
    pub fn marked(&self, model: &str, version: &str) -> bool {
        !self.changes(model, version).is_empty()
    }

    /// Whether any version of the shown models has one (for legends).
    pub fn any(&self) -> bool {
        self.marks
            .as_ref()
            .and_then(|m| m.data.as_ref())
            .is_some_and(|m| m.values().any(|l| !l.is_empty()))
    }
}

fn load(request: RequestId, models: Vec<String>, ctx: &mut Ctx) {
    let policy = ctx.policy.cloned();
    ctx.effect(Effect::LoadUnapproved {
        request,
        models,
        policy,
    });
}
