//! Why something asked of the registry did not arrive, kept typed until a view words it: the
//! cockpit can then tell a stale report from a lost race or a refused permission, and the view
//! chooses the words and the hint (`ui/error_text.rs`).

use std::sync::Arc;

use crate::mlflow::MlflowError;
use crate::registry::decide::DecideError;

#[derive(Debug, Clone)]
pub enum LoadError {
    /// The registry failed or refused (connection, permission, not found, malformed answer).
    Registry(Arc<MlflowError>),
    /// A decision or roll back was refused or written only in part.
    Decision(Arc<DecideError>),
    /// Anything else (a policy file, an export's disk, an artifact that does not parse), already
    /// in words by the layer that knows it.
    Other(String),
}

impl LoadError {
    /// A failure that is only words.
    pub fn other(error: impl std::fmt::Display) -> LoadError {
        LoadError::Other(error.to_string())
    }

    /// The decision layer's error, when that is what failed.
    pub fn decision(&self) -> Option<&DecideError> {
        match self {
            LoadError::Decision(e) => Some(e),
            _ => None,
        }
    }

    /// The registry's error underneath, directly or inside a decision's failure.
    pub fn registry(&self) -> Option<&MlflowError> {
        match self {
            LoadError::Registry(e) => Some(e),
            LoadError::Decision(e) => e.registry_error(),
            LoadError::Other(_) => None,
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Registry(e) => e.fmt(f),
            LoadError::Decision(e) => e.fmt(f),
            LoadError::Other(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for LoadError {}

/// Two errors are the same when they say the same (the errors below are not comparable; the
/// update tests compare actions).
impl PartialEq for LoadError {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl From<MlflowError> for LoadError {
    fn from(e: MlflowError) -> Self {
        LoadError::Registry(Arc::new(e))
    }
}

impl From<DecideError> for LoadError {
    fn from(e: DecideError) -> Self {
        match e {
            // A plain read that failed before any decision step: the registry's error.
            DecideError::Read(e) => LoadError::from(e),
            e => LoadError::Decision(Arc::new(e)),
        }
    }
}

impl From<crate::session::SessionError> for LoadError {
    fn from(e: crate::session::SessionError) -> Self {
        match e {
            crate::session::SessionError::Connect(e) => e.into(),
            other => LoadError::other(other),
        }
    }
}

impl From<crate::session::PolicyFileError> for LoadError {
    fn from(e: crate::session::PolicyFileError) -> Self {
        LoadError::other(e)
    }
}

impl From<String> for LoadError {
    fn from(text: String) -> Self {
        LoadError::Other(text)
    }
}

impl From<&str> for LoadError {
    fn from(text: &str) -> Self {
        LoadError::Other(text.to_string())
    }
}
