//! One run that is not the version's own (a parent run, the run that produced a dataset, another
//! version's run), opened from the Lineage tab.

mod state;
mod update;

pub use state::{RunEntry, RunScreen};
