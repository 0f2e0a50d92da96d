//! What every screen does, so `update` and the views need not know which screen is on top, and
//! the small helpers their update logic shares.

use super::Ctx;
use crate::app::action::{Action, LoadError};
use crate::app::cursor::ListCursor;
use crate::app::keymap::KeyContext;
use crate::app::remote::Remote;
use crate::app::state::{StatusLevel, LIST_CHROME_ROWS};
use crate::governance::decision::{Decision, DecisionRecord};
use crate::mlflow::Metric;

/// One level of the breadcrumb. Pure, like `update`: methods change the screen and ask for
/// effects through [`Ctx`].
pub trait ScreenBehaviour {
    /// The breadcrumb segment naming this level (server text: sanitize before drawing).
    fn crumb(&self) -> String;

    /// A level above this one the breadcrumb names when the screen below does not show it
    /// (a version opened from the inbox names its model).
    fn parent_crumb(&self) -> Option<String> {
        None
    }

    /// The part of the screen on show, named last when the screen is on top (a tab).
    fn inner_crumb(&self) -> Option<String> {
        None
    }

    /// Which keys apply (and the help lists).
    fn key_context(&self) -> KeyContext;

    /// Rows of chrome around the list; the detail views add a tab bar.
    fn chrome_rows(&self) -> u16 {
        LIST_CHROME_ROWS
    }

    /// Whether anything of this screen is on its way (spinner ticks run meanwhile).
    fn is_loading(&self) -> bool;

    /// (selected index, count) when the screen is a list, for the status line.
    fn position(&self) -> Option<(usize, usize)> {
        None
    }

    /// The active filter text.
    fn filter(&self) -> &str {
        ""
    }

    /// Whether `/` narrows something here; else the message saying there is nothing to filter.
    fn filterable(&self) -> Result<(), &'static str> {
        Err("nothing to filter here")
    }

    /// Narrow to `text` now (a long models list also asks the server once typing pauses).
    fn set_filter(&mut self, _text: String, _ctx: &mut Ctx) {}

    /// Esc: close what is open inside the screen (compare view, evidence); false if nothing was.
    fn close_inner(&mut self) -> bool {
        false
    }

    /// A key meant for the screen (global keys never reach it).
    fn handle_key(&mut self, action: &Action, ctx: &mut Ctx);

    /// An answer from a background task (or a timer): taken when this screen asked for it,
    /// else given back for the next screen.
    fn answer(&mut self, action: Action, _ctx: &mut Ctx) -> Option<Action> {
        Some(action)
    }

    /// On top: ask for what is shown and missing. Each is asked for once and kept until refresh.
    fn ensure_loaded(&mut self, _ctx: &mut Ctx) {}

    /// Asked for even when another screen covers this one (the models list's drift markers,
    /// ready for the way back).
    fn ensure_loaded_below(&mut self, _ctx: &mut Ctx) {}

    /// `r`: reload what is shown; it stays until the answer.
    fn refresh(&mut self, ctx: &mut Ctx);

    /// A decision was written on `model`: reload what shows it, dropping what it outdated.
    fn on_model_changed(&mut self, _model: &str, _ctx: &mut Ctx) {}

    /// Another screen learned something this one shows.
    fn hear(&mut self, _notice: &Notice) {}

    /// Keep the cursor valid after the window changed size.
    fn refollow(&mut self, rows: usize);

    /// `:verify`: compare the registry's state of the models shown with their trails now.
    fn verify(&mut self, ctx: &mut Ctx) {
        ctx.set_status(
            StatusLevel::Info,
            "verify: open a model, a version or the inbox to compare it with its trail",
        );
    }

    /// The version a decision key (`p`, `a`, `x`, `b`) acts on.
    fn decision_subject(&self) -> Option<DecisionSubject> {
        None
    }
}

/// What one screen learned that others show.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Pending requests per model, as the inbox just read them (the models list's marker).
    PendingMarks(std::collections::BTreeMap<String, usize>),
}

/// A version a decision acts on, with the target of its pending promotion request when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionSubject {
    pub model: String,
    pub version: String,
    pub requested: Option<String>,
}

/// The target of a version's pending promotion request, from its tags.
pub(crate) fn requested_target(tags: &[crate::mlflow::Tag]) -> Option<String> {
    DecisionRecord::from_tags(tags)
        .into_iter()
        .find(|r| r.decision == Decision::Requested)
        .map(|r| r.target.to_string())
}

/// A cursor key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    By(isize),
    Page(isize),
    First,
    Last,
}

impl Move {
    pub fn of(action: &Action) -> Option<Move> {
        Some(match action {
            Action::MoveUp => Move::By(-1),
            Action::MoveDown => Move::By(1),
            Action::PageUp => Move::Page(-1),
            Action::PageDown => Move::Page(1),
            Action::First => Move::First,
            Action::Last => Move::Last,
            _ => return None,
        })
    }

    /// Which way the cursor went (+1 down, -1 up), to step off headings the same way.
    pub fn direction(self) -> isize {
        match self {
            Move::By(n) | Move::Page(n) => n.signum(),
            Move::First => 1,
            Move::Last => -1,
        }
    }

    /// A cursor key on a plain list of `len` rows: moves `cursor` and returns true; any other
    /// action returns false.
    pub fn list(action: &Action, len: usize, cursor: &mut ListCursor, rows: usize) -> bool {
        let Some(how) = Move::of(action) else {
            return false;
        };
        how.apply(cursor, len, rows, rows);
        true
    }

    /// Move over `len` lines shown in a `window` of rows; a page is `rows`.
    pub fn apply(self, cursor: &mut ListCursor, len: usize, window: usize, rows: usize) {
        match self {
            Move::By(n) => cursor.move_by(n, len, window),
            Move::Page(n) => cursor.move_by(n * rows.max(1) as isize, len, window),
            Move::First => cursor.first(),
            Move::Last => cursor.last(len, window),
        }
    }
}

/// A metric history's answer (Metrics tab, compare view, run view): resolved into the slot
/// `slot_for(run id, key)` finds when that slot awaits it, else given back.
pub(crate) fn answer_history<'a>(
    action: Action,
    slot_for: impl FnOnce(&str, &str) -> Option<&'a mut Remote<Vec<Metric>>>,
) -> Option<Action> {
    let Action::HistoryLoaded {
        request,
        run_id,
        key,
        result,
    } = action
    else {
        return Some(action);
    };
    match slot_for(&run_id, &key).filter(|h| h.pending == Some(request)) {
        Some(h) => {
            h.resolve(request, result);
            None
        }
        None => Some(Action::HistoryLoaded {
            request,
            run_id,
            key,
            result,
        }),
    }
}

/// How a failure reads in the status line: what failed, why, and what the screen shows now.
pub(crate) fn failure(what: &str, error: &LoadError, kept_data: bool) -> String {
    if kept_data {
        format!("{what} failed: {error} (showing older data; r retries)")
    } else {
        format!("{what} failed: {error} (r retries)")
    }
}

/// Markers are hints beside a list: their failure leaves the list usable, not in error. The
/// markers already shown stay, marked stale; the status line says the load failed, unless it
/// already tells of an error (the list's own, from the same refresh).
pub(crate) fn marks_failed(ctx: &mut Ctx, what: &str, error: &LoadError, kept: bool) {
    if ctx.shows_error() {
        return;
    }
    let text = if kept {
        format!("refreshing the {what} failed: {error} (the markers shown are older, marked stale; r retries)")
    } else {
        format!("loading the {what} failed: {error} (none shown; r retries)")
    };
    ctx.set_status(StatusLevel::Warning, text);
}
