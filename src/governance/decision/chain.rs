//! The signature and chain status of every record in a model's trail (pure): each statement
//! must match its audit run, carry a good signature from the recorded actor, and name as its
//! `previous` the hash of a record still in the trail. Two records naming the same previous
//! (written at once) are a fork: reported, not failed, when both branches verify.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::record::fit_tag_value;
use super::statement::{record_hash, Statement, ADOPTED};

/// The one status type of a record's signature, shown by the CLI, the JSON (inside
/// `verification`) and the cockpit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Signature {
    /// A good signature by a key allowed for the recorded actor, on a statement that matches
    /// the run, in an unbroken chain.
    Signed { signer: String, hash: String },
    /// No signature: written without an agent, or by hand. `hash` when a statement is stored.
    Unsigned {
        #[serde(skip_serializing_if = "Option::is_none")]
        hash: Option<String>,
    },
    /// Older than the adoption point: written before signatures were kept.
    Legacy,
    /// The signature does not verify, or the run says something other than what was signed.
    BadSignature { why: String },
    /// The record's place in the chain is wrong: it follows a record that is gone, or repeats one.
    ChainBroken { why: String },
}

impl Signature {
    /// The word the tables and the cockpit show.
    pub fn label(&self) -> &'static str {
        match self {
            Signature::Signed { .. } => "signed ✓",
            Signature::Unsigned { .. } => "unsigned",
            Signature::Legacy => "legacy",
            Signature::BadSignature { .. } => "BAD SIGNATURE",
            Signature::ChainBroken { .. } => "chain broken",
        }
    }

    /// Whether this status fails verification (`unsigned` only when signatures are required).
    pub fn fails(&self, require_signature: bool) -> bool {
        match self {
            Signature::Signed { .. } | Signature::Legacy => false,
            Signature::Unsigned { .. } => require_signature,
            Signature::BadSignature { .. } | Signature::ChainBroken { .. } => true,
        }
    }

    /// Whether the cockpit draws it in the warning colour.
    pub fn is_bad(&self) -> bool {
        matches!(
            self,
            Signature::BadSignature { .. } | Signature::ChainBroken { .. }
        )
    }

    /// The hash of the record's statement, when it has one that counts.
    pub fn hash(&self) -> Option<&str> {
        match self {
            Signature::Signed { hash, .. } => Some(hash),
            Signature::Unsigned { hash } => hash.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Signature::Signed { signer, .. } => write!(f, "signed ✓ by {signer}"),
            Signature::BadSignature { why } => write!(f, "BAD SIGNATURE: {why}"),
            Signature::ChainBroken { why } => write!(f, "chain broken: {why}"),
            other => f.write_str(other.label()),
        }
    }
}

/// What `ssh-keygen -Y verify` said of a record's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// No signature stored.
    Absent,
    /// Good, by a key the allowed signers list for the recorded actor.
    Good {
        signer: String,
    },
    Bad {
        why: String,
    },
}

/// One record of the trail as the chain walk sees it (runs oldest first).
#[derive(Debug, Clone)]
pub struct ChainRecord<'a> {
    pub run_id: &'a str,
    /// When the audit run started.
    pub at: Option<DateTime<Utc>>,
    pub model: &'a str,
    pub version: &'a str,
    pub target: &'a str,
    /// `gate_check` records are not decisions: outside the chain, no status.
    pub decision: &'a str,
    pub actor: &'a str,
    pub comment: Option<&'a str>,
    pub override_justification: Option<&'a str>,
    pub report_digest: Option<&'a str>,
    pub previous_holder: Option<&'a str>,
    /// The stored statement bytes, `None` when the run has none.
    pub statement: Option<&'a [u8]>,
    pub signature: SignatureCheck,
}

/// What the trail's settings say about signatures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChainSettings {
    /// `[settings] require_signature`: unsigned records fail.
    pub require_signature: bool,
    /// `[settings] signatures_since`: records before it without a statement are legacy.
    pub since: Option<DateTime<Utc>>,
}

/// Two or more records naming the same previous record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fork {
    /// The hash they all follow; `None` when they all start a chain.
    pub previous: Option<String>,
    pub runs: Vec<String>,
}

/// The chain walk's result: a status per record (`None` for gate checks), forks, and the
/// chain's heads (the hashes no record follows yet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    #[serde(skip)]
    pub statuses: Vec<Option<Signature>>,
    pub forks: Vec<Fork>,
    pub heads: Vec<String>,
    /// When records start counting as signed-or-unsigned rather than legacy.
    pub adopted_at: Option<String>,
}

