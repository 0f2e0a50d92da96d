//! The default bindings. None uses Ctrl-a (tmux's prefix) or Alt (unreliable over SSH and on
//! macOS terminals); a test holds that line.

use crossterm::event::KeyCode;

use super::{Key, KeyContext};
use crate::app::Action;

pub fn bindings() -> Vec<(KeyContext, Key, Action)> {
    use Action::*;
    use KeyContext::*;
    let mut b = vec![
        (Global, Key::ctrl('c'), ForceQuit),
        (Global, Key::char('q'), Quit),
        (Global, Key::plain(KeyCode::Esc), Back),
        (Global, Key::char('?'), Help),
        (Global, Key::char('/'), Filter),
        (Global, Key::char(':'), Command),
        (Global, Key::char('r'), Refresh),
        (Global, Key::plain(KeyCode::Enter), Open),
        (Global, Key::char('j'), MoveDown),
        (Global, Key::plain(KeyCode::Down), MoveDown),
        (Global, Key::char('k'), MoveUp),
        (Global, Key::plain(KeyCode::Up), MoveUp),
        (Global, Key::plain(KeyCode::PageDown), PageDown),
        (Global, Key::ctrl('d'), PageDown),
        (Global, Key::plain(KeyCode::PageUp), PageUp),
        (Global, Key::ctrl('u'), PageUp),
        (Global, Key::char('g'), First),
        (Global, Key::plain(KeyCode::Home), First),
        (Global, Key::char('G'), Last),
        (Global, Key::plain(KeyCode::End), Last),
        (Models, Key::char('s'), CycleSort),
        (Models, Key::char('S'), ReverseSort),
        (Versions, Key::char(' '), Mark),
        (Versions, Key::char('c'), Compare),
    ];
    for context in [Versions, Detail] {
        b.extend([
            (context, Key::char('p'), RequestPromotion),
            (context, Key::char('a'), Approve),
            (context, Key::char('x'), Reject),
            (context, Key::char('b'), Rollback),
        ]);
    }
    // The inbox decides on the selected request.
    b.extend([
        (Inbox, Key::char('a'), Approve),
        (Inbox, Key::char('x'), Reject),
    ]);
    b.extend((1..=7u8).map(|n| (Detail, Key::char((b'0' + n) as char), SelectTab(n))));
    b.extend([
        (Detail, Key::char('e'), Export),
        (Detail, Key::plain(KeyCode::Tab), NextTab),
        (Detail, Key::plain(KeyCode::BackTab), PrevTab),
        (Detail, Key::char('l'), NextTab),
        (Detail, Key::plain(KeyCode::Right), NextTab),
        (Detail, Key::char('h'), PrevTab),
        (Detail, Key::plain(KeyCode::Left), PrevTab),
        (Detail, Key::char('t'), ToggleTimeAxis),
        (Detail, Key::char(' '), ToggleFold),
        (Detail, Key::char('T'), CycleGateTarget),
        (Detail, Key::char('v'), CycleDriftPanel),
        (Run, Key::char('t'), ToggleTimeAxis),
    ]);
    b
}
