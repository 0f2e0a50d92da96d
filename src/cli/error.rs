use thiserror::Error;

use crate::cockpit::CockpitError;
use crate::config::ConfigError;
use crate::mlflow::MlflowError;
use crate::session::{PolicyFileError, SessionError};

#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Mlflow(#[from] MlflowError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
    /// A policy file with a mistake: file, line and reason.
    #[error("policy: {0}")]
    Policy(#[from] crate::governance::PolicyError),
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    /// A check failed and has already been reported on stdout (e.g. `doctor`).
    #[error("{0}")]
    Reported(String),
    /// Like `Reported`, when what failed is the configuration (a CA file that is not PEM).
    #[error("{0}")]
    ReportedConfig(String),
}

impl From<PolicyFileError> for CliError {
    fn from(error: PolicyFileError) -> Self {
        match error {
            PolicyFileError::Invalid(e) => CliError::Policy(e),
            other => CliError::Usage(other.to_string()),
        }
    }
}

impl From<SessionError> for CliError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::Config(e) => CliError::Config(e),
            SessionError::Connect(e) => CliError::Mlflow(e),
            SessionError::Policy(e) => e.into(),
        }
    }
}

impl From<CockpitError> for CliError {
    fn from(error: CockpitError) -> Self {
        match error {
            CockpitError::Session(e) => e.into(),
            CockpitError::Terminal(e) => CliError::Io(e),
        }
    }
}

/// Exit codes, documented in the README: scripts branch on them.
pub fn exit_code(error: &CliError) -> i32 {
    match error {
        CliError::Usage(_)
        | CliError::Config(_)
        | CliError::Policy(_)
        | CliError::ReportedConfig(_) => 2,
        CliError::Mlflow(e) => match e {
            MlflowError::InvalidUri { .. } | MlflowError::TlsConfig { .. } => 2,
            MlflowError::NotFound { .. } => 3,
            MlflowError::Connect { .. }
            | MlflowError::ProxyConnect { .. }
            | MlflowError::Timeout { .. }
            | MlflowError::Tls { .. }
            | MlflowError::TlsHostname { .. }
            | MlflowError::ClientCertificate { .. }
            | MlflowError::InsecureRedirect { .. }
            | MlflowError::InvalidHost { .. } => 4,
            MlflowError::Unauthenticated { .. } | MlflowError::PermissionDenied { .. } => 5,
            _ => 1,
        },
        CliError::Io(_) | CliError::Reported(_) => 1,
    }
}
