//! `:inbox`: every pending promotion request across models, oldest first.

use crate::app::cursor::ListCursor;
use crate::app::remote::Remote;
use crate::registry::PendingRequest;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct InboxScreen {
    pub data: Remote<Vec<PendingRequest>>,
    pub cursor: ListCursor,
    /// Requests whose version holds a target, or carries a decision tag, that the verified
    /// trail does not account for.
    pub unapproved: crate::app::screens::Unapproved,
}

impl InboxScreen {
    pub fn new(data: Remote<Vec<PendingRequest>>) -> Self {
        InboxScreen {
            data,
            cursor: ListCursor::default(),
            unapproved: Default::default(),
        }
    }

    /// The models the requests are about, each once.
    pub fn models(&self) -> Vec<String> {
        let mut models: Vec<String> = self.rows().iter().map(|r| r.model.clone()).collect();
        models.sort();
        models.dedup();
        models
    }

    pub fn rows(&self) -> &[PendingRequest] {
        self.data.data.as_deref().unwrap_or(&[])
    }

    pub fn selected(&self) -> Option<&PendingRequest> {
        self.rows().get(self.cursor.selected)
    }
}
