//! Drive the real `tollgate` binary in a pseudo-terminal and read its screen with vt100.
//! Waits poll the screen with generous timeouts; nothing asserts on how long things take.

use std::io::{Read, Write};
use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};
use rustix::event::{PollFd, PollFlags, Timespec};

/// Long enough for a loaded CI machine; a passing test never waits this long.
pub const TIMEOUT: Duration = Duration::from_secs(60);

pub const ROWS: u16 = 30;
pub const COLS: u16 = 100;

pub struct Cockpit {
    child: Box<dyn Child + Send + Sync>,
    /// The pty's master side, in three parts; `None` once [`Cockpit::hang_up`] closed it.
    writer: Option<Box<dyn Write + Send>>,
    master: Option<Box<dyn MasterPty + Send>>,
    reading: Option<std::thread::JoinHandle<()>>,
    stop_reading: Arc<AtomicBool>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// Set when the program's output ended (it exited and the pty closed).
    drained: Arc<AtomicBool>,
    _home: tempfile::TempDir,
}

#[derive(Default)]
pub struct Launch<'a> {
    pub args: &'a [&'a str],
    pub tracking_uri: Option<String>,
    pub config: Option<&'a str>,
    pub env: &'a [(&'a str, &'a str)],
    /// (columns, rows) of the terminal; [`COLS`] x [`ROWS`] when `None`.
    pub size: Option<(u16, u16)>,
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tollgate"))
}

impl Cockpit {
    /// Start the binary with a private HOME and config, `NO_COLOR=1`, in a 100x30 terminal.
    pub fn start(launch: Launch) -> Cockpit {
        Cockpit::spawn(launch, false)
    }

    /// As [`Cockpit::start`], with SIGHUP ignored as `nohup` does (`trap '' HUP`, then exec).
    #[allow(dead_code)]
    pub fn start_ignoring_sighup(launch: Launch) -> Cockpit {
        Cockpit::spawn(launch, true)
    }

    fn spawn(launch: Launch, ignore_sighup: bool) -> Cockpit {
        let home = tempfile::tempdir().expect("temp home");
        let config_path = home.path().join("config.toml");
        if let Some(config) = launch.config {
            std::fs::write(&config_path, config).expect("write config");
        }
        let (cols, rows) = launch.size.unwrap_or((COLS, ROWS));
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = if ignore_sighup {
            let mut cmd = CommandBuilder::new("/bin/sh");
            cmd.args(["-c", "trap '' HUP; exec \"$0\" \"$@\""]);
            cmd.arg(binary());
            cmd
        } else {
            CommandBuilder::new(binary())
        };
        cmd.args(launch.args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        set_home(&mut cmd, home.path(), &config_path);
        // Files the cockpit writes (the evidence pack) land in the private home, not the repo.
        cmd.cwd(home.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.env("TOLLGATE_LOG", "debug");
        if let Some(uri) = &launch.tracking_uri {
            cmd.env("MLFLOW_TRACKING_URI", uri);
        }
        for (k, v) in launch.env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn tollgate");
        drop(pty.slave);
        // A reader of our own (a duplicate of the master's descriptor) that can be told to
        // stop, so that `hang_up` can close every descriptor of the master side.
        let master_fd = pty.master.as_raw_fd().expect("a unix pty");
        // SAFETY: the master is open (we hold it) while its descriptor is duplicated.
        let reader = unsafe { BorrowedFd::borrow_raw(master_fd) }
            .try_clone_to_owned()
            .expect("duplicate the pty's descriptor");
        let mut reader = std::fs::File::from(reader);
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let drained = Arc::new(AtomicBool::new(false));
        let stop_reading = Arc::new(AtomicBool::new(false));
        let (p, r, d, stop) = (
            Arc::clone(&parser),
            Arc::clone(&raw),
            Arc::clone(&drained),
            Arc::clone(&stop_reading),
        );
        let reading = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            let wait = Timespec {
                tv_sec: 0,
                tv_nsec: 50_000_000,
            };
            while !stop.load(Ordering::SeqCst) {
                let mut fds = [PollFd::new(&reader, PollFlags::IN)];
                match rustix::event::poll(&mut fds, Some(&wait)) {
                    Ok(0) | Err(rustix::io::Errno::INTR) => continue,
                    Ok(_) => {}
                    Err(_) => break,
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        p.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
            // End of output: the program exited and the pty closed (or we hung up).
            d.store(true, Ordering::SeqCst);
        });
        Cockpit {
            child,
            writer: Some(writer),
            master: Some(pty.master),
            reading: Some(reading),
            stop_reading,
            parser,
            raw,
            drained,
            _home: home,
        }
    }

    /// Close the master side, as a dropped SSH session or a killed terminal does: the program's
    /// terminal hangs up.
    #[allow(dead_code)] // not every test binary that includes this file hangs up
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::SeqCst);
        if let Some(reading) = self.reading.take() {
            reading.join().expect("the reader thread");
        }
        self.writer = None;
        self.master = None;
    }

