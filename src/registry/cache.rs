//! A session cache: runs and the experiment list, so moving around the cockpit does not refetch
//! what was just shown. `r` (refresh) clears it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::mlflow::Run;

/// A run's JSON artifacts: (path, bytes).
pub type JsonFiles = Vec<(String, Vec<u8>)>;

#[derive(Default, Clone)]
pub struct SessionCache {
    inner: Arc<Mutex<CacheState>>,
}

#[derive(Default)]
struct CacheState {
    runs: HashMap<String, Arc<Run>>,
    experiment_ids: Option<Vec<String>>,
    /// JSON artifacts (path, bytes) of finished monitoring runs, by run id: a finished run's
    /// reports do not change, and a year of run-per-window history would read them again.
    json_artifacts: HashMap<String, Arc<JsonFiles>>,
}

impl SessionCache {
    pub fn run(&self, run_id: &str) -> Option<Arc<Run>> {
        self.lock().runs.get(run_id).cloned()
    }

    pub fn put_run(&self, run: Run) -> Arc<Run> {
        let run = Arc::new(run);
        self.lock()
            .runs
            .insert(run.info.run_id.clone(), Arc::clone(&run));
        run
    }

    pub fn experiment_ids(&self) -> Option<Vec<String>> {
        self.lock().experiment_ids.clone()
    }

    pub fn put_experiment_ids(&self, ids: Vec<String>) {
        self.lock().experiment_ids = Some(ids);
    }

    pub fn json_artifacts(&self, run_id: &str) -> Option<Arc<JsonFiles>> {
        self.lock().json_artifacts.get(run_id).cloned()
    }

    pub fn put_json_artifacts(&self, run_id: &str, files: Arc<JsonFiles>) {
        self.lock().json_artifacts.insert(run_id.to_string(), files);
    }

    pub fn clear(&self) {
        *self.lock() = CacheState::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}
