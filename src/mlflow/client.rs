//! Typed calls, one per MLflow route tollgate uses. Every list follows `next_page_token` to the end.

use std::collections::HashMap;
use std::future::Future;

use reqwest::Method;
use serde_json::json;

use super::error::MlflowError;
use super::http::{Idempotency, Subject, Transport};
use super::settings::ConnectionSettings;
use super::types::*;

/// MLflow's own upper bound for `registered-models/search` pages.
pub const MAX_MODELS_PAGE: usize = 1000;
/// `runs/search` accepts up to 50,000 per page.
pub const MAX_RUNS_PAGE: usize = 50_000;
/// `model-versions/search` accepts very large pages on the SQL store.
pub const MAX_VERSIONS_PAGE: usize = 10_000;

#[derive(Clone)]
pub struct MlflowClient {
    transport: Transport,
}

/// The parameters of one `runs/search`.
#[derive(Debug, Clone, Default)]
pub struct RunSearch {
    pub experiment_ids: Vec<String>,
    pub filter: Option<String>,
    pub order_by: Vec<String>,
    pub max_results: Option<usize>,
    /// Include deleted runs, so a version whose run was deleted still shows its evidence.
    pub include_deleted: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ServerInfo {
    pub health: String,
    pub version: Option<String>,
}

impl MlflowClient {
    pub fn new(settings: ConnectionSettings) -> Result<Self, MlflowError> {
        Ok(MlflowClient {
            transport: Transport::new(settings)?,
        })
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    pub fn base_url(&self) -> &str {
        self.transport.base_url()
    }

    pub fn request_count(&self) -> u64 {
        self.transport.request_count()
    }

    // ---- server ----

    pub async fn health(&self) -> Result<String, MlflowError> {
        let bytes = self
            .transport
            .get_bytes("health", &[], &Subject::new("check health", "the server"))
            .await?;
        Ok(String::from_utf8_lossy(&bytes).trim().to_string())
    }

    pub async fn server_version(&self) -> Result<String, MlflowError> {
        let bytes = self
            .transport
            .get_bytes(
                "version",
                &[],
                &Subject::new("read version", "the server's version"),
            )
            .await?;
        Ok(String::from_utf8_lossy(&bytes).trim().to_string())
    }

    // ---- users (the basic-auth app) ----

    /// The user name the server says the credentials belong to (`users/current`, MLflow
    /// 3.x's auth app).
    pub async fn current_user(&self) -> Result<String, MlflowError> {
        let envelope: UserEnvelope = self
            .transport
            .get_json(
                "users/current",
                &[],
                &Subject::new("read user", "the current user"),
            )
            .await?;
        Ok(envelope.user.username)
    }

    /// The user name of one user of the auth app, as the server knows it (`users/get`; MLflow
    /// 2.x has no `users/current`).
    pub async fn get_user(&self, username: &str) -> Result<String, MlflowError> {
        let envelope: UserEnvelope = self
            .transport
            .get_json(
                "users/get",
                &[("username", username.to_string())],
                &Subject::new("read user", format!("user '{username}'")),
            )
            .await?;
        Ok(envelope.user.username)
    }

    // ---- registered models ----

    /// One page of models, for views that show the first rows while the rest load.
    pub async fn search_registered_models_page(
        &self,
        filter: Option<&str>,
        page_size: usize,
        page_token: Option<&str>,
    ) -> Result<(Vec<RegisteredModel>, Option<String>), MlflowError> {
        let mut query = vec![(
            "max_results",
            page_size.clamp(1, MAX_MODELS_PAGE).to_string(),
        )];
        if let Some(f) = filter {
            query.push(("filter", f.to_string()));
        }
        query.push(("order_by", "name ASC".to_string()));
        if let Some(t) = page_token {
            query.push(("page_token", t.to_string()));
        }
        let page: RegisteredModelsPage = self
            .transport
            .get_json(
                "registered-models/search",
                &query,
                &Subject::new("list models", "registered models"),
            )
            .await?;
        Ok((page.registered_models, non_empty(page.next_page_token)))
    }

    /// Every registered model matching `filter`, all pages.
    pub async fn search_registered_models(
        &self,
        filter: Option<&str>,
        page_size: usize,
    ) -> Result<Vec<RegisteredModel>, MlflowError> {
        all_pages(|token| async move {
            self.search_registered_models_page(filter, page_size, token.as_deref())
                .await
        })
        .await
    }

    pub async fn get_registered_model(&self, name: &str) -> Result<RegisteredModel, MlflowError> {
        let envelope: RegisteredModelEnvelope = self
            .transport
            .get_json(
                "registered-models/get",
                &[("name", name.to_string())],
                &Subject::new("read model", format!("registered model '{name}'")),
            )
            .await?;
        Ok(envelope.registered_model)
    }

    // ---- model versions ----

    /// Every model version matching `filter`, all pages. Search results carry no aliases.
    pub async fn search_model_versions(
        &self,
        filter: Option<&str>,
        page_size: usize,
    ) -> Result<Vec<ModelVersion>, MlflowError> {
        all_pages(|token| async move {
            self.search_model_versions_page(filter, page_size, token.as_deref())
                .await
        })
        .await
    }

    /// One page of model versions, for callers that keep only part of each page (a scan of
    /// 100,000 versions must not hold them all at once).
    pub async fn search_model_versions_page(
        &self,
        filter: Option<&str>,
        page_size: usize,
        page_token: Option<&str>,
    ) -> Result<(Vec<ModelVersion>, Option<String>), MlflowError> {
        let page: ModelVersionsPage<ModelVersion> =
            self.versions_page(filter, page_size, page_token).await?;
        Ok((page.model_versions, non_empty(page.next_page_token)))
    }

    /// How many versions each model has (of those matching `filter`), page by page: only the
    /// names are decoded and each page is dropped once counted, so memory stays bounded.
    pub async fn count_model_versions(
        &self,
        filter: Option<&str>,
        page_size: usize,
    ) -> Result<HashMap<String, usize>, MlflowError> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut token: Option<String> = None;
        loop {
            let page: ModelVersionsPage<VersionName> = self
                .versions_page(filter, page_size, token.as_deref())
                .await?;
            for v in page.model_versions {
                *counts.entry(v.name).or_insert(0) += 1;
            }
            match non_empty(page.next_page_token) {
                Some(next) if token.as_deref() == Some(next.as_str()) => {
                    return Err(repeated_token());
                }
                Some(next) => token = Some(next),
                None => return Ok(counts),
            }
        }
    }

