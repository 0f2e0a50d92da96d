//! The decision record kept on a model version as tags, so every approver and auditor sees it
//! in the registry itself: `tollgate.decision.<TARGETKEY>` = requested | approved | rejected |
//! rolled_back, with `.by`, `.by_source`, `.at` (ISO 8601 UTC), `.comment`, `.report_digest`,
//! `.requested_by` and `.override` siblings.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::actor::ActorSource;
use crate::governance::target::Target;
use crate::mlflow::Tag;

/// Prefix of every decision tag key.
pub const DECISION_TAG_PREFIX: &str = "tollgate.decision.";
/// MLflow's limit on a model version tag value (characters).
pub const MAX_TAG_VALUE: usize = 5000;
const TRUNCATED: &str = " [truncated; the full text is in the tollgate-audit run]";

/// What was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Requested,
    Approved,
    Rejected,
    RolledBack,
}

impl Decision {
    /// The tag value.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Requested => "requested",
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
            Decision::RolledBack => "rolled_back",
        }
    }

    /// Parse a tag value.
    pub fn parse(s: &str) -> Option<Decision> {
        [
            Decision::Requested,
            Decision::Approved,
            Decision::Rejected,
            Decision::RolledBack,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One decision about one target of one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub target: Target,
    pub decision: Decision,
    pub by: String,
    pub by_source: Option<ActorSource>,
    pub at: DateTime<Utc>,
    pub comment: String,
    /// The digest of the gate report the decision was made on.
    pub report_digest: Option<String>,
    /// Who requested the promotion this decision answers.
    pub requested_by: Option<String>,
    /// The justification when an approver promoted past failing gates.
    pub override_justification: Option<String>,
}

/// ISO 8601 UTC with seconds: `2026-11-20T10:00:00Z`.
pub fn iso8601(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A tag value within MLflow's limit, cut on a character boundary and marked when cut.
pub fn fit_tag_value(text: &str) -> String {
    if text.chars().count() <= MAX_TAG_VALUE {
        return text.to_string();
    }
    let keep = MAX_TAG_VALUE - TRUNCATED.chars().count();
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(TRUNCATED);
    out
}

impl DecisionRecord {
    /// The main key: `tollgate.decision.Production`, `tollgate.decision.alias:champion`.
    pub fn key(target: &Target) -> String {
        format!("{DECISION_TAG_PREFIX}{}", target.tag_key())
    }

    /// The (key, value) tags to set. Every sibling is written, empty when unset, so a new
    /// decision never inherits a stale sibling (an old override) from the one it replaces.
    pub fn tags(&self) -> Vec<(String, String)> {
        let key = Self::key(&self.target);
        let opt = |v: &Option<String>| v.as_deref().map(fit_tag_value).unwrap_or_default();
        vec![
            (key.clone(), self.decision.as_str().to_string()),
            (format!("{key}.by"), fit_tag_value(&self.by)),
            (
                format!("{key}.by_source"),
                self.by_source
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            ),
            (format!("{key}.at"), iso8601(self.at)),
            (format!("{key}.comment"), fit_tag_value(&self.comment)),
            (format!("{key}.report_digest"), opt(&self.report_digest)),
            (format!("{key}.requested_by"), opt(&self.requested_by)),
            (format!("{key}.override"), opt(&self.override_justification)),
        ]
    }

    /// The decisions recorded in a version's tags, one per target, ordered by target. Records
    /// whose main value, `.by` or `.at` is unreadable are skipped: tags are free text anybody
    /// with EDIT rights can set.
    pub fn from_tags(tags: &[Tag]) -> Vec<DecisionRecord> {
        let mut by_target: BTreeMap<Target, BTreeMap<&str, &str>> = BTreeMap::new();
        for t in tags {
            let Some(rest) = t.key.strip_prefix(DECISION_TAG_PREFIX) else {
                continue;
            };
            let (target_key, field) = match rest.split_once('.') {
                Some((k, f)) => (k, f),
                None => (rest, ""),
            };
            if let Some(target) = Target::from_tag_key(target_key) {
                by_target
                    .entry(target)
                    .or_default()
                    .insert(field, t.value.as_str());
            }
        }
        by_target
            .into_iter()
            .filter_map(|(target, fields)| {
                let get = |f: &str| {
                    fields
                        .get(f)
                        .map(|v| v.trim())
                        .filter(|v| !v.is_empty())
                        .map(String::from)
                };
                Some(DecisionRecord {
                    decision: Decision::parse(fields.get("")?.trim())?,
                    by: get("by")?,
                    by_source: get("by_source").and_then(|s| ActorSource::parse(&s)),
                    at: DateTime::parse_from_rfc3339(&get("at")?)
                        .ok()?
                        .with_timezone(&Utc),
                    comment: get("comment").unwrap_or_default(),
                    report_digest: get("report_digest"),
                    requested_by: get("requested_by"),
                    override_justification: get("override"),
                    target,
                })
            })
            .collect()
    }

    /// The pending promotion requests among a version's tags.
    pub fn pending(tags: &[Tag]) -> Vec<DecisionRecord> {
        Self::from_tags(tags)
            .into_iter()
            .filter(|d| d.decision == Decision::Requested)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap()
    }

    fn record(target: &str, decision: Decision) -> DecisionRecord {
        DecisionRecord {
            target: target.parse().unwrap(),
            decision,
            by: "bo".into(),
            by_source: Some(ActorSource::Authenticated),
            at: at(),
            comment: "looks good | ship it".into(),
            report_digest: Some("ab".repeat(32)),
            requested_by: Some("ana".into()),
            override_justification: None,
        }
    }

    fn as_tags(pairs: Vec<(String, String)>) -> Vec<Tag> {
        pairs
            .into_iter()
            .map(|(key, value)| Tag { key, value })
            .collect()
    }

    #[test]
    fn tags_for_an_alias_target() {
        let tags = record("@champion", Decision::Approved).tags();
        assert_eq!(
            tags[0],
            (
                "tollgate.decision.alias:champion".to_string(),
                "approved".to_string()
            )
        );
        assert!(tags.iter().all(|(k, _)| !k.contains('@')));
        let keys: Vec<&str> = tags.iter().map(|(k, _)| k.as_str()).collect();
        assert!(keys.contains(&"tollgate.decision.alias:champion.at"));
        let at = tags.iter().find(|(k, _)| k.ends_with(".at")).unwrap();
        assert_eq!(at.1, "2026-11-20T10:00:00Z");
        let ov = tags.iter().find(|(k, _)| k.ends_with(".override")).unwrap();
        assert_eq!(ov.1, "");
    }

    #[test]
    fn round_trip_through_tags() {
        let mut tags = as_tags(record("Production", Decision::Requested).tags());
        let mut approved = record("@champion", Decision::Approved);
        approved.override_justification = Some("hotfix for incident 42".into());
        tags.extend(as_tags(approved.tags()));
        tags.push(Tag {
            key: "owner".into(),
            value: "risk".into(),
        });
        let parsed = DecisionRecord::from_tags(&tags);
        assert_eq!(parsed.len(), 2);
        assert!(parsed.contains(&record("Production", Decision::Requested)));
        assert!(parsed.contains(&approved));
        let pending = DecisionRecord::pending(&tags);
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].target.to_string(), "Production");
    }

    #[test]
    fn malformed_records_are_skipped() {
        let tags = as_tags(vec![
            ("tollgate.decision.Production".into(), "maybe".into()),
            ("tollgate.decision.Production.by".into(), "bo".into()),
            (
                "tollgate.decision.Production.at".into(),
                "2026-11-20T10:00:00Z".into(),
            ),
            ("tollgate.decision.alias:champion".into(), "approved".into()),
            (
                "tollgate.decision.alias:champion.at".into(),
                "yesterday".into(),
            ),
            ("tollgate.decision.alias:champion.by".into(), "bo".into()),
            ("tollgate.decision.@champion".into(), "approved".into()),
            ("tollgate.decision.Staging".into(), "approved".into()),
        ]);
        assert!(DecisionRecord::from_tags(&tags).is_empty());
    }

    #[test]
    fn cleared_siblings_read_as_none() {
        let mut r = record("Staging", Decision::Rejected);
        r.report_digest = None;
        r.requested_by = None;
        r.by_source = None;
        let parsed = DecisionRecord::from_tags(&as_tags(r.tags()));
        assert_eq!(parsed, vec![r]);
    }

    #[test]
    fn long_comments_are_cut_within_the_limit() {
        let long = "é".repeat(6000);
        let fitted = fit_tag_value(&long);
        assert_eq!(fitted.chars().count(), MAX_TAG_VALUE);
        assert!(fitted.ends_with(TRUNCATED));
        assert_eq!(fit_tag_value("short"), "short");
    }

    #[test]
    fn decision_names() {
        for d in [
            Decision::Requested,
            Decision::Approved,
            Decision::Rejected,
            Decision::RolledBack,
        ] {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        assert_eq!(Decision::RolledBack.to_string(), "rolled_back");
    }
}
