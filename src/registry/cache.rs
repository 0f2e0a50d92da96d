//! A session cache: runs and the experiment list, so moving around the cockpit does not refetch
//! what was just shown. `r` (refresh) clears it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::mlflow::Run;

#[derive(Default, Clone)]
pub struct SessionCache {
    inner: Arc<Mutex<CacheState>>,
}

#[derive(Default)]
struct CacheState {
    runs: HashMap<String, Arc<Run>>,
    experiment_ids: Option<Vec<String>>,
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

    pub fn clear(&self) {
        *self.lock() = CacheState::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}
