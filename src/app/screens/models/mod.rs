//! The models list: the full list, server-side search results for long lists, filter and sort,
//! and the markers beside each model (pending requests, drift).

mod state;
mod update;

pub use state::{ModelSort, ModelSortColumn, ModelsScreen, ServerSearch};

#[cfg(test)]
mod tests;
