use std::collections::BTreeMap;

use chrono::TimeZone;

use super::*;
use crate::governance::decision::statement::STATEMENT_SCHEMA;

fn statement(version: &str, decision: &str, actor: &str, previous: Option<&str>) -> Statement {
    Statement {
        schema: STATEMENT_SCHEMA.into(),
        model: "m".into(),
        version: Some(version.into()),
        target: Some("Production".into()),
        decision: decision.into(),
        actor: actor.into(),
        at: "2026-12-02T10:00:00Z".into(),
        comment: "why".into(),
        override_justification: None,
        report_digest: None,
        policy_digest: None,
        source: None,
        run_id: None,
        requester: None,
        previous_holder: None,
        holders: BTreeMap::new(),
        previous: previous.map(String::from),
    }
}

/// A trail under construction: each record's bytes are kept alive beside it.
struct Trail {
    bytes: Vec<Option<Vec<u8>>>,
    meta: Vec<(String, String, String, String, i64, SignatureCheck)>,
}

impl Trail {
    fn new() -> Trail {
        Trail {
            bytes: Vec::new(),
            meta: Vec::new(),
        }
    }

    /// Append a signed record following the newest statement; answers its hash.
    fn signed(&mut self, version: &str, decision: &str, actor: &str) -> String {
        let previous = self
            .bytes
            .iter()
            .rev()
            .flatten()
            .next()
            .map(|b| record_hash(b));
        self.push_statement(
            statement(version, decision, actor, previous.as_deref()),
            true,
        )
    }

    fn push_statement(&mut self, s: Statement, signed: bool) -> String {
        let bytes = s.to_bytes();
        let hash = record_hash(&bytes);
        let check = if signed {
            SignatureCheck::Good {
                signer: s.actor.clone(),
            }
        } else {
            SignatureCheck::Absent
        };
        self.push(
            &s.version.unwrap_or_default(),
            &s.decision,
            &s.actor,
            Some(bytes),
            check,
        );
        hash
    }

    fn push(
        &mut self,
        version: &str,
        decision: &str,
        actor: &str,
        bytes: Option<Vec<u8>>,
        check: SignatureCheck,
    ) {
        let i = self.meta.len() as i64;
        self.bytes.push(bytes);
        self.meta.push((
            format!("r{i}"),
            version.into(),
            decision.into(),
            actor.into(),
            1_000 * (i + 1),
            check,
        ));
    }

    fn records(&self) -> Vec<ChainRecord<'_>> {
        self.meta
            .iter()
            .zip(&self.bytes)
            .map(
                |((run_id, version, decision, actor, at, check), bytes)| ChainRecord {
                    run_id,
                    at: Utc.timestamp_millis_opt(*at).single(),
                    model: "m",
                    version,
                    target: "Production",
                    decision,
                    actor,
                    comment: Some("why"),
                    override_justification: None,
                    report_digest: None,
                    previous_holder: None,
                    statement: bytes.as_deref(),
                    signature: check.clone(),
                },
            )
            .collect()
    }

    fn walk(&self, settings: ChainSettings) -> ChainReport {
        walk_chain(&self.records(), settings)
    }
}

fn labels(report: &ChainReport) -> Vec<&'static str> {
    report
        .statuses
        .iter()
        .map(|s| s.as_ref().map_or("-", Signature::label))
        .collect()
}

#[test]
fn a_signed_chain_verifies_and_its_head_is_the_newest_record() {
    let mut t = Trail::new();
    t.signed("1", "requested", "bo");
    t.signed("1", "approved", "ana");
    let head = t.signed("1", "rolled_back", "ana");
    let report = t.walk(ChainSettings::default());
    assert_eq!(labels(&report), ["signed ✓"; 3]);
    assert!(report.forks.is_empty());
    assert_eq!(report.heads, std::slice::from_ref(&head));
    assert!(missing_heads(&[head], &report).is_empty());
}

#[test]
fn a_deleted_middle_record_breaks_the_chain_at_the_next_one() {
    let mut t = Trail::new();
    t.signed("1", "requested", "bo");
    t.signed("1", "approved", "ana");
    t.signed("1", "rejected", "ana");
    t.bytes.remove(1);
    t.meta.remove(1);
    let report = t.walk(ChainSettings::default());
    assert_eq!(labels(&report), ["signed ✓", "chain broken"]);
    assert!(report.statuses[1]
        .as_ref()
        .unwrap()
        .to_string()
        .contains("not in the trail"));
}

