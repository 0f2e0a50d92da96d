//! `:profile`: start a session with another profile and swap its registry in, then its policy.

use std::sync::Arc;

use super::{load_error, EffectRunner};
use crate::app::action::Action;
use crate::app::state::ServerContext;
use crate::session;

impl EffectRunner {
    /// Resolve the config again with another profile (its secret commands may run, so off the
    /// async threads), connect, and swap the registry in.
    pub(super) fn switch_profile(&self, name: String) {
        let tx = self.tx.clone();
        let slot = Arc::clone(&self.registry);
        let options = self.session.with_profile(&name);
        tokio::task::spawn_blocking(move || {
            let action = match session::open(&options) {
                Ok((resolved, registry)) => {
                    let found = session::policy::find(&resolved, options.policy.as_deref());
                    let registry = match &found {
                        Ok(Some(p)) => registry.with_signing(p.signing.clone()),
                        _ => registry,
                    };
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = registry;
                    tracing::info!(profile = %name, url = %resolved.connection.tracking_uri, "switched profile");
                    let _ = tx.send(Action::ProfileSwitched(ServerContext::from_resolved(
                        &resolved,
                    )));
                    // Then the new profile's policy (or none); a broken one warns after the
                    // switch's own message.
                    let policy = found.map(|p| p.map(Box::new)).map_err(load_error);
                    Action::PolicyChanged(policy)
                }
                Err(error) => Action::ProfileFailed {
                    name,
                    error: load_error(error),
                },
            };
            let _ = tx.send(action);
        });
    }
}
