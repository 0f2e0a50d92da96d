//! Owning the terminal: raw mode and the alternate screen on the way in, and the way back out
//! on every exit: normal quit, Ctrl-C, a panic (the hook restores before the message prints),
//! SIGTERM and SIGHUP (the runtime's signal handlers end the loop, then this guard drops).
//! Once a terminal has hung up, nothing here writes to it in a way that can panic.

use std::io::{self, IsTerminal, Stdout, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use rustix::event::{PollFd, PollFlags};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Whether the terminal is currently ours (so restoring twice is harmless).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static MOUSE: AtomicBool = AtomicBool::new(false);

pub struct TerminalGuard {
    /// Always there until `Drop` takes it.
    terminal: Option<Term>,
}

impl TerminalGuard {
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        // Found now, while it is surely a terminal: see `hung_up`.
        let _ = watched_terminal();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        execute!(out, EnterAlternateScreen, cursor::Hide)?;
        if mouse {
            execute!(out, EnableMouseCapture)?;
            MOUSE.store(true, Ordering::SeqCst);
        }
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(TerminalGuard {
            terminal: Some(terminal),
        })
    }

    pub fn size(&self) -> io::Result<ratatui::layout::Size> {
        match &self.terminal {
            Some(t) => t.size(),
            None => Ok(ratatui::layout::Size::default()),
        }
    }

    pub fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        if let Some(t) = self.terminal.as_mut() {
            t.draw(render)?;
        }
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        // ratatui's own drop shows the cursor again and, when that fails, `eprintln!`s, which
        // panics once stderr is a terminal that hung up too. Show it here instead; when that
        // fails there is no terminal left, and the `Terminal` (only memory) is not dropped.
        if let Some(mut terminal) = self.terminal.take() {
            if terminal.show_cursor().is_err() {
                std::mem::forget(terminal);
            }
        }
    }
}

/// Give the terminal back: mouse off, main screen, cursor shown, cooked mode. Errors are
/// ignored: after SIGHUP there may be no terminal left to write to.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Restore first, so the message lands on a usable screen and not the alternate one.
        restore();
        tracing::error!(panic = %info, "the cockpit panicked");
        // The standard hook ignores errors writing to stderr, so a dead terminal is harmless.
        previous(info);
    }));
}

/// Resolves once the terminal hangs up (its other side closed: a dropped SSH session, a
/// killed multiplexer pane). SIGHUP usually says so first, but not when it is ignored
/// (`nohup`) or never sent, and reading a hung-up terminal only ever gives end of input, so
/// without this the cockpit would wait on it forever. A thread waits in poll(2) asking for no
/// events: only a hang-up or an error wakes it, so an idle cockpit still uses no CPU. Never
/// resolves when the terminal cannot be watched.
pub async fn hung_up() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let watch = watched_terminal().and_then(|fd| {
        std::thread::Builder::new()
            .name("hang-up watch".into())
            .spawn(move || {
                if wait_for_hang_up(fd) {
                    let _ = tx.send(());
                }
            })
    });
    if let Err(e) = watch {
        tracing::warn!(error = %e, "cannot watch the terminal for a hang-up");
    }
    if rx.await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Whether the terminal has hung up by now (a failed draw asks: is it gone, or broken?).
pub fn is_hung_up() -> bool {
    let Ok(fd) = watched_terminal() else {
        return false;
    };
    let mut fds = [PollFd::new(fd, PollFlags::empty())];
    let now = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    matches!(rustix::event::poll(&mut fds, Some(&now)), Ok(n) if n > 0 && fds[0].revents().intersects(gone()))
}

fn gone() -> PollFlags {
    PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL
}

/// The terminal crossterm reads keys from: stdin when it is one, else `/dev/tty`. Found once,
/// while the terminal is there: once it hangs up it is no longer a terminal to ask about.
fn watched_terminal() -> io::Result<&'static OwnedFd> {
    static WATCHED: OnceLock<Result<OwnedFd, io::ErrorKind>> = OnceLock::new();
    let found = WATCHED.get_or_init(|| {
        let stdin = io::stdin();
        let fd = if stdin.is_terminal() {
            stdin.as_fd().try_clone_to_owned()
        } else {
            std::fs::File::open("/dev/tty").map(OwnedFd::from)
        };
        fd.map_err(|e| e.kind())
    });
    found.as_ref().map_err(|kind| io::Error::from(*kind))
}

/// Block until `fd` hangs up (true) or cannot be watched (false; also for an answer poll(2)
/// should not give when asked for no events, rather than ask again at once, forever).
fn wait_for_hang_up(fd: &OwnedFd) -> bool {
    loop {
        let mut fds = [PollFd::new(fd, PollFlags::empty())];
        match rustix::event::poll(&mut fds, None) {
            Ok(0) | Err(rustix::io::Errno::INTR) => {}
            Ok(_) => return fds[0].revents().intersects(gone()),
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch the terminal for a hang-up");
                return false;
            }
        }
    }
}

/// Whether SIGHUP is ignored in `/proc/self/status`'s `SigIgn:` mask (Linux). An inherited
/// "ignore" (`nohup`, `trap '' HUP`) is the user's wish to outlive the terminal's hang-up
/// signal, so no handler replaces it; the hang-up itself still ends the cockpit.
pub fn sighup_ignored() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| ignored_in(&s, 1))
}

fn ignored_in(status: &str, signal: u32) -> bool {
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask >> (signal - 1) & 1 == 1)
}

#[cfg(test)]
mod tests {
    use super::ignored_in;

    #[test]
    fn the_sigign_mask_says_which_signals_are_ignored() {
        let status = "Name:\ttollgate\nSigBlk:\t0000000000000001\nSigIgn:\t0000000000001001\n";
        assert!(ignored_in(status, 1), "SIGHUP is bit 0");
        assert!(ignored_in(status, 13), "SIGPIPE is bit 12");
        assert!(!ignored_in(status, 2), "SIGINT");
        assert!(!ignored_in("Name:\tx\n", 1), "no mask: not ignored");
    }
}
