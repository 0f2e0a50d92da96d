//! How a commit can end without success, typed so the CLI picks its exit code and message and
//! the cockpit shows what happened (and whether anything was written).

use crate::governance::decision::Change;
use crate::mlflow::MlflowError;

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// The answers are incomplete (no comment, no justification, the name not confirmed).
    #[error(transparent)]
    Invalid(#[from] super::InputError),
    /// Failing gates and a policy that allows no override.
    #[error("{0}")]
    Policy(String),
    /// Four-eyes refuses this approver.
    #[error("refused: {0}")]
    FourEyes(crate::governance::decision::Refusal),
    /// Reading the version (before any write) failed.
    #[error(transparent)]
    Read(#[from] MlflowError),
    /// The version changed since the report the decider saw; nothing was written.
    #[error("stale report (digest {seen} is now {fresh}); nothing was written: check again")]
    Stale {
        seen: String,
        fresh: String,
        changes: Vec<Change>,
    },
    /// The version already holds the target (another approval came first); nothing was written.
    #[error("version {version} already holds {target} (another approval came first); nothing was written")]
    AlreadyHeld { version: String, target: String },
    /// Another decision about the target won (`how`); nothing was promoted or recorded.
    #[error("another decision about {target} came first: {how}; version {version} was not promoted and nothing was recorded")]
    LostRace {
        version: String,
        target: String,
        how: RaceLoss,
    },
    /// The target moved between the roll back's plan and its write; nothing was written.
    #[error("{target} moved since (v{from} -> v{now}); nothing was written")]
    Moved {
        target: String,
        from: String,
        now: String,
    },
    /// The server refused the first write (`what`): nothing was recorded.
    #[error("the server refused {what}: nothing was recorded ({error})")]
    Refused {
        what: &'static str,
        error: MlflowError,
    },
    /// The decision could not be signed and the policy requires signatures; nothing was written.
    #[error("refused: the policy requires signed decisions, and {0}; nothing was written")]
    Unsigned(crate::signing::SignError),
    /// Some writes went through and a later one failed.
    #[error("{what} ({error})")]
    Partial { what: String, error: MlflowError },
}

impl DecideError {
    /// Whether anything reached the registry.
    pub fn wrote_something(&self) -> bool {
        matches!(self, DecideError::Partial { .. })
    }

    /// The registry's error behind this one, when the registry failed or refused.
    pub fn registry_error(&self) -> Option<&MlflowError> {
        match self {
            DecideError::Read(e)
            | DecideError::Refused { error: e, .. }
            | DecideError::Partial { error: e, .. } => Some(e),
            _ => None,
        }
    }

    /// The changes a stale report missed, as lines (empty for other errors).
    pub fn change_lines(&self) -> Vec<String> {
        match self {
            DecideError::Stale { changes, .. } => changes.iter().map(|c| c.to_string()).collect(),
            _ => Vec::new(),
        }
    }
}

/// How another decision about the same target came first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RaceLoss {
    /// Another decider's claim on the target stands (`by`, `until` when it is readable).
    #[error("{} holds the claim on it{}", by.as_deref().map_or("an unreadable claim tag".to_string(), |b| format!("{b}'s approval")), until.as_deref().map_or(String::new(), |u| format!(" until {u}")))]
    Claimed {
        by: Option<String>,
        until: Option<String>,
    },
    /// Another decider's claim replaced ours while we waited.
    #[error("another approval claimed it while this one waited")]
    Overtaken,
    /// Two claims were written at the same instant and the server kept the other.
    #[error("another approval claimed it at the same moment")]
    Simultaneous,
    /// The target's holder is no longer the one the decider saw.
    #[error(
        "it moved from {} to {} since the report was prepared",
        version_label(from),
        version_label(now)
    )]
    Moved {
        from: Option<String>,
        now: Option<String>,
    },
}

fn version_label(v: &Option<String>) -> String {
    v.as_deref()
        .map_or_else(|| "(none)".to_string(), |v| format!("v{v}"))
}

impl From<crate::registry::SignRefusal> for DecideError {
    fn from(refusal: crate::registry::SignRefusal) -> Self {
        match refusal {
            crate::registry::SignRefusal::Required(e) => DecideError::Unsigned(e),
            crate::registry::SignRefusal::Read(e) => DecideError::Read(e),
        }
    }
}
