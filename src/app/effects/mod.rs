//! The one effect runner: every [`Effect`] that `update` returns is carried out here, and its
//! outcome comes back as an [`Action`] over the channel, so the UI never waits on the server.
//! Most effects share one shape, [`EffectRunner::spawn_answer`]: call the registry in a tokio
//! task, put the error into words ([`load_error`]), send the answer back. The families live
//! apart: data loads, governance and decisions (with the writes the exit waits for), the
//! evidence pack, the profile, the theme.

mod export;
mod governance;
mod loads;
mod models_list;
mod profile;
mod theme;
mod writes;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

pub use loads::{drift_marks, model_drift_marks, report_only, RunArtifacts};
pub use theme::ThemeSlot;

use super::action::{Action, Answer, LoadError};
use super::effect::Effect;
use crate::registry::Registry;
use crate::session::SessionOptions;
use writes::Writes;

pub struct EffectRunner {
    /// Replaced by `:profile`; tasks already running keep the registry they started with,
    /// and their answers are dropped by request id.
    registry: Arc<Mutex<Registry>>,
    tx: UnboundedSender<Action>,
    /// The command line's options, re-applied when switching profiles.
    session: SessionOptions,
    /// Decisions being written, so that leaving can wait for them.
    writes: Writes,
}

impl EffectRunner {
    pub fn new(registry: Registry, tx: UnboundedSender<Action>, session: SessionOptions) -> Self {
        EffectRunner {
            registry: Arc::new(Mutex::new(registry)),
            tx,
            session,
            writes: Writes::default(),
        }
    }

    /// Carry out one effect. Only `SetTheme` needs `theme`: the theme is the runtime's, which
    /// draws with it.
    pub fn run(&self, effect: Effect, theme: &mut dyn ThemeSlot) {
        match effect {
            load @ (Effect::LoadModels { .. }
            | Effect::SearchModels { .. }
            | Effect::LoadVersions { .. }
            | Effect::LoadDetail { .. }
            | Effect::LoadHistory { .. }
            | Effect::LoadMonitoring { .. }
            | Effect::LoadDriftMarks { .. }
            | Effect::LoadModelDriftMarks { .. }
            | Effect::LoadLineage { .. }
            | Effect::LoadRun { .. }
            | Effect::LoadVelocity { .. }) => self.load(load),
            governance @ (Effect::LoadGate { .. }
            | Effect::LoadAudit { .. }
            | Effect::LoadUnapproved { .. }
            | Effect::LoadInbox { .. }
            | Effect::LoadPendingMarks { .. }
            | Effect::PrepareDecision { .. }
            | Effect::PlanRollback { .. }
            | Effect::CommitDecision { .. }
            | Effect::CommitRollback { .. }
            | Effect::RejectWithoutPolicy { .. }) => self.govern(governance),
            Effect::Export {
                model,
                version,
                dir,
            } => self.export(model, version, dir),
            Effect::After { delay_ms, action } => {
                self.after(Duration::from_millis(delay_ms), *action)
            }
            Effect::Invalidate => self.registry().invalidate(),
            Effect::SwitchProfile { name } => self.switch_profile(name),
            Effect::SetTheme { name } => self.set_theme(name, theme),
        }
    }

    /// Wait (up to `bound` in all) for the decisions still being written; each one logs what
    /// it wrote. One that does not finish in time is logged as interrupted, with the steps
    /// that may be missing. Answers how many were cut short.
    pub async fn finish_writes(&self, bound: Duration) -> usize {
        self.writes.finish(bound).await
    }

    /// The registry of the current profile.
    fn registry(&self) -> Registry {
        self.registry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Send an action back; a closed channel means the cockpit is gone, and the answer with it.
    fn send(&self, action: Action) {
        let _ = self.tx.send(action);
    }

    /// Run `work` in the background and send its answer back as the action `wrap` makes of it.
    fn spawn_answer<T, E, F>(
        &self,
        work: F,
        wrap: impl FnOnce(Answer<T>) -> Action + Send + 'static,
    ) where
        F: Future<Output = Result<T, E>> + Send + 'static,
        E: Into<LoadError>,
    {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let answer = work.await.map_err(load_error);
            let _ = tx.send(wrap(answer));
        });
    }

    /// Send `action` back after `delay` (debouncing).
    fn after(&self, delay: Duration, action: Action) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = tx.send(action);
        });
    }

    /// An effect that reached a family it does not belong to: `run` routes each variant once,
    /// so this is a slip in the routing, logged rather than carried out.
    fn misrouted(&self, family: &str, effect: Effect) {
        tracing::error!(?effect, "effect routed to {family}; not carried out");
    }
}

/// The one place an error of the layers below becomes what the app carries: typed for the
/// registry's and the decision layer's errors, words for the rest (see `LoadError`'s `From`s).
pub(crate) fn load_error(error: impl Into<LoadError>) -> LoadError {
    error.into()
}