    async fn versions_page<T: serde::de::DeserializeOwned>(
        &self,
        filter: Option<&str>,
        page_size: usize,
        page_token: Option<&str>,
    ) -> Result<ModelVersionsPage<T>, MlflowError> {
        let mut query = vec![(
            "max_results",
            page_size.clamp(1, MAX_VERSIONS_PAGE).to_string(),
        )];
        if let Some(f) = filter {
            query.push(("filter", f.to_string()));
        }
        if let Some(t) = page_token {
            query.push(("page_token", t.to_string()));
        }
        self.transport
            .get_json(
                "model-versions/search",
                &query,
                &Subject::new("list versions", "model versions"),
            )
            .await
    }

    pub async fn get_model_version(
        &self,
        name: &str,
        version: &str,
    ) -> Result<ModelVersion, MlflowError> {
        let envelope: ModelVersionEnvelope = self
            .transport
            .get_json(
                "model-versions/get",
                &[("name", name.to_string()), ("version", version.to_string())],
                &Subject::new(
                    "read version",
                    format!("version {version} of model '{name}'"),
                ),
            )
            .await?;
        Ok(envelope.model_version)
    }

    // ---- runs ----

    pub async fn get_run(&self, run_id: &str) -> Result<Run, MlflowError> {
        let envelope: RunEnvelope = self
            .transport
            .get_json(
                "runs/get",
                &[("run_id", run_id.to_string())],
                &Subject::new("read run", format!("run {run_id}")),
            )
            .await?;
        Ok(envelope.run)
    }

    /// Every run matching the search, all pages.
    pub async fn search_runs(&self, search: &RunSearch) -> Result<Vec<Run>, MlflowError> {
        all_pages(|token| async move {
            let mut body = json!({
                "experiment_ids": search.experiment_ids,
                "max_results": search.max_results.unwrap_or(MAX_RUNS_PAGE).clamp(1, MAX_RUNS_PAGE),
                "run_view_type": if search.include_deleted { "ALL" } else { "ACTIVE_ONLY" },
            });
            if let Some(f) = &search.filter {
                body["filter"] = json!(f);
            }
            if !search.order_by.is_empty() {
                body["order_by"] = json!(search.order_by);
            }
            if let Some(t) = token {
                body["page_token"] = json!(t);
            }
            let page: RunsPage = self
                .transport
                .post_json(
                    "runs/search",
                    &body,
                    Idempotency::Read,
                    &Subject::new("search runs", "runs"),
                )
                .await?;
            Ok((page.runs, page.next_page_token))
        })
        .await
    }

