//! Delivery figures per model (the `:velocity` view), from the audit trail, the versions'
//! training runs and the monitoring history. Pure: data in, figures out.
//!
//! - A **promotion** is a verified approval to where the model serves (the Production stage or
//!   the `@champion` alias), the first one per version. Only verified records count (see
//!   [`crate::governance::decision::verify`]); the others are counted apart as unverified.
//! - A version that serves now with no verified approval to a serving target was **promoted
//!   outside tollgate** (by hand, by another tool, or with a record that is not whole): it is
//!   counted and named apart, with no lead time, as nothing says when it was promoted.
//! - **Lead time** runs from the start of the work to the promotion: the commit's time when the
//!   training run names a commit (`mlflow.source.git.commit`) and its time is known (a
//!   `git.commit_time` tag, epoch milliseconds or RFC 3339), else the training run's start,
//!   else (no readable run) the version's registration. Which start was used is counted.
//! - **Change failure rate**: promotions that failed over promotions. A promotion failed when a
//!   verified roll back took the target away from the version, or when the version's drift
//!   first crossed its threshold while it served.
//! - **Time to restore**: from a drift onset to the next verified roll back or promotion of
//!   another version of the model.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use super::decision::AuditEntry;
use super::decision::Decision;
use super::{Stage, Target};

/// The tag naming when the training run's commit was made (epoch ms or RFC 3339), read only
/// when the run also names the commit.
pub const COMMIT_TIME_TAG: &str = "git.commit_time";
/// MLflow's tag naming the commit a run was made from.
pub const COMMIT_TAG: &str = "mlflow.source.git.commit";

/// One registered version, as the registry and its training run record it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VersionTimes {
    pub model: String,
    pub version: String,
    /// Registration in the model registry.
    pub created_ms: i64,
    /// The training run's start, when the version names a run and it could be read.
    pub run_started_ms: Option<i64>,
    /// The commit's time, when the run names a commit and says when it was made.
    pub commit_ms: Option<i64>,
    /// Whether the version serves now (the Production stage or the `@champion` alias).
    pub serving_now: bool,
}

/// Where a monitored version's drift first crossed its threshold: an incident's start.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftStart {
    pub model: String,
    pub version: String,
    pub at_ms: i64,
}

/// One record of the audit trail and whether it is whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub model: String,
    pub entry: AuditEntry,
    pub verified: bool,
}

/// What the lead times were measured from, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LeadStarts {
    pub commit: usize,
    pub run_start: usize,
    /// No readable training run: from the version's registration.
    pub registration: usize,
}

/// The figures of one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelVelocity {
    pub model: String,
    /// Verified promotions to Production or `@champion` (one per version).
    pub promotions: usize,
    /// Versions serving now with no verified approval to a serving target, by version number.
    pub outside: Vec<String>,
    /// Start of the work to promotion, per promotion (ms), oldest promotion first.
    pub lead_times_ms: Vec<i64>,
    pub lead_starts: LeadStarts,
    /// Promotions per calendar month (UTC, `YYYY-MM`), every month from the first to the last.
    pub per_month: Vec<(String, usize)>,
    /// Verified approvals, rejections and roll backs (requests are not decisions).
    pub decisions: usize,
    /// Promotions rolled back, or whose version drifted while it served.
    pub failed_promotions: usize,
    /// Drift onset to the next roll back or new promotion (ms), per restored onset.
    pub restore_times_ms: Vec<i64>,
    /// Drift onsets with no roll back or new promotion since.
    pub open_incidents: usize,
    /// Audit records not counted because they are not whole.
    pub unverified: usize,
}

impl ModelVelocity {
    fn blank(model: &str) -> ModelVelocity {
        ModelVelocity {
            model: model.to_string(),
            promotions: 0,
            outside: Vec::new(),
            lead_times_ms: Vec::new(),
            lead_starts: LeadStarts::default(),
            per_month: Vec::new(),
            decisions: 0,
            failed_promotions: 0,
            restore_times_ms: Vec::new(),
            open_incidents: 0,
            unverified: 0,
        }
    }

