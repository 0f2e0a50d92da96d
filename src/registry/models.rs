use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::Registry;
use crate::mlflow::MAX_VERSIONS_PAGE;
use crate::mlflow::{filter, MlflowError, RegisteredModel};

/// One row of the models list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSummary {
    pub name: String,
    pub description: Option<String>,
    /// Versions of the model; `None` when they could not be counted.
    pub version_count: Option<usize>,
    /// The newest version in each stage, e.g. `{"Production": "3", "None": "5"}`.
    pub latest_versions: BTreeMap<String, String>,
    /// alias -> version, e.g. `{"champion": "3"}`.
    pub aliases: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub creation_timestamp: Option<i64>,
    pub last_updated_timestamp: Option<i64>,
}

impl ModelSummary {
    fn from_model(model: RegisteredModel, version_count: Option<usize>) -> Self {
        let latest_versions = model
            .latest_versions
            .iter()
            .map(|v| (v.stage().unwrap_or("None").to_string(), v.version.clone()))
            .collect();
        ModelSummary {
            name: model.name,
            description: model.description.filter(|d| !d.is_empty()),
            version_count,
            latest_versions,
            aliases: model
                .aliases
                .into_iter()
                .map(|a| (a.alias, a.version))
                .collect(),
            tags: model.tags.into_iter().map(|t| (t.key, t.value)).collect(),
            creation_timestamp: model.creation_timestamp,
            last_updated_timestamp: model.last_updated_timestamp,
        }
    }
}

impl Registry {
    /// Every registered model whose name contains `text` (case-insensitive), with version counts.
    ///
    /// The model pages and the version count run concurrently, so the count costs no extra wall
    /// time on registries where the model pages dominate.
    pub async fn models(&self, text: Option<&str>) -> Result<Vec<ModelSummary>, MlflowError> {
        let text = text.filter(|t| !t.is_empty());
        let server_filter = text.and_then(filter::name_contains);
        let models_fut = self
            .client
            .search_registered_models(server_filter.as_deref(), self.page_size);
        let counts_fut = self.version_counts();
        let (models, counts) = tokio::join!(models_fut, counts_fut);
        let models = models?;
        // Counting is a nicety: a failure there must not hide the list.
        let counts = counts
            .map_err(|e| tracing::warn!(error = %e, "could not count versions"))
            .ok();
        Ok(models
            .into_iter()
            .filter(|m| text.is_none_or(|t| filter::contains_ignore_case(&m.name, t)))
            .map(|m| {
                let count = counts
                    .as_ref()
                    .map(|c| c.get(&m.name).copied().unwrap_or(0));
                ModelSummary::from_model(m, count)
            })
            .collect())
    }

    /// How many versions each model has. Page by page, decoding only names: a registry of
    /// 100,000 versions is counted without holding them.
    pub async fn version_counts(&self) -> Result<HashMap<String, usize>, MlflowError> {
        self.client
            .count_model_versions(None, MAX_VERSIONS_PAGE)
            .await
    }

    /// One page of the models list (no counts yet), and the token of the next; the cockpit
    /// shows each page as it arrives.
    pub async fn models_page(
        &self,
        page_token: Option<&str>,
    ) -> Result<(Vec<ModelSummary>, Option<String>), MlflowError> {
        let (models, next) = self
            .client
            .search_registered_models_page(None, self.page_size, page_token)
            .await?;
        let rows = models
            .into_iter()
            .map(|m| ModelSummary::from_model(m, None))
            .collect();
        Ok((rows, next))
    }
}
