//! The pending flag: an index so the inbox finds open requests with one filtered search
//! (`tags.`tollgate.pending` = 'true'`) instead of reading every version of the registry.
//!
//! - A request sets the version's flag to `true`; any other decision re-reads the version and
//!   flips it to `false` once no request on it is open. The value is flipped, never deleted:
//!   EDIT rights cannot delete a version tag.
//! - The flag only says where to look. What it finds is read from the decision tags and
//!   verified as before; a flag left `true` by mistake shows nothing.
//! - Requests recorded before the flag existed are found once: while the audit experiment
//!   lacks [`INDEXED_TAG`], the inbox scans every version (page by page), flags the open
//!   requests it finds, and then tags the experiment. `tollgate inbox --rescan` scans again.

use futures::stream::{self, StreamExt};

use super::audit::AUDIT_EXPERIMENT;
use super::Registry;
use crate::governance::decision::{Decision, DecisionRecord};
use crate::mlflow::{MlflowError, ModelVersion, Tag};

/// The version tag flagging an open request.
pub const PENDING_FLAG: &str = "tollgate.pending";
/// The audit experiment's tag saying every older request has been flagged.
pub const INDEXED_TAG: &str = "tollgate.pending_indexed";
/// Versions per page of the one-time scan: small enough that a loaded server answers each
/// page well within the request timeout.
const SCAN_PAGE: usize = 2_000;
/// The server-side filter finding the flagged versions.
pub const FLAGGED: &str = "tags.`tollgate.pending` = 'true'";

/// Whether `tags` hold an open request (a `requested` decision on any target).
pub fn has_open_request(tags: &[Tag]) -> bool {
    !DecisionRecord::pending(tags).is_empty()
}

/// Whether `tags` carry the flag set to `true`.
pub fn is_flagged(tags: &[Tag]) -> bool {
    tags.iter()
        .any(|t| t.key == PENDING_FLAG && t.value.trim() == "true")
}

/// What the inbox must read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexState {
    /// Older requests are flagged: the flagged versions are enough.
    Indexed,
    /// Not yet (or a rescan was asked for): scan every version once, then mark the
    /// experiment (its id) as indexed.
    Unindexed { experiment_id: String },
    /// No audit experiment: tollgate never recorded a decision here, so nothing predates
    /// the flag.
    NoAuditTrail,
}

impl Registry {
    /// After a decision's tags are written: flag the version when the decision is a request,
    /// else flip the flag off once no request on the version is open. A request whose flag
    /// cannot be set is an error (the inbox would not find it); a flag left on is harmless.
    pub(crate) async fn update_pending_flag(
        &self,
        model: &str,
        version: &str,
        decision: Decision,
    ) -> Result<(), MlflowError> {
        if decision == Decision::Requested {
            return self
                .client
                .set_model_version_tag(model, version, PENDING_FLAG, "true")
                .await;
        }
        let now = self.client.get_model_version(model, version).await;
        let result = match now {
            Ok(v) if is_flagged(&v.tags) && !has_open_request(&v.tags) => {
                self.client
                    .set_model_version_tag(model, version, PENDING_FLAG, "false")
                    .await
            }
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, model, version, "could not clear the pending flag");
        }
        Ok(())
    }

    /// Whether the inbox may trust the flag to find every open request.
    pub(crate) async fn pending_index_state(
        &self,
        rescan: bool,
    ) -> Result<IndexState, MlflowError> {
        let experiment = match self.client.get_experiment_by_name(AUDIT_EXPERIMENT).await {
            Ok(e) => e,
            Err(MlflowError::NotFound { .. }) => return Ok(IndexState::NoAuditTrail),
            Err(e) => return Err(e),
        };
        let indexed = experiment
            .tags
            .iter()
            .any(|t| t.key == INDEXED_TAG && !t.value.trim().is_empty());
        Ok(if indexed && !rescan {
            IndexState::Indexed
        } else {
            IndexState::Unindexed {
                experiment_id: experiment.experiment_id,
            }
        })
    }

    /// The one-time scan: every version, page by page, keeping only those with an open
    /// request; flags the ones not flagged yet and, when all were flagged, marks the audit
    /// experiment. Marking is best effort (a reader without EDIT still gets the full answer,
    /// and the scan runs again next time).
    pub(crate) async fn scan_for_requests(
        &self,
        experiment_id: &str,
    ) -> Result<Vec<ModelVersion>, MlflowError> {
        let mut open = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let (page, next) = self
                .client
                .search_model_versions_page(None, SCAN_PAGE, token.as_deref())
                .await?;
            open.extend(page.into_iter().filter(|v| has_open_request(&v.tags)));
            match next {
                Some(next) if token.as_deref() == Some(next.as_str()) => {
                    return Err(MlflowError::Malformed {
                        url: "model-versions/search".into(),
                        detail: "the server returned the same page token twice".into(),
                    })
                }
                Some(next) => token = Some(next),
                None => break,
            }
        }
        let unflagged: Vec<(String, String)> = open
            .iter()
            .filter(|v| !is_flagged(&v.tags))
            .map(|v| (v.name.clone(), v.version.clone()))
            .collect();
        let client = &self.client;
        let flagged: Vec<Result<(), MlflowError>> = stream::iter(unflagged)
            .map(|(model, version)| async move {
                client
                    .set_model_version_tag(&model, &version, PENDING_FLAG, "true")
                    .await
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let failures = flagged.iter().filter(|r| r.is_err()).count();
        if failures == 0 {
            let marked = self
                .client
                .set_experiment_tag(experiment_id, INDEXED_TAG, "1")
                .await;
            if let Err(e) = marked {
                tracing::warn!(error = %e, "could not mark the pending requests as indexed");
            }
        } else {
            tracing::warn!(
                failures,
                "could not flag every older request; will scan again"
            );
        }
        Ok(open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Vec<Tag> {
        pairs
            .iter()
            .map(|(k, v)| Tag {
                key: k.to_string(),
                value: v.to_string(),
            })
            .collect()
    }

    fn request(decision: &str) -> Vec<(&str, &str)> {
        vec![
            ("tollgate.decision.Production", decision),
            ("tollgate.decision.Production.by", "ana"),
            ("tollgate.decision.Production.at", "2026-11-20T10:00:00Z"),
        ]
    }

    #[test]
    fn an_open_request_is_read_from_the_decision_tags_not_the_flag() {
        assert!(has_open_request(&tags(&request("requested"))));
        let mut flagged = request("approved");
        flagged.push((PENDING_FLAG, "true"));
        let flagged = tags(&flagged);
        assert!(is_flagged(&flagged));
        assert!(
            !has_open_request(&flagged),
            "a flag without a request is no request"
        );
    }

    #[test]
    fn only_true_flags() {
        assert!(is_flagged(&tags(&[(PENDING_FLAG, "true")])));
        assert!(!is_flagged(&tags(&[(PENDING_FLAG, "false")])));
        assert!(!is_flagged(&tags(&[("other", "true")])));
    }
}
