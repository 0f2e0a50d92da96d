//! A slow link in front of a server: tests/fixtures/net/delay_proxy.py adds a delay to every
//! round trip and, when asked, holds every answer back until released, so a test can look at
//! the screen while data is certainly still on its way (no timing in the assertion).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

pub struct DelayProxy {
    child: Child,
    control: Option<ChildStdin>,
    pub url: String,
}

impl DelayProxy {
    /// A proxy to `upstream` (an http://host:port URL) adding `delay_ms` per round trip; with
    /// `hold`, no answer passes until [`DelayProxy::release`].
    pub fn start(upstream: &str, delay_ms: u32, hold: bool) -> DelayProxy {
        let port = upstream
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse::<u16>().ok())
            .unwrap_or_else(|| panic!("no port in {upstream}"));
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/net/delay_proxy.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script)
            .arg(port.to_string())
            .args(["--delay-ms", &delay_ms.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if hold {
            cmd.arg("--hold");
        }
        let mut child = cmd.spawn().expect("python3 runs the delaying proxy");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().expect("the proxy prints its port");
        DelayProxy {
            control: child.stdin.take(),
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Let the held answers (and every later one) through.
    pub fn release(&mut self) {
        if let Some(mut control) = self.control.take() {
            let _ = control.write_all(b"release\n");
        }
    }
}

impl Drop for DelayProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
