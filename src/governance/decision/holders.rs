//! Changes made behind tollgate's back. MLflow lets anyone with EDIT rights move a stage or an
//! alias with one REST call, and nothing records it. So the registry's current state is compared
//! with the trail: replaying the verified approvals, roll backs and adoptions per target gives
//! the versions tollgate put there; any other version holding the target is an
//! `unapproved change`, and so is a decision tag that no audit record backs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use super::record::{Decision, DecisionRecord};
use crate::governance::target::{Stage, Target};

/// What a trail record did to the holders, as far as this check cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// An approval: the version was promoted to the target.
    Approved,
    /// A roll back: the target went back to the version.
    RolledBack,
    /// An adoption: a snapshot of every target's holders when tollgate was adopted.
    Adopted { holders: Vec<(Target, String)> },
    /// A request, a rejection or a gate check: moves nothing.
    Other { decision: String },
}

/// One audit record, reduced to what the replay needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailRecord {
    pub run_id: String,
    /// The version decided about (for a roll back, the version the target went back to);
    /// empty for an adoption.
    pub version: String,
    /// `None` for an adoption, or a target the record does not spell readably.
    pub target: Option<Target>,
    pub movement: Move,
    /// Whether the record is whole (and, once signatures are kept, signed as required).
    pub verified: bool,
    /// The versions the promotion moved out of the target stage (to Archived).
    pub archived: Vec<String>,
    /// The record's decision as recorded (for matching decision tags).
    pub decision: String,
    pub actor: String,
    /// ISO 8601, for messages.
    pub at: String,
}

/// The registry's current state of one model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CurrentState {
    /// Every (target, version) holding it now: stages from each version's `current_stage`,
    /// aliases from the registered model.
    pub holdings: Vec<(Target, String)>,
    /// Every version's decision tags.
    pub tagged: Vec<(String, DecisionRecord)>,
}

/// Why a version or a tag is an unapproved change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ChangeReason {
    /// No approval, roll back or adoption record puts the version there.
    NoRecord,
    /// The records that put it there are not verified.
    UnverifiedRecord { run_ids: Vec<String> },
    /// tollgate put it there once, then a later decision moved the target away from it.
    MovedAwaySince {
        run_id: String,
        decision: String,
        version: String,
        at: String,
    },
    /// A decision tag on the version that no audit record of that decision backs.
    NoAuditRecord { decision: String, by: String },
}

impl fmt::Display for ChangeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeReason::NoRecord => f.write_str("no approval, roll back or adoption record"),
            ChangeReason::UnverifiedRecord { run_ids } => write!(
                f,
                "its records are not verified (audit run {})",
                run_ids.join(", ")
            ),
            ChangeReason::MovedAwaySince {
                run_id,
                decision,
                version,
                at,
            } => write!(
                f,
                "tollgate moved the target away from it ({decision} of v{version} at {at}, \
                 audit run {run_id}) and no record puts it back"
            ),
            ChangeReason::NoAuditRecord { decision, by } => write!(
                f,
                "decision tag '{decision}' by '{by}' with no matching audit record"
            ),
        }
    }
}

/// One unapproved change: a version holding a target, or a decision tag, the trail does not back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnapprovedChange {
    pub version: String,
    /// As the user writes it: `Production`, `@champion`.
    pub target: String,
    /// `holder` (the version holds the target) or `decision_tag`.
    pub kind: ChangeKind,
    pub reason: ChangeReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Holder,
    DecisionTag,
}

impl UnapprovedChange {
    /// One line: `v7 holds Production: no approval, roll back or adoption record`.
    pub fn summary(&self) -> String {
        match self.kind {
            ChangeKind::Holder => {
                format!("v{} holds {}: {}", self.version, self.target, self.reason)
            }
            ChangeKind::DecisionTag => {
                format!("v{} {}: {}", self.version, self.target, self.reason)
            }
        }
    }
}

/// The targets to compare: Staging, Production, and every alias the policy or the trail names
/// (audit records and decision tags).
pub fn checked_targets(
    policy_targets: &[Target],
    trail: &[TrailRecord],
    state: &CurrentState,
) -> BTreeSet<Target> {
    let mut targets: BTreeSet<Target> = [Stage::Staging, Stage::Production]
        .into_iter()
        .map(Target::Stage)
        .collect();
    let aliases = policy_targets
        .iter()
        .chain(trail.iter().filter_map(|r| r.target.as_ref()))
        .chain(trail.iter().flat_map(|r| match &r.movement {
            Move::Adopted { holders } => holders.iter().map(|(t, _)| t).collect::<Vec<&Target>>(),
            _ => Vec::new(),
        }))
        .chain(state.tagged.iter().map(|(_, d)| &d.target))
        .filter(|t| matches!(t, Target::Alias(_)));
    targets.extend(aliases.cloned());
    targets
}

