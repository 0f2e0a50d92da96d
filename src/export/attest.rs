//! `tollgate attest`: an in-toto Statement v1 about one model version, so supply-chain tools can
//! keep tollgate's evidence beside the artifact. Subject: the version's artifact files with
//! their SHA-256; when they cannot be read, the `models:/NAME/VERSION` URI with the digest of
//! the predicate (and `subject_kind` says which). Predicate: the gate report, the policy digest
//! and the decisions with their verification. Pure: the caller gathers, this assembles.

use serde::Serialize;
use serde_json::{json, Value};

use crate::governance::decision::UnapprovedChange;
use crate::governance::gate::canonical_json;
use crate::governance::policy::sha256_hex;
use crate::registry::{ArtifactFiles, AuditRun};

/// in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// What tollgate's predicate holds (documented in the README).
pub const PREDICATE_TYPE: &str = "https://tollgate.dev/attestation/governance/v1";

/// Where the gate report in the predicate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportSource {
    /// Evaluated now (`--to TARGET`).
    Evaluated,
    /// The report the newest verified decision about the version was made on.
    Recorded,
}

/// What an attestation is made of.
#[derive(Debug, Clone)]
pub struct AttestInput<'a> {
    pub model: &'a str,
    pub version: &'a str,
    pub source: Option<&'a str>,
    pub run_id: Option<&'a str>,
    pub files: &'a ArtifactFiles,
    /// The policy's origin and digest, when one is configured.
    pub policy: Option<(&'a str, &'a str)>,
    /// A gate report as JSON, and where it comes from.
    pub gate_report: Option<(ReportSource, Value)>,
    /// The version's decisions from the audit trail, oldest first, verified.
    pub decisions: &'a [AuditRun],
    /// Unapproved changes about this version (the registry holds it without a record).
    pub unapproved: &'a [UnapprovedChange],
    /// ISO 8601 UTC.
    pub generated_at: &'a str,
}

/// The statement as JSON.
pub fn statement(input: &AttestInput) -> Value {
    let model_uri = format!("models:/{}/{}", input.model, input.version);
    let (subject_kind, unreadable) = match input.files {
        ArtifactFiles::Read { .. } => ("artifact_files", None),
        ArtifactFiles::Unreadable { reason } => ("model_uri", Some(reason.as_str())),
    };
    let predicate = json!({
        "model": input.model,
        "version": input.version,
        "model_uri": model_uri,
        "source": input.source,
        "run_id": input.run_id,
        "subject_kind": subject_kind,
        "artifacts_unreadable": unreadable,
        "policy": input.policy.map(|(origin, digest)| json!({"origin": origin, "digest": digest})),
        "gate_report": input.gate_report.as_ref().map(|(from, report)| json!({
            "source": from,
            "report": report,
        })),
        "decisions": input.decisions,
        "unapproved_changes": input.unapproved,
        "generator": {"name": "tollgate", "version": env!("CARGO_PKG_VERSION")},
        "generated_at": input.generated_at,
    });
    let subject: Vec<Value> = match input.files {
        ArtifactFiles::Read { files } => files
            .iter()
            .map(|f| json!({"name": f.path, "digest": {"sha256": f.sha256}}))
            .collect(),
        ArtifactFiles::Unreadable { .. } => vec![json!({
            "name": model_uri,
            "uri": model_uri,
            "digest": {"sha256": predicate_digest(&predicate)},
        })],
    };
    json!({
        "_type": STATEMENT_TYPE,
        "subject": subject,
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    })
}

/// SHA-256 of the predicate's canonical JSON (sorted keys, no whitespace): what a reader
/// recomputes to check a `model_uri` subject.
pub fn predicate_digest(predicate: &Value) -> String {
    sha256_hex(canonical_json(predicate).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::ArtifactDigest;

    fn input<'a>(files: &'a ArtifactFiles) -> AttestInput<'a> {
        AttestInput {
            model: "credit",
            version: "4",
            source: Some("models:/m-abc"),
            run_id: Some("r1"),
            files,
            policy: Some(("policy.toml", "ff00")),
            gate_report: Some((ReportSource::Recorded, json!({"status": "pass"}))),
            decisions: &[],
            unapproved: &[],
            generated_at: "2026-12-02T10:00:00Z",
        }
    }

    #[test]
    fn subject_lists_the_files_with_their_digests() {
        let files = ArtifactFiles::Read {
            files: vec![ArtifactDigest {
                path: "model.pkl".into(),
                sha256: "ab".repeat(32),
                size: 3,
            }],
        };
        let s = statement(&input(&files));
        assert_eq!(s["_type"], STATEMENT_TYPE);
        assert_eq!(s["predicateType"], PREDICATE_TYPE);
        assert_eq!(
            s["subject"],
            json!([{"name": "model.pkl", "digest": {"sha256": "ab".repeat(32)}}])
        );
        assert_eq!(s["predicate"]["subject_kind"], "artifact_files");
        assert_eq!(s["predicate"]["policy"]["digest"], "ff00");
        assert_eq!(s["predicate"]["gate_report"]["source"], "recorded");
    }

    #[test]
    fn unreadable_files_fall_back_to_the_model_uri_and_the_predicate_digest() {
        let files = ArtifactFiles::Unreadable {
            reason: "not found".into(),
        };
        let s = statement(&input(&files));
        assert_eq!(s["subject"][0]["name"], "models:/credit/4");
        assert_eq!(s["predicate"]["subject_kind"], "model_uri");
        assert_eq!(s["predicate"]["artifacts_unreadable"], "not found");
        let digest = predicate_digest(&s["predicate"]);
        assert_eq!(s["subject"][0]["digest"]["sha256"], digest.as_str());
        assert_eq!(digest.len(), 64);
    }
}
