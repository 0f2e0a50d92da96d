//! Delivery figures per model (the `:velocity` view), from registry timestamps and the audit
//! trail: lead time from a version's creation to Production or `@champion`, promotions per
//! month, change failure rate (roll backs and rejections over decisions) and time to restore
//! (drift first crossing its threshold to the next roll back or new champion). Pure: data in,
//! figures out.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use super::decision::AuditEntry;
use super::decision::Decision;
use super::{Stage, Target};

/// One registered version, as the registry records it.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionTimes {
    pub model: String,
    pub version: String,
    pub created_ms: i64,
    /// When the version is in Production now and no audit record says when it got there: the
    /// registry's last update, the best the registry knows (MLflow keeps no stage history).
    pub production_since_ms: Option<i64>,
}

/// Where a monitored version's drift first crossed its threshold: an incident's start.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftStart {
    pub model: String,
    pub version: String,
    pub at_ms: i64,
}

/// The figures of one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelVelocity {
    pub model: String,
    /// Promotions to Production or `@champion` (approvals, and versions found in Production
    /// without an audit record).
    pub promotions: usize,
    /// Creation to promotion, per promoted version (ms), oldest promotion first.
    pub lead_times_ms: Vec<i64>,
    /// Promotions per calendar month (UTC, `YYYY-MM`), every month from the first to the last.
    pub per_month: Vec<(String, usize)>,
    /// Approvals, rejections and roll backs recorded (requests are not decisions).
    pub decisions: usize,
    /// Roll backs and rejections among them.
    pub failures: usize,
    /// Drift onset to the next roll back or new champion (ms), per restored onset.
    pub restore_times_ms: Vec<i64>,
    /// Drift onsets with no roll back or new champion since.
    pub open_incidents: usize,
}

impl ModelVelocity {
    /// Failures over decisions; `None` without decisions.
    pub fn change_failure_rate(&self) -> Option<f64> {
        (self.decisions > 0).then(|| self.failures as f64 / self.decisions as f64)
    }

    pub fn median_lead_time_ms(&self) -> Option<i64> {
        median(&self.lead_times_ms)
    }

    pub fn median_restore_ms(&self) -> Option<i64> {
        median(&self.restore_times_ms)
    }

    /// Promotions per month over the months covered (0 when none).
    pub fn promotions_per_month(&self) -> f64 {
        if self.per_month.is_empty() {
            0.0
        } else {
            self.promotions as f64 / self.per_month.len() as f64
        }
    }
}

/// Whether a target is where a model serves: the Production stage or the `@champion` alias.
pub fn is_serving(target: &Target) -> bool {
    match target {
        Target::Stage(s) => *s == Stage::Production,
        Target::Alias(a) => a == "champion",
    }
}

