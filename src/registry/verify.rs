//! Verifying a model's trail: every record whole (see `audit_runs`), its stored statement
//! matching the run and signed by a key the allowed signers list for the recorded actor
//! (`ssh-keygen -Y verify`), and the records chained by hash. The result is a pure report
//! ([`TrailReport`]) that other checks (holders against the trail) can extend.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use super::{AuditRun, Registry, GATE_CHECK};
use crate::governance::decision::{
    walk_chain, ChainRecord, ChainReport, ChainSettings, Fork, SignatureCheck,
};
use crate::governance::Signing;
use crate::mlflow::MlflowError;

/// Whose signatures count and what is required: the policy's settings, or the command line's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailOptions {
    pub allowed_signers: Option<PathBuf>,
    pub require_signature: bool,
    pub since: Option<DateTime<Utc>>,
}

impl TrailOptions {
    pub fn from_signing(signing: &Signing) -> TrailOptions {
        TrailOptions {
            allowed_signers: signing.allowed_signers.clone(),
            require_signature: signing.require_signature,
            since: signing
                .signatures_since
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|t| Utc.from_local_datetime(&t).single()),
        }
    }

    fn chain(&self) -> ChainSettings {
        ChainSettings {
            require_signature: self.require_signature,
            since: self.since,
        }
    }
}

/// A verified trail: every record with its verification (signature included), the forks and
/// the heads of the chain.
#[derive(Debug, Clone, Serialize)]
pub struct TrailReport {
    pub model: String,
    pub decisions: Vec<AuditRun>,
    pub forks: Vec<Fork>,
    pub heads: Vec<String>,
    pub adopted_at: Option<String>,
    pub require_signature: bool,
}

impl TrailReport {
    /// One line per record that fails: which record and why.
    pub fn failures(&self) -> Vec<String> {
        self.decisions
            .iter()
            .filter(|r| !r.verification.is_verified())
            .map(|r| {
                format!(
                    "audit run {} ({} v{} {} by {}, {}): {}",
                    r.run_id,
                    r.decision,
                    r.version,
                    r.target,
                    r.actor,
                    r.at,
                    r.verification.summary()
                )
            })
            .collect()
    }

    /// The hashes of `expected` (a `--head` file) that are not a verified record of the
    /// trail: the newest records were deleted, or the file belongs to another trail.
    pub fn missing_heads(&self, expected: &[String]) -> Vec<String> {
        expected
            .iter()
            .filter(|h| {
                !self.decisions.iter().any(|r| {
                    r.verification.is_verified()
                        && r.verification.signature().and_then(|s| s.hash()) == Some(h.as_str())
                })
            })
            .cloned()
            .collect()
    }

    /// The fork notes: reported, not failed, when every branch verifies.
    pub fn fork_notes(&self) -> Vec<String> {
        self.forks
            .iter()
            .map(|f| {
                let after = f
                    .previous
                    .as_deref()
                    .map(|p| format!("record {}", p.get(..12).unwrap_or(p)))
                    .unwrap_or_else(|| "the chain's start".into());
                format!(
                    "fork: audit runs {} all follow {after} (written at once)",
                    f.runs.join(", ")
                )
            })
            .collect()
    }
}

/// A statement's bytes and its signature.
type SignedBytes = (Vec<u8>, Vec<u8>);

/// One run's stored statement and signature.
type Stored = Option<(Vec<u8>, Option<Vec<u8>>)>;

impl Registry {
    /// Verify the trail of `model` (see the module's comment).
    pub async fn verify_trail(
        &self,
        model: &str,
        options: &TrailOptions,
    ) -> Result<TrailReport, MlflowError> {
        let mut runs = self.audit_runs_whole(Some(model)).await?;
        let chain = self.check_signatures(&mut runs, options).await?;
        let report = chain.into_iter().next().map(|(_, c)| c).unwrap_or_default();
        Ok(TrailReport {
            model: model.to_string(),
            decisions: runs,
            forks: report.forks,
            heads: report.heads,
            adopted_at: report.adopted_at,
            require_signature: options.require_signature,
        })
    }

