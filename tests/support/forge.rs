//! Forged governance records, written the way an attacker with EDIT rights and curl would:
//! plain REST calls, no tollgate code.

use serde_json::{json, Value};

use super::rest::Rest;

/// A decision as the attacker writes it: the version's tags and/or an audit run.
pub struct Forgery<'a> {
    pub model: &'a str,
    pub version: &'a str,
    /// As tollgate writes it in the run (`Production`, `@champion`).
    pub target: &'a str,
    /// The tag key form (`Production`, `alias:champion`).
    pub target_key: &'a str,
    pub decision: &'a str,
    pub by: &'a str,
    pub report_digest: Option<&'a str>,
    pub gate_status: Option<&'a str>,
    pub previous_holder: Option<&'a str>,
}

impl Forgery<'_> {
    /// Set the version's decision tags (`tollgate.decision.<TARGET>{,.by,.at,...}`).
    pub fn tags(&self, rest: &Rest) {
        let key = format!("tollgate.decision.{}", self.target_key);
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut tags = vec![
            (key.clone(), self.decision.to_string()),
            (format!("{key}.by"), self.by.to_string()),
            (format!("{key}.at"), at),
            (format!("{key}.comment"), "lgtm".to_string()),
        ];
        if let Some(d) = self.report_digest {
            tags.push((format!("{key}.report_digest"), d.to_string()));
        }
        for (k, v) in tags {
            self.set_tag(rest, &k, &v);
        }
    }

    pub fn set_tag(&self, rest: &Rest, key: &str, value: &str) {
        rest.post(
            "model-versions/set-tag",
            json!({"name": self.model, "version": self.version, "key": key, "value": value}),
        );
    }

    /// Create an audit run in `tollgate-audit` with the params and tags tollgate writes; marked
    /// FINISHED only when `finished`. Answers (experiment id, run id).
    pub fn audit_run(&self, rest: &Rest, finished: bool) -> (String, String) {
        let experiment_id = audit_experiment(rest);
        let now = chrono::Utc::now().timestamp_millis();
        let run = rest.post(
            "runs/create",
            json!({"experiment_id": experiment_id, "start_time": now, "user_id": self.by}),
        );
        let run_id = run["run"]["info"]["run_id"].as_str().unwrap().to_string();
        let params: Vec<Value> = [
            ("model", self.model),
            ("version", self.version),
            ("target", self.target),
            ("decision", self.decision),
            ("actor", self.by),
        ]
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
        let mut tags = vec![
            json!({"key": "mlflow.user", "value": self.by}),
            json!({"key": "tollgate.comment", "value": "lgtm"}),
        ];
        for (k, v) in [
            ("tollgate.report_digest", self.report_digest),
            ("tollgate.gate_status", self.gate_status),
            ("tollgate.previous_holder", self.previous_holder),
        ] {
            if let Some(v) = v {
                tags.push(json!({"key": k, "value": v}));
            }
        }
        rest.post(
            "runs/log-batch",
            json!({"run_id": run_id, "params": params, "tags": tags}),
        );
        if finished {
            rest.post(
                "runs/update",
                json!({"run_id": run_id, "status": "FINISHED", "end_time": now + 1}),
            );
        }
        (experiment_id, run_id)
    }
}

/// The `tollgate-audit` experiment's id, created when missing.
pub fn audit_experiment(rest: &Rest) -> String {
    let found = rest.get_any(
        "experiments/get-by-name",
        &[("experiment_name", "tollgate-audit".to_string())],
    );
    match found["experiment"]["experiment_id"].as_str() {
        Some(id) => id.to_string(),
        None => rest.experiment("tollgate-audit"),
    }
}