    pub async fn get_metric_history(
        &self,
        run_id: &str,
        metric_key: &str,
    ) -> Result<Vec<Metric>, MlflowError> {
        all_pages(|token| async move {
            let mut query = vec![
                ("run_id", run_id.to_string()),
                ("metric_key", metric_key.to_string()),
                ("max_results", "25000".to_string()),
            ];
            if let Some(t) = token {
                query.push(("page_token", t));
            }
            let page: MetricHistoryPage = self
                .transport
                .get_json(
                    "metrics/get-history",
                    &query,
                    &Subject::new(
                        "read metric history",
                        format!("metric '{metric_key}' of run {run_id}"),
                    ),
                )
                .await?;
            Ok((page.metrics, page.next_page_token))
        })
        .await
    }

    // ---- experiments ----

    /// Every experiment, active and deleted (a deleted experiment may still hold registered runs).
    pub async fn search_experiments(&self) -> Result<Vec<Experiment>, MlflowError> {
        all_pages(|token| async move {
            let mut body = json!({"max_results": 1000, "view_type": "ALL"});
            if let Some(t) = token {
                body["page_token"] = json!(t);
            }
            let page: ExperimentsPage = self
                .transport
                .post_json(
                    "experiments/search",
                    &body,
                    Idempotency::Read,
                    &Subject::new("list experiments", "experiments"),
                )
                .await?;
            Ok((page.experiments, page.next_page_token))
        })
        .await
    }

    pub async fn get_experiment(&self, experiment_id: &str) -> Result<Experiment, MlflowError> {
        let envelope: ExperimentEnvelope = self
            .transport
            .get_json(
                "experiments/get",
                &[("experiment_id", experiment_id.to_string())],
                &Subject::new("read experiment", format!("experiment {experiment_id}")),
            )
            .await?;
        Ok(envelope.experiment)
    }

    pub async fn get_experiment_by_name(&self, name: &str) -> Result<Experiment, MlflowError> {
        let envelope: ExperimentEnvelope = self
            .transport
            .get_json(
                "experiments/get-by-name",
                &[("experiment_name", name.to_string())],
                &Subject::new("read experiment", format!("experiment '{name}'")),
            )
            .await?;
        Ok(envelope.experiment)
    }

    // ---- artifacts ----

    pub async fn list_artifacts(
        &self,
        run_id: &str,
        path: Option<&str>,
    ) -> Result<Vec<FileInfo>, MlflowError> {
        all_pages(|token| async move {
            let mut query = vec![("run_id", run_id.to_string())];
            if let Some(p) = path {
                query.push(("path", p.to_string()));
            }
            if let Some(t) = token {
                query.push(("page_token", t));
            }
            let page: ArtifactsPage = self
                .transport
                .get_json(
                    "artifacts/list",
                    &query,
                    &Subject::new("list artifacts", format!("artifacts of run {run_id}")),
                )
                .await?;
            Ok((page.files, page.next_page_token))
        })
        .await
    }

    pub async fn get_artifact(&self, run_id: &str, path: &str) -> Result<Vec<u8>, MlflowError> {
        self.transport
            .get_bytes(
                "get-artifact",
                &[("run_id", run_id.to_string()), ("path", path.to_string())],
                &Subject::new(
                    "read artifact",
                    format!("artifact '{path}' of run {run_id}"),
                ),
            )
            .await
    }

    // ---- MLflow 3 logged models ----

    /// The logged model, or `None` when the server has no such route (MLflow 2.x) or no such model.
    pub async fn get_logged_model(
        &self,
        model_id: &str,
    ) -> Result<Option<LoggedModel>, MlflowError> {
        let route = format!(
            "logged-models/{}",
            percent_encoding::utf8_percent_encode(model_id, percent_encoding::NON_ALPHANUMERIC)
        );
        let result: Result<LoggedModelEnvelope, _> = self
            .transport
            .get_json(
                &route,
                &[],
                &Subject::new("read logged model", format!("logged model {model_id}")),
            )
            .await;
        match result {
            Ok(envelope) => Ok(Some(envelope.model)),
            Err(MlflowError::NotFound { .. }) | Err(MlflowError::Http { status: 404, .. }) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    // ---- writes (never retried) ----

    pub async fn transition_stage(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        archive_existing_versions: bool,
    ) -> Result<ModelVersion, MlflowError> {
        let envelope: ModelVersionEnvelope = self
            .transport
            .post_json(
                "model-versions/transition-stage",
                &json!({
                    "name": name,
                    "version": version,
                    "stage": stage,
                    "archive_existing_versions": archive_existing_versions,
                }),
                Idempotency::Write,
                &Subject::new(
                    "transition stage",
                    format!("version {version} of model '{name}'"),
                ),
            )
            .await?;
        Ok(envelope.model_version)
    }

    pub async fn set_alias(
        &self,
        name: &str,
        alias: &str,
        version: &str,
    ) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .post_json(
                "registered-models/alias",
                &json!({"name": name, "alias": alias, "version": version}),
                Idempotency::Write,
                &Subject::new("set alias", format!("model '{name}'")),
            )
            .await?;
        Ok(())
    }

    pub async fn delete_alias(&self, name: &str, alias: &str) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .write_json(
                Method::DELETE,
                "registered-models/alias",
                &json!({"name": name, "alias": alias}),
                &Subject::new("delete alias", format!("model '{name}'")),
            )
            .await?;
        Ok(())
    }