    /// Add each run's signature status to its verification, per model; answers each model's
    /// chain report. `runs` are oldest first.
    pub(super) async fn check_signatures(
        &self,
        runs: &mut [AuditRun],
        options: &TrailOptions,
    ) -> Result<BTreeMap<String, ChainReport>, MlflowError> {
        let with_statement: Vec<Option<String>> = runs
            .iter()
            .map(|r| {
                (r.decision != GATE_CHECK && r.statement_hash.is_some()).then(|| r.run_id.clone())
            })
            .collect();
        let stored: Vec<Stored> = stream::iter(with_statement)
            .map(|run_id| async move {
                match run_id {
                    Some(id) => self.statement_artifacts(&id).await,
                    None => Ok(None),
                }
            })
            .buffered(self.concurrency)
            .try_collect()
            .await?;
        let checks = signature_checks(runs, &stored, options.allowed_signers.clone()).await;
        let mut reports = BTreeMap::new();
        let models: Vec<String> = {
            let mut m: Vec<String> = runs.iter().map(|r| r.model.clone()).collect();
            m.dedup();
            m.sort();
            m.dedup();
            m
        };
        for model in models {
            let indexes: Vec<usize> = (0..runs.len())
                .filter(|&i| runs[i].model == model)
                .collect();
            let records: Vec<ChainRecord> = indexes
                .iter()
                .map(|&i| chain_record(&runs[i], &stored[i], &checks[i]))
                .collect();
            let report = walk_chain(&records, options.chain());
            for (&i, status) in indexes.iter().zip(&report.statuses) {
                if let Some(status) = status {
                    runs[i].verification = runs[i]
                        .verification
                        .clone()
                        .with_signature(status.clone(), options.require_signature);
                }
            }
            reports.insert(model, report);
        }
        Ok(reports)
    }
}

fn chain_record<'a>(
    run: &'a AuditRun,
    stored: &'a Stored,
    check: &SignatureCheck,
) -> ChainRecord<'a> {
    ChainRecord {
        run_id: &run.run_id,
        at: Utc.timestamp_millis_opt(run.start_time).single(),
        model: &run.model,
        version: &run.version,
        target: &run.target,
        decision: &run.decision,
        actor: &run.actor,
        comment: run.comment.as_deref(),
        override_justification: run.override_justification.as_deref(),
        report_digest: run.report_digest.as_deref(),
        previous_holder: run.previous_holder.as_deref(),
        statement: stored.as_ref().map(|(bytes, _)| bytes.as_slice()),
        signature: check.clone(),
    }
}

/// `ssh-keygen -Y verify` for every stored signature, off the async threads.
async fn signature_checks(
    runs: &[AuditRun],
    stored: &[Stored],
    allowed_signers: Option<PathBuf>,
) -> Vec<SignatureCheck> {
    // Per run: the actor (the principal checked) and the signed bytes with their signature.
    let work: Vec<(String, Option<SignedBytes>)> = runs
        .iter()
        .zip(stored)
        .map(|(run, s)| {
            let pair = s
                .as_ref()
                .and_then(|(bytes, sig)| sig.as_ref().map(|sig| (bytes.clone(), sig.clone())));
            (run.actor.clone(), pair)
        })
        .collect();
    let n = work.len();
    tokio::task::spawn_blocking(move || {
        work.into_iter()
            .map(|(actor, pair)| match (pair, &allowed_signers) {
                (None, _) => SignatureCheck::Absent,
                (Some(_), None) => SignatureCheck::Bad {
                    why: "no allowed_signers file to check the signer against (--allowed-signers \
                          FILE, or allowed_signers in the policy's [settings])"
                        .into(),
                },
                (Some((bytes, sig)), Some(file)) => {
                    crate::signing::verify(file, &actor, &bytes, &sig)
                }
            })
            .collect()
    })
    .await
    .unwrap_or_else(|_| {
        vec![
            SignatureCheck::Bad {
                why: "the signature check stopped".into()
            };
            n
        ]
    })
}
