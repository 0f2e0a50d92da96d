//! Decision writes in flight. A write is never retried; leaving waits for the ones still
//! running (up to a bound) so none is cut short silently, and the log says what each wrote.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use crate::registry::decide;

/// Decision writes in flight: each with what it is and the steps it may leave incomplete.
#[derive(Default)]
pub(super) struct Writes(Mutex<Vec<Write>>);

struct Write {
    what: String,
    steps: &'static str,
    task: tokio::task::JoinHandle<()>,
}

impl Writes {
    /// Run `write` once in the background, tracked as `what` until it ends.
    pub(super) fn spawn<F>(&self, what: String, steps: &'static str, write: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.track(what, steps, tokio::spawn(write));
    }

    fn track(&self, what: String, steps: &'static str, task: tokio::task::JoinHandle<()>) {
        let mut writes = self.0.lock().unwrap_or_else(|p| p.into_inner());
        writes.retain(|w| !w.task.is_finished());
        writes.push(Write { what, steps, task });
    }

    pub(super) async fn finish(&self, bound: Duration) -> usize {
        let writes = std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()));
        let deadline = tokio::time::Instant::now() + bound;
        let mut interrupted = 0;
        for write in writes {
            if !write.task.is_finished() {
                tracing::info!(decision = %write.what, "leaving: waiting for the decision being written");
            }
            let why = match tokio::time::timeout_at(deadline, write.task).await {
                // It logged what it wrote.
                Ok(Ok(())) => continue,
                Ok(Err(e)) => format!("its task failed ({e})"),
                Err(_) => format!("it did not finish within {} s", bound.as_secs()),
            };
            interrupted += 1;
            tracing::error!(
                decision = %write.what,
                "the decision was interrupted: {why}; any of {} may be missing or incomplete; \
                 check the version's tags and `tollgate audit` before deciding again",
                write.steps
            );
        }
        interrupted
    }
}

/// The log's account of a decision's writes: in full, in part (the error says which part), or
/// none.
pub(super) fn log_written(what: &str, result: &Result<String, &decide::DecideError>) {
    match result {
        Ok(written) => tracing::info!(decision = %what, "decision written in full: {written}"),
        Err(e) if e.wrote_something() => {
            tracing::warn!(decision = %what, error = %e, "decision written only in part")
        }
        Err(e) => {
            tracing::info!(decision = %what, error = %e, "decision not written: nothing was recorded")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Writes;
    use std::time::Duration;

    #[tokio::test]
    async fn leaving_waits_for_writes_and_counts_those_cut_short() {
        let writes = Writes::default();
        let (finish, finished) = tokio::sync::oneshot::channel::<()>();
        let ends = tokio::spawn(async move {
            let _ = finished.await;
        });
        writes.track("ends".into(), "its steps", ends);
        let hangs = tokio::spawn(std::future::pending::<()>());
        writes.track("hangs".into(), "its steps", hangs);
        finish.send(()).unwrap();
        assert_eq!(writes.finish(Duration::from_secs(2)).await, 1);
        assert_eq!(
            writes.finish(Duration::from_secs(2)).await,
            0,
            "each write is waited for once"
        );
    }
}
