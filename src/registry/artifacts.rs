//! Optional artifacts (a histogram file, a gate report): whether one exists is asked with
//! `artifacts/list`, never guessed from an error, because MLflow 2.x answers a missing file with
//! 500 where 3.x answers 404, and a 500 must stay a failure.

use super::Registry;
use crate::mlflow::MlflowError;

impl Registry {
    /// The artifact at `path` of `run_id`, or `None` when the run has no such file.
    pub(super) async fn optional_artifact(
        &self,
        run_id: &str,
        path: &str,
    ) -> Result<Option<Vec<u8>>, MlflowError> {
        let folder = path.rsplit_once('/').map(|(dir, _)| dir);
        let listed = match self.client.list_artifacts(run_id, folder).await {
            Ok(files) => files,
            Err(e) if is_absent(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        if !listed.iter().any(|f| !f.is_dir && f.path == path) {
            return Ok(None);
        }
        match self.client.get_artifact(run_id, path).await {
            Ok(bytes) => Ok(Some(bytes)),
            // Deleted between the listing and the read.
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A thing that is not there: MLflow answers 404 (`RESOURCE_DOES_NOT_EXIST`), some proxies a
/// bare 404.
pub(super) fn is_absent(e: &MlflowError) -> bool {
    matches!(
        e,
        MlflowError::NotFound { .. } | MlflowError::Http { status: 404, .. }
    )
}
