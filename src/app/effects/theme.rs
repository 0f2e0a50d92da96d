//! `:theme`: the runtime owns the theme it draws with (app/ knows no colours), so it lends it
//! to the runner as a [`ThemeSlot`]; the answer comes back over the channel like any other.

use super::EffectRunner;
use crate::app::action::Action;

/// Where the runtime keeps the theme it draws with.
pub trait ThemeSlot {
    /// Load the theme called `name` and draw with it from now on; or say, in words, why not.
    fn load(&mut self, name: &str) -> Result<(), String>;
}

impl EffectRunner {
    pub(super) fn set_theme(&self, name: String, theme: &mut dyn ThemeSlot) {
        self.send(match theme.load(&name) {
            Ok(()) => Action::ThemeApplied(name),
            Err(error) => Action::ThemeFailed { name, error },
        });
    }
}
