//! The cockpit's runtime: set up settings, theme and terminal, then loop: terminal events,
//! answers from background tasks, signals and (only while loading) spinner ticks become
//! actions; `app::update` applies them; `ui::draw` redraws. Nothing happens between events, so
//! an idle cockpit uses no CPU. How it ended decides the exit status: see [`Ended`].

mod terminal;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures::StreamExt;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc;

use crate::app::{
    update, Action, EffectRunner, KeyMap, ServerContext, StartAt, State, ThemeSlot, UiSettings,
};
use crate::session::{self, SessionError, SessionOptions};
use crate::ui::{self, ColorMode, Theme};

/// Spinner speed while something loads.
const TICK: Duration = Duration::from_millis(100);

/// How long an exit waits for a decision that is being written to finish.
const DECISION_GRACE: Duration = Duration::from_secs(5);

/// What the command line says about the cockpit.
#[derive(Debug, Clone, Default)]
pub struct CockpitOptions {
    pub session: SessionOptions,
    /// Let the mouse wheel scroll (off by default, so terminal selection works).
    pub mouse: bool,
    /// Draw charts with dots instead of braille.
    pub ascii: bool,
}

/// Why the cockpit could not start or went on no longer.
#[derive(Debug, thiserror::Error)]
pub enum CockpitError {
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The terminal failed us (not a hang-up: that is an [`Ended`]).
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
}

/// How the cockpit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `q`, `:quit`, Ctrl-C as a key.
    Quit,
    /// SIGHUP, or the terminal hung up without one (SIGHUP ignored or not sent).
    HangUp,
    /// SIGTERM.
    Terminated,
    /// SIGINT sent with `kill` (Ctrl-C in raw mode is a key, not a signal).
    Interrupted,
}

impl Ended {
    /// The shell's convention: 128 + the signal's number when a signal ended it.
    pub fn exit_status(self) -> u8 {
        match self {
            Ended::Quit => 0,
            Ended::HangUp => 128 + 1,
            Ended::Interrupted => 128 + 2,
            Ended::Terminated => 128 + 15,
        }
    }
}

pub async fn run(options: &CockpitOptions, start: StartAt) -> Result<Ended, CockpitError> {
    let started = Instant::now();
    let (resolved, registry) = session::open(&options.session)?;

    let (keymap, mut warnings) = KeyMap::from_config(resolved.config.keys.as_ref());
    let (mut settings, ui_warnings) = UiSettings::from_config(resolved.config.ui.as_ref());
    settings.ascii |= options.ascii;
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
    let mut registry = registry;
    match session::policy::find(&resolved, options.session.policy.as_deref()) {
        Ok(policy) => {
            // Decisions are signed (and trails checked) under the policy's settings.
            if let Some(p) = &policy {
                registry = registry.with_signing(p.signing.clone());
            }
            state.set_policy(policy)
        }
        Err(e) if options.session.policy.is_some() => return Err(CockpitError::Session(e.into())),
        Err(e) => warnings.push(format!("policy not used: {e}")),
    }
    if !warnings.is_empty() {
        for w in &warnings {
            tracing::warn!(warning = %w, "config");
        }
        state.set_status(crate::app::StatusLevel::Warning, warnings.join("; "));
    }

    let (tx, rx) = mpsc::unbounded_channel();
    let runner = EffectRunner::new(registry, tx, options.session.clone());
    // Handlers first: a signal that arrives once the terminal is ours must end the loop (and so
    // restore the terminal), never kill the process with the default action.
    let signals = Signals::install()?;
    let guard = terminal::TerminalGuard::enter(options.mouse)?;
    let themes = Themes {
        current: theme,
        dir: theme_dir,
    };
    let outcome = event_loop(guard, signals, state, themes, &runner, rx, start, started).await;
    terminal::restore();
    // A decision being written is finished (or said to be cut short) before the runtime, and
    // with it the write, goes away.
    runner.finish_writes(DECISION_GRACE).await;
    outcome
}

/// The signals that end the cockpit (Ctrl-C arrives as a key in raw mode, SIGINT from `kill`).
struct Signals {
    term: Signal,
    /// `None` when SIGHUP was ignored at start: that stays so (the hang-up still ends us).
    hup: Option<Signal>,
    int: Signal,
}

