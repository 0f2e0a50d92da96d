//! Optional artifacts (a histogram file, a gate report): read first, since most are there and a
//! read is one round trip; when the read fails with anything but a 404, whether the file exists
//! is asked with `artifacts/list`, never guessed from the error, because MLflow 2.x answers a
//! missing file with 500 where 3.x answers 404, and a 500 for a file that is there must stay a
//! failure.

use super::Registry;
use crate::mlflow::MlflowError;

impl Registry {
    /// The artifact at `path` of `run_id`, or `None` when the run has no such file.
    pub(super) async fn optional_artifact(
        &self,
        run_id: &str,
        path: &str,
    ) -> Result<Option<Vec<u8>>, MlflowError> {
        let read_error = match self.client.get_artifact(run_id, path).await {
            Ok(bytes) => return Ok(Some(bytes)),
            Err(e) if is_absent(&e) => return Ok(None),
            Err(e) if is_server_error(&e) => e,
            Err(e) => return Err(e),
        };
        let folder = path.rsplit_once('/').map(|(dir, _)| dir);
        let listed = match self.client.list_artifacts(run_id, folder).await {
            Ok(files) => files,
            Err(e) if is_absent(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        if listed.iter().any(|f| !f.is_dir && f.path == path) {
            // It is there, and reading it failed: the read's error stands.
            Err(read_error)
        } else {
            Ok(None)
        }
    }
}

/// A 5xx: how MLflow 2.x answers a read of a missing file, and how it fails otherwise.
fn is_server_error(e: &MlflowError) -> bool {
    matches!(
        e,
        MlflowError::Api {
            status: 500..=599,
            ..
        } | MlflowError::Http {
            status: 500..=599,
            ..
        }
    )
}

/// A thing that is not there: MLflow answers 404 (`RESOURCE_DOES_NOT_EXIST`), some proxies a
/// bare 404.
pub(super) fn is_absent(e: &MlflowError) -> bool {
    matches!(
        e,
        MlflowError::NotFound { .. } | MlflowError::Http { status: 404, .. }
    )
}
