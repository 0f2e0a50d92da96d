//! Which version a roll back returns a target to: the one that held it before the current
//! holder, read from the audit trail. Roll backs undo like a stack, so rolling back twice goes
//! two promotions back instead of flipping between the last two versions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::record::Decision;
use crate::governance::target::Target;

/// One decision of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub target: Target,
    pub decision: Decision,
    /// The version decided about; for a roll back, the version the target went back to.
    pub version: String,
    pub at: DateTime<Utc>,
    /// The version that held the target right before an approval or roll back moved it, when
    /// the record says (so the first roll back after tollgate's first approval has somewhere to go).
    #[serde(default)]
    pub previous: Option<String>,
}

/// Why no roll back target exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollbackError {
    #[error("the audit trail records no promotion to {0}")]
    NoHistory(Target),
    #[error("no version held {target} before version {current}")]
    NoEarlierHolder { target: Target, current: String },
}

/// The version to roll `target` back to, given the audit trail (any order: entries are sorted
/// by time, ties kept in the given order) and the version holding the target now.
pub fn rollback_target(
    history: &[AuditEntry],
    target: &Target,
    current_holder: Option<&str>,
) -> Result<String, RollbackError> {
    let mut entries: Vec<&AuditEntry> = history.iter().filter(|e| &e.target == target).collect();
    entries.sort_by_key(|e| e.at);
    let mut holders: Vec<&str> = Vec::new();
    for e in entries {
        match e.decision {
            Decision::Approved => {
                if let Some(previous) = e.previous.as_deref() {
                    if previous != e.version && holders.last() != Some(&previous) {
                        holders.push(previous);
                    }
                }
                if holders.last() != Some(&e.version.as_str()) {
                    holders.push(&e.version);
                }
            }
            Decision::RolledBack => match holders.iter().rposition(|v| *v == e.version) {
                Some(i) => holders.truncate(i + 1),
                None => holders.push(&e.version),
            },
            Decision::Requested | Decision::Rejected => {}
        }
    }
    let Some(&top) = holders.last() else {
        return Err(RollbackError::NoHistory(target.clone()));
    };
    match current_holder {
        // Promoted outside tollgate since: the last holder tollgate recorded is the one before.
        Some(current) if current != top => Ok(top.to_string()),
        Some(current) => holders
            .iter()
            .rev()
            .find(|v| **v != current)
            .map(|v| v.to_string())
            .ok_or_else(|| RollbackError::NoEarlierHolder {
                target: target.clone(),
                current: current.to_string(),
            }),
        None => Ok(top.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(day: u32, decision: Decision, version: &str) -> AuditEntry {
        AuditEntry {
            target: "@champion".parse().unwrap(),
            decision,
            version: version.into(),
            at: Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap(),
            previous: None,
        }
    }

    #[test]
    fn the_first_approval_remembers_the_version_it_replaced() {
        // v3 held the target before tollgate was used; the approval of v5 recorded it.
        let mut first = entry(1, Decision::Approved, "5");
        first.previous = Some("3".into());
        assert_eq!(
            rollback_target(&[first.clone()], &champion(), Some("5")),
            Ok("3".into())
        );
        // Later approvals that name the holder tollgate already knows change nothing.
        let mut second = entry(2, Decision::Approved, "6");
        second.previous = Some("5".into());
        let h = vec![first, second];
        assert_eq!(rollback_target(&h, &champion(), Some("6")), Ok("5".into()));
        let back = AuditEntry {
            previous: Some("6".into()),
            ..entry(3, Decision::RolledBack, "5")
        };
        let h = [h, vec![back]].concat();
        assert_eq!(rollback_target(&h, &champion(), Some("5")), Ok("3".into()));
    }

    fn champion() -> Target {
        "@champion".parse().unwrap()
    }

    #[test]
    fn goes_back_one_promotion() {
        let h = vec![
            entry(1, Decision::Approved, "1"),
            entry(3, Decision::Requested, "2"),
            entry(4, Decision::Approved, "2"),
            entry(5, Decision::Rejected, "3"),
            entry(6, Decision::Approved, "4"),
        ];
        assert_eq!(rollback_target(&h, &champion(), Some("4")), Ok("2".into()));
    }

    #[test]
    fn repeated_rollbacks_walk_further_back() {
        let mut h = vec![
            entry(1, Decision::Approved, "1"),
            entry(2, Decision::Approved, "2"),
            entry(3, Decision::Approved, "3"),
            entry(4, Decision::RolledBack, "2"),
        ];
        assert_eq!(rollback_target(&h, &champion(), Some("2")), Ok("1".into()));
        h.push(entry(5, Decision::RolledBack, "1"));
        assert_eq!(
            rollback_target(&h, &champion(), Some("1")),
            Err(RollbackError::NoEarlierHolder {
                target: champion(),
                current: "1".into()
            })
        );
    }

    #[test]
    fn unordered_history_and_other_targets() {
        let mut h = vec![
            entry(6, Decision::Approved, "4"),
            entry(1, Decision::Approved, "1"),
        ];
        let mut other = entry(7, Decision::Approved, "9");
        other.target = "Production".parse().unwrap();
        h.push(other);
        assert_eq!(rollback_target(&h, &champion(), Some("4")), Ok("1".into()));
    }

    #[test]
    fn promoted_outside_tollgate() {
        let h = vec![
            entry(1, Decision::Approved, "1"),
            entry(2, Decision::Approved, "2"),
        ];
        assert_eq!(rollback_target(&h, &champion(), Some("5")), Ok("2".into()));
        assert_eq!(rollback_target(&h, &champion(), None), Ok("2".into()));
    }

    #[test]
    fn no_history() {
        let h = vec![entry(1, Decision::Requested, "1")];
        assert_eq!(
            rollback_target(&h, &champion(), Some("1")),
            Err(RollbackError::NoHistory(champion()))
        );
        assert_eq!(
            rollback_target(&[], &champion(), None)
                .unwrap_err()
                .to_string(),
            "the audit trail records no promotion to @champion"
        );
    }
}