/// Compare the current state with the trail (`trail` oldest first). Answers every unapproved
/// change, holders first, each list ordered by target then version.
pub fn unapproved_changes(
    policy_targets: &[Target],
    trail: &[TrailRecord],
    state: &CurrentState,
) -> Vec<UnapprovedChange> {
    let targets = checked_targets(policy_targets, trail, state);
    let expected = replay(trail);
    let mut changes = Vec::new();
    let mut holdings: Vec<&(Target, String)> = state
        .holdings
        .iter()
        .filter(|(t, _)| targets.contains(t))
        .collect();
    holdings.sort_by(|a, b| a.0.cmp(&b.0).then(version_order(&a.1, &b.1)));
    holdings.dedup();
    for (target, version) in holdings {
        let held = expected.holders.get(target);
        if held.is_some_and(|h| h.contains(version)) {
            continue;
        }
        changes.push(UnapprovedChange {
            version: version.clone(),
            target: target.to_string(),
            kind: ChangeKind::Holder,
            reason: why_unbacked(trail, target, version, &expected),
        });
    }
    let mut tagged: Vec<&(String, DecisionRecord)> = state.tagged.iter().collect();
    tagged.sort_by(|a, b| a.1.target.cmp(&b.1.target).then(version_order(&a.0, &b.0)));
    for (version, tag) in tagged {
        if !has_audit_record(trail, version, tag) {
            changes.push(UnapprovedChange {
                version: version.clone(),
                target: tag.target.to_string(),
                kind: ChangeKind::DecisionTag,
                reason: ChangeReason::NoAuditRecord {
                    decision: tag.decision.to_string(),
                    by: tag.by.clone(),
                },
            });
        }
    }
    changes
}

fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    let n = |v: &str| v.parse::<u64>().unwrap_or(u64::MAX);
    n(a).cmp(&n(b)).then(a.cmp(b))
}

/// The holders the verified trail accounts for, per target, and for each (target, version) it
/// once accounted for, the record that moved the target away since.
#[derive(Debug, Default)]
struct Expected {
    holders: BTreeMap<Target, BTreeSet<String>>,
    removed_by: BTreeMap<(Target, String), usize>,
}

impl Expected {
    fn put(&mut self, target: &Target, version: &str) {
        self.holders
            .entry(target.clone())
            .or_default()
            .insert(version.to_string());
        self.removed_by
            .remove(&(target.clone(), version.to_string()));
    }

    fn take(&mut self, target: &Target, version: &str, by: usize) {
        if let Some(set) = self.holders.get_mut(target) {
            if set.remove(version) {
                self.removed_by
                    .insert((target.clone(), version.to_string()), by);
            }
        }
    }
}

/// Replay the verified records, oldest first, the way tollgate's writes move holders: an alias
/// has one holder; a version has one stage, so promoting it to a stage takes it out of the
/// others; the versions a promotion archived leave the stage.
fn replay(trail: &[TrailRecord]) -> Expected {
    let mut expected = Expected::default();
    for (i, record) in trail.iter().enumerate().filter(|(_, r)| r.verified) {
        match (&record.movement, &record.target) {
            (Move::Adopted { holders }, _) => {
                // A snapshot: the holders it names, and nobody else.
                let all: Vec<(Target, String)> = expected
                    .holders
                    .iter()
                    .flat_map(|(t, vs)| vs.iter().map(|v| (t.clone(), v.clone())))
                    .collect();
                for (t, v) in all {
                    expected.take(&t, &v, i);
                }
                for (t, v) in holders {
                    expected.put(t, v);
                }
            }
            (Move::Approved | Move::RolledBack, Some(target)) => {
                let version = record.version.as_str();
                match target {
                    Target::Alias(_) => {
                        let others: Vec<String> = expected
                            .holders
                            .get(target)
                            .map(|s| s.iter().filter(|v| *v != version).cloned().collect())
                            .unwrap_or_default();
                        for other in others {
                            expected.take(target, &other, i);
                        }
                    }
                    Target::Stage(_) => {
                        let stages: Vec<Target> = expected
                            .holders
                            .keys()
                            .filter(|t| matches!(t, Target::Stage(_)) && *t != target)
                            .cloned()
                            .collect();
                        for stage in stages {
                            expected.take(&stage, version, i);
                        }
                        for archived in &record.archived {
                            expected.take(target, archived, i);
                        }
                    }
                }
                expected.put(target, version);
            }
            _ => {}
        }
    }
    expected
}

/// Why the trail does not account for `version` holding `target`.
fn why_unbacked(
    trail: &[TrailRecord],
    target: &Target,
    version: &str,
    expected: &Expected,
) -> ChangeReason {
    if let Some(&i) = expected
        .removed_by
        .get(&(target.clone(), version.to_string()))
    {
        if let Some(r) = trail.get(i) {
            return ChangeReason::MovedAwaySince {
                run_id: r.run_id.clone(),
                decision: match &r.movement {
                    Move::Adopted { .. } => "adoption".into(),
                    _ => r.decision.clone(),
                },
                version: r.version.clone(),
                at: r.at.clone(),
            };
        }
    }
    let unverified: Vec<String> = trail
        .iter()
        .filter(|r| {
            !r.verified
                && match &r.movement {
                    Move::Approved | Move::RolledBack => {
                        r.target.as_ref() == Some(target) && r.version == version
                    }
                    Move::Adopted { holders } => {
                        holders.iter().any(|(t, v)| t == target && v == version)
                    }
                    Move::Other { .. } => false,
                }
        })
        .map(|r| r.run_id.clone())
        .collect();
    if unverified.is_empty() {
        ChangeReason::NoRecord
    } else {
        ChangeReason::UnverifiedRecord {
            run_ids: unverified,
        }
    }
}

/// Whether an audit run records the decision a version's tag shows: same version, target,
/// decision and actor. (Whether that run is whole is the record's own verification.)
fn has_audit_record(trail: &[TrailRecord], version: &str, tag: &DecisionRecord) -> bool {
    trail.iter().any(|r| {
        r.version == version
            && r.target.as_ref() == Some(&tag.target)
            && Decision::parse(&r.decision) == Some(tag.decision)
            && r.actor == tag.by
    })
}

#[cfg(test)]
#[path = "holders_tests.rs"]
mod tests;
