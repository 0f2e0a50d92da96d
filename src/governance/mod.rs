//! Pure governance decisions: promotion targets, the policy file, gate evaluation into a
//! digest-bound report, and the decision record (four-eyes, actor, rollback, staleness).
//! Data in, results out: the CLI and the cockpit do the reading and writing.

pub mod target;

pub use target::{Stage, Target, TargetError};
pub mod policy;

pub use policy::{BaselineRule, Check, DriftMeasure, Gate, Policy, PolicyError, Settings, Signing};
pub mod gate;

pub use gate::{
    evaluate, Baseline, CheckResult, DriftEvidence, Evidence, GateReport, Outcome, Source,
    VersionState,
};
pub mod decision;
pub mod jcs;
pub mod velocity;
