//! What the integration tests share: the seeded test server (live), the binary run offline
//! against scripted servers (cli), a pseudo-terminal (pty), plain REST (rest), fresh models
//! for governance tests (governance), forged records (forge), a scripted server (fault_server),
//! a slow link (slow_link).
#![allow(dead_code)]
pub mod cli;
pub mod fault_server;
pub mod forge;
pub mod governance;
pub mod live;
pub mod pty;
pub mod rest;
pub mod slow_link;

use std::sync::atomic::{AtomicU32, Ordering};

use tollgate::mlflow::{ConnectionSettings, MlflowClient};

pub fn client(uri: &str) -> MlflowClient {
    MlflowClient::new(ConnectionSettings::new(uri)).unwrap()
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

/// A name no other test run uses: `{prefix}-{pid}-{nanos}`.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// As [`unique`], with a counter too, for tests that make names in a tight loop.
pub fn unique_counted(prefix: &str) -> String {
    format!(
        "{}-{}",
        unique(prefix),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A loopback port that was free a moment ago: nothing listens there.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