/// Walk `records` (oldest first).
pub fn walk_chain(records: &[ChainRecord], settings: ChainSettings) -> ChainReport {
    let adopted_at = adoption_point(records, settings);
    let mut statuses = Vec::with_capacity(records.len());
    let mut seen: HashMap<String, &str> = HashMap::new();
    let mut followers: BTreeMap<Option<String>, Vec<&str>> = BTreeMap::new();
    let mut good_hashes: Vec<(String, Option<String>)> = Vec::new();
    for record in records {
        if record.decision == super::verification::GATE_CHECK {
            statuses.push(None);
            continue;
        }
        let status = match record.statement {
            // Before the adoption point: written before signatures were kept.
            None if before_adoption(record, adopted_at) => Signature::Legacy,
            None => Signature::Unsigned { hash: None },
            Some(bytes) => {
                match judge(record, bytes, &mut seen, &mut followers, &mut good_hashes) {
                    // An unsigned statement from before the adoption point is legacy too.
                    Signature::Unsigned { .. } if before_adoption(record, adopted_at) => {
                        Signature::Legacy
                    }
                    status => status,
                }
            }
        };
        statuses.push(Some(status));
    }
    let forks = followers
        .into_iter()
        .filter(|(_, runs)| runs.len() > 1)
        .map(|(previous, runs)| Fork {
            previous,
            runs: runs.into_iter().map(String::from).collect(),
        })
        .collect();
    let followed: Vec<&String> = good_hashes.iter().filter_map(|(_, p)| p.as_ref()).collect();
    let heads = good_hashes
        .iter()
        .filter(|(h, _)| !followed.contains(&h))
        .map(|(h, _)| h.clone())
        .collect();
    ChainReport {
        statuses,
        forks,
        heads,
        adopted_at: adopted_at.map(super::record::iso8601),
    }
}

fn before_adoption(record: &ChainRecord, adopted_at: Option<DateTime<Utc>>) -> bool {
    record
        .at
        .zip(adopted_at)
        .is_some_and(|(at, adopted)| at < adopted)
}

/// The earlier of `signatures_since` and the first signed adoption record.
fn adoption_point(records: &[ChainRecord], settings: ChainSettings) -> Option<DateTime<Utc>> {
    let adopted = records
        .iter()
        .filter(|r| r.decision == ADOPTED && matches!(r.signature, SignatureCheck::Good { .. }))
        .filter_map(|r| r.at)
        .min();
    match (adopted, settings.since) {
        (Some(a), Some(s)) => Some(a.min(s)),
        (a, s) => a.or(s),
    }
}

/// One record with a statement: its match with the run, its signature, its place in the chain.
fn judge<'a>(
    record: &ChainRecord<'a>,
    bytes: &[u8],
    seen: &mut HashMap<String, &'a str>,
    followers: &mut BTreeMap<Option<String>, Vec<&'a str>>,
    good: &mut Vec<(String, Option<String>)>,
) -> Signature {
    let hash = record_hash(bytes);
    if let Some(first) = seen.get(&hash) {
        return Signature::ChainBroken {
            why: format!("repeats the statement of audit run {first}"),
        };
    }
    seen.insert(hash.clone(), record.run_id);
    let statement = match Statement::parse(bytes) {
        Ok(s) => s,
        Err(why) => return Signature::BadSignature { why },
    };
    if let Some(field) = mismatch(record, &statement) {
        return Signature::BadSignature {
            why: format!("the audit run's {field} is not what was signed"),
        };
    }
    let signer = match &record.signature {
        SignatureCheck::Bad { why } => return Signature::BadSignature { why: why.clone() },
        SignatureCheck::Good { signer } if signer != record.actor => {
            return Signature::BadSignature {
                why: format!("signed by '{signer}', recorded as '{}'", record.actor),
            }
        }
        SignatureCheck::Good { signer } => Some(signer.clone()),
        SignatureCheck::Absent => None,
    };
    // Every earlier statement counts as present, even a bad one: it is flagged itself.
    if let Some(previous) = &statement.previous {
        if !seen.contains_key(previous) {
            return Signature::ChainBroken {
                why: format!(
                    "it follows record {}, which is not in the trail (deleted, or never written)",
                    previous.get(..12).unwrap_or(previous)
                ),
            };
        }
    }
    followers
        .entry(statement.previous.clone())
        .or_default()
        .push(record.run_id);
    good.push((hash.clone(), statement.previous.clone()));
    match signer {
        Some(signer) => Signature::Signed { signer, hash },
        None => Signature::Unsigned { hash: Some(hash) },
    }
}

/// The first field in which the run differs from its statement.
fn mismatch(record: &ChainRecord, s: &Statement) -> Option<&'static str> {
    let tag = |v: &Option<String>| v.as_deref().map(fit_tag_value);
    let checks = [
        ("model", record.model == s.model),
        (
            "version",
            record.version == s.version.as_deref().unwrap_or("*"),
        ),
        (
            "target",
            record.target == s.target.as_deref().unwrap_or("*"),
        ),
        ("decision", record.decision == s.decision),
        ("actor", record.actor == s.actor),
        (
            "comment",
            record.comment.map(String::from) == Some(fit_tag_value(&s.comment))
                || record.comment.is_none() && s.comment.is_empty(),
        ),
        (
            "override",
            record.override_justification.map(String::from) == tag(&s.override_justification),
        ),
        (
            "report digest",
            record.report_digest == s.report_digest.as_deref(),
        ),
        (
            "previous holder",
            record.previous_holder == s.previous_holder.as_deref(),
        ),
    ];
    checks.into_iter().find(|(_, same)| !same).map(|(f, _)| f)
}

/// The hashes of `expected` (read from a `--head` file) that are not a counted record of the
/// trail: the newest records were deleted (or the file belongs to another trail).
pub fn missing_heads<'a>(expected: &'a [String], report: &ChainReport) -> Vec<&'a str> {
    expected
        .iter()
        .filter(|h| {
            !report
                .statuses
                .iter()
                .flatten()
                .any(|s| s.hash() == Some(h.as_str()))
        })
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
#[path = "chain_tests.rs"]
mod tests;
