//! The decision workflow, shared by the headless commands and the cockpit's dialogs. Three
//! steps, so a terminal dialog and a command line can each put their own questions between
//! them: [`prepare`] reads the version and evaluates its gates (what the decider looks at),
//! [`Prepared::validate`] checks the decider's answers (pure), and [`commit`] re-reads,
//! refuses when the report went stale, and writes. Writes are never retried.
//!
//! Order of writes: the permission-sensitive one first (the claim on the target for approvals
//! and roll backs, the first decision tag otherwise), so a refused write leaves nothing
//! half-recorded; then the stage/alias change; then the decision tags; then the gate tag and
//! the audit run. See `claim` for one promotion per target.

mod actor;
mod claim;
mod commit;
mod error;
mod identities;
mod prepare;
mod reject;
mod rollback;

pub use actor::{confirm_actor, ConfirmedActor};
pub use claim::claim_key;
pub use commit::{commit, Committed};
pub use error::{DecideError, RaceLoss};
pub use prepare::{check, prepare, Blocker, Prepared};
pub use reject::reject_without_policy;
pub use rollback::{
    commit_rollback, plan_rollback, verified_history, RollbackPlan, RolledBack, SkippedRecord,
};

/// The decider's answers to the dialog's (or the command line's) questions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionInputs {
    pub comment: String,
    /// Why the gates are overridden (only when they fail and the policy allows it).
    pub justification: Option<String>,
    /// The model's name typed to confirm Production / @champion; `None` when the caller
    /// confirmed another way (the CLI's prompt or `--yes`).
    pub typed_name: Option<String>,
    /// Archive the stage's other versions; `None` = the default (on for Production).
    pub archive: Option<bool>,
}

/// Why the answers cannot be submitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("a comment is required")]
    MissingComment,
    #[error("gates not passed ({0}); the policy allows an override only with a justification")]
    MissingJustification(String),
    #[error("type the model name ({0}) to confirm")]
    NameNotConfirmed(String),
}

/// A comment is required for every decision.
pub fn require_comment(comment: &str) -> Result<(), InputError> {
    if comment.trim().is_empty() {
        return Err(InputError::MissingComment);
    }
    Ok(())
}

/// Whether `typed` confirms `model` (exactly, but for surrounding blanks).
pub fn name_confirms(model: &str, typed: &str) -> bool {
    typed.trim() == model
}

/// The first 12 hex digits of a digest, for messages.
pub fn short_digest(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}
