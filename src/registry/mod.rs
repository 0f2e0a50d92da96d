//! What tollgate asks of a registry, built on `mlflow/`: models with their version counts,
//! versions with their runs (batched), one version in full. Shared by the CLI and the cockpit.

mod artifacts;
mod attest;
mod audit;
mod cache;
pub mod decide;
mod gate;
mod holders;
mod inbox;
mod lineage;
mod models;
mod monitoring;
mod pending_index;
mod sign;
mod velocity;
pub mod verify;
mod versions;

pub use attest::{ArtifactDigest, ArtifactFiles};
pub use audit::{
    newest_first, AuditRecord, AuditRun, ADOPTION_SUBJECT, AUDIT_EXPERIMENT, GATE_CHECK,
    REPORT_ARTIFACT,
};
pub use cache::SessionCache;
pub use gate::{gate_status_tag, holder, GatheredVersion};
pub use holders::{current_state, named_targets, trail_record, StateCheck};
pub use inbox::{pending_requests, PendingRequest};
pub use lineage::LineageData;
pub use models::ModelSummary;
pub use monitoring::{MonitoringData, HISTOGRAMS_ARTIFACT};
pub use pending_index::{INDEXED_TAG, PENDING_FLAG};
pub use sign::{
    SignRefusal, SignedStatement, SIGNATURE_ARTIFACT, STATEMENT_ARTIFACT, STATEMENT_TAG,
};
pub use versions::{ModelVersions, RunState, VersionDetail, VersionRow};

use crate::mlflow::MlflowClient;

#[derive(Clone)]
pub struct Registry {
    client: MlflowClient,
    cache: SessionCache,
    page_size: usize,
    concurrency: usize,
    /// The policy's signing settings, for writing decisions and checking trails.
    signing: std::sync::Arc<crate::governance::Signing>,
}

impl Registry {
    pub fn new(client: MlflowClient, page_size: usize) -> Self {
        let concurrency = client.transport().settings().concurrency.max(1);
        Registry {
            client,
            cache: SessionCache::default(),
            page_size: page_size.max(1),
            concurrency,
            signing: Default::default(),
        }
    }

    pub fn client(&self) -> &MlflowClient {
        &self.client
    }

    pub fn page_size(&self) -> usize {
        self.page_size
    }

    /// Forget cached runs and experiments (the user asked for fresh data).
    pub fn invalidate(&self) {
        self.cache.clear();
    }
}
