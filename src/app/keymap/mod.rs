//! Keys to actions: defaults per view, the user's `[keys]` overrides, the fixed editing keys
//! of the prompts, and the help listing generated from all of it (so it cannot drift).
//!
//! ```toml
//! [keys]
//! "ctrl-q" = "force_quit"        # a top-level entry binds in every view
//! [keys.models]
//! "o" = "open"
//! "s" = "none"                    # unbind
//! [keys.detail]
//! "f1" = { select_tab = 1 }
//! ```

mod defaults;
mod key;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

pub use key::Key;

use super::action::{Action, Edit};

/// Where a binding applies. `Global` bindings apply in every view unless the view rebinds the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyContext {
    Global,
    Models,
    Versions,
    Detail,
    Inbox,
    /// A run opened from the Lineage tab.
    Run,
    /// `:velocity`.
    Velocity,
}

impl KeyContext {
    pub const ALL: [KeyContext; 7] = [
        KeyContext::Global,
        KeyContext::Models,
        KeyContext::Versions,
        KeyContext::Detail,
        KeyContext::Inbox,
        KeyContext::Run,
        KeyContext::Velocity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KeyContext::Global => "global",
            KeyContext::Models => "models",
            KeyContext::Versions => "versions",
            KeyContext::Detail => "detail",
            KeyContext::Inbox => "inbox",
            KeyContext::Run => "run",
            KeyContext::Velocity => "velocity",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            KeyContext::Global => "Everywhere",
            KeyContext::Models => "Models",
            KeyContext::Versions => "Versions",
            KeyContext::Detail => "Version detail",
            KeyContext::Inbox => "Inbox",
            KeyContext::Run => "Run",
            KeyContext::Velocity => "Velocity",
        }
    }
}

/// What keys mean right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMode {
    /// A view's keys.
    View(KeyContext),
    /// The help overlay is open: the view's keys, interpreted by `update` as closing/scrolling.
    Help(KeyContext),
    /// The filter or command prompt takes the keys.
    Prompt,
    /// The decision dialog takes the keys.
    Dialog,
}

/// The prompts' editing keys: fixed, and listed in the help from this very table.
pub const PROMPT_KEYS: &[(&str, &str)] = &[
    ("Enter", "keep the filter / run the command"),
    ("Esc", "clear the filter / close the command line"),
    ("Tab Shift-Tab", "complete (command line)"),
    ("↑ ↓", "move in the list while filtering"),
    ("← → Home End", "move the cursor"),
    ("Backspace Del", "delete a character"),
    ("Ctrl-W", "delete a word"),
    ("Ctrl-U", "clear the line"),
];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyMap {
    /// `None` marks a key the user unbound, so it does not fall through to a global binding.
    bindings: HashMap<KeyContext, Vec<(Key, Option<Action>)>>,
}

/// One row of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    pub keys: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    pub title: String,
    pub entries: Vec<HelpEntry>,
}

impl KeyMap {
    pub fn defaults() -> Self {
        let mut map = KeyMap::default();
        for (context, key, action) in defaults::bindings() {
            map.bind(context, key, Some(action));
        }
        map
    }

    /// The defaults with the config file's `[keys]` applied. Mistakes are reported, not fatal:
    /// the cockpit still opens with the bindings that were valid.
    pub fn from_config(keys: Option<&toml::Table>) -> (Self, Vec<String>) {
        let mut map = KeyMap::defaults();
        let mut warnings = Vec::new();
        let Some(table) = keys else {
            return (map, warnings);
        };
        for (name, value) in table {
            match value {
                toml::Value::Table(section) => {
                    let Some(context) = KeyContext::ALL.iter().copied().find(|c| c.name() == name)
                    else {
                        warnings.push(format!(
                            "[keys.{name}]: unknown view; use global, models, versions, detail, run or velocity"
                        ));
                        continue;
                    };
                    for (key, action) in section {
                        if let Err(e) = map.bind_named(context, key, action) {
                            warnings.push(format!("[keys.{name}] \"{key}\": {e}"));
                        }
                    }
                }
                action => {
                    if let Err(e) = map.bind_named(KeyContext::Global, name, action) {
                        warnings.push(format!("[keys] \"{name}\": {e}"));
                    }
                }
            }
        }
        (map, warnings)
    }

    fn bind_named(
        &mut self,
        context: KeyContext,
        key: &str,
        action: &toml::Value,
    ) -> Result<(), String> {
        let key = Key::parse(key)?;
        if action.as_str() == Some("none") {
            self.bind(context, key, None);
            return Ok(());
        }
        let action = Action::deserialize(action.clone())
            .map_err(|e| format!("not an action ({}): {e}", action))?;
        if action.describe().is_none() {
            return Err("this action cannot be bound".into());
        }
        self.bind(context, key, Some(action));
        Ok(())
    }

    /// Bind (or with `None`, unbind) a key in a context, replacing what it did there.
    pub fn bind(&mut self, context: KeyContext, key: Key, action: Option<Action>) {
        let list = self.bindings.entry(context).or_default();
        list.retain(|(k, _)| *k != key);
        list.push((key, action));
    }

