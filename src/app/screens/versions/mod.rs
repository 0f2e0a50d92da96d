//! One model's versions: filter, cursor, which metrics get columns, the champion, drift markers,
//! marks, and the compare view.

mod compare;
mod state;
mod update;

pub use compare::Compare;
pub use state::{VersionsScreen, MAX_METRIC_COLUMNS};
