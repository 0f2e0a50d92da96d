//! Deterministic sample data for unit tests, snapshot tests and benchmarks (no server needed
//! to test drawing or `update`). Not used by the cockpit itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::mlflow::{Metric, ModelVersion, Param, RegisteredModel, Run, RunData, RunInfo, Tag};
use crate::registry::{ModelSummary, ModelVersions, RunState, VersionDetail, VersionRow};

/// 2025-11-20 10:00 UTC, so dates in snapshots never move.
pub const T0: i64 = 1_763_632_800_000;
const DAY: i64 = 86_400_000;

pub fn model(name: &str, versions: usize, days_ago: i64) -> ModelSummary {
    let mut latest = BTreeMap::new();
    let mut aliases = BTreeMap::new();
    if versions >= 1 {
        latest.insert(
            "Production".to_string(),
            versions.saturating_sub(1).max(1).to_string(),
        );
        aliases.insert(
            "champion".to_string(),
            versions.saturating_sub(1).max(1).to_string(),
        );
    }
    if versions >= 2 {
        latest.insert("Staging".to_string(), versions.to_string());
    }
    ModelSummary {
        name: name.to_string(),
        description: Some(format!("{name}: scores applications")),
        version_count: Some(versions),
        latest_versions: latest,
        aliases,
        tags: BTreeMap::new(),
        creation_timestamp: Some(T0 - 90 * DAY),
        last_updated_timestamp: Some(T0 - days_ago * DAY),
    }
}

/// A registry's worth of models: the seeded names first, then fillers.
pub fn models(n: usize) -> Vec<ModelSummary> {
    let named = [
        ("credit-risk-scorer", 6),
        ("fraud-detector", 4),
        ("churn-predictor", 3),
        ("O'Brien churn", 2),
        ("Fraud Detection (EU)", 2),
        ("信用评分", 1),
    ];
    let mut out: Vec<ModelSummary> = named
        .iter()
        .enumerate()
        .map(|(i, (name, v))| model(name, *v, i as i64))
        .collect();
    out.extend(
        (0..n.saturating_sub(named.len()))
            .map(|i| model(&format!("filler-model-{i:04}"), i % 5, (i % 30) as i64)),
    );
    out.truncate(n);
    out
}

fn run(run_id: &str, version: u64) -> Run {
    let v = version as f64;
    Run {
        info: RunInfo {
            run_id: run_id.to_string(),
            run_name: Some(format!("train-{version}")),
            experiment_id: Some("1".into()),
            user_id: Some("ana".into()),
            status: Some("FINISHED".into()),
            start_time: Some(T0 - (100 - version as i64) * DAY),
            end_time: Some(T0 - (100 - version as i64) * DAY + 3_600_000),
            artifact_uri: Some(format!("mlflow-artifacts:/1/{run_id}/artifacts")),
            lifecycle_stage: Some("active".into()),
        },
        data: RunData {
            metrics: vec![
                metric("accuracy", 0.80 + v * 0.001),
                metric("auc", 0.85 + v * 0.001),
                metric("f1", 0.70 + v * 0.002),
                metric("precision", 0.75),
                metric("recall", 0.66),
                metric("latency_p95_ms", 40.0 + v),
                metric("fairness.disparate_impact", 0.91),
            ],
            params: vec![
                Param {
                    key: "max_depth".into(),
                    value: "6".into(),
                },
                Param {
                    key: "n_estimators".into(),
                    value: "300".into(),
                },
            ],
            tags: vec![Tag {
                key: "mlflow.user".into(),
                value: "ana".into(),
            }],
        },
        inputs: Default::default(),
    }
}

fn metric(key: &str, value: f64) -> Metric {
    Metric {
        key: key.into(),
        value,
        timestamp: T0,
        step: 10,
    }
}

pub fn version(model: &str, number: u64, stage: &str, aliases: &[&str]) -> ModelVersion {
    ModelVersion {
        name: model.to_string(),
        version: number.to_string(),
        creation_timestamp: Some(T0 - (100 - number as i64 % 100) * DAY),
        last_updated_timestamp: Some(T0),
        user_id: Some(if number % 2 == 0 { "ana" } else { "bo" }.into()),
        current_stage: Some(stage.into()),
        description: Some(format!("Version {number} of {model}.")),
        source: Some(format!("models:/m-{number:08x}")),
        run_id: Some(format!("run{number:05}")),
        status: Some("READY".into()),
        status_message: None,
        tags: vec![Tag {
            key: "owner".into(),
            value: "risk-team".into(),
        }],
        run_link: None,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        model_id: Some(format!("m-{number:08x}")),
    }
}

