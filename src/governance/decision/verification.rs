//! Whether a recorded decision is whole. Anyone with EDIT rights can write decision tags and an
//! audit run by hand, so a record counts only when its parts agree: the audit run is FINISHED,
//! the version's tags say the same where they still describe it (tags keep only the newest
//! decision per target; older records are judged by their audit runs), and an approval, a
//! request or a gate check has its report artifact with the recorded digest. A rejection or a
//! roll back made without a policy has no report, and says so. A complete forgery (every tag, a
//! FINISHED run and a matching artifact) still reads as verified: only signatures close that.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::chain::Signature;
use super::record::{Decision, DecisionRecord};
use super::statement::ADOPTED;
use crate::governance::gate::report_digest;

/// The run status of a complete audit run.
pub const FINISHED: &str = "FINISHED";
/// The `decision` param of a recorded gate check (a report, no decision).
pub(super) const GATE_CHECK: &str = "gate_check";
/// Report fields left out of its digest (see `GateReport::compute_digest`).
const UNDIGESTED: [&str; 2] = ["evaluated_at", "digest"];

/// How far a record can be trusted. Serialized as `{"status": "verified"}` or
/// `{"status": "unverified", "reasons": [...]}`; a signed variant fits beside these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verification {
    Verified {
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<Note>,
        /// The signature and chain status, when the trail's signatures were checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<Signature>,
    },
    Unverified {
        reasons: Vec<Reason>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<Signature>,
    },
}

/// Something a verified record lacks by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// A rejection or roll back recorded without a policy: there is no report to check.
    NoReport,
}

/// Why a record is not whole. Serialized with a `code` and the values compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// No audit run records the decision the version's tags show.
    NoAuditRun,
    /// The audit run was never marked FINISHED (left running, failed or killed).
    RunNotFinished {
        run_status: String,
    },
    UnknownDecision {
        decision: String,
    },
    /// The version carries no decision tags for the target, though this is its newest record.
    TagsMissing,
    /// The version's tags and the audit run say different things.
    TagsDisagree {
        field: &'static str,
        tags: String,
        run: String,
    },
    /// An approval, request or gate check that names no report digest.
    NoReportDigest,
    /// The report artifact is absent.
    ReportMissing,
    ReportUnreadable {
        detail: String,
    },
    /// The artifact's content does not hash to the digest the record names.
    ReportDigestMismatch {
        recorded: String,
        computed: String,
    },
    /// The report is about another model, version or target.
    ReportDescribesOther {
        field: &'static str,
        report: String,
        run: String,
    },
    /// The run's gate status tag differs from the report's status.
    GateStatusDisagrees {
        run: String,
        report: String,
    },
    /// Approved past a report that did not pass, with no override recorded.
    ApprovedWithoutPassing {
        report: String,
    },
    /// The signature or chain check failed (or the record is unsigned where the policy
    /// requires signatures).
    Signature {
        status: Signature,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NoAuditRun => f.write_str("no audit run records it"),
            Reason::RunNotFinished { run_status } => {
                write!(f, "its audit run is {run_status}, not FINISHED")
            }
            Reason::UnknownDecision { decision } => write!(f, "unknown decision '{decision}'"),
            Reason::TagsMissing => f.write_str("the version carries no decision tags for it"),
            Reason::TagsDisagree { field, tags, run } => write!(
                f,
                "the version's tags say {field} '{tags}', the audit run '{run}'"
            ),
            Reason::NoReportDigest => f.write_str("no report digest recorded"),
            Reason::ReportMissing => f.write_str("its gate report artifact is missing"),
            Reason::ReportUnreadable { detail } => {
                write!(f, "its gate report is unreadable: {detail}")
            }
            Reason::ReportDigestMismatch { recorded, computed } => write!(
                f,
                "the report's content has digest {}, the record names {}",
                short(computed),
                short(recorded)
            ),
            Reason::ReportDescribesOther { field, report, run } => {
                write!(
                    f,
                    "the report is for {field} '{report}', the record '{run}'"
                )
            }
            Reason::GateStatusDisagrees { run, report } => write!(
                f,
                "the run records gate status '{run}', the report '{report}'"
            ),
            Reason::ApprovedWithoutPassing { report } => {
                write!(f, "approved on a '{report}' report without an override")
            }
            Reason::Signature {
                status: status @ Signature::Unsigned { .. },
            } => write!(f, "{status}, and the policy requires signatures"),
            Reason::Signature { status } => write!(f, "{status}"),
        }
    }
}

fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

impl Verification {
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Verified { .. })
    }

    /// The reasons, empty when verified.
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Verification::Verified { .. } => &[],
            Verification::Unverified { reasons, .. } => reasons,
        }
    }

    /// The signature status, when the trail's signatures were checked.
    pub fn signature(&self) -> Option<&Signature> {
        match self {
            Verification::Verified { signature, .. }
            | Verification::Unverified { signature, .. } => signature.as_ref(),
        }
    }

    /// Add the signature status; a failing one makes the record unverified (an unsigned one
    /// only when `require_signature`).
    pub fn with_signature(self, status: Signature, require_signature: bool) -> Verification {
        let failure = status.fails(require_signature).then(|| Reason::Signature {
            status: status.clone(),
        });
        match (self, failure) {
            (Verification::Verified { note, .. }, None) => Verification::Verified {
                note,
                signature: Some(status),
            },
            (Verification::Verified { .. }, Some(reason)) => Verification::Unverified {
                reasons: vec![reason],
                signature: Some(status),
            },
            (Verification::Unverified { mut reasons, .. }, failure) => {
                reasons.extend(failure);
                Verification::Unverified {
                    reasons,
                    signature: Some(status),
                }
            }
        }
    }

    /// One line for tables and messages: `verified`, `verified (no report)`, or
    /// `unverified: reason; reason`.
    pub fn summary(&self) -> String {
        match self {
            Verification::Verified { note: None, .. } => "verified".into(),
            Verification::Verified {
                note: Some(Note::NoReport),
                ..
            } => "verified (no report)".into(),
            Verification::Unverified { reasons, .. } => {
                let why: Vec<String> = reasons.iter().map(Reason::to_string).collect();
                format!("unverified: {}", why.join("; "))
            }
        }
    }
}

impl Default for Verification {
    /// A record not checked is not trusted.
    fn default() -> Self {
        Verification::Unverified {
            reasons: vec![Reason::NoAuditRun],
            signature: None,
        }
    }
}

/// What an audit run records, as read back.
#[derive(Debug, Clone, Copy)]
pub struct RecordedRun<'a> {
    /// The run's status (`FINISHED`, `RUNNING`, ...); `None` when the server sent none.
    pub status: Option<&'a str>,
    pub model: &'a str,
    pub version: &'a str,
    /// The target as written in the run (`Production`, `@champion`).
    pub target: &'a str,
    /// `approved`, `rejected`, `requested`, `rolled_back` or `gate_check`.
    pub decision: &'a str,
    pub actor: &'a str,
    pub report_digest: Option<&'a str>,
    pub gate_status: Option<&'a str>,
    pub overridden: bool,
}

/// How the version's current tags bear on a run.
#[derive(Debug, Clone, Copy)]
pub enum CurrentTags<'a> {
    /// The run is not the newest record for its version and target (or a gate check): the
    /// tags describe something later, and the run is judged alone.
    Superseded,
    /// The run is the newest record: the version's decision for the target (if any) must
    /// agree with it.
    Describe(Option<&'a DecisionRecord>),
}

/// A gate report artifact read back, reduced to what verification needs. Read from plain
/// JSON (not the current report type), so reports of every schema version stay readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedReport {
    pub schema_version: Option<u64>,
    /// The digest the report names for itself.
    pub digest: String,
    /// The digest of its content, computed here the way the report's own digest is.
    pub computed_digest: String,
    pub status: String,
    pub model: String,
    pub version: String,
    pub target: String,
}

impl RecordedReport {
    /// Parse an artifact's bytes; the error says what is wrong, in tollgate's words.
    pub fn parse(bytes: &[u8]) -> Result<RecordedReport, String> {
        let mut value: Value = serde_json::from_slice(bytes).map_err(|_| "not JSON".to_string())?;
        let Value::Object(map) = &mut value else {
            return Err("not a JSON object".into());
        };
        let text = |map: &serde_json::Map<String, Value>, key: &str| {
            map.get(key)
                .and_then(Value::as_str)
                .map(String::from)
                .ok_or_else(|| format!("no '{key}' field"))
        };
        let report = RecordedReport {
            schema_version: map.get("schema_version").and_then(Value::as_u64),
            digest: text(map, "digest")?,
            status: text(map, "status")?,
            model: text(map, "model")?,
            version: text(map, "version")?,
            target: text(map, "target")?,
            computed_digest: String::new(),
        };
        for key in UNDIGESTED {
            map.remove(key);
        }
        // Each schema's own digest form: reports recorded before RFC 8785 still verify.
        Ok(RecordedReport {
            computed_digest: report_digest(&value, report.schema_version.unwrap_or(1)),
            ..report
        })
    }
}

