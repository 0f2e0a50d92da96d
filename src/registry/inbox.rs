//! Pending promotion requests across every model: one filtered search returns the versions
//! flagged as holding a request (see `pending_index`), and the requests are read from their
//! decision tags (the flag alone proves nothing). Each request is then checked against
//! its audit run and report artifact (tags alone are free text anyone with EDIT can write): its
//! gate status is the report's, and a request that is not whole is marked unverified. The CLI's
//! `inbox`, the cockpit's `:inbox` and its models-list marker all come through here.

use chrono::{DateTime, Utc};

use super::audit::{newest_decisions, report_status, AuditRun};
use super::pending_index::{IndexState, FLAGGED};
use super::Registry;
use crate::governance::decision::{verify, CurrentTags, DecisionRecord, Reason, Verification};
use crate::governance::Target;
use crate::mlflow::{MlflowError, ModelVersion, MAX_VERSIONS_PAGE};

/// How far before the oldest open request the inbox reads audit runs (one day).
const CLOCK_MARGIN_MS: i64 = 24 * 60 * 60 * 1000;

/// One pending request, as approvers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRequest {
    pub model: String,
    pub version: String,
    pub target: Target,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    /// Minutes between the request and when the list was read.
    pub age_minutes: i64,
    pub comment: String,
    /// The gate status of the request's report artifact (pass, fail, missing, ...); `None`
    /// when no report with the recorded digest was found.
    pub gate: Option<String>,
    pub report_digest: Option<String>,
    /// Whether the request's audit run, tags and report agree.
    pub verification: Verification,
    /// The audit run recording the request, when one was found.
    pub audit_run_id: Option<String>,
}

/// The pending requests among `versions`, oldest first, aged as of `now`; not yet verified
/// (no gate status, [`Verification::default`]).
pub fn pending_requests(versions: &[ModelVersion], now: DateTime<Utc>) -> Vec<PendingRequest> {
    let mut pending: Vec<PendingRequest> = versions
        .iter()
        .flat_map(|v| {
            DecisionRecord::pending(&v.tags)
                .into_iter()
                .map(move |r| PendingRequest {
                    model: v.name.clone(),
                    version: v.version.clone(),
                    gate: None,
                    target: r.target,
                    requested_by: r.by,
                    requested_at: r.at,
                    age_minutes: (now - r.at).num_minutes(),
                    comment: r.comment,
                    report_digest: r.report_digest,
                    verification: Verification::default(),
                    audit_run_id: None,
                })
        })
        .collect();
    // Stable: requests made at the same instant keep the server's order.
    // Requests made in the same second list in a fixed order: by model, then version number.
    pending.sort_by(|a, b| {
        a.requested_at
            .cmp(&b.requested_at)
            .then_with(|| a.model.cmp(&b.model))
            .then_with(|| version_number(&a.version).cmp(&version_number(&b.version)))
    });
    pending
}

/// The newest audit run about each request's version and target (what its tags must describe).
pub fn request_runs<'a>(
    pending: &[PendingRequest],
    runs: &'a [AuditRun],
) -> Vec<Option<&'a AuditRun>> {
    let newest = newest_decisions(runs);
    pending
        .iter()
        .map(|p| {
            let target = p.target.to_string();
            newest
                .iter()
                .map(|&i| &runs[i])
                .find(|r| r.model == p.model && r.version == p.version && r.target == target)
        })
        .collect()
}

/// Judge one request: its tags against its newest audit run and that run's report artifact.
pub fn verify_request(
    request: &mut PendingRequest,
    versions: &[ModelVersion],
    run: Option<&AuditRun>,
    artifact: Option<&[u8]>,
) {
    let Some(run) = run else {
        request.verification = Verification::Unverified {
            reasons: vec![Reason::NoAuditRun],
            signature: None,
        };
        return;
    };
    let records = versions
        .iter()
        .find(|v| v.name == request.model && v.version == request.version)
        .map(|v| DecisionRecord::from_tags(&v.tags))
        .unwrap_or_default();
    let record = records.iter().find(|r| r.target == request.target);
    request.verification = verify(&run.recorded(), CurrentTags::Describe(record), artifact);
    request.gate = report_status(artifact, run.report_digest.as_deref());
    request.audit_run_id = Some(run.run_id.clone());
}

impl Registry {
    /// Every pending promotion request on the server, oldest first, each verified.
    pub async fn pending_requests(&self) -> Result<Vec<PendingRequest>, MlflowError> {
        self.pending_requests_scanning(false).await
    }

    /// As [`Registry::pending_requests`]; `rescan` reads every version again instead of the
    /// flagged ones (see `pending_index`), flagging any open request found unflagged.
    pub async fn pending_requests_scanning(
        &self,
        rescan: bool,
    ) -> Result<Vec<PendingRequest>, MlflowError> {
        let flagged = self
            .client
            .search_model_versions(Some(FLAGGED), MAX_VERSIONS_PAGE);
        let (flagged, state) = tokio::join!(flagged, self.pending_index_state(rescan));
        let versions = match state? {
            IndexState::Indexed | IndexState::NoAuditTrail => flagged?,
            IndexState::Unindexed { experiment_id } => {
                self.scan_for_requests(&experiment_id).await?
            }
        };
        let mut pending = pending_requests(&versions, Utc::now());
        if pending.is_empty() {
            return Ok(pending);
        }
        // Only the runs a request's verification can involve: those from a day before the
        // oldest open request on (a later decision on the same version and target always
        // starts after the request; the day absorbs clocks that disagree between deciders).
        let since = pending
            .iter()
            .map(|p| p.requested_at.timestamp_millis())
            .min()
            .map(|oldest| oldest - CLOCK_MARGIN_MS);
        let runs = self.read_audit_runs_since(None, since).await?;
        let matched: Vec<AuditRun> = request_runs(&pending, &runs)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let artifacts = self.report_artifacts(&matched).await?;
        for request in &mut pending {
            let target = request.target.to_string();
            let found = matched.iter().position(|r| {
                r.model == request.model && r.version == request.version && r.target == target
            });
            let run = found.map(|i| &matched[i]);
            let artifact = found.and_then(|i| artifacts[i].as_deref());
            verify_request(request, &versions, run, artifact);
        }
        if self.signing.allowed_signers.is_some() {
            self.add_signatures(&mut pending, &runs).await?;
        }
        Ok(pending)
    }

    /// Each request's signature status, from its model's whole chain.
    async fn add_signatures(
        &self,
        pending: &mut [PendingRequest],
        runs: &[AuditRun],
    ) -> Result<(), MlflowError> {
        let models: std::collections::HashSet<&str> =
            pending.iter().map(|p| p.model.as_str()).collect();
        let mut trail: Vec<AuditRun> = runs
            .iter()
            .filter(|r| models.contains(r.model.as_str()))
            .cloned()
            .collect();
        let options = super::verify::TrailOptions::from_signing(&self.signing);
        self.check_signatures(&mut trail, &options).await?;
        for request in pending.iter_mut() {
            let status = request.audit_run_id.as_ref().and_then(|id| {
                trail
                    .iter()
                    .find(|r| &r.run_id == id)
                    .and_then(|r| r.verification.signature().cloned())
            });
            if let Some(status) = status {
                request.verification = request
                    .verification
                    .clone()
                    .with_signature(status, options.require_signature);
            }
        }
        Ok(())
    }
}

/// A version's number for ordering; a version that is not a number sorts last.
fn version_number(version: &str) -> u64 {
    version.parse().unwrap_or(u64::MAX)
}
