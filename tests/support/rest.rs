//! Raw REST calls that set up test data on the real MLflow server (tollgate itself only reads
//! here; the tests must not depend on the code they test to build their fixtures).

use serde_json::{json, Value};

pub struct Rest {
    base: String,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl Rest {
    pub fn new(base: &str) -> Rest {
        Rest {
            base: base.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            rt: tokio::runtime::Runtime::new().unwrap(),
        }
    }

    pub fn post(&self, route: &str, body: Value) -> Value {
        self.rt.block_on(async {
            let resp = self
                .http
                .post(format!("{}/api/2.0/mlflow/{route}", self.base))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = resp.status();
            let text = resp.text().await.unwrap();
            assert!(status.is_success(), "{route}: {status} {text}");
            serde_json::from_str(&text).unwrap_or(Value::Null)
        })
    }

    pub fn get(&self, route: &str, query: &[(&str, String)]) -> Value {
        self.rt.block_on(async {
            let resp = self
                .http
                .get(format!("{}/api/2.0/mlflow/{route}", self.base))
                .query(query)
                .send()
                .await
                .unwrap();
            let status = resp.status();
            let text = resp.text().await.unwrap();
            assert!(status.is_success(), "{route}: {status} {text}");
            serde_json::from_str(&text).unwrap()
        })
    }

    /// A GET whose failure is an answer (`Value::Null`), e.g. looking up what may not exist.
    pub fn get_any(&self, route: &str, query: &[(&str, String)]) -> Value {
        self.rt.block_on(async {
            let resp = self
                .http
                .get(format!("{}/api/2.0/mlflow/{route}", self.base))
                .query(query)
                .send()
                .await
                .unwrap();
            if !resp.status().is_success() {
                return Value::Null;
            }
            resp.json().await.unwrap_or(Value::Null)
        })
    }

    /// Every registered model's name, read page by page with plain requests.
    pub fn model_names(&self) -> std::collections::BTreeSet<String> {
        let mut names = std::collections::BTreeSet::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("max_results", "1000".to_string())];
            if let Some(t) = &token {
                query.push(("page_token", t.clone()));
            }
            let page = self.get("registered-models/search", &query);
            for m in page["registered_models"].as_array().into_iter().flatten() {
                names.insert(m["name"].as_str().unwrap().to_string());
            }
            match page["next_page_token"].as_str() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return names,
            }
        }
    }

    /// Upload bytes as an artifact of a run (the server proxies artifacts: `--serve-artifacts`).
    pub fn put_artifact(&self, experiment_id: &str, run_id: &str, path: &str, bytes: Vec<u8>) {
        self.rt.block_on(async {
            let url = format!(
                "{}/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/{run_id}/artifacts/{path}",
                self.base
            );
            let resp = self.http.put(url).body(bytes).send().await.unwrap();
            assert!(
                resp.status().is_success(),
                "upload {path}: {}",
                resp.status()
            );
        })
    }

    /// A registered model with one version whose run is a fresh monitoring-free training run.
    pub fn model_with_version(&self, name: &str, experiment_id: &str) -> String {
        self.post("registered-models/create", json!({"name": name}));
        let run = self.post("runs/create", json!({"experiment_id": experiment_id}));
        let run_id = run["run"]["info"]["run_id"].as_str().unwrap().to_string();
        self.post(
            "model-versions/create",
            json!({"name": name, "source": format!("runs:/{run_id}/model"), "run_id": run_id}),
        );
        run_id
    }

    pub fn experiment(&self, name: &str) -> String {
        let created = self.post("experiments/create", json!({"name": name}));
        created["experiment_id"].as_str().unwrap().to_string()
    }

    /// A run tagged as monitoring `model` `version`, in `experiment_id`.
    pub fn monitoring_run(&self, experiment_id: &str, model: &str, version: &str) -> String {
        let run = self.post(
            "runs/create",
            json!({"experiment_id": experiment_id, "tags": [
                {"key": "monitoring.model_name", "value": model},
                {"key": "monitoring.model_version", "value": version},
            ]}),
        );
        run["run"]["info"]["run_id"].as_str().unwrap().to_string()
    }
}
