//! The signed statement of one decision: what was decided, by whom, on which evidence, and the
//! hash of the model's previous record, as RFC 8785 canonical JSON. The exact bytes are signed
//! (`ssh-keygen -Y sign`, namespace [`NAMESPACE`]) and stored verbatim beside the signature, so
//! verification never rebuilds them from tags (which cut comments at 5,000 characters).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::governance::jcs::canonicalize;
use crate::governance::policy::sha256_hex;

/// The SSHSIG namespace of every decision signature.
pub const NAMESPACE: &str = "tollgate-decision";
/// The statement's schema, first key a reader sees.
pub const STATEMENT_SCHEMA: &str = "tollgate.decision/v1";
/// The `decision` of an adoption record: the chain's start, naming the current holders.
pub const ADOPTED: &str = "adopted";

/// One decision as signed. Every field is always present (`null` when not applicable), so the
/// canonical form is unambiguous.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub schema: String,
    pub model: String,
    /// `None` for an adoption (it names every holder instead).
    pub version: Option<String>,
    pub target: Option<String>,
    /// `requested`, `approved`, `rejected`, `rolled_back` or `adopted`.
    pub decision: String,
    /// The tollgate identity: the principal the signing key must be allowed for.
    pub actor: String,
    /// ISO 8601 UTC.
    pub at: String,
    /// The full comment (tags keep at most 5,000 characters of it).
    pub comment: String,
    pub override_justification: Option<String>,
    pub report_digest: Option<String>,
    pub policy_digest: Option<String>,
    /// The version's source and run id, as the registry reported them.
    pub source: Option<String>,
    pub run_id: Option<String>,
    /// Approvals: who requested the promotion.
    pub requester: Option<String>,
    /// Approvals and roll backs: who held the target before.
    pub previous_holder: Option<String>,
    /// Adoption: every target and the version holding it.
    pub holders: BTreeMap<String, String>,
    /// The hash of the model's previous record's statement; `None` at the chain's start.
    pub previous: Option<String>,
}

impl Statement {
    /// The canonical bytes, which are signed and stored.
    pub fn to_bytes(&self) -> Vec<u8> {
        let value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        canonicalize(&value).into_bytes()
    }

    /// Read stored bytes back: they must be a statement and already canonical (anything else
    /// was not written by tollgate, or was changed after signing).
    pub fn parse(bytes: &[u8]) -> Result<Statement, String> {
        let statement: Statement =
            serde_json::from_slice(bytes).map_err(|e| format!("not a decision statement ({e})"))?;
        if statement.schema != STATEMENT_SCHEMA {
            return Err(format!("unknown statement schema '{}'", statement.schema));
        }
        if statement.to_bytes() != bytes {
            return Err("the stored statement is not in canonical form".into());
        }
        Ok(statement)
    }
}

/// The hash a later record names as its `previous`: SHA-256 (hex) of the exact stored bytes.
pub fn record_hash(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn statement() -> Statement {
        Statement {
            schema: STATEMENT_SCHEMA.into(),
            model: "m".into(),
            version: Some("3".into()),
            target: Some("Production".into()),
            decision: "approved".into(),
            actor: "ana".into(),
            at: "2026-12-02T10:00:00Z".into(),
            comment: "ok \"quoted\"\n".into(),
            override_justification: None,
            report_digest: Some("ab".into()),
            policy_digest: Some("cd".into()),
            source: Some("models:/m-1".into()),
            run_id: Some("r1".into()),
            requester: Some("bo".into()),
            previous_holder: None,
            holders: BTreeMap::new(),
            previous: None,
        }
    }

    #[test]
    fn bytes_are_canonical_and_read_back() {
        let s = statement();
        let bytes = s.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with(r#"{"actor":"ana","at":"2026-12-02T10:00:00Z","comment":"#),
            "{text}"
        );
        assert!(text.contains(r#""comment":"ok \"quoted\"\n""#), "{text}");
        assert_eq!(Statement::parse(&bytes).unwrap(), s);
    }

    #[test]
    fn non_canonical_or_foreign_bytes_are_refused() {
        let text = String::from_utf8(statement().to_bytes()).unwrap();
        let spaced = text.replacen(':', ": ", 1);
        assert!(Statement::parse(spaced.as_bytes())
            .unwrap_err()
            .contains("canonical"));
        let extra = text.replacen('{', r#"{"x":1,"#, 1);
        assert!(Statement::parse(extra.as_bytes()).is_err());
        assert!(Statement::parse(b"[]").is_err());
    }
}
