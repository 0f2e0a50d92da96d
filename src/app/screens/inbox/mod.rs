//! `:inbox`: every pending promotion request across models, oldest first.

mod state;
mod update;

pub use state::InboxScreen;
pub use update::marks;
