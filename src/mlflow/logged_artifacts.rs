//! The files of an MLflow 3 logged model (where `log_model` puts a version's artifacts): listed
//! with `logged-models/{id}/artifacts/directories`, read with the route the MLflow UI downloads
//! them from (the only one the server offers for a logged model's file).

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::client::MlflowClient;
use super::error::MlflowError;
use super::http::Subject;
use super::types::{ArtifactsPage, FileInfo};

impl MlflowClient {
    /// One folder of a logged model's artifacts (`None`: the root).
    pub async fn list_logged_model_artifacts(
        &self,
        model_id: &str,
        path: Option<&str>,
    ) -> Result<Vec<FileInfo>, MlflowError> {
        let route = format!(
            "logged-models/{}/artifacts/directories",
            utf8_percent_encode(model_id, NON_ALPHANUMERIC)
        );
        let query: Vec<(&str, String)> = path
            .map(|p| vec![("artifact_directory_path", p.to_string())])
            .unwrap_or_default();
        let page: ArtifactsPage = self
            .transport()
            .get_json(
                &route,
                &query,
                &Subject::new(
                    "list artifacts",
                    format!("artifacts of logged model {model_id}"),
                ),
            )
            .await?;
        Ok(page.files)
    }

    /// One file of a logged model's artifacts.
    pub async fn get_logged_model_artifact(
        &self,
        model_id: &str,
        path: &str,
    ) -> Result<Vec<u8>, MlflowError> {
        let route = format!(
            "ajax-api/2.0/mlflow/logged-models/{}/artifacts/files",
            utf8_percent_encode(model_id, NON_ALPHANUMERIC)
        );
        self.transport()
            .get_bytes(
                &route,
                &[("artifact_file_path", path.to_string())],
                &Subject::new(
                    "read artifact",
                    format!("artifact '{path}' of logged model {model_id}"),
                ),
            )
            .await
    }
}