/// `n` versions, newest first; the second newest is the champion in Production.
pub fn versions(model_name: &str, n: u64) -> ModelVersions {
    let versions = (1..=n)
        .rev()
        .map(|number| {
            let (stage, aliases): (&str, &[&str]) = if number == n {
                ("Staging", &["challenger"])
            } else if number + 1 == n || n == 1 {
                ("Production", &["champion"])
            } else if number + 4 > n {
                ("Archived", &[])
            } else {
                ("None", &[])
            };
            let v = version(model_name, number, stage, aliases);
            let run_id = v.run_id.clone().unwrap_or_default();
            VersionRow {
                version: v,
                run: RunState::Active(Arc::new(run(&run_id, number))),
            }
        })
        .collect();
    ModelVersions {
        model: RegisteredModel {
            name: model_name.to_string(),
            description: Some("Scores credit applications.".into()),
            ..RegisteredModel::default()
        },
        versions,
    }
}

pub fn detail(model_name: &str, number: u64) -> VersionDetail {
    let v = version(model_name, number, "Production", &["champion"]);
    let run_id = v.run_id.clone().unwrap_or_default();
    VersionDetail {
        version: v,
        run: RunState::Active(Arc::new(run(&run_id, number))),
        logged_model: None,
    }
}

/// A policy for the governance views' tests: four gates of the usual kinds.
pub fn gate_policy() -> crate::governance::Policy {
    crate::governance::Policy::parse(
        r#"
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
require_artifact = "explanations/"
targets = ["Production"]
"#,
        "fixture-policy.toml",
    )
    .expect("the fixture policy is valid")
}

/// The fixture policy evaluated for `model` v`version` -> Production: every gate passes, or
/// (`passing` false) accuracy fails and the explanations are missing.
pub fn gate_report(model: &str, version: u64, passing: bool) -> crate::governance::GateReport {
    use crate::governance::{evaluate, Evidence, Stage, Target};
    let accuracy = if passing { 0.91 } else { 0.79 };
    let evidence = Evidence {
        model: model.to_string(),
        version: version.to_string(),
        stage: Some("Staging".into()),
        run_id: Some(format!("run{version:05}")),
        metrics: [
            ("accuracy".to_string(), accuracy),
            ("fairness.disparate_impact".to_string(), 0.93),
        ]
        .into(),
        tags: [("owner".to_string(), "risk-team".to_string())].into(),
        artifacts: Some(if passing {
            vec!["explanations/".into(), "explanations/shap.json".into()]
        } else {
            vec!["model/".into()]
        }),
        ..Evidence::default()
    };
    evaluate(
        &gate_policy(),
        &Target::Stage(Stage::Production),
        &evidence,
        "2025-11-20T10:00:00Z",
    )
}

/// Pending requests, oldest first.
pub fn pending_requests() -> Vec<crate::registry::PendingRequest> {
    use crate::governance::{Stage, Target};
    let at = |days: i64| {
        chrono::DateTime::from_timestamp_millis(T0 - days * DAY)
            .expect("fixture times are in range")
    };
    let request = |model: &str, version: &str, target: Target, by: &str, days: i64| {
        crate::registry::PendingRequest {
            model: model.into(),
            version: version.into(),
            target,
            requested_by: by.into(),
            requested_at: at(days),
            age_minutes: days * 24 * 60 + 35,
            comment: format!("please promote {model} v{version}"),
            gate: None,
            report_digest: None,
            verification: crate::governance::decision::Verification::Verified {
                note: None,
                signature: None,
            },
            audit_run_id: Some(format!("audit-{model}-{version}")),
        }
    };
    let mut first = request(
        "credit-risk-scorer",
        "6",
        Target::Stage(Stage::Production),
        "carol",
        3,
    );
    first.gate = Some("fail".into());
    let mut second = request(
        "fraud-detector",
        "4",
        Target::Alias("champion".into()),
        "dave",
        1,
    );
    second.gate = Some("pass".into());
    // Tags without an audit run (written by hand): shown, but unverified and with no report.
    let mut third = request(
        "churn-predictor",
        "3",
        Target::Stage(Stage::Staging),
        "erin",
        0,
    );
    third.verification = crate::governance::decision::Verification::Unverified {
        reasons: vec![crate::governance::decision::Reason::NoAuditRun],
        signature: None,
    };
    third.audit_run_id = None;
    vec![first, second, third]
}

