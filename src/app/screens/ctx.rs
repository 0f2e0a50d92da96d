//! What a screen may use of the shared state while it handles an action: the size of the list
//! window, the settings and the policy, request ids, the status line, and where its effects go.
//! What a screen cannot do to the stack itself (open another screen, tell the others something)
//! it asks for here; the router carries it out once the screen is done.

use std::sync::Arc;

use super::behaviour::Notice;
use super::{Opening, Screen};
use crate::app::action::RequestId;
use crate::app::effect::Effect;
use crate::app::settings::UiSettings;
use crate::app::state::{Status, StatusLevel};
use crate::governance::Policy;

pub struct Ctx<'a> {
    /// Rows a list shows at the current size.
    pub rows: usize,
    pub settings: &'a UiSettings,
    /// The configured policy (Gate tab), if any.
    pub policy: Option<&'a Arc<Policy>>,
    next_request: &'a mut RequestId,
    status: &'a mut Option<Status>,
    fx: &'a mut Vec<Effect>,
    opened: Option<Screen>,
    notices: Vec<Notice>,
}

/// What a screen asked the router for: a screen to push, notices for the other screens.
pub struct Asked {
    pub opened: Option<Screen>,
    pub notices: Vec<Notice>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        rows: usize,
        settings: &'a UiSettings,
        policy: Option<&'a Arc<Policy>>,
        next_request: &'a mut RequestId,
        status: &'a mut Option<Status>,
        fx: &'a mut Vec<Effect>,
    ) -> Self {
        Ctx {
            rows,
            settings,
            policy,
            next_request,
            status,
            fx,
            opened: None,
            notices: Vec::new(),
        }
    }

    pub fn new_request(&mut self) -> RequestId {
        let id = *self.next_request;
        *self.next_request += 1;
        id
    }

    pub fn effect(&mut self, effect: Effect) {
        self.fx.push(effect);
    }

    pub fn set_status(&mut self, level: StatusLevel, text: impl Into<String>) {
        *self.status = Some(Status {
            text: text.into(),
            level,
        });
    }

    /// Whether the status line already tells of an error.
    pub fn shows_error(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| s.level == StatusLevel::Error)
    }

    /// Push `opening`'s screen on top once this one is done, and load it.
    pub fn open(&mut self, opening: Opening) {
        self.fx.push(opening.load);
        self.opened = Some(opening.screen);
    }

    /// Tell every screen something this one learned.
    pub fn tell(&mut self, notice: Notice) {
        self.notices.push(notice);
    }

    pub(crate) fn finish(self) -> Asked {
        Asked {
            opened: self.opened,
            notices: self.notices,
        }
    }
}
