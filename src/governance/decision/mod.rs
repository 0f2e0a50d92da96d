//! Decisions: the record kept in version tags, who is acting, four-eyes, the roll back target,
//! the staleness check made right before writing, whether a recorded decision is whole, and
//! which holders of a target the trail does not account for.

mod actor;
mod chain;
mod four_eyes;
mod holders;
mod record;
mod rollback;
mod staleness;
mod statement;
mod verification;

pub use actor::{resolve_actor, Actor, ActorInputs, ActorSource};
pub use chain::{
    missing_heads, walk_chain, ChainRecord, ChainReport, ChainSettings, Fork, Signature,
    SignatureCheck,
};
pub use four_eyes::{check_four_eyes, FourEyesInput, FourEyesOk, Recorded, Refusal, Role};
pub use holders::{
    checked_targets, unapproved_changes, ChangeKind, ChangeReason, CurrentState, Move, TrailRecord,
    UnapprovedChange,
};
pub use record::{
    fit_tag_value, iso8601, Decision, DecisionRecord, DECISION_TAG_PREFIX, MAX_TAG_VALUE,
};
pub use rollback::{rollback_target, AuditEntry, RollbackError};
pub use staleness::{staleness, Change, Staleness};
pub use statement::{record_hash, Statement, ADOPTED, NAMESPACE, STATEMENT_SCHEMA};
pub use verification::{
    verify, CurrentTags, Note, Reason, RecordedReport, RecordedRun, Verification, FINISHED,
};
