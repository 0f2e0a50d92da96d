//! Typed wire models for the MLflow REST API (`/api/2.0/mlflow/...`).
//!
//! Every field the server may omit is `#[serde(default)]`: MLflow leaves out empty lists and
//! unset fields, and older or newer servers add or drop fields. Unknown fields are ignored.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub alias: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisteredModel {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub creation_timestamp: Option<i64>,
    #[serde(default)]
    pub last_updated_timestamp: Option<i64>,
    #[serde(default)]
    pub latest_versions: Vec<ModelVersion>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub aliases: Vec<Alias>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    pub name: String,
    /// MLflow sends versions as strings ("12").
    pub version: String,
    #[serde(default)]
    pub creation_timestamp: Option<i64>,
    #[serde(default)]
    pub last_updated_timestamp: Option<i64>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub current_stage: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub status_message: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub run_link: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// MLflow 3: the logged model (`m-...`) this version was registered from.
    #[serde(default)]
    pub model_id: Option<String>,
}

impl ModelVersion {
    /// The version number for sorting; MLflow versions are positive integers sent as strings.
    pub fn number(&self) -> u64 {
        self.version.parse().unwrap_or(0)
    }

    /// The stage, with MLflow's "None" and an absent stage both reported as `None`.
    pub fn stage(&self) -> Option<&str> {
        match self.current_stage.as_deref() {
            None | Some("") | Some("None") => None,
            Some(s) => Some(s),
        }
    }

    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref().filter(|id| !id.is_empty())
    }

    /// MLflow 3's logged model behind this version: `model_id` when the server sends it (3.17
    /// does not), else the id in a `models:/m-...` source.
    pub fn logged_model_id(&self) -> Option<&str> {
        if let Some(id) = self.model_id.as_deref().filter(|id| !id.is_empty()) {
            return Some(id);
        }
        let rest = self.source.as_deref()?.strip_prefix("models:/")?;
        let id = rest.split('/').next()?;
        id.starts_with("m-").then_some(id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub key: String,
    pub value: f64,
    #[serde(default)]
    pub timestamp: i64,
    #[serde(default)]
    pub step: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub run_id: String,
    #[serde(default)]
    pub run_name: Option<String>,
    #[serde(default)]
    pub experiment_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub start_time: Option<i64>,
    #[serde(default)]
    pub end_time: Option<i64>,
    #[serde(default)]
    pub artifact_uri: Option<String>,
    #[serde(default)]
    pub lifecycle_stage: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunData {
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub params: Vec<Param>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub source_type: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatasetInput {
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub dataset: Dataset,
}

impl DatasetInput {
    /// MLflow records the dataset's role (training, evaluation, ...) as the `mlflow.data.context` tag.
    pub fn context(&self) -> Option<&str> {
        tag_value(&self.tags, "mlflow.data.context")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunInputs {
    #[serde(default)]
    pub dataset_inputs: Vec<DatasetInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub info: RunInfo,
    #[serde(default)]
    pub data: RunData,
    #[serde(default)]
    pub inputs: RunInputs,
}

impl Run {
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_value(&self.data.tags, key)
    }

    pub fn metric(&self, key: &str) -> Option<f64> {
        self.data
            .metrics
            .iter()
            .find(|m| m.key == key)
            .map(|m| m.value)
    }

    pub fn parent_run_id(&self) -> Option<&str> {
        self.tag("mlflow.parentRunId")
    }

    pub fn is_deleted(&self) -> bool {
        self.info.lifecycle_stage.as_deref() == Some("deleted")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    pub experiment_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub artifact_location: Option<String>,
    #[serde(default)]
    pub lifecycle_stage: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    pub path: String,
    #[serde(default)]
    pub is_dir: bool,
    #[serde(default)]
    pub file_size: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoggedModelInfo {
    pub model_id: String,
    #[serde(default)]
    pub experiment_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub source_run_id: Option<String>,
    #[serde(default)]
    pub artifact_uri: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub creation_timestamp_ms: Option<i64>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoggedModelData {
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

/// MLflow 3's logged model (`logged-models/{id}`). Servers before 3.0 have no such route.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoggedModel {
    pub info: LoggedModelInfo,
    #[serde(default)]
    pub data: LoggedModelData,
}

pub fn tag_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

// Response envelopes: one per route, named after what they carry.

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RegisteredModelsPage {
    #[serde(default)]
    pub registered_models: Vec<RegisteredModel>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RegisteredModelEnvelope {
    pub registered_model: RegisteredModel,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ModelVersionsPage {
    #[serde(default)]
    pub model_versions: Vec<ModelVersion>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ModelVersionEnvelope {
    pub model_version: ModelVersion,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RunEnvelope {
    pub run: Run,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RunsPage {
    #[serde(default)]
    pub runs: Vec<Run>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MetricHistoryPage {
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ExperimentsPage {
    #[serde(default)]
    pub experiments: Vec<Experiment>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExperimentEnvelope {
    pub experiment: Experiment,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ArtifactsPage {
    #[serde(default)]
    pub files: Vec<FileInfo>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoggedModelEnvelope {
    pub model: LoggedModel,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_model_id_comes_from_the_field_or_the_source() {
        let mut v = ModelVersion {
            source: Some("models:/m-0123abc".into()),
            ..ModelVersion::default()
        };
        assert_eq!(v.logged_model_id(), Some("m-0123abc"));
        v.source = Some("runs:/abc/model".into());
        assert_eq!(v.logged_model_id(), None);
        v.source = Some("models:/credit-risk/3".into());
        assert_eq!(v.logged_model_id(), None);
        v.model_id = Some("m-9".into());
        assert_eq!(v.logged_model_id(), Some("m-9"));
    }
}
