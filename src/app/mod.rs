//! The cockpit's brain, apart from any terminal: [`State`] (plain data), one [`Action`] type,
//! the pure [`update`] that turns actions into state changes and [`Effect`]s, the one
//! [`EffectRunner`] that carries effects out (against the registry, mostly), and the [`KeyMap`].
//! Each screen's state and behaviour (its keys, the answers it takes, what it loads) live in its
//! own folder under [`screens`]; `update` handles the global actions and routes the rest to the
//! screen.

pub mod action;
pub mod command;
pub mod cursor;
pub mod dialog;
pub mod effect;
pub mod effects;
pub mod error;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod keymap;
pub mod prompt;
pub mod remote;
pub mod screens;
pub mod settings;
pub mod state;
mod update;

pub use action::{Action, Edit, RequestId};
pub use effect::Effect;
pub use effects::{EffectRunner, ThemeSlot};
pub use keymap::{InputMode, Key, KeyContext, KeyMap};
pub use remote::Remote;
pub use screens::inbox::marks as pending_marks;
pub use settings::UiSettings;
pub use state::{ServerContext, StartAt, State, Status, StatusLevel, Viewport};
pub use update::update;