/// Every model's figures, by name. Models with neither promotions nor decisions nor drift are
/// left out: there is nothing to say about them.
pub fn velocity(
    versions: &[VersionTimes],
    audit: &[(String, AuditEntry)],
    drift: &[DriftStart],
) -> Vec<ModelVelocity> {
    let mut models: BTreeMap<&str, ModelVelocity> = BTreeMap::new();
    let created: BTreeMap<(&str, &str), &VersionTimes> = versions
        .iter()
        .map(|v| ((v.model.as_str(), v.version.as_str()), v))
        .collect();
    let blank = |model: &str| ModelVelocity {
        model: model.to_string(),
        promotions: 0,
        lead_times_ms: Vec::new(),
        per_month: Vec::new(),
        decisions: 0,
        failures: 0,
        restore_times_ms: Vec::new(),
        open_incidents: 0,
    };
    let mut audit: Vec<&(String, AuditEntry)> = audit.iter().collect();
    audit.sort_by_key(|(_, e)| e.at);
    // (model, version) -> when it was first promoted to a serving target.
    let mut promoted: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for (model, e) in &audit {
        let v = models.entry(model).or_insert_with(|| blank(model));
        match e.decision {
            Decision::Requested => continue,
            Decision::Approved => v.decisions += 1,
            Decision::Rejected | Decision::RolledBack => {
                v.decisions += 1;
                v.failures += 1;
            }
        }
        if e.decision == Decision::Approved && is_serving(&e.target) {
            promoted
                .entry((model.as_str(), e.version.as_str()))
                .or_insert(e.at.timestamp_millis());
        }
    }
    // Versions serving now with no recorded approval: the registry's timestamp stands in.
    for v in versions {
        if let Some(at) = v.production_since_ms {
            promoted
                .entry((v.model.as_str(), v.version.as_str()))
                .or_insert(at);
        }
    }
    let mut promotions: BTreeMap<&str, Vec<(i64, Option<i64>)>> = BTreeMap::new();
    for ((model, version), at) in &promoted {
        let lead = created
            .get(&(*model, *version))
            .map(|v| (at - v.created_ms).max(0));
        promotions.entry(model).or_default().push((*at, lead));
    }
    for (model, mut list) in promotions {
        list.sort();
        let v = models.entry(model).or_insert_with(|| blank(model));
        v.promotions = list.len();
        v.lead_times_ms = list.iter().filter_map(|(_, lead)| *lead).collect();
        v.per_month = months(list.iter().map(|(at, _)| *at));
    }
    for d in drift {
        // The next event that restores service: a roll back, or a new version made champion.
        let restored = audit.iter().find_map(|(model, e)| {
            let at = e.at.timestamp_millis();
            let restores = e.decision == Decision::RolledBack
                || (e.decision == Decision::Approved
                    && is_serving(&e.target)
                    && e.version != d.version);
            (model == &d.model && at >= d.at_ms && restores).then_some(at - d.at_ms)
        });
        let v = models
            .entry(d.model.as_str())
            .or_insert_with(|| blank(&d.model));
        match restored {
            Some(ms) => v.restore_times_ms.push(ms),
            None => v.open_incidents += 1,
        }
    }
    models.into_values().collect()
}

/// Counts per month from the first timestamp's month to the last's, empty months included.
fn months(times: impl Iterator<Item = i64>) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for ms in times {
        if let Some(t) = DateTime::<Utc>::from_timestamp_millis(ms) {
            *counts.entry((t.year(), t.month())).or_default() += 1;
        }
    }
    let (Some(first), Some(last)) = (counts.keys().next().copied(), counts.keys().last().copied())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        out.push((
            format!("{y:04}-{m:02}"),
            counts.get(&(y, m)).copied().unwrap_or(0),
        ));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

fn median(values: &[i64]) -> Option<i64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2),
    }
}

