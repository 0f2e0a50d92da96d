//! Who is acting, from the resolved settings and the environment: the authenticated user,
//! `TOLLGATE_USER`, the config's `identity` (the profile's, else the top-level one), or the OS
//! user. The headless commands and the cockpit ask the same question here.

use crate::config::Resolved;
use crate::governance::decision::{resolve_actor, Actor, ActorInputs};
use crate::mlflow::Auth;

/// The actor, or `None` when no source names anyone.
pub fn resolve_actor_for(
    resolved: &Resolved,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Actor> {
    let authenticated = match &resolved.connection.auth {
        Auth::Basic { username, .. } => Some(username.clone()),
        _ => None,
    };
    let config_identity = resolved
        .profile
        .as_ref()
        .and_then(|p| resolved.config.profiles.get(p))
        .and_then(|p| p.identity.clone())
        .or_else(|| resolved.config.identity.clone());
    let env_user = env("TOLLGATE_USER");
    let os_user = env("USER").or_else(|| env("USERNAME"));
    resolve_actor(&ActorInputs {
        authenticated_user: authenticated.as_deref(),
        tollgate_user: env_user.as_deref(),
        config_identity: config_identity.as_deref(),
        os_user: os_user.as_deref(),
    })
}
