//! Who is acting, and how tollgate knows: the record says which source was used, because an OS
//! user name is a much weaker claim than an authenticated registry user.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where the actor's name came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorSource {
    /// The user the profile authenticates to the registry as, confirmed by the server
    /// (`users/current`, `users/get`).
    Authenticated,
    /// The profile's basic-auth user name, which the server did not (or not yet) confirm.
    BasicUnconfirmed,
    /// The `TOLLGATE_USER` environment variable.
    Env,
    /// The `identity` in tollgate's config.
    Config,
    /// The operating system's user.
    OsUser,
}

impl ActorSource {
    /// The value written to `.by_source` tags and audit params.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorSource::Authenticated => "authenticated",
            ActorSource::BasicUnconfirmed => "basic_auth_unconfirmed",
            ActorSource::Env => "TOLLGATE_USER",
            ActorSource::Config => "config",
            ActorSource::OsUser => "os_user",
        }
    }

    /// Parse [`ActorSource::as_str`] back.
    pub fn parse(s: &str) -> Option<ActorSource> {
        [
            ActorSource::Authenticated,
            ActorSource::BasicUnconfirmed,
            ActorSource::Env,
            ActorSource::Config,
            ActorSource::OsUser,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

impl fmt::Display for ActorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The person acting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub source: ActorSource,
}

/// The candidate identities, as the caller found them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActorInputs<'a> {
    /// The username of the profile's basic-auth credentials, when it has any. Only a server
    /// can confirm it ([`ActorSource::Authenticated`]); until then it is
    /// [`ActorSource::BasicUnconfirmed`].
    pub authenticated_user: Option<&'a str>,
    /// `TOLLGATE_USER`.
    pub tollgate_user: Option<&'a str>,
    /// The config's `identity`.
    pub config_identity: Option<&'a str>,
    /// The OS user (`USER` / `USERNAME`).
    pub os_user: Option<&'a str>,
}

/// The first non-blank identity in order: the credentials' user, `TOLLGATE_USER`, config, OS
/// user. The credentials' user is unconfirmed: see `registry::decide::confirm_actor`.
pub fn resolve_actor(inputs: &ActorInputs<'_>) -> Option<Actor> {
    [
        (inputs.authenticated_user, ActorSource::BasicUnconfirmed),
        (inputs.tollgate_user, ActorSource::Env),
        (inputs.config_identity, ActorSource::Config),
        (inputs.os_user, ActorSource::OsUser),
    ]
    .into_iter()
    .find_map(|(name, source)| {
        let name = name?.trim();
        (!name.is_empty()).then(|| Actor {
            name: name.to_string(),
            source,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strongest_source_wins() {
        let all = ActorInputs {
            authenticated_user: Some("ana@corp"),
            tollgate_user: Some("ana"),
            config_identity: Some("a.n."),
            os_user: Some("root"),
        };
        assert_eq!(
            resolve_actor(&all),
            Some(Actor {
                name: "ana@corp".into(),
                source: ActorSource::BasicUnconfirmed
            }),
            "a user name from the credentials is not authenticated until the server says so"
        );
        let env = ActorInputs {
            authenticated_user: Some("  "),
            ..all
        };
        assert_eq!(resolve_actor(&env).unwrap().source, ActorSource::Env);
        let os = ActorInputs {
            os_user: Some(" bo "),
            ..ActorInputs::default()
        };
        assert_eq!(
            resolve_actor(&os),
            Some(Actor {
                name: "bo".into(),
                source: ActorSource::OsUser
            })
        );
        let config = ActorInputs {
            config_identity: Some("cy"),
            os_user: Some("root"),
            ..ActorInputs::default()
        };
        assert_eq!(resolve_actor(&config).unwrap().source, ActorSource::Config);
        assert_eq!(resolve_actor(&ActorInputs::default()), None);
    }

    #[test]
    fn source_names_round_trip() {
        for s in [
            ActorSource::Authenticated,
            ActorSource::BasicUnconfirmed,
            ActorSource::Env,
            ActorSource::Config,
            ActorSource::OsUser,
        ] {
            assert_eq!(ActorSource::parse(s.as_str()), Some(s));
        }
        assert_eq!(ActorSource::parse("nobody"), None);
    }
}
