//! Signing a decision before anything is written: choose the agent key (refusing, when the
//! policy requires signatures, with nothing written), find the model's newest record to chain
//! to, and sign the canonical statement. The audit run then stores the exact bytes and the
//! signature as artifacts.

use chrono::Utc;

use super::Registry;
use crate::governance::decision::{iso8601, record_hash, Statement, STATEMENT_SCHEMA};
use crate::governance::Signing;
use crate::mlflow::MlflowError;
use crate::signing::{self, SignError};

/// The stored statement of an audit run (exact signed bytes).
pub const STATEMENT_ARTIFACT: &str = "decision.json";
/// The armored SSHSIG signature over [`STATEMENT_ARTIFACT`].
pub const SIGNATURE_ARTIFACT: &str = "decision.json.sig";
/// The audit run tag naming its statement's hash (a pointer for the next writer; verification
/// hashes the artifact itself).
pub const STATEMENT_TAG: &str = "tollgate.statement";

/// A statement ready to store: its exact bytes, their hash, and the signature when signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedStatement {
    pub statement: Statement,
    pub bytes: Vec<u8>,
    pub hash: String,
    pub signature: Option<String>,
    /// Why it is unsigned (no agent, key not allowed), for the decider.
    pub unsigned_because: Option<String>,
}

/// Why a decision was not signed and so not written, or the trail could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SignRefusal {
    #[error("the policy requires signed decisions, and {0}")]
    Required(SignError),
    #[error(transparent)]
    Read(#[from] MlflowError),
}

impl Registry {
    /// The signing settings decisions are written under (from the policy).
    pub fn signing(&self) -> &Signing {
        &self.signing
    }

    /// This registry with the policy's signing settings.
    pub fn with_signing(mut self, signing: Signing) -> Registry {
        self.signing = std::sync::Arc::new(signing);
        self
    }

    /// Chain `draft` to the model's newest record and sign it with the actor's agent key; its
    /// `schema`, `at` and `previous` are set here. Unsigned (saying why) when no key can sign
    /// and the policy does not require it.
    pub async fn sign_decision(&self, draft: Statement) -> Result<SignedStatement, SignRefusal> {
        let settings = self.signing.clone();
        let actor = draft.actor.clone();
        let key = tokio::task::spawn_blocking(move || {
            signing::choose_key(&actor, settings.allowed_signers.as_deref())
        })
        .await
        .unwrap_or(Err(SignError::NoAgent));
        let key = match key {
            Ok(key) => Some(key),
            Err(e) if self.signing.require_signature => return Err(SignRefusal::Required(e)),
            Err(e) => {
                tracing::info!("decision recorded unsigned: {e}");
                return Ok(self.unsigned(draft, e.to_string()).await?);
            }
        };
        let statement = self.chain(draft).await?;
        let bytes = statement.to_bytes();
        let signed = {
            let bytes = bytes.clone();
            tokio::task::spawn_blocking(move || key.map(|k| signing::sign(&k, &bytes)))
                .await
                .unwrap_or(Some(Err(SignError::NoAgent)))
        };
        let (signature, unsigned_because) = match signed {
            Some(Ok(sig)) => (Some(sig), None),
            Some(Err(e)) if self.signing.require_signature => return Err(SignRefusal::Required(e)),
            Some(Err(e)) => (None, Some(e.to_string())),
            None => (None, None),
        };
        Ok(SignedStatement {
            statement,
            hash: record_hash(&bytes),
            bytes,
            signature,
            unsigned_because,
        })
    }

    async fn unsigned(
        &self,
        draft: Statement,
        why: String,
    ) -> Result<SignedStatement, MlflowError> {
        let statement = self.chain(draft).await?;
        let bytes = statement.to_bytes();
        Ok(SignedStatement {
            statement,
            hash: record_hash(&bytes),
            bytes,
            signature: None,
            unsigned_because: Some(why),
        })
    }

    /// The statement of `draft`, timed now and following the model's newest record.
    async fn chain(&self, draft: Statement) -> Result<Statement, MlflowError> {
        let previous = self.chain_tip(&draft.model).await?;
        Ok(Statement {
            schema: STATEMENT_SCHEMA.into(),
            at: iso8601(Utc::now()),
            previous,
            ..draft
        })
    }

    /// The hash of the newest audit run's stored statement of `model` (the bytes hashed here,
    /// not the tag's word for it); `None` when no record has one yet.
    pub async fn chain_tip(&self, model: &str) -> Result<Option<String>, MlflowError> {
        let runs = self.read_audit_runs(Some(model)).await?;
        for run in runs.iter().rev().filter(|r| r.statement_hash.is_some()) {
            if let Some((bytes, _)) = self.statement_artifacts(&run.run_id).await? {
                return Ok(Some(record_hash(&bytes)));
            }
        }
        Ok(None)
    }

    /// A run's stored statement and signature (`None`: no statement; signature `None`: unsigned).
    /// Both read at once, each one round trip when it is there (see `optional_artifact`).
    pub async fn statement_artifacts(
        &self,
        run_id: &str,
    ) -> Result<Option<(Vec<u8>, Option<Vec<u8>>)>, MlflowError> {
        let (bytes, signature) = tokio::join!(
            self.optional_artifact(run_id, STATEMENT_ARTIFACT),
            self.optional_artifact(run_id, SIGNATURE_ARTIFACT)
        );
        let Some(bytes) = bytes? else {
            return Ok(None);
        };
        Ok(Some((bytes, signature?)))
    }
}
