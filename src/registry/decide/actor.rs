//! Whether the server confirms who is acting. Who that is comes from the settings (see
//! `session::resolve_actor_for`); the headless commands and the cockpit ask the same question here.

use crate::governance::decision::{Actor, ActorSource};
use crate::mlflow::{Auth, MlflowClient, MlflowError};

/// Who is acting, with the source the server backs, and a note for the decider when the
/// identity could not be confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedActor {
    pub actor: Actor,
    pub note: Option<String>,
}

/// Ask the server who the credentials belong to: `authenticated` is recorded only when it
/// answers with the actor's name (`users/current` on MLflow 3.x, `users/get` on 2.x). A name
/// from the credentials the server does not confirm stays `basic_auth_unconfirmed`; a bearer
/// token names nobody MLflow can confirm, and the note says so.
pub async fn confirm_actor(client: &MlflowClient, actor: Actor) -> ConfirmedActor {
    let claims_login = matches!(
        actor.source,
        ActorSource::Authenticated | ActorSource::BasicUnconfirmed
    );
    let unconfirmed = |note: String| ConfirmedActor {
        actor: Actor {
            source: ActorSource::BasicUnconfirmed,
            ..actor.clone()
        },
        note: Some(note),
    };
    match &client.transport().settings().auth {
        Auth::Basic { username, .. } if claims_login && *username == actor.name => {
            match server_user(client, username).await {
                Ok(confirmed) if confirmed == *username => ConfirmedActor {
                    actor: Actor {
                        source: ActorSource::Authenticated,
                        ..actor
                    },
                    note: None,
                },
                Ok(other) => unconfirmed(format!(
                    "the server says these credentials are '{other}', not '{username}': recorded as {}",
                    ActorSource::BasicUnconfirmed
                )),
                Err(e) => unconfirmed(format!(
                    "the server did not confirm the user '{username}' ({e}): recorded as {}",
                    ActorSource::BasicUnconfirmed
                )),
            }
        }
        _ if claims_login => unconfirmed(format!(
            "'{}' is not the user of this session's credentials: recorded as {}",
            actor.name,
            ActorSource::BasicUnconfirmed
        )),
        Auth::Bearer { .. } => ConfirmedActor {
            note: Some(format!(
                "a bearer token's user cannot be confirmed by MLflow: acting as '{}' ({})",
                actor.name, actor.source
            )),
            actor,
        },
        _ => ConfirmedActor { actor, note: None },
    }
}

/// The user name the server has for these credentials: `users/current`, else (a server
/// without it, e.g. MLflow 2.x) `users/get` for the name.
async fn server_user(client: &MlflowClient, username: &str) -> Result<String, MlflowError> {
    match client.current_user().await {
        Err(MlflowError::Http { status: 404, .. }) | Err(MlflowError::NotFound { .. }) => {
            client.get_user(username).await
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mlflow::{ConnectionSettings, CredentialSource, Secret};

    /// A client whose server is never reached: these cases must not ask it anything.
    fn client(auth: Auth) -> MlflowClient {
        let mut settings = ConnectionSettings::new("http://127.0.0.1:9");
        settings.auth = auth;
        MlflowClient::new(settings).unwrap()
    }

    fn actor(name: &str, source: ActorSource) -> Actor {
        Actor {
            name: name.into(),
            source,
        }
    }

    fn confirm(auth: Auth, a: Actor) -> ConfirmedActor {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(confirm_actor(&client(auth), a))
    }

    #[test]
    fn a_bearer_token_cannot_be_confirmed_and_says_so() {
        let bearer = Auth::Bearer {
            token: Secret::new("t0k3n"),
            source: CredentialSource::Environment,
        };
        let done = confirm(bearer, actor("ana", ActorSource::Env));
        assert_eq!(done.actor, actor("ana", ActorSource::Env));
        let note = done.note.unwrap();
        assert!(
            note.contains("bearer token's user cannot be confirmed"),
            "{note}"
        );
        assert!(!note.contains("t0k3n"));
    }

    #[test]
    fn a_claimed_login_without_matching_credentials_stays_unconfirmed() {
        let done = confirm(Auth::None, actor("ana", ActorSource::Authenticated));
        assert_eq!(done.actor, actor("ana", ActorSource::BasicUnconfirmed));
        assert!(done.note.is_some());
        let basic = Auth::Basic {
            username: "bo".into(),
            password: Secret::new("pw"),
            source: CredentialSource::Environment,
        };
        let done = confirm(basic, actor("ana", ActorSource::Authenticated));
        assert_eq!(done.actor.source, ActorSource::BasicUnconfirmed);
    }

    #[test]
    fn other_sources_pass_unchanged_without_a_note() {
        let done = confirm(Auth::None, actor("ana", ActorSource::Config));
        assert_eq!(
            done,
            ConfirmedActor {
                actor: actor("ana", ActorSource::Config),
                note: None
            }
        );
    }
}
