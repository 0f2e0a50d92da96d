//! The cockpit's runtime: set up settings, theme and terminal, then loop: terminal events,
//! answers from background tasks, signals and (only while loading) spinner ticks become
//! actions; `app::update` applies them; `ui::draw` redraws. Nothing happens between events, so
//! an idle cockpit uses no CPU.

mod terminal;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures::StreamExt;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use crate::app::{
    update, Action, Effect, KeyMap, ServerContext, StartAt, State, Tasks, UiSettings,
};
use crate::cli::{CliError, GlobalArgs};
use crate::ui::{self, ColorMode, Theme};

/// Spinner speed while something loads.
const TICK: Duration = Duration::from_millis(100);

pub async fn run(global: &GlobalArgs, start: StartAt) -> Result<(), CliError> {
    let started = Instant::now();
    let resolved = crate::cli::resolve(global)?;
    let registry = crate::cli::connect(&resolved)?;

    let (keymap, mut warnings) = KeyMap::from_config(resolved.config.keys.as_ref());
    let (mut settings, ui_warnings) = UiSettings::from_config(resolved.config.ui.as_ref());
    settings.ascii |= global.ascii;
    warnings.extend(ui_warnings);

    let mode = ColorMode::detect(&|k| std::env::var(k).ok());
    if mode == ColorMode::NoColor {
        // With NO_COLOR set, crossterm writes every colour change as a bare `ESC[m`, which
        // also clears bold and reverse video, and with them the visible selection. The
        // palette is all "reset" in this mode, so nothing coloured is ever sent.
        crossterm::style::force_color_output(true);
    }
    let theme_dir = resolved.paths.config_dir.clone();
    let profile_theme = resolved
        .profile
        .as_ref()
        .and_then(|p| resolved.config.profiles.get(p))
        .and_then(|p| p.theme.clone());
    let theme_name = profile_theme
        .or_else(|| settings.theme.clone())
        .unwrap_or_else(|| ui::theme::DEFAULT_THEME.to_string());
    let theme = match Theme::load(&theme_name, mode, Some(&theme_dir)) {
        Ok(t) => t,
        Err(e) => {
            warnings.push(format!("{e}; using the default theme"));
            Theme::fallback(mode)
        }
    };

    let mut state = State::new(ServerContext::from_resolved(&resolved), settings, keymap);
    state.profiles = resolved.config.profiles.keys().cloned().collect();
    state.themes = Theme::available(Some(&theme_dir));
    state.theme = theme.name.clone();
    // An explicit --policy that cannot be used stops here, before the terminal is taken; a
    // broken default one only warns (the cockpit is still useful without gates).
    match crate::cli::policy_file::find(&resolved, global.policy.as_deref()) {
        Ok(policy) => state.set_policy(policy),
        Err(e) if global.policy.is_some() => return Err(e),
        Err(e) => warnings.push(format!("policy not used: {e}")),
    }
    if !warnings.is_empty() {
        for w in &warnings {
            tracing::warn!(warning = %w, "config");
        }
        state.set_status(crate::app::StatusLevel::Warning, warnings.join("; "));
    }

    let (tx, rx) = mpsc::unbounded_channel();
    let tasks = Tasks::new(registry, tx, global.overrides(), global.policy.clone());
    // Handlers first: a signal that arrives once the terminal is ours must end the loop (and so
    // restore the terminal), never kill the process with the default action.
    let signals = Signals {
        term: signal(SignalKind::terminate())?,
        hup: signal(SignalKind::hangup())?,
        int: signal(SignalKind::interrupt())?,
    };
    let guard = terminal::TerminalGuard::enter(global.mouse)?;
    let outcome = event_loop(
        guard, signals, state, theme, theme_dir, tasks, rx, start, started,
    )
    .await;
    terminal::restore();
    outcome
}

#[allow(clippy::too_many_arguments)]
/// The signals that end the cockpit (Ctrl-C arrives as a key in raw mode, SIGINT from `kill`).
struct Signals {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

#[allow(clippy::too_many_arguments)]
async fn event_loop(
    mut guard: terminal::TerminalGuard,
    mut signals: Signals,
    mut state: State,
    mut theme: Theme,
    theme_dir: PathBuf,
    tasks: Tasks,
    mut rx: mpsc::UnboundedReceiver<Action>,
    start: StartAt,
    started: Instant,
) -> Result<(), CliError> {
    let size = guard.terminal.size()?;
    update(
        &mut state,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let initial = state.start(start);
    guard.terminal.draw(|f| ui::draw(f, &state, &theme))?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "first frame drawn"
    );
    let run = |effects: Vec<Effect>, state: &mut State, theme: &mut Theme| {
        for effect in effects {
            match effect {
                Effect::SetTheme { name } => {
                    let action = match Theme::load(&name, theme.mode, Some(&theme_dir)) {
                        Ok(t) => {
                            *theme = t;
                            Action::ThemeApplied(name)
                        }
                        Err(e) => Action::ThemeFailed {
                            name,
                            error: e.to_string(),
                        },
                    };
                    update(state, action);
                }
                other => tasks.run(other),
            }
        }
    };
    run(initial, &mut state, &mut theme);

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    loop {
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match to_action(&state, event) {
                    Some(a) => a,
                    None => continue,
                },
                Some(Err(e)) => {
                    tracing::error!(error = %e, "reading terminal events failed");
                    break;
                }
                None => break,
            },
            Some(action) = rx.recv() => action,
            _ = tick.tick(), if state.is_loading() => Action::Tick,
            _ = signals.term.recv() => { tracing::info!("SIGTERM: leaving"); break; }
            _ = signals.hup.recv() => { tracing::info!("SIGHUP: the terminal went away"); break; }
            _ = signals.int.recv() => Action::ForceQuit,
        };
        let effects = update(&mut state, action);
        run(effects, &mut state, &mut theme);
        // Everything already queued goes into the same frame.
        while let Ok(action) = rx.try_recv() {
            let effects = update(&mut state, action);
            run(effects, &mut state, &mut theme);
        }
        if state.quit {
            break;
        }
        guard.terminal.draw(|f| ui::draw(f, &state, &theme))?;
    }
    Ok(())
}

fn to_action(state: &State, event: Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            state.keymap.resolve(state.input_mode(), &key)
        }
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown => Some(Action::MoveDown),
            MouseEventKind::ScrollUp => Some(Action::MoveUp),
            _ => None,
        },
        _ => None,
    }
}