    /// Failed promotions over promotions; `None` without promotions.
    pub fn change_failure_rate(&self) -> Option<f64> {
        (self.promotions > 0).then(|| self.failed_promotions as f64 / self.promotions as f64)
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

/// A commit-time tag's value: epoch milliseconds (or seconds, if it is too small to be
/// milliseconds) or RFC 3339. `None` when it is neither.
pub fn parse_commit_time(value: &str) -> Option<i64> {
    let value = value.trim();
    if let Ok(n) = value.parse::<i64>() {
        // Seconds since the epoch stay below 1e11 until the year 5138.
        return Some(if n.abs() < 100_000_000_000 {
            n * 1000
        } else {
            n
        });
    }
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// When each (model, version) held a serving target: from, and until (open while it holds).
type Holds<'a> = BTreeMap<(&'a str, &'a str), Vec<(i64, Option<i64>)>>;

/// One promotion while the trail is walked.
struct Promotion<'a> {
    version: &'a str,
    at_ms: i64,
    failed: bool,
}

/// Every model's figures, by name. Models with neither promotions, decisions, versions serving
/// outside tollgate nor drift are left out: there is nothing to say about them.
pub fn velocity(
    versions: &[VersionTimes],
    audit: &[Recorded],
    drift: &[DriftStart],
) -> Vec<ModelVelocity> {
    let mut models: BTreeMap<&str, ModelVelocity> = BTreeMap::new();
    let times: BTreeMap<(&str, &str), &VersionTimes> = versions
        .iter()
        .map(|v| ((v.model.as_str(), v.version.as_str()), v))
        .collect();
    let mut trail: Vec<&Recorded> = audit.iter().collect();
    trail.sort_by_key(|r| r.entry.at);

    // Per model: its promotions, and who holds each serving target (per the trail), with when
    // each version's hold began and ended (for drift "while it served").
    let mut promotions: BTreeMap<&str, Vec<Promotion>> = BTreeMap::new();
    let mut holders: BTreeMap<(&str, String), &str> = BTreeMap::new();
    let mut served: Holds = BTreeMap::new();
    // Verified decisions that restore service after an incident: (model, at, version).
    let mut restorers: Vec<(&str, i64, &str)> = Vec::new();
    for r in &trail {
        let model = r.model.as_str();
        let v = models
            .entry(model)
            .or_insert_with(|| ModelVelocity::blank(model));
        if !r.verified {
            v.unverified += 1;
            continue;
        }
        let e = &r.entry;
        let at = e.at.timestamp_millis();
        match e.decision {
            Decision::Requested => continue,
            Decision::Approved | Decision::Rejected | Decision::RolledBack => v.decisions += 1,
        }
        if !is_serving(&e.target) {
            continue;
        }
        let key = (model, e.target.to_string());
        match e.decision {
            Decision::Approved => {
                let held_already = holders.get(&key).copied();
                if held_already != Some(e.version.as_str()) {
                    if let Some(old) = held_already {
                        end_hold(&mut served, model, old, at);
                    }
                    holders.insert(key, e.version.as_str());
                    served
                        .entry((model, e.version.as_str()))
                        .or_default()
                        .push((at, None));
                }
                let list = promotions.entry(model).or_default();
                if !list.iter().any(|p| p.version == e.version) {
                    list.push(Promotion {
                        version: e.version.as_str(),
                        at_ms: at,
                        failed: false,
                    });
                }
                restorers.push((model, at, e.version.as_str()));
            }
            Decision::RolledBack => {
                let from = e.previous.as_deref().or_else(|| holders.get(&key).copied());
                if let Some(from) = from {
                    end_hold(&mut served, model, from, at);
                    let list = promotions.entry(model).or_default();
                    if let Some(p) = list.iter_mut().rev().find(|p| p.version == from) {
                        p.failed = true;
                    }
                }
                holders.insert(key, e.version.as_str());
                served
                    .entry((model, e.version.as_str()))
                    .or_default()
                    .push((at, None));
                restorers.push((model, at, ""));
            }
            Decision::Rejected | Decision::Requested => {}
        }
    }

    // A drift onset while the version served fails its promotion.
    for d in drift {
        let serving_then = served
            .get(&(d.model.as_str(), d.version.as_str()))
            .is_some_and(|holds| {
                holds
                    .iter()
                    .any(|(from, to)| *from <= d.at_ms && to.is_none_or(|t| d.at_ms < t))
            });
        if serving_then {
            if let Some(p) = promotions
                .get_mut(d.model.as_str())
                .and_then(|list| list.iter_mut().find(|p| p.version == d.version))
            {
                p.failed = true;
            }
        }
        // The next decision that restores service: a roll back, or another version promoted.
        let restored = restorers
            .iter()
            .filter(|(model, at, version)| {
                *model == d.model && *at >= d.at_ms && *version != d.version
            })
            .map(|(_, at, _)| at - d.at_ms)
            .min();
        let v = models
            .entry(d.model.as_str())
            .or_insert_with(|| ModelVelocity::blank(&d.model));
        match restored {
            Some(ms) => v.restore_times_ms.push(ms),
            None => v.open_incidents += 1,
        }
    }

    for (model, list) in &promotions {
        let v = models
            .entry(*model)
            .or_insert_with(|| ModelVelocity::blank(model));
        v.promotions = list.len();
        v.failed_promotions = list.iter().filter(|p| p.failed).count();
        for p in list {
            let Some(t) = times.get(&(*model, p.version)) else {
                continue;
            };
            let start = match (t.commit_ms, t.run_started_ms) {
                (Some(c), _) => {
                    v.lead_starts.commit += 1;
                    c
                }
                (None, Some(r)) => {
                    v.lead_starts.run_start += 1;
                    r
                }
                (None, None) => {
                    v.lead_starts.registration += 1;
                    t.created_ms
                }
            };
            v.lead_times_ms.push((p.at_ms - start).max(0));
        }
        v.per_month = months(list.iter().map(|p| p.at_ms));
    }

    // Serving now without a verified approval to a serving target: promoted outside tollgate.
    let approved: BTreeSet<(&str, &str)> = promotions
        .iter()
        .flat_map(|(m, list)| list.iter().map(move |p| (*m, p.version)))
        .collect();
    for t in versions.iter().filter(|t| t.serving_now) {
        if approved.contains(&(t.model.as_str(), t.version.as_str())) {
            continue;
        }
        models
            .entry(t.model.as_str())
            .or_insert_with(|| ModelVelocity::blank(&t.model))
            .outside
            .push(t.version.clone());
    }
    models
        .into_values()
        .filter(|v| {
            v.promotions + v.decisions + v.outside.len() + v.unverified > 0
                || v.open_incidents + v.restore_times_ms.len() > 0
        })
        .collect()
}

/// The version's current hold ends at `at`.
fn end_hold<'a>(served: &mut Holds<'a>, model: &'a str, version: &'a str, at: i64) {
    if let Some(hold) = served
        .get_mut(&(model, version))
        .and_then(|holds| holds.iter_mut().rev().find(|(_, to)| to.is_none()))
    {
        hold.1 = Some(at);
    }
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
mod tests;
