use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

fn ev(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn no_default_uses_ctrl_a_or_alt() {
    let map = KeyMap::defaults();
    for (context, key, action) in map.all() {
        assert!(
            !key.mods.contains(KeyModifiers::ALT),
            "{action:?} in {context:?} uses Alt"
        );
        assert_ne!(*key, Key::ctrl('a'), "{action:?} uses Ctrl-a");
    }
}

#[test]
fn view_bindings_come_before_global_ones() {
    let map = KeyMap::defaults();
    assert_eq!(
        map.lookup(KeyContext::Models, Key::char('s')),
        Some(&Action::CycleSort)
    );
    assert_eq!(map.lookup(KeyContext::Detail, Key::char('s')), None);
    assert_eq!(
        map.lookup(KeyContext::Detail, Key::char('3')),
        Some(&Action::SelectTab(3))
    );
    assert_eq!(
        map.lookup(KeyContext::Versions, Key::char('j')),
        Some(&Action::MoveDown)
    );
}

#[test]
fn config_overrides_rebind_and_unbind() {
    let table: toml::Table = r#"
        "ctrl-q" = "force_quit"
        [models]
        "o" = "open"
        "q" = "none"
        [detail]
        "f2" = { select_tab = 2 }
    "#
    .parse()
    .unwrap();
    let (map, warnings) = KeyMap::from_config(Some(&table));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        map.lookup(KeyContext::Versions, Key::ctrl('q')),
        Some(&Action::ForceQuit)
    );
    assert_eq!(
        map.lookup(KeyContext::Models, Key::char('o')),
        Some(&Action::Open)
    );
    assert_eq!(
        map.lookup(KeyContext::Models, Key::char('q')),
        None,
        "unbound in models"
    );
    assert_eq!(
        map.lookup(KeyContext::Versions, Key::char('q')),
        Some(&Action::Quit)
    );
    assert_eq!(
        map.lookup(KeyContext::Detail, Key::plain(KeyCode::F(2))),
        Some(&Action::SelectTab(2))
    );
}

#[test]
fn config_mistakes_are_reported_and_the_rest_kept() {
    let table: toml::Table = r#"
        "x" = "fly"
        "hyper-k" = "quit"
        [nowhere]
        "a" = "open"
        [models]
        "o" = "open"
    "#
    .parse()
    .unwrap();
    let (map, warnings) = KeyMap::from_config(Some(&table));
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings
        .iter()
        .any(|w| w.contains("\"x\"") && w.contains("fly")));
    assert!(warnings.iter().any(|w| w.contains("unknown key")));
    assert!(warnings.iter().any(|w| w.contains("[keys.nowhere]")));
    assert_eq!(
        map.lookup(KeyContext::Models, Key::char('o')),
        Some(&Action::Open)
    );
}

#[test]
fn prompt_mode_edits_text_but_ctrl_c_still_quits() {
    let map = KeyMap::defaults();
    assert_eq!(
        map.resolve(InputMode::Prompt, &ev(KeyCode::Char('q'))),
        Some(Action::Edit(Edit::Insert('q')))
    );
    assert_eq!(
        map.resolve(
            InputMode::Prompt,
            &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        ),
        Some(Action::ForceQuit)
    );
    assert_eq!(
        map.resolve(InputMode::Prompt, &ev(KeyCode::Enter)),
        Some(Action::PromptSubmit)
    );
    assert_eq!(
        map.resolve(InputMode::View(KeyContext::Models), &ev(KeyCode::Char('q'))),
        Some(Action::Quit)
    );
}

#[test]
fn help_is_generated_from_the_bindings() {
    let (map, _) = KeyMap::from_config(Some(
        &r#"[models]
"o" = "open""#
            .parse()
            .unwrap(),
    ));
    let help = map.help(KeyContext::Models, false);
    assert_eq!(help[0].title, "Models");
    let open_keys: Vec<&str> = help
        .iter()
        .flat_map(|s| &s.entries)
        .filter(|e| e.description == "open")
        .map(|e| e.keys.as_str())
        .collect();
    assert_eq!(open_keys, ["o", "Enter"]);
    let sort = &help[0].entries[0];
    assert_eq!(
        (sort.keys.as_str(), sort.description.as_str()),
        ("s", "sort by the next column")
    );
}

#[test]
fn read_only_help_leaves_out_writing_actions() {
    let map = KeyMap::defaults();
    let listed = |read_only| {
        map.help(KeyContext::Versions, read_only)
            .into_iter()
            .flat_map(|s| s.entries)
            .any(|e| e.description.starts_with("approve"))
    };
    assert!(listed(false));
    assert!(!listed(true));
}

/// The Drift tab's panel key is a binding like any other: `v` by default, remappable by its
/// action name, listed in the help.
#[test]
fn the_drift_panel_key_goes_through_the_key_map() {
    let map = KeyMap::defaults();
    assert_eq!(
        map.lookup(KeyContext::Detail, Key::char('v')),
        Some(&Action::CycleDriftPanel)
    );
    let help = map.help(KeyContext::Detail, false);
    assert!(
        help.iter()
            .flat_map(|s| &s.entries)
            .any(|e| e.keys == "v" && e.description.contains("trend / histogram / perf.*")),
        "{help:?}"
    );
    let table: toml::Table = "[detail]\n\"z\" = \"cycle_drift_panel\"\n\"v\" = \"none\"\n"
        .parse()
        .unwrap();
    let (map, warnings) = KeyMap::from_config(Some(&table));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        map.keys_for(KeyContext::Detail, &Action::CycleDriftPanel),
        [Key::char('z')]
    );
}