    pub async fn set_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
        value: &str,
    ) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .post_json(
                "model-versions/set-tag",
                &json!({"name": name, "version": version, "key": key, "value": value}),
                Idempotency::Write,
                &Subject::new("set tag", format!("version {version} of model '{name}'")),
            )
            .await?;
        Ok(())
    }

    /// Set a tag on a registered model (EDIT rights may set and delete these).
    pub async fn set_registered_model_tag(
        &self,
        name: &str,
        key: &str,
        value: &str,
    ) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .post_json(
                "registered-models/set-tag",
                &json!({"name": name, "key": key, "value": value}),
                Idempotency::Write,
                &Subject::new("set tag", format!("model '{name}'")),
            )
            .await?;
        Ok(())
    }

    /// Set a tag on an experiment (EDIT on the experiment).
    pub async fn set_experiment_tag(
        &self,
        experiment_id: &str,
        key: &str,
        value: &str,
    ) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .post_json(
                "experiments/set-experiment-tag",
                &json!({"experiment_id": experiment_id, "key": key, "value": value}),
                Idempotency::Write,
                &Subject::new("set tag", format!("experiment {experiment_id}")),
            )
            .await?;
        Ok(())
    }

    pub async fn delete_registered_model_tag(
        &self,
        name: &str,
        key: &str,
    ) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .write_json(
                Method::DELETE,
                "registered-models/delete-tag",
                &json!({"name": name, "key": key}),
                &Subject::new("delete tag", format!("model '{name}'")),
            )
            .await?;
        Ok(())
    }

    /// Register a model name (tests and tools that seed a registry).
    pub async fn create_registered_model(&self, name: &str) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .post_json(
                "registered-models/create",
                &json!({"name": name}),
                Idempotency::Write,
                &Subject::new("create model", format!("registered model '{name}'")),
            )
            .await?;
        Ok(())
    }

    /// Register a new version of `name` from a run's artifacts.
    pub async fn create_model_version(
        &self,
        name: &str,
        source: &str,
        run_id: Option<&str>,
    ) -> Result<ModelVersion, MlflowError> {
        let mut body = json!({"name": name, "source": source});
        if let Some(r) = run_id {
            body["run_id"] = json!(r);
        }
        let envelope: ModelVersionEnvelope = self
            .transport
            .post_json(
                "model-versions/create",
                &body,
                Idempotency::Write,
                &Subject::new("create version", format!("a version of model '{name}'")),
            )
            .await?;
        Ok(envelope.model_version)
    }

    pub async fn delete_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
    ) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .write_json(
                Method::DELETE,
                "model-versions/delete-tag",
                &json!({"name": name, "version": version, "key": key}),
                &Subject::new("delete tag", format!("version {version} of model '{name}'")),
            )
            .await?;
        Ok(())
    }

    /// Create an experiment; answers its id.
    pub async fn create_experiment(&self, name: &str) -> Result<String, MlflowError> {
        let created: ExperimentCreated = self
            .transport
            .post_json(
                "experiments/create",
                &json!({"name": name}),
                Idempotency::Write,
                &Subject::new("create experiment", format!("experiment '{name}'")),
            )
            .await?;
        Ok(created.experiment_id)
    }

    /// Create a run in an experiment, started now.
    pub async fn create_run(
        &self,
        experiment_id: &str,
        run_name: &str,
        start_time_ms: i64,
    ) -> Result<Run, MlflowError> {
        self.create_run_as(experiment_id, run_name, start_time_ms, None)
            .await
    }

    /// [`Self::create_run`] with the run's `user_id`: fixed at creation (no later call changes
    /// it), though the server takes whatever the body says.
    pub async fn create_run_as(
        &self,
        experiment_id: &str,
        run_name: &str,
        start_time_ms: i64,
        user_id: Option<&str>,
    ) -> Result<Run, MlflowError> {
        let mut body = json!({
            "experiment_id": experiment_id,
            "run_name": run_name,
            "start_time": start_time_ms,
        });
        if let Some(user) = user_id {
            body["user_id"] = json!(user);
        }
        let created: RunCreated = self
            .transport
            .post_json(
                "runs/create",
                &body,
                Idempotency::Write,
                &Subject::new("create run", format!("a run in experiment {experiment_id}")),
            )
            .await?;
        Ok(created.run)
    }

    /// Log params, tags and metrics to a run in one request.
    pub async fn log_batch(
        &self,
        run_id: &str,
        batch: &RunBatch,
        timestamp_ms: i64,
    ) -> Result<(), MlflowError> {
        let kv = |pairs: &[(String, String)]| -> Vec<serde_json::Value> {
            pairs
                .iter()
                .map(|(k, v)| json!({"key": k, "value": v}))
                .collect()
        };
        let metrics: Vec<serde_json::Value> = batch
            .metrics
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v, "timestamp": timestamp_ms, "step": 0}))
            .collect();
        let _: serde_json::Value = self
            .transport
            .post_json(
                "runs/log-batch",
                &json!({
                    "run_id": run_id,
                    "params": kv(&batch.params),
                    "tags": kv(&batch.tags),
                    "metrics": metrics,
                }),
                Idempotency::Write,
                &Subject::new("log to run", format!("run {run_id}")),
            )
            .await?;
        Ok(())
    }

    /// End a run with `status` (FINISHED, FAILED, KILLED).
    pub async fn terminate_run(
        &self,
        run_id: &str,
        status: &str,
        end_time_ms: i64,
    ) -> Result<(), MlflowError> {
        let _: serde_json::Value = self
            .transport
            .post_json(
                "runs/update",
                &json!({"run_id": run_id, "status": status, "end_time": end_time_ms}),
                Idempotency::Write,
                &Subject::new("finish run", format!("run {run_id}")),
            )
            .await?;
        Ok(())
    }

    /// Upload one artifact file through the server's artifact proxy (`--serve-artifacts`, the
    /// default since MLflow 2). `path` is relative to the run's artifact root.
    pub async fn upload_artifact(
        &self,
        run: &RunInfo,
        path: &str,
        bytes: Vec<u8>,
    ) -> Result<(), MlflowError> {
        let root = run
            .artifact_uri
            .as_deref()
            .and_then(|u| u.strip_prefix("mlflow-artifacts:/"))
            .map(|r| r.trim_start_matches('/').to_string())
            .unwrap_or_else(|| {
                format!(
                    "{}/{}/artifacts",
                    run.experiment_id.as_deref().unwrap_or("0"),
                    run.run_id
                )
            });
        let encode = |s: &str| {
            s.split('/')
                .map(|seg| {
                    percent_encoding::utf8_percent_encode(seg, percent_encoding::NON_ALPHANUMERIC)
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join("/")
        };
        let url_path = format!(
            "api/2.0/mlflow-artifacts/artifacts/{}/{}",
            encode(&root),
            encode(path)
        );
        self.transport
            .put_bytes(
                &url_path,
                bytes,
                &Subject::new(
                    "upload artifact",
                    format!("artifact '{path}' of run {}", run.run_id),
                ),
            )
            .await
    }
}

/// A run created by [`MlflowClient::create_run`].
#[derive(Debug, Clone, serde::Deserialize)]
struct RunCreated {
    run: Run,
}

/// A user of MLflow's basic-auth app (what tollgate reads of one).
#[derive(Debug, Clone, serde::Deserialize)]
struct User {
    username: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct UserEnvelope {
    user: User,
}

/// The experiment id answered by `experiments/create`.
#[derive(Debug, Clone, serde::Deserialize)]
struct ExperimentCreated {
    experiment_id: String,
}

/// What `runs/log-batch` writes in one request.
#[derive(Debug, Clone, Default)]
pub struct RunBatch {
    pub params: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    pub metrics: Vec<(String, f64)>,
}

/// Follow `next_page_token` until the server stops sending one.
async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, MlflowError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), MlflowError>>,
{
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let (page, next) = fetch(token.clone()).await?;
        all.extend(page);
        match non_empty(next) {
            // A server that hands back the token it was given would page forever.
            Some(next) if token.as_deref() == Some(next.as_str()) => return Err(repeated_token()),
            Some(next) => token = Some(next),
            None => return Ok(all),
        }
    }
}

fn repeated_token() -> MlflowError {
    MlflowError::Malformed {
        url: "a paged search".into(),
        detail: "the server returned the same page token twice".into(),
    }
}

fn non_empty(token: Option<String>) -> Option<String> {
    token.filter(|t| !t.is_empty())
}
