//! Starting a session, the same way for the headless commands and the cockpit: resolve the
//! settings (flags, environment, profiles), connect to the registry, find the policy, name who
//! is acting. The command line's parser stays in `cli/`: a session starts from plain
//! [`SessionOptions`].

mod actor;
pub mod policy;

use std::path::PathBuf;

use thiserror::Error;

pub use actor::resolve_actor_for;
pub use policy::PolicyFileError;

use crate::config::{self, ConfigError, Overrides, Resolved};
use crate::mlflow::{MlflowClient, MlflowError};
use crate::registry::Registry;

/// What the command line says about a session.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    /// Where and how to connect.
    pub overrides: Overrides,
    /// `--policy FILE`: when set, it wins over the profile's policy and the default file.
    pub policy: Option<PathBuf>,
}

impl SessionOptions {
    /// The settings these options lead to (secret commands may run: not on async threads).
    pub fn resolve(&self) -> Result<Resolved, ConfigError> {
        config::resolve(&self.overrides)
    }

    /// The same options with another profile. The profile names the server, so a
    /// `--tracking-uri` given at start would hide it and is dropped; `--policy` stays.
    pub fn with_profile(&self, name: &str) -> SessionOptions {
        let mut options = self.clone();
        options.overrides.profile = Some(name.to_string());
        options.overrides.tracking_uri = None;
        options
    }
}

/// Why a session could not start.
#[derive(Debug, Error)]
pub enum SessionError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Connect(#[from] MlflowError),
    #[error(transparent)]
    Policy(#[from] PolicyFileError),
}

/// A client for the resolved server (no request is sent yet).
pub fn connect(resolved: &Resolved) -> Result<Registry, MlflowError> {
    let client = MlflowClient::new(resolved.connection.clone())?;
    Ok(Registry::new(client, resolved.page_size))
}

/// Resolve the settings and connect with them.
pub fn open(options: &SessionOptions) -> Result<(Resolved, Registry), SessionError> {
    let resolved = options.resolve()?;
    let registry = connect(&resolved)?;
    Ok((resolved, registry))
}
