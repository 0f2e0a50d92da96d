//! Logs go to a file in the data directory, never to the screen (the cockpit owns the terminal,
//! and headless output must stay clean). `TOLLGATE_LOG` sets the filter, e.g. `debug`.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Start file logging; returns the guard that flushes on drop, or `None` when no file is writable.
pub fn init() -> Option<WorkerGuard> {
    let paths = crate::config::Paths::discover(&|k| std::env::var(k).ok());
    let dir = paths.log_file.parent()?.to_path_buf();
    std::fs::create_dir_all(&dir).ok()?;
    let file_name = paths.log_file.file_name()?.to_owned();
    let appender = tracing_appender::rolling::never(dir, file_name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("TOLLGATE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
