//! `:velocity`: delivery figures per model, computed off the UI thread from the registry and the
//! audit trail.

mod state;
mod update;

pub use state::VelocityScreen;

#[cfg(test)]
mod tests;
