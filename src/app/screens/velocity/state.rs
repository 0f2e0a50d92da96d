//! The `:velocity` view: delivery figures per model, computed off the UI thread from the
//! registry and the audit trail.

use crate::app::cursor::ListCursor;
use crate::app::remote::Remote;
use crate::governance::velocity::ModelVelocity;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct VelocityScreen {
    pub data: Remote<Vec<ModelVelocity>>,
    pub cursor: ListCursor,
}

impl VelocityScreen {
    pub fn rows(&self) -> &[ModelVelocity] {
        self.data.data.as_deref().unwrap_or(&[])
    }

    pub fn selected(&self) -> Option<&ModelVelocity> {
        self.rows().get(self.cursor.selected)
    }
}
