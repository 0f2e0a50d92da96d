//! `:inbox`: every pending promotion request across models, oldest first.

use crate::app::cursor::ListCursor;
use crate::app::remote::Remote;
use crate::registry::PendingRequest;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct InboxScreen {
    pub data: Remote<Vec<PendingRequest>>,
    pub cursor: ListCursor,
}

impl InboxScreen {
    pub fn new(data: Remote<Vec<PendingRequest>>) -> Self {
        InboxScreen {
            data,
            cursor: ListCursor::default(),
        }
    }

    pub fn rows(&self) -> &[PendingRequest] {
        self.data.data.as_deref().unwrap_or(&[])
    }

    pub fn selected(&self) -> Option<&PendingRequest> {
        self.rows().get(self.cursor.selected)
    }
}
