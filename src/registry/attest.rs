//! A version's artifact files with their SHA-256, listed and read through the artifacts API, for
//! an attestation's subject. MLflow 3 keeps a version's files with its logged model; older
//! servers in its source run's artifacts. When they cannot be read (no such location, not
//! found, forbidden), the caller says so instead of listing part of them.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::artifacts::is_absent;
use super::Registry;
use crate::mlflow::{FileInfo, MlflowError, ModelVersion};

/// More files than this is not a model: the attestation falls back to the model URI.
const MAX_FILES: usize = 10_000;

/// One artifact file of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactDigest {
    /// Relative to the version's artifact root (`MLmodel`, `model.pkl`).
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// A version's files, or why they could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ArtifactFiles {
    Read { files: Vec<ArtifactDigest> },
    Unreadable { reason: String },
}

/// Where a version's files live.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Location {
    /// An MLflow 3 logged model.
    Logged { model_id: String },
    /// A folder of a run's artifacts.
    Run { run_id: String, folder: String },
}

impl Registry {
    /// Every file of `version` with its digest.
    pub async fn version_files(
        &self,
        version: &ModelVersion,
    ) -> Result<ArtifactFiles, MlflowError> {
        let location = match self.locate(version).await? {
            Ok(location) => location,
            Err(reason) => return Ok(ArtifactFiles::Unreadable { reason }),
        };
        match self.read_files(&location).await {
            Ok(None) => Ok(ArtifactFiles::Unreadable {
                reason: format!("more than {MAX_FILES} artifact files"),
            }),
            Ok(Some(files)) if files.is_empty() => Ok(ArtifactFiles::Unreadable {
                reason: "the version's artifact location holds no files".into(),
            }),
            Ok(Some(files)) => Ok(ArtifactFiles::Read { files }),
            Err(e) if unreadable(&e) => Ok(ArtifactFiles::Unreadable {
                reason: e.to_string(),
            }),
            Err(e) => Err(e),
        }
    }

    /// The version's artifact location, or why none is known.
    async fn locate(
        &self,
        version: &ModelVersion,
    ) -> Result<Result<Location, String>, MlflowError> {
        let source = version.source.as_deref().unwrap_or("");
        let model_id = version
            .model_id
            .clone()
            .filter(|id| !id.is_empty())
            .or_else(|| {
                source
                    .strip_prefix("models:/")
                    .filter(|id| id.starts_with("m-") && !id.contains('/'))
                    .map(String::from)
            });
        if let Some(model_id) = model_id {
            return Ok(Ok(Location::Logged { model_id }));
        }
        if let Some(rest) = source.strip_prefix("runs:/") {
            if let Some((run_id, folder)) = rest.split_once('/') {
                return Ok(Ok(Location::Run {
                    run_id: run_id.to_string(),
                    folder: folder.trim_matches('/').to_string(),
                }));
            }
        }
        let Some(run_id) = version.run_id() else {
            return Ok(Err(format!(
                "the version's source '{source}' is not a logged model or a run's artifacts"
            )));
        };
        let state = self.run(run_id).await?;
        let root = state
            .run()
            .and_then(|r| r.info.artifact_uri.clone())
            .unwrap_or_default();
        match source.strip_prefix(root.trim_end_matches('/')) {
            Some(rest) if !root.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
                Ok(Ok(Location::Run {
                    run_id: run_id.to_string(),
                    folder: rest.trim_matches('/').to_string(),
                }))
            }
            _ => Ok(Err(format!(
                "the version's source '{source}' is outside its run's artifacts"
            ))),
        }
    }

    /// Walk the location's folders and hash every file, in path order; `None` when there are
    /// too many to be a model.
    async fn read_files(
        &self,
        location: &Location,
    ) -> Result<Option<Vec<ArtifactDigest>>, MlflowError> {
        let root = match location {
            Location::Logged { .. } => None,
            Location::Run { folder, .. } => Some(folder.clone()).filter(|f| !f.is_empty()),
        };
        let mut folders = vec![root.clone()];
        let mut files: Vec<String> = Vec::new();
        while let Some(folder) = folders.pop() {
            for entry in self.list(location, folder.as_deref()).await? {
                if entry.is_dir {
                    folders.push(Some(entry.path));
                } else {
                    files.push(entry.path);
                }
            }
            if files.len() + folders.len() > MAX_FILES {
                return Ok(None);
            }
        }
        files.sort();
        let mut out = Vec::with_capacity(files.len());
        for path in files {
            let bytes = self.read(location, &path).await?;
            let relative = match &root {
                Some(prefix) => path
                    .strip_prefix(prefix.as_str())
                    .map(|p| p.trim_start_matches('/').to_string())
                    .unwrap_or(path.clone()),
                None => path.clone(),
            };
            out.push(ArtifactDigest {
                path: relative,
                sha256: hex::encode(Sha256::digest(&bytes)),
                size: bytes.len() as u64,
            });
        }
        Ok(Some(out))
    }

    async fn list(
        &self,
        location: &Location,
        folder: Option<&str>,
    ) -> Result<Vec<FileInfo>, MlflowError> {
        match location {
            Location::Logged { model_id } => {
                self.client
                    .list_logged_model_artifacts(model_id, folder)
                    .await
            }
            Location::Run { run_id, .. } => self.client.list_artifacts(run_id, folder).await,
        }
    }

    async fn read(&self, location: &Location, path: &str) -> Result<Vec<u8>, MlflowError> {
        match location {
            Location::Logged { model_id } => {
                self.client.get_logged_model_artifact(model_id, path).await
            }
            Location::Run { run_id, .. } => self.client.get_artifact(run_id, path).await,
        }
    }
}

/// Errors that mean "these files cannot be read here" rather than "the server failed".
fn unreadable(e: &MlflowError) -> bool {
    is_absent(e)
        || matches!(
            e,
            MlflowError::PermissionDenied { .. } | MlflowError::Http { .. }
        )
}

impl Registry {
    /// The gate report artifact an audit run recorded, `None` when it has none.
    pub async fn recorded_report(&self, run_id: &str) -> Result<Option<Vec<u8>>, MlflowError> {
        self.report_artifact(run_id).await
    }
}