impl Signals {
    fn install() -> std::io::Result<Signals> {
        let hup = if terminal::sighup_ignored() {
            tracing::info!("SIGHUP is ignored (nohup): only a hang-up of the terminal ends us");
            None
        } else {
            Some(signal(SignalKind::hangup())?)
        };
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            hup,
            int: signal(SignalKind::interrupt())?,
        })
    }
}

/// SIGHUP, when it is handled.
async fn hangup(hup: &mut Option<Signal>) {
    match hup.as_mut() {
        Some(hup) => {
            hup.recv().await;
        }
        None => std::future::pending().await,
    }
}

#[allow(clippy::too_many_arguments)]
async fn event_loop(
    mut guard: terminal::TerminalGuard,
    mut signals: Signals,
    mut state: State,
    mut themes: Themes,
    runner: &EffectRunner,
    mut rx: mpsc::UnboundedReceiver<Action>,
    start: StartAt,
    started: Instant,
) -> Result<Ended, CockpitError> {
    // Crossterm opens its input on first use, once; `EventStream::new` panics when that fails
    // (the terminal hung up already), `poll` says so instead.
    if let Err(e) = crossterm::event::poll(Duration::ZERO) {
        return hung_up_or(e, "opening its input");
    }
    let mut events = EventStream::new();
    let size = match guard.size() {
        Ok(size) => size,
        Err(e) => return hung_up_or(e, "asking its size"),
    };
    update(
        &mut state,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let initial = state.start(start);
    if let Err(e) = guard.draw(|f| ui::draw(f, &state, &themes.current)) {
        return hung_up_or(e, "drawing");
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "first frame drawn"
    );
    for effect in initial {
        runner.run(effect, &mut themes);
    }

    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let hung_up = terminal::hung_up();
    tokio::pin!(hung_up);

    let ended = loop {
        // Biased: a signal or a hang-up wins over anything that would draw on a dead terminal.
        let action = tokio::select! {
            biased;
            _ = signals.term.recv() => {
                tracing::info!("SIGTERM: leaving");
                break Ended::Terminated;
            }
            _ = hangup(&mut signals.hup) => {
                tracing::info!("SIGHUP: the terminal went away; leaving");
                break Ended::HangUp;
            }
            _ = &mut hung_up => {
                tracing::info!("the terminal hung up (end of input, no SIGHUP): the terminal went away; leaving");
                break Ended::HangUp;
            }
            _ = signals.int.recv() => {
                tracing::info!("SIGINT: leaving");
                break Ended::Interrupted;
            }
            event = events.next() => match event {
                Some(Ok(event)) => match to_action(&state, event) {
                    Some(a) => a,
                    None => continue,
                },
                Some(Err(e)) if terminal::is_hung_up() => return hung_up_or(e, "reading keys"),
                Some(Err(e)) => {
                    tracing::error!(error = %e, "reading terminal events failed");
                    return Err(e.into());
                }
                None => break Ended::Quit,
            },
            Some(action) = rx.recv() => action,
            _ = tick.tick(), if state.is_loading() => Action::Tick,
        };
        for effect in update(&mut state, action) {
            runner.run(effect, &mut themes);
        }
        // Everything already queued goes into the same frame (a theme's answer among it).
        while let Ok(action) = rx.try_recv() {
            for effect in update(&mut state, action) {
                runner.run(effect, &mut themes);
            }
        }
        if state.quit {
            break Ended::Quit;
        }
        if let Err(e) = guard.draw(|f| ui::draw(f, &state, &themes.current)) {
            return hung_up_or(e, "drawing");
        }
    };
    Ok(ended)
}

/// The theme the cockpit draws with, and where user themes are found.
struct Themes {
    current: Theme,
    dir: PathBuf,
}

impl ThemeSlot for Themes {
    fn load(&mut self, name: &str) -> Result<(), String> {
        self.current =
            Theme::load(name, self.current.mode, Some(&self.dir)).map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// A terminal that fails us may have hung up a moment before the watch or SIGHUP says so:
/// then that is how the cockpit ended; else the error stands.
fn hung_up_or(error: std::io::Error, doing: &str) -> Result<Ended, CockpitError> {
    if terminal::is_hung_up() {
        tracing::info!(%error, "the terminal hung up ({doing} failed): the terminal went away; leaving");
        return Ok(Ended::HangUp);
    }
    Err(error.into())
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