#[test]
fn a_deleted_newest_record_is_caught_only_with_the_head() {
    let mut t = Trail::new();
    t.signed("1", "requested", "bo");
    let head = t.signed("1", "approved", "ana");
    t.bytes.pop();
    t.meta.pop();
    let report = t.walk(ChainSettings::default());
    assert_eq!(labels(&report), ["signed ✓"]);
    assert_eq!(
        missing_heads(std::slice::from_ref(&head), &report),
        [head.as_str()]
    );
}

#[test]
fn an_edited_comment_or_a_foreign_signer_is_a_bad_signature() {
    let mut t = Trail::new();
    t.signed("1", "requested", "bo");
    t.signed("1", "approved", "ana");
    let mut records = t.records();
    records[0].comment = Some("edited");
    records[1].signature = SignatureCheck::Good {
        signer: "mallory".into(),
    };
    let report = walk_chain(&records, ChainSettings::default());
    assert_eq!(labels(&report), ["BAD SIGNATURE", "BAD SIGNATURE"]);
    assert_eq!(
        report.statuses[0].as_ref().unwrap().to_string(),
        "BAD SIGNATURE: the audit run's comment is not what was signed"
    );
    assert!(report.statuses[1].as_ref().unwrap().fails(false));
}

#[test]
fn a_fork_whose_branches_verify_is_reported_not_failed() {
    let mut t = Trail::new();
    let root = t.signed("1", "requested", "bo");
    t.push_statement(statement("2", "requested", "bo", Some(&root)), true);
    t.push_statement(statement("3", "requested", "cy", Some(&root)), true);
    let report = t.walk(ChainSettings::default());
    assert_eq!(labels(&report), ["signed ✓"; 3]);
    assert_eq!(
        report.forks,
        [Fork {
            previous: Some(root),
            runs: vec!["r1".into(), "r2".into()]
        }]
    );
    assert_eq!(report.heads.len(), 2);
}

#[test]
fn unsigned_legacy_and_copied_records() {
    let mut t = Trail::new();
    t.push("1", "approved", "ana", None, SignatureCheck::Absent); // before adoption
    let mut adoption = statement("*", ADOPTED, "ana", None);
    adoption.version = None;
    adoption.target = None;
    let bytes = adoption.to_bytes();
    t.bytes.push(Some(bytes.clone()));
    t.meta.push((
        "r1".into(),
        "*".into(),
        ADOPTED.into(),
        "ana".into(),
        2_000,
        SignatureCheck::Good {
            signer: "ana".into(),
        },
    ));
    t.push("2", "approved", "ana", None, SignatureCheck::Absent); // after adoption, by hand
    t.push("gate", "gate_check", "ci", None, SignatureCheck::Absent);
    // The adoption's bytes copied into another run (with matching params): a repeat.
    t.bytes.push(Some(bytes));
    t.meta.push((
        "r4".into(),
        "*".into(),
        ADOPTED.into(),
        "ana".into(),
        5_000,
        SignatureCheck::Good {
            signer: "ana".into(),
        },
    ));
    let mut records = t.records();
    records[1].target = "*";
    records[4].target = "*";
    let report = walk_chain(&records, ChainSettings::default());
    assert_eq!(
        labels(&report),
        ["legacy", "signed ✓", "unsigned", "-", "chain broken"]
    );
    let unsigned = report.statuses[2].as_ref().unwrap();
    assert!(!unsigned.fails(false));
    assert!(unsigned.fails(true));
}

#[test]
fn signatures_since_makes_older_records_legacy() {
    let mut t = Trail::new();
    t.push("1", "approved", "ana", None, SignatureCheck::Absent);
    t.push("2", "approved", "ana", None, SignatureCheck::Absent);
    let settings = ChainSettings {
        require_signature: true,
        since: Utc.timestamp_millis_opt(1_500).single(),
    };
    let report = t.walk(settings);
    assert_eq!(labels(&report), ["legacy", "unsigned"]);
}