    /// The view's binding, else the global one.
    pub fn lookup(&self, context: KeyContext, key: Key) -> Option<&Action> {
        let find = |c: KeyContext| {
            self.bindings.get(&c).and_then(|list| {
                list.iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, a)| a.as_ref())
            })
        };
        match find(context) {
            Some(found) => found,
            None => find(KeyContext::Global).flatten(),
        }
    }

    /// Keys that trigger `action` in `context` (the view's first, then global ones not
    /// shadowed by the view).
    pub fn keys_for(&self, context: KeyContext, action: &Action) -> Vec<Key> {
        let mut keys = Vec::new();
        for c in [context, KeyContext::Global] {
            for (key, a) in self.bindings.get(&c).into_iter().flatten() {
                let Some(a) = a else { continue };
                if a == action && self.lookup(context, *key) == Some(a) && !keys.contains(key) {
                    keys.push(*key);
                }
            }
        }
        keys
    }

    /// Turn a terminal key event into an action for the current mode.
    pub fn resolve(&self, mode: InputMode, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        match mode {
            InputMode::View(context) | InputMode::Help(context) => {
                self.lookup(context, key).cloned()
            }
            InputMode::Prompt => {
                if self.lookup(KeyContext::Global, key) == Some(&Action::ForceQuit) {
                    return Some(Action::ForceQuit);
                }
                prompt_action(key)
            }
            InputMode::Dialog => {
                if self.lookup(KeyContext::Global, key) == Some(&Action::ForceQuit) {
                    return Some(Action::ForceQuit);
                }
                dialog_action(key)
            }
        }
    }

    /// The help overlay's content for a view, from the bindings themselves. Writing actions
    /// are left out under read-only, as they are refused there.
    pub fn help(&self, context: KeyContext, read_only: bool) -> Vec<HelpSection> {
        let mut sections = Vec::new();
        let contexts: &[KeyContext] = if context == KeyContext::Global {
            &[KeyContext::Global]
        } else {
            &[context, KeyContext::Global]
        };
        for &c in contexts {
            let mut entries: Vec<(Action, Vec<Key>)> = Vec::new();
            for (key, action) in self.bindings.get(&c).into_iter().flatten() {
                let Some(action) = action else { continue };
                if read_only && action.is_write() {
                    continue;
                }
                // Global keys the view rebinds are not what they say here.
                if self.lookup(context, *key) != Some(action) {
                    continue;
                }
                match entries.iter_mut().find(|(a, _)| a == action) {
                    Some((_, keys)) => keys.push(*key),
                    None => entries.push((action.clone(), vec![*key])),
                }
            }
            let entries = entries
                .into_iter()
                .filter_map(|(action, keys)| {
                    let mut description = action.describe()?;
                    if action.is_write() {
                        description.push_str(" (writes to the registry)");
                    }
                    Some(HelpEntry {
                        keys: keys
                            .iter()
                            .map(Key::to_string)
                            .collect::<Vec<_>>()
                            .join(" "),
                        description,
                    })
                })
                .collect::<Vec<_>>();
            if !entries.is_empty() {
                sections.push(HelpSection {
                    title: c.title().to_string(),
                    entries,
                });
            }
        }
        if !read_only && matches!(context, KeyContext::Versions | KeyContext::Detail) {
            sections.push(HelpSection {
                title: "Decision dialog".to_string(),
                entries: DIALOG_KEYS
                    .iter()
                    .map(|(k, d)| HelpEntry {
                        keys: k.to_string(),
                        description: d.to_string(),
                    })
                    .collect(),
            });
        }
        sections.push(HelpSection {
            title: "Filter and command line".to_string(),
            entries: PROMPT_KEYS
                .iter()
                .map(|(k, d)| HelpEntry {
                    keys: k.to_string(),
                    description: d.to_string(),
                })
                .collect(),
        });
        sections
    }

    /// Every binding, for checks on the whole map.
    pub fn all(&self) -> impl Iterator<Item = (KeyContext, &Key, &Action)> {
        self.bindings.iter().flat_map(|(c, list)| {
            list.iter()
                .filter_map(move |(k, a)| a.as_ref().map(|a| (*c, k, a)))
        })
    }
}

/// The decision dialog's keys: fixed like the prompt's (Tab moves between fields there).
pub const DIALOG_KEYS: &[(&str, &str)] = &[
    ("Tab ↓", "next field"),
    ("Shift-Tab ↑", "previous field"),
    ("← →", "cycle the target; toggle archive"),
    ("Space", "toggle archive"),
    ("Enter", "submit (again: close once done)"),
    ("Esc", "cancel"),
];

fn dialog_action(key: Key) -> Option<Action> {
    match key.code {
        KeyCode::Enter => Some(Action::DialogSubmit),
        KeyCode::Esc => Some(Action::DialogCancel),
        KeyCode::Tab | KeyCode::Down => Some(Action::DialogNext),
        KeyCode::BackTab | KeyCode::Up => Some(Action::DialogPrev),
        _ => match prompt_action(key)? {
            edit @ Action::Edit(_) => Some(edit),
            _ => None,
        },
    }
}

fn prompt_action(key: Key) -> Option<Action> {
    let ctrl = key.mods.contains(KeyModifiers::CONTROL);
    let edit = match key.code {
        KeyCode::Enter => return Some(Action::PromptSubmit),
        KeyCode::Esc => return Some(Action::PromptCancel),
        KeyCode::Tab => return Some(Action::PromptComplete),
        KeyCode::BackTab => return Some(Action::PromptCompleteBack),
        KeyCode::Up => return Some(Action::MoveUp),
        KeyCode::Down => return Some(Action::MoveDown),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        KeyCode::Char('w') if ctrl => Edit::DeleteWord,
        KeyCode::Char('u') if ctrl => Edit::Clear,
        KeyCode::Char('h') if ctrl => Edit::Backspace,
        KeyCode::Char(c) if !ctrl && !key.mods.contains(KeyModifiers::ALT) => Edit::Insert(c),
        _ => return None,
    };
    Some(Action::Edit(edit))
}

#[cfg(test)]
mod tests;
