//! Is the report an approver saw still true? Right before writing, tollgate re-evaluates and
//! compares digests; when they differ, this lists what changed so the approver sees why.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::governance::gate::{GateReport, Outcome};

/// One difference between the report seen and the fresh one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Change {
    Stage {
        from: Option<String>,
        to: Option<String>,
    },
    AliasAdded {
        alias: String,
    },
    AliasRemoved {
        alias: String,
    },
    SourceRun {
        from: Option<String>,
        to: Option<String>,
    },
    Metric {
        key: String,
        from: Option<f64>,
        to: Option<f64>,
    },
    Tag {
        key: String,
        from: Option<String>,
        to: Option<String>,
    },
    Policy {
        from: String,
        to: String,
    },
    /// A gate's outcome or observed value changed (drift window, baseline version, ...).
    Check {
        id: String,
        from: Option<Outcome>,
        to: Option<Outcome>,
        detail: String,
    },
    /// Model, version or target differ: not the same question at all.
    Subject {
        from: String,
        to: String,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
        let num = |v: &Option<f64>| v.map_or("(none)".to_string(), |x| x.to_string());
        match self {
            Change::Stage { from, to } => write!(f, "stage {} -> {}", opt(from), opt(to)),
            Change::AliasAdded { alias } => write!(f, "alias @{alias} added"),
            Change::AliasRemoved { alias } => write!(f, "alias @{alias} removed"),
            Change::SourceRun { from, to } => write!(f, "source run {} -> {}", opt(from), opt(to)),
            Change::Metric { key, from, to } => {
                write!(f, "metric {key} {} -> {}", num(from), num(to))
            }
            Change::Tag { key, from, to } => write!(f, "tag {key} {} -> {}", opt(from), opt(to)),
            Change::Policy { from, to } => write!(f, "policy {from} -> {to}"),
            Change::Check {
                id,
                from,
                to,
                detail,
            } => {
                let o = |v: &Option<Outcome>| v.map_or("(absent)", |o| o.as_str());
                write!(f, "gate {id} {} -> {}", o(from), o(to))?;
                if !detail.is_empty() {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
            Change::Subject { from, to } => write!(f, "report for {from}, now {to}"),
        }
    }
}

/// The verdict of a staleness check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staleness {
    /// The digests differ: the decision must not be written.
    pub stale: bool,
    pub changes: Vec<Change>,
}

