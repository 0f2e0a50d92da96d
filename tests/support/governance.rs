//! Fresh registered models for governance tests: each test gets its own model, whose versions
//! come from runs the test creates (so changing a metric disturbs nobody else).

use tollgate::mlflow::{ConnectionSettings, MlflowClient, Run, RunBatch};

use super::{client, rt, unique_counted};

/// What one version's source run holds.
pub struct Candidate {
    pub accuracy: f64,
    pub disparate_impact: f64,
}

pub const GOOD: Candidate = Candidate {
    accuracy: 0.91,
    disparate_impact: 0.93,
};
/// Fails the four-fifths gate, like the seeded credit-risk-scorer v5 (0.636).
pub const UNFAIR: Candidate = Candidate {
    accuracy: 0.92,
    disparate_impact: 0.636,
};

/// The run creator recorded on every test run (`mlflow.user`).
pub const CREATOR: &str = "model-builder";

pub const POLICY: &str = r#"
[settings]
four_eyes = true
allow_override = false

[[gate]]
id = "accuracy"
metric = "accuracy"
min = 0.85

[[gate]]
id = "four-fifths"
metric = "fairness.disparate_impact"
min = 0.8
max = 1.25

[[gate]]
id = "model-card"
require_tags = ["owner"]

[[gate]]
id = "explainability"
require_artifact = "explainability/"
"#;

pub struct TestModel {
    pub name: String,
    /// The source run of each version, in version order (v1 first).
    pub runs: Vec<Run>,
    pub client: MlflowClient,
    pub policy: tempfile::NamedTempFile,
}

/// A new registered model with one version per candidate.
pub fn fresh_model(uri: &str, label: &str, candidates: &[Candidate]) -> TestModel {
    fresh_model_as(client(uri), label, candidates)
}

/// A client that signs in with basic auth (the basic-auth server's users).
pub fn client_as(uri: &str, username: &str, password: &str) -> MlflowClient {
    let mut settings = ConnectionSettings::new(uri);
    settings.auth = tollgate::mlflow::Auth::Basic {
        username: username.into(),
        password: tollgate::mlflow::Secret::new(password),
        source: tollgate::mlflow::CredentialSource::Environment,
    };
    MlflowClient::new(settings).unwrap()
}

/// [`fresh_model`] created through `client` (e.g. as an admin).
pub fn fresh_model_as(client: MlflowClient, label: &str, candidates: &[Candidate]) -> TestModel {
    fresh_model_by(client, label, candidates, Some(CREATOR))
}

/// [`fresh_model_as`] whose runs name `creator` in their `user_id` and `mlflow.user` (as the
/// Python client writes them), or nobody.
pub fn fresh_model_by(
    client: MlflowClient,
    label: &str,
    candidates: &[Candidate],
    creator: Option<&str>,
) -> TestModel {
    let name = unique_counted(&format!("gov-{label}"));
    let runs = rt().block_on(async {
        let exp = match client.get_experiment_by_name("tollgate-gov-tests").await {
            Ok(e) => e.experiment_id,
            Err(_) => match client.create_experiment("tollgate-gov-tests").await {
                Ok(id) => id,
                Err(_) => {
                    client
                        .get_experiment_by_name("tollgate-gov-tests")
                        .await
                        .unwrap()
                        .experiment_id
                }
            },
        };
        client.create_registered_model(&name).await.unwrap();
        let mut runs = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            let now = chrono::Utc::now().timestamp_millis();
            let run = client
                .create_run_as(&exp, &format!("{name}-v{}", i + 1), now, creator)
                .await
                .unwrap();
            let mut tags = vec![("owner".to_string(), "risk-team".to_string())];
            if let Some(creator) = creator {
                tags.push(("mlflow.user".into(), creator.into()));
            }
            let batch = RunBatch {
                params: vec![],
                tags,
                metrics: vec![
                    ("accuracy".into(), c.accuracy),
                    ("fairness.disparate_impact".into(), c.disparate_impact),
                ],
            };
            client
                .log_batch(&run.info.run_id, &batch, now)
                .await
                .unwrap();
            client
                .upload_artifact(
                    &run.info,
                    "explainability/shap_summary.json",
                    b"{}".to_vec(),
                )
                .await
                .unwrap();
            client
                .terminate_run(&run.info.run_id, "FINISHED", now + 1)
                .await
                .unwrap();
            let source = run.info.artifact_uri.clone().unwrap();
            client
                .create_model_version(&name, &source, Some(&run.info.run_id))
                .await
                .unwrap();
            runs.push(run);
        }
        runs
    });
    let policy = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::fs::write(policy.path(), POLICY).unwrap();
    TestModel {
        name,
        runs,
        client,
        policy,
    }
}

impl Drop for TestModel {
    /// Delete the model (and its versions) so tests reading the seeded registry never see it.
    fn drop(&mut self) {
        let url = format!(
            "{}/api/2.0/mlflow/registered-models/delete",
            self.client.base_url().trim_end_matches('/')
        );
        let body = serde_json::json!({"name": self.name});
        let _ = rt().block_on(reqwest::Client::new().delete(url).json(&body).send());
    }
}

impl TestModel {
    /// The part of the name a cockpit list shows whole at 100 columns (the inbox's MODEL column
    /// holds 21 characters there): `gov-<label>-<pid>`, unique to this test binary's run.
    /// Fails at once, rather than as a timeout, when a label is too long to stay visible.
    #[allow(dead_code)] // not every test binary that includes this file reads lists
    pub fn list_key(&self) -> String {
        let pid = std::process::id().to_string();
        let end = self
            .name
            .find(&format!("-{pid}-"))
            .expect("the name holds the pid")
            + 1
            + pid.len();
        let key = self.name[..end].to_string();
        assert!(
            key.chars().count() <= 21,
            "label too long for the inbox's MODEL column at 100 columns: {key}"
        );
        key
    }

    pub fn policy_path(&self) -> String {
        self.policy.path().display().to_string()
    }

    pub fn version(&self, v: &str) -> tollgate::mlflow::ModelVersion {
        rt().block_on(self.client.get_model_version(&self.name, v))
            .unwrap()
    }

    pub fn tag(&self, v: &str, key: &str) -> Option<String> {
        self.version(v)
            .tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.clone())
    }

    /// Log a new value of a metric to version `v`'s run (a later timestamp wins).
    pub fn change_metric(&self, v: usize, key: &str, value: f64) {
        let run = &self.runs[v - 1];
        let batch = RunBatch {
            metrics: vec![(key.into(), value)],
            ..RunBatch::default()
        };
        let later = chrono::Utc::now().timestamp_millis() + 60_000;
        rt().block_on(self.client.log_batch(&run.info.run_id, &batch, later))
            .unwrap();
    }
}