    /// The program's log file (empty when it wrote none).
    #[allow(dead_code)]
    pub fn log(&self) -> String {
        let path = self
            .home()
            .join("data")
            .join("tollgate")
            .join("tollgate.log");
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// The private HOME (and working directory) the program runs in.
    pub fn home(&self) -> &std::path::Path {
        self._home.path()
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Everything the program wrote, escape sequences included.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.parser.lock().unwrap().screen())
    }

    /// Wait until the screen shows every one of `texts`; fail with the screen if it never does.
    pub fn wait_for(&self, texts: &[&str]) -> String {
        self.wait_until(&format!("{texts:?}"), |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }

    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Select the list row containing `needle`: find it among the rows under the header line
    /// containing `header`, move there from the first row, and wait until `▶` marks it. Other
    /// tests add rows to shared lists at the same time, so "the newest" is not a safe choice.
    #[allow(dead_code)] // not every test binary that includes this file selects rows
    pub fn select_row(&mut self, header: &str, needle: &str) {
        let row_of = |screen: &str| {
            screen
                .lines()
                .skip_while(|l| !l.contains(header))
                .skip(1)
                .position(|l| l.contains(needle))
        };
        let screen = self.wait_until("the list shows the row", |s| row_of(s).is_some());
        let index = row_of(&screen).expect("waited for it");
        self.send("g");
        for _ in 0..index {
            self.send("j");
        }
        self.wait_until("the row is selected", |s| {
            s.lines().any(|l| l.contains('▶') && l.contains(needle))
        });
    }

    pub fn send(&mut self, bytes: &str) {
        let writer = self.writer.as_mut().expect("the terminal is still there");
        writer
            .write_all(bytes.as_bytes())
            .expect("write to the pty");
        writer.flush().expect("flush the pty");
    }

    /// Type text one key at a time, as a person would (each key is its own event).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    /// A lone Esc, then a pause, so it is not read as the start of an Alt chord.
    pub fn esc(&mut self) {
        self.send("\x1b");
        std::thread::sleep(Duration::from_millis(150));
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child's pid")
    }

    /// Wait for the program to end; returns whether it exited successfully.
    pub fn wait_exit(&mut self) -> bool {
        self.wait_status().success()
    }

    /// Wait for the program to end (a liveness check with a generous bound, not a timing)
    /// and answer how it ended.
    pub fn wait_status(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Read what was written last (the terminal restore) before judging it.
                while !self.drained.load(Ordering::SeqCst) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                }
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "tollgate did not exit; the screen shows:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Cockpit {
    fn drop(&mut self) {
        self.stop_reading.store(true, Ordering::SeqCst);
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

fn set_home(cmd: &mut CommandBuilder, home: &Path, config: &Path) {
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("XDG_CACHE_HOME", home.join("cache"));
    cmd.env("TOLLGATE_CONFIG", config);
}

/// Send a signal by name with the system's `kill`.
pub fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid} failed");
}

/// Whether `raw` left the alternate screen and showed the cursor after entering it.
pub fn restored(raw: &[u8]) -> bool {
    let find = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = find(b"\x1b[?1049h");
    let left = find(b"\x1b[?1049l");
    let shown = find(b"\x1b[?25h");
    matches!((entered, left, shown), (Some(e), Some(l), Some(s)) if l > e && s > e)
}