/// A duration for people: "3.5 d", "7 h", "20 min".
pub fn human_duration(ms: i64) -> String {
    let minutes = ms as f64 / 60_000.0;
    if minutes < 90.0 {
        format!("{minutes:.0} min")
    } else if minutes < 48.0 * 60.0 {
        format!("{:.0} h", minutes / 60.0)
    } else {
        format!("{:.1} d", minutes / 1440.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    /// 2026-01-01T00:00:00Z
    const JAN1: i64 = 1_767_225_600_000;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp_millis(ms).unwrap()
    }

    fn decision(
        model: &str,
        version: &str,
        target: &str,
        d: Decision,
        ms: i64,
    ) -> (String, AuditEntry) {
        (
            model.to_string(),
            AuditEntry {
                target: target.parse().unwrap(),
                decision: d,
                version: version.to_string(),
                at: at(ms),
                previous: None,
            },
        )
    }

    fn created(model: &str, version: &str, ms: i64) -> VersionTimes {
        VersionTimes {
            model: model.into(),
            version: version.into(),
            created_ms: ms,
            production_since_ms: None,
        }
    }

    #[test]
    fn lead_time_runs_from_creation_to_the_first_serving_promotion() {
        let versions = [created("m", "1", JAN1), created("m", "2", JAN1 + 10 * DAY)];
        let audit = [
            decision("m", "1", "Staging", Decision::Approved, JAN1 + DAY),
            decision("m", "1", "Production", Decision::Approved, JAN1 + 3 * DAY),
            decision("m", "2", "@champion", Decision::Approved, JAN1 + 12 * DAY),
            // A second approval of the same version is not a second promotion.
            decision("m", "2", "Production", Decision::Approved, JAN1 + 40 * DAY),
        ];
        let v = &velocity(&versions, &audit, &[])[0];
        assert_eq!(v.promotions, 2);
        assert_eq!(v.lead_times_ms, [3 * DAY, 2 * DAY]);
        assert_eq!(v.median_lead_time_ms(), Some(5 * DAY / 2));
        assert_eq!(v.decisions, 4);
        assert_eq!(v.change_failure_rate(), Some(0.0));
    }

    #[test]
    fn promotions_per_month_fill_empty_months() {
        let versions = [
            created("m", "1", JAN1),
            created("m", "2", JAN1),
            created("m", "3", JAN1),
        ];
        let audit = [
            decision("m", "1", "Production", Decision::Approved, JAN1 + DAY),
            decision("m", "2", "Production", Decision::Approved, JAN1 + 5 * DAY),
            decision("m", "3", "Production", Decision::Approved, JAN1 + 70 * DAY),
        ];
        let v = &velocity(&versions, &audit, &[])[0];
        assert_eq!(
            v.per_month,
            [
                ("2026-01".to_string(), 2),
                ("2026-02".to_string(), 0),
                ("2026-03".to_string(), 1)
            ]
        );
        assert!((v.promotions_per_month() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn change_failure_rate_counts_rollbacks_and_rejections_over_decisions() {
        let audit = [
            decision("m", "1", "Production", Decision::Requested, JAN1),
            decision("m", "1", "Production", Decision::Approved, JAN1 + DAY),
            decision("m", "2", "Production", Decision::Rejected, JAN1 + 2 * DAY),
            decision("m", "1", "Production", Decision::RolledBack, JAN1 + 3 * DAY),
            decision("m", "3", "Production", Decision::Approved, JAN1 + 4 * DAY),
        ];
        let v = &velocity(&[], &audit, &[])[0];
        assert_eq!(v.decisions, 4, "a request is not a decision");
        assert_eq!(v.failures, 2);
        assert_eq!(v.change_failure_rate(), Some(0.5));
        assert!(v.lead_times_ms.is_empty(), "creation times unknown");
        assert_eq!(v.promotions, 2);
    }

    #[test]
    fn time_to_restore_runs_from_drift_onset_to_the_next_rollback_or_new_champion() {
        let audit = [
            decision("m", "1", "@champion", Decision::Approved, JAN1),
            // Re-approving the drifting version restores nothing.
            decision("m", "1", "@champion", Decision::Approved, JAN1 + 11 * DAY),
            decision("m", "2", "@champion", Decision::Approved, JAN1 + 12 * DAY),
            decision("n", "4", "Production", Decision::RolledBack, JAN1 + 6 * DAY),
        ];
        let drift = [
            DriftStart {
                model: "m".into(),
                version: "1".into(),
                at_ms: JAN1 + 10 * DAY,
            },
            DriftStart {
                model: "n".into(),
                version: "5".into(),
                at_ms: JAN1 + 5 * DAY,
            },
            DriftStart {
                model: "n".into(),
                version: "4".into(),
                at_ms: JAN1 + 20 * DAY,
            },
        ];
        let all = velocity(&[], &audit, &drift);
        let m = all.iter().find(|v| v.model == "m").unwrap();
        assert_eq!(m.restore_times_ms, [2 * DAY]);
        let n = all.iter().find(|v| v.model == "n").unwrap();
        assert_eq!(n.restore_times_ms, [DAY]);
        assert_eq!(n.open_incidents, 1, "nothing after the second onset");
    }

    #[test]
    fn a_version_in_production_without_an_audit_record_counts_by_registry_time() {
        let mut v1 = created("m", "1", JAN1);
        v1.production_since_ms = Some(JAN1 + 4 * DAY);
        let v = &velocity(&[v1, created("m", "2", JAN1)], &[], &[])[0];
        assert_eq!(v.promotions, 1);
        assert_eq!(v.lead_times_ms, [4 * DAY]);
        assert_eq!(v.change_failure_rate(), None, "no decisions recorded");
    }

    #[test]
    fn durations_read_in_minutes_hours_or_days() {
        assert_eq!(human_duration(20 * 60_000), "20 min");
        assert_eq!(human_duration(7 * 3_600_000), "7 h");
        assert_eq!(human_duration(3 * DAY + DAY / 2), "3.5 d");
    }
}
