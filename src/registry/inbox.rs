//! Pending promotion requests across every model: one search returns every version with its
//! tags, and the requests are read from the decision tags. The CLI's `inbox`, the cockpit's
//! `:inbox` and its models-list marker all come through here.

use chrono::{DateTime, Utc};

use super::Registry;
use crate::governance::decision::DecisionRecord;
use crate::governance::Target;
use crate::mlflow::{tag_value, MlflowError, ModelVersion, MAX_VERSIONS_PAGE};

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
    /// The recorded gate status (`tollgate.gate.<TARGET>`): pass, fail, or `None` when never checked.
    pub gate: Option<String>,
    pub report_digest: Option<String>,
}

/// The pending requests among `versions`, oldest first, aged as of `now`.
pub fn pending_requests(versions: &[ModelVersion], now: DateTime<Utc>) -> Vec<PendingRequest> {
    let mut pending: Vec<PendingRequest> = versions
        .iter()
        .flat_map(|v| {
            DecisionRecord::pending(&v.tags).into_iter().map(move |r| {
                let gate_key = format!("tollgate.gate.{}", r.target.tag_key());
                PendingRequest {
                    model: v.name.clone(),
                    version: v.version.clone(),
                    gate: tag_value(&v.tags, &gate_key).map(String::from),
                    target: r.target,
                    requested_by: r.by,
                    requested_at: r.at,
                    age_minutes: (now - r.at).num_minutes(),
                    comment: r.comment,
                    report_digest: r.report_digest,
                }
            })
        })
        .collect();
    // Stable: requests made at the same instant keep the server's order.
    pending.sort_by_key(|p| p.requested_at);
    pending
}

impl Registry {
    /// Every pending promotion request on the server, oldest first.
    pub async fn pending_requests(&self) -> Result<Vec<PendingRequest>, MlflowError> {
        let versions = self
            .client
            .search_model_versions(None, MAX_VERSIONS_PAGE)
            .await?;
        Ok(pending_requests(&versions, Utc::now()))
    }
}
