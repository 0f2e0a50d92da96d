//! The cockpit on a large registry, in a pseudo-terminal read with vt100 (a measurement run by
//! scripts/bench-scale.sh, not a test): when the first models show, how fast keys are answered
//! while the list fills, when every model is listed, when the version counts arrive, the
//! resident memory with every model listed and the cursor on the last one, and how long the
//! inbox view takes. Prints one JSON line.
//!
//!   cargo bench --bench scale_cockpit -- BINARY TRACKING_URI MODELS [POLICY]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const TIMEOUT: Duration = Duration::from_secs(600);

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// Poll (every 2 ms) until `ok` holds for the screen; the instant it was first seen.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> Instant {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if ok(&self.text()) {
                return Instant::now();
            }
            if Instant::now() > deadline {
                eprintln!("---- screen ----\n{}", self.text());
                panic!("timed out waiting for {what}");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }
}

/// A models-list row of the benchmark registry whose VERSIONS cell holds a number (before the
/// counts arrive it holds `…`): the row's only word made of digits alone.
fn shows_a_count(line: &str) -> bool {
    line.contains("scale-")
        && line
            .split_whitespace()
            .any(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    // `cargo test --all-targets` runs bench binaries without `--bench` (as criterion's test
    // mode does): the measurement needs the registry scripts/bench-scale.sh serves, so there
    // it only says so.
    if !std::env::args().any(|a| a == "--bench") {
        println!("scale_cockpit: a measurement; run it with scripts/bench-scale.sh");
        return;
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (binary, uri, models, policy) = match args.as_slice() {
        [b, u, m] => (b, u, m, None),
        [b, u, m, p] => (b, u, m, Some(p)),
        _ => {
            eprintln!("usage: scale_cockpit BINARY TRACKING_URI MODELS [POLICY]");
            std::process::exit(2);
        }
    };
    let home = tempfile::tempdir().expect("temp home");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(binary);
    // With a policy naming allowed_signers the inbox view checks every request's signature.
    if let Some(policy) = policy {
        cmd.args(["--policy", policy.as_str()]);
    }
    cmd.env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("HOME", home.path());
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env("XDG_DATA_HOME", home.path().join("data"));
    cmd.env("XDG_STATE_HOME", home.path().join("state"));
    cmd.env("TOLLGATE_CONFIG", home.path().join("config.toml"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("NO_COLOR", "1");
    cmd.env("MLFLOW_TRACKING_URI", uri);
    cmd.cwd(home.path());
    let started = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).expect("spawn tollgate");
    drop(pty.slave);
    let pid = child.process_id().expect("a pid");
    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
    let p = Arc::clone(&parser);
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut parser) = p.lock() {
                parser.process(&buf[..n]);
            }
        }
    });
    // When the first version count shows, watched from the start, apart from the keys below:
    // "counts last" compares it with the moment every model is listed.
    let first_count: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    {
        let parser = Arc::clone(&parser);
        let first_count = Arc::clone(&first_count);
        std::thread::spawn(move || {
            let deadline = Instant::now() + TIMEOUT;
            while Instant::now() < deadline {
                let text = parser
                    .lock()
                    .map(|p| p.screen().contents())
                    .unwrap_or_default();
                if text.lines().any(shows_a_count) {
                    *first_count.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
                    return;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
    }
    let mut screen = Screen {
        parser,
        writer: pty.master.take_writer().expect("pty writer"),
    };
    let secs = |at: Instant| at.duration_since(started).as_secs_f64();
    // The position counter (`12/20001`) sits at the end of its line, and the parser's text
    // drops trailing spaces: matched as a line's end.
    let counter_of = |total: &str| {
        let end = format!("/{total}");
        move |s: &str| s.lines().any(|l| l.trim_end().ends_with(&end))
    };
    let all_listed = counter_of(models);

    let first = screen.wait("the first models", |s| s.contains("scale-"));
    // Keys while the list fills: each move down must show in the position counter.
    let mut key_ms: Vec<f64> = Vec::new();
    for k in 1..=8 {
        if all_listed(&screen.text()) {
            break;
        }
        let sent = Instant::now();
        screen.send("j");
        let shown = format!(" {}/", k + 1);
        let seen = screen.wait("a key's answer", |s| s.contains(&shown));
        key_ms.push(seen.duration_since(sent).as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(150));
    }
    let listed = screen.wait("every model", &all_listed);
    // Sort by version count (most first): the 3,000-version model comes to the top once the
    // counts are in.
    // `g` then brings the top row into view (the cursor keeps its place when the list resorts).
    screen.send("ssg");
    let counted = screen.wait("the version counts", |s| {
        s.lines()
            .any(|l| l.contains("scale-giant") && l.contains(" 3000 "))
    });
    screen.send("G");
    let last = format!(" {models}/{models}");
    screen.wait("the last model selected", |s| {
        s.lines().any(|l| l.trim_end().ends_with(&last))
    });
    std::thread::sleep(Duration::from_millis(500));
    let rss = rss_kib(pid);

    let asked = Instant::now();
    screen.send(":inbox\r");
    let inbox = screen.wait("the inbox view", |s| s.contains(" pending, oldest first"));
    let inbox_rows = screen
        .text()
        .lines()
        .find_map(|l| {
            let at = l.find(" pending, oldest first")?;
            l[..at].split_whitespace().last()?.parse::<usize>().ok()
        })
        .unwrap_or(0);
    screen.send("q");
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();

    let first_count = first_count
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .map_or(f64::NAN, secs);
    let max_key = key_ms.iter().copied().fold(0.0, f64::max);
    println!(
        "{{\"first_rows_s\": {:.3}, \"keys\": {}, \"key_max_ms\": {:.1}, \"all_listed_s\": {:.3}, \
         \"first_count_s\": {:.3}, \"counts_s\": {:.3}, \"rss_kib\": {}, \"inbox_view_s\": {:.3}, \
         \"inbox_rows\": {}}}",
        secs(first),
        key_ms.len(),
        max_key,
        secs(listed),
        first_count,
        secs(counted),
        rss,
        inbox.duration_since(asked).as_secs_f64(),
        inbox_rows,
    );
}
