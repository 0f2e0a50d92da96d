//! A tiny HTTP server on loopback that answers from a script, for fault tests only (500s, 429,
//! timeouts, malformed or huge bodies). What MLflow itself does is tested against a real MLflow server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Accept the request and never answer (the client must time out).
    Hang,
    /// A 200 whose body is `total` bytes of `x`, written until the client stops reading.
    /// `declared` is the Content-Length sent (none: the body runs until the connection closes).
    Flood { declared: Option<u64>, total: u64 },
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    pub fn text(status: u16, content_type: &str, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn with_header(mut self, key: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((key.into(), value.into()));
        }
        self
    }
}

#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct FaultServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    body_bytes_sent: Arc<AtomicU64>,
}

impl FaultServer {
    /// Serve `replies` in order; the last one repeats once the script runs out.
    pub fn start(replies: Vec<Reply>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let body_bytes_sent = Arc::new(AtomicU64::new(0));
        let sent = Arc::clone(&body_bytes_sent);
        thread::spawn(move || {
            let mut index = 0usize;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let reply = replies[index.min(replies.len() - 1)].clone();
                index += 1;
                let log = Arc::clone(&log);
                let sent = Arc::clone(&sent);
                thread::spawn(move || serve(stream, reply, log, sent));
            }
        });
        FaultServer {
            url,
            received,
            body_bytes_sent,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Body bytes the client accepted (written to its socket) over all answers.
    pub fn body_bytes_sent(&self) -> u64 {
        self.body_bytes_sent.load(Ordering::SeqCst)
    }
}

fn serve(stream: TcpStream, reply: Reply, log: Arc<Mutex<Vec<Received>>>, sent: Arc<AtomicU64>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    log.lock().unwrap().push(Received {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let mut stream = stream;
    match reply {
        Reply::Hang => thread::sleep(Duration::from_secs(30)),
        Reply::Flood { declared, total } => {
            let length = declared
                .map(|n| format!("Content-Length: {n}\r\n"))
                .unwrap_or_default();
            let head = format!(
                "HTTP/1.1 200 Scripted\r\nContent-Type: text/plain\r\n{length}Connection: close\r\n\r\n"
            );
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            // Bounded, so the server stops by itself even if the client read on forever.
            let chunk = [b'x'; 64 * 1024];
            let mut written = 0u64;
            while written < total {
                let n = chunk.len().min((total - written) as usize);
                if stream.write_all(&chunk[..n]).is_err() {
                    break;
                }
                written += n as u64;
                sent.fetch_add(n as u64, Ordering::SeqCst);
            }
        }
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
            let _ = stream.flush();
        }
    }
}