/// Judge one record. `artifact` is the report artifact's bytes, `None` when it is absent.
pub fn verify(run: &RecordedRun, tags: CurrentTags, artifact: Option<&[u8]>) -> Verification {
    let mut reasons = Vec::new();
    let status = run.status.unwrap_or("UNKNOWN");
    if status != FINISHED {
        reasons.push(Reason::RunNotFinished {
            run_status: status.to_string(),
        });
    }
    let decision = Decision::parse(run.decision);
    if decision.is_none() && run.decision != GATE_CHECK && run.decision != ADOPTED {
        reasons.push(Reason::UnknownDecision {
            decision: run.decision.to_string(),
        });
    }
    if let (Some(decision), CurrentTags::Describe(record)) = (decision, tags) {
        compare_tags(run, decision, record, &mut reasons);
    }
    // Rejections, roll backs and adoptions may come without a report; everything else needs one.
    let report_optional = matches!(decision, Some(Decision::Rejected | Decision::RolledBack))
        || run.decision == ADOPTED;
    let mut note = None;
    match (run.report_digest, artifact) {
        (None, None) if report_optional => note = Some(Note::NoReport),
        (None, _) => reasons.push(Reason::NoReportDigest),
        (Some(_), None) => reasons.push(Reason::ReportMissing),
        (Some(recorded), Some(bytes)) => match RecordedReport::parse(bytes) {
            Err(detail) => reasons.push(Reason::ReportUnreadable { detail }),
            Ok(report) => compare_report(run, decision, recorded, &report, &mut reasons),
        },
    }
    if reasons.is_empty() {
        Verification::Verified {
            note,
            signature: None,
        }
    } else {
        Verification::Unverified {
            reasons,
            signature: None,
        }
    }
}

/// The newest record's run against the version's decision tags for its target.
fn compare_tags(
    run: &RecordedRun,
    decision: Decision,
    record: Option<&DecisionRecord>,
    reasons: &mut Vec<Reason>,
) {
    let Some(record) = record else {
        reasons.push(Reason::TagsMissing);
        return;
    };
    let mut differ = |field: &'static str, tags: &str, run: &str| {
        if tags != run {
            reasons.push(Reason::TagsDisagree {
                field,
                tags: tags.to_string(),
                run: run.to_string(),
            });
        }
    };
    differ("decision", record.decision.as_str(), decision.as_str());
    differ("by", &record.by, run.actor);
    differ(
        "report_digest",
        record.report_digest.as_deref().unwrap_or(""),
        run.report_digest.unwrap_or(""),
    );
    let overridden = |o: bool| if o { "yes" } else { "no" };
    differ(
        "override",
        overridden(record.override_justification.is_some()),
        overridden(run.overridden),
    );
}

/// The report artifact against the run that names it.
fn compare_report(
    run: &RecordedRun,
    decision: Option<Decision>,
    recorded: &str,
    report: &RecordedReport,
    reasons: &mut Vec<Reason>,
) {
    for computed in [&report.computed_digest, &report.digest] {
        if computed != recorded {
            reasons.push(Reason::ReportDigestMismatch {
                recorded: recorded.to_string(),
                computed: computed.clone(),
            });
            break;
        }
    }
    for (field, in_report, in_run) in [
        ("model", &report.model, run.model),
        ("version", &report.version, run.version),
        ("target", &report.target, run.target),
    ] {
        if in_report != in_run {
            reasons.push(Reason::ReportDescribesOther {
                field,
                report: in_report.clone(),
                run: in_run.to_string(),
            });
        }
    }
    if let Some(gate_status) = run.gate_status {
        if gate_status != report.status {
            reasons.push(Reason::GateStatusDisagrees {
                run: gate_status.to_string(),
                report: report.status.clone(),
            });
        }
    }
    if decision == Some(Decision::Approved) && report.status != "pass" && !run.overridden {
        reasons.push(Reason::ApprovedWithoutPassing {
            report: report.status.clone(),
        });
    }
}

#[cfg(test)]
#[path = "verification_tests.rs"]
mod tests;