/// Compare the report the approver saw with a fresh evaluation.
pub fn staleness(seen: &GateReport, fresh: &GateReport) -> Staleness {
    let mut changes = Vec::new();
    let subject = |r: &GateReport| format!("{} v{} to {}", r.model, r.version, r.target);
    if subject(seen) != subject(fresh) {
        changes.push(Change::Subject {
            from: subject(seen),
            to: subject(fresh),
        });
    }
    let (a, b) = (&seen.state, &fresh.state);
    if a.stage != b.stage {
        changes.push(Change::Stage {
            from: a.stage.clone(),
            to: b.stage.clone(),
        });
    }
    let (before, after): (BTreeSet<&String>, BTreeSet<&String>) =
        (a.aliases.iter().collect(), b.aliases.iter().collect());
    for alias in after.difference(&before) {
        changes.push(Change::AliasAdded {
            alias: (*alias).clone(),
        });
    }
    for alias in before.difference(&after) {
        changes.push(Change::AliasRemoved {
            alias: (*alias).clone(),
        });
    }
    if a.run_id != b.run_id {
        changes.push(Change::SourceRun {
            from: a.run_id.clone(),
            to: b.run_id.clone(),
        });
    }
    let keys: BTreeSet<&String> = a.metrics.keys().chain(b.metrics.keys()).collect();
    for key in keys {
        let (x, y) = (a.metrics.get(key).copied(), b.metrics.get(key).copied());
        // Bitwise: NaN equals NaN here, 0.1 equals 0.1 exactly as the digest sees it.
        if x.map(f64::to_bits) != y.map(f64::to_bits) {
            changes.push(Change::Metric {
                key: key.clone(),
                from: x,
                to: y,
            });
        }
    }
    let keys: BTreeSet<&String> = a.tags.keys().chain(b.tags.keys()).collect();
    for key in keys {
        let (x, y) = (a.tags.get(key), b.tags.get(key));
        if x != y {
            changes.push(Change::Tag {
                key: key.clone(),
                from: x.cloned(),
                to: y.cloned(),
            });
        }
    }
    if seen.policy_digest != fresh.policy_digest {
        changes.push(Change::Policy {
            from: seen.policy_digest.clone(),
            to: fresh.policy_digest.clone(),
        });
    }
    let ids: BTreeSet<&String> = seen
        .checks
        .iter()
        .chain(&fresh.checks)
        .map(|c| &c.id)
        .collect();
    for id in ids {
        let x = seen.checks.iter().find(|c| &c.id == id);
        let y = fresh.checks.iter().find(|c| &c.id == id);
        let same = match (x, y) {
            (Some(x), Some(y)) => {
                x.outcome == y.outcome
                    && x.observed == y.observed
                    && x.bound == y.bound
                    && x.source == y.source
            }
            _ => false,
        };
        if !same {
            let detail = match (x, y) {
                (Some(x), Some(y)) if x.observed != y.observed => {
                    format!("observed {} -> {}", x.observed, y.observed)
                }
                (Some(x), Some(y)) if x.bound != y.bound => {
                    format!("bound {} -> {}", x.bound, y.bound)
                }
                (Some(_), Some(_)) => "evidence source changed".into(),
                _ => String::new(),
            };
            changes.push(Change::Check {
                id: id.clone(),
                from: x.map(|c| c.outcome),
                to: y.map(|c| c.outcome),
                detail,
            });
        }
    }
    Staleness {
        stale: seen.digest != fresh.digest,
        changes,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::governance::gate::{evaluate, Evidence};
    use crate::governance::policy::Policy;
    use crate::governance::target::Target;

    fn policy() -> Policy {
        Policy::parse(
            "[[gate]]\nid = \"acc\"\nmetric = \"accuracy\"\nmin = 0.85\n",
            "p.toml",
        )
        .unwrap()
    }

    fn evidence() -> Evidence {
        Evidence {
            model: "credit".into(),
            version: "7".into(),
            stage: Some("Staging".into()),
            aliases: vec!["challenger".into()],
            run_id: Some("r7".into()),
            metrics: BTreeMap::from([("accuracy".into(), 0.9), ("f1".into(), 0.8)]),
            tags: BTreeMap::from([("owner".into(), "risk".into())]),
            ..Evidence::default()
        }
    }

    fn report(ev: &Evidence) -> GateReport {
        evaluate(
            &policy(),
            &"Production".parse::<Target>().unwrap(),
            ev,
            "2026-11-20T10:00:00Z",
        )
    }

    #[test]
    fn unchanged_evidence_is_fresh() {
        let s = staleness(&report(&evidence()), &report(&evidence()));
        assert_eq!(
            s,
            Staleness {
                stale: false,
                changes: vec![]
            }
        );
    }

    #[test]
    fn every_change_is_listed() {
        let seen = report(&evidence());
        let mut ev = evidence();
        ev.stage = Some("Production".into());
        ev.aliases = vec!["champion".into()];
        ev.metrics.insert("accuracy".into(), 0.8);
        ev.metrics.remove("f1");
        ev.tags.insert("owner".into(), "mallory".into());
        let fresh = report(&ev);
        let s = staleness(&seen, &fresh);
        assert!(s.stale);
        let text: Vec<String> = s.changes.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            text,
            [
                "stage Staging -> Production",
                "alias @champion added",
                "alias @challenger removed",
                "metric accuracy 0.9 -> 0.8",
                "metric f1 0.8 -> (none)",
                "tag owner risk -> mallory",
                "gate acc pass -> fail (observed 0.9 -> 0.8)",
            ]
        );
    }

    #[test]
    fn policy_and_subject_changes() {
        let seen = report(&evidence());
        let other = Policy::parse(
            "[[gate]]\nid = \"acc\"\nmetric = \"accuracy\"\nmin = 0.95\n",
            "p.toml",
        )
        .unwrap();
        let fresh = evaluate(
            &other,
            &"@champion".parse::<Target>().unwrap(),
            &evidence(),
            "2026-11-20T10:00:00Z",
        );
        let s = staleness(&seen, &fresh);
        assert!(s.stale);
        assert!(matches!(s.changes[0], Change::Subject { .. }));
        assert!(s.changes.iter().any(|c| matches!(c, Change::Policy { .. })));
        assert!(s
            .changes
            .iter()
            .any(|c| c.to_string() == "gate acc pass -> fail (bound >= 0.85 -> >= 0.95)"));
    }
}
