//! Who is acting, from the resolved settings and the environment: the credentials' user,
//! `TOLLGATE_USER`, the config's `identity` (the profile's, else the top-level one), or the OS
//! user. Whether the server confirms it is the registry's question (`decide::confirm_actor`).

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

#[cfg(test)]
mod tests {
    use super::resolve_actor_for;
    use crate::config::resolve_with;
    use crate::config::test_support::{config_file, env_of, overrides};
    use crate::config::Overrides;

    #[test]
    fn identity_from_the_profile_then_the_top_level_comes_after_tollgate_user() {
        use crate::governance::decision::ActorSource;
        let f = config_file(
            r#"
    identity = "top@corp"
    default_profile = "local"
    [profiles.local]
    tracking_uri = "http://localhost:6000"
    identity = "ana@corp"
    [profiles.other]
    tracking_uri = "http://localhost:6001"
    [profiles.prod]
    tracking_uri = "https://mlflow.example.com"
    username = "alice"
    password_command = "printf s3cret"
    identity = "ignored"
    "#,
        );
        let actor = |profile: Option<&str>, env: &[(&str, &str)]| {
            let o = Overrides {
                profile: profile.map(str::to_string),
                ..overrides(f.path())
            };
            let r = resolve_with(&o, &env_of(env)).unwrap();
            resolve_actor_for(&r, &env_of(env)).map(|a| (a.name, a.source))
        };
        let os = [("USER", "root")];
        assert_eq!(
            actor(None, &os),
            Some(("ana@corp".into(), ActorSource::Config)),
            "the profile's identity beats the OS user"
        );
        assert_eq!(
            actor(Some("other"), &os),
            Some(("top@corp".into(), ActorSource::Config)),
            "a profile without one falls back to the top-level identity"
        );
        assert_eq!(
            actor(None, &[("USER", "root"), ("TOLLGATE_USER", "bo")]),
            Some(("bo".into(), ActorSource::Env))
        );
        assert_eq!(
            actor(Some("prod"), &os),
            Some(("alice".into(), ActorSource::BasicUnconfirmed)),
            "credentials name the actor"
        );
    }
}