/// A model's audit runs, newest first: a recorded gate check of `version` with `digest`, an
/// approval with an override, a rejection (no policy, so no report) and a request whose audit
/// run was left running without a report (unverified).
pub fn audit_trail(model: &str, version: u64, digest: &str) -> Vec<crate::registry::AuditRun> {
    let run = |i: i64, v: u64, target: &str, decision: &str, actor: &str| {
        let start_time = T0 - i * DAY;
        crate::registry::AuditRun {
            run_id: format!("audit{i:04}"),
            at: crate::governance::decision::iso8601(
                chrono::DateTime::from_timestamp_millis(start_time)
                    .expect("fixture times are in range"),
            ),
            model: model.into(),
            version: v.to_string(),
            target: target.into(),
            decision: decision.into(),
            actor: actor.into(),
            actor_source: Some("env".into()),
            comment: Some(format!("{decision} v{v}")),
            report_digest: None,
            gate_status: None,
            override_justification: None,
            previous_holder: None,
            archived: Vec::new(),
            run_status: Some("FINISHED".into()),
            verification: crate::governance::decision::Verification::Verified {
                note: None,
                signature: None,
            },
            start_time,
            statement_hash: None,
        }
    };
    let mut check = run(1, version, "Production", "gate_check", "ci-bot");
    check.report_digest = Some(digest.into());
    check.gate_status = Some("pass".into());
    check.comment = None;
    let mut approval = run(2, version - 1, "Production", "approved", "bob");
    approval.override_justification = Some("hotfix, fairness re-run tomorrow".into());
    approval.report_digest = Some("9".repeat(64));
    approval.gate_status = Some("fail".into());
    let mut rejection = run(3, version - 1, "@champion", "rejected", "bob");
    rejection.verification = crate::governance::decision::Verification::Verified {
        note: Some(crate::governance::decision::Note::NoReport),
        signature: None,
    };
    let mut request = run(4, version - 1, "Production", "requested", "carol");
    request.run_status = Some("RUNNING".into());
    request.verification = crate::governance::decision::Verification::Unverified {
        reasons: vec![
            crate::governance::decision::Reason::RunNotFinished {
                run_status: "RUNNING".into(),
            },
            crate::governance::decision::Reason::NoReportDigest,
        ],
        signature: None,
    };
    vec![check, approval, rejection, request]
}

/// The policy of the decision-dialog fixtures: accuracy and the four-fifths band.
pub fn dialog_policy(four_eyes: bool, allow_override: bool) -> crate::governance::Policy {
    let text = format!(
        "[settings]\nfour_eyes = {four_eyes}\nallow_override = {allow_override}\n\n\
         [[gate]]\nid = \"accuracy\"\nmetric = \"accuracy\"\nmin = 0.85\n\n\
         [[gate]]\nid = \"four-fifths\"\nmetric = \"fairness.disparate_impact\"\nmin = 0.8\nmax = 1.25\n"
    );
    crate::governance::Policy::parse(&text, "fixture").expect("the fixture policy parses")
}

/// A decision prepared as `registry::decide::prepare` would, from fixed evidence: a version
/// registered by `model-builder`, with `accuracy` and a disparate impact of `di`.
pub fn prepared(
    model: &str,
    version: &str,
    target: &str,
    decision: crate::governance::decision::Decision,
    actor: &str,
    di: f64,
    policy: crate::governance::Policy,
) -> crate::registry::decide::Prepared {
    use crate::governance::decision::{
        check_four_eyes, Actor, ActorSource, FourEyesInput, Recorded,
    };
    let target: crate::governance::Target = target.parse().expect("a fixture target");
    let evidence = crate::governance::Evidence {
        model: model.into(),
        version: version.into(),
        stage: Some("None".into()),
        run_id: Some("0a1b2c".into()),
        metrics: [
            ("accuracy".to_string(), 0.91),
            ("fairness.disparate_impact".to_string(), di),
        ]
        .into(),
        ..Default::default()
    };
    let report = crate::governance::evaluate(&policy, &target, &evidence, "2026-11-26T12:00:00Z");
    let four_eyes = (decision == crate::governance::decision::Decision::Approved
        && policy.settings.four_eyes)
        .then(|| {
            check_four_eyes(&FourEyesInput {
                approver: actor,
                creators: &[Recorded::new(
                    "the source run's user_id",
                    Some("model-builder"),
                )],
                requesters: &[],
                allow_unknown_creator: false,
            })
        });
    crate::registry::decide::Prepared {
        model: model.into(),
        version: version.into(),
        target,
        decision,
        actor: Actor {
            name: actor.into(),
            source: ActorSource::Env,
        },
        policy: std::sync::Arc::new(policy),
        report,
        actor_note: None,
        requester: None,
        already_held: false,
        holder: None,
        four_eyes,
    }
}
