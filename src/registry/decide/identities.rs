//! The records four-eyes compares, read from where a later tag edit cannot change them, next to
//! the editable copies that must agree with them:
//! - the creator: the source run's `user_id` (fixed at `runs/create`, though nothing
//!   authenticates it), its `mlflow.user` tag (editable), the version's `user_id` (OSS MLflow
//!   never sets it);
//! - the requester: the request's audit run (its `actor` param cannot be changed once logged,
//!   its `user_id` is fixed at creation) and the version's decision tag (editable).

use crate::governance::decision::{Decision, DecisionRecord, Recorded, SignatureCheck, Statement};
use crate::governance::Target;
use crate::mlflow::{filter, MlflowError, Run, RunSearch, Tag};
use crate::registry::{GatheredVersion, Registry, AUDIT_EXPERIMENT, GATE_CHECK};

/// Every record of who created the version.
pub(super) fn creators(gathered: &GatheredVersion) -> Vec<Recorded> {
    let run = gathered.run.as_ref();
    vec![
        Recorded::new(
            "the source run's user_id",
            run.and_then(|r| r.info.user_id.as_deref()),
        ),
        Recorded::new(
            "the source run's mlflow.user tag",
            run.and_then(|r| r.tag("mlflow.user")),
        ),
        Recorded::new("the version's user_id", gathered.version.user_id.as_deref()),
    ]
}

/// The pending request to `target` as the version's decision tags tell it.
pub(super) fn tagged_requester(tags: &[Tag], target: &Target) -> Option<String> {
    DecisionRecord::from_tags(tags)
        .into_iter()
        .find(|r| &r.target == target && r.decision == Decision::Requested)
        .map(|r| r.by)
}

/// Every record of who requested `target` for `version`: the decision tag, and the audit
/// trail's latest decision about it when that is a request (its actor, its run's user_id).
/// A record naming nobody says there is no pending request.
pub(super) async fn requesters(
    registry: &Registry,
    model: &str,
    version: &str,
    target: &Target,
    tags: &[Tag],
) -> Result<Vec<Recorded>, MlflowError> {
    let request = latest_decision(registry, model, version, target)
        .await?
        .filter(|d| d.decision == Decision::Requested);
    let mut records = vec![
        Recorded::new(
            "the version's decision tag",
            tagged_requester(tags, target).as_deref(),
        ),
        Recorded::new(
            "the audit trail's request (actor)",
            request.as_ref().map(|r| r.actor.as_str()),
        ),
    ];
    // Audit runs written before tollgate set their user_id have none: nothing to compare.
    let user_id = Recorded::new(
        "the request's audit run (user_id)",
        request.as_ref().and_then(|r| r.user_id.as_deref()),
    );
    if user_id.name.is_some() {
        records.push(user_id);
    }
    // The signed request, when there is one, is the requester: first, so a refusal names it.
    if let Some(request) = &request {
        if let Some(signed) = signed_requester(registry, request).await? {
            records.insert(0, signed);
        }
    }
    Ok(records)
}

/// The requester as the request's signed statement names it, when the request is signed and
/// the policy names allowed signers. A signature that does not verify is a record naming
/// nobody known, so four-eyes finds the records disagree and refuses.
async fn signed_requester(
    registry: &Registry,
    request: &TrailDecision,
) -> Result<Option<Recorded>, MlflowError> {
    let Some(allowed) = registry.signing().allowed_signers.clone() else {
        return Ok(None);
    };
    let Some((bytes, Some(signature))) = registry.statement_artifacts(&request.run_id).await?
    else {
        return Ok(None);
    };
    let actor = request.actor.clone();
    let statement = Statement::parse(&bytes).ok();
    let check = tokio::task::spawn_blocking(move || {
        crate::signing::verify(&allowed, &actor, &bytes, &signature)
    })
    .await
    .unwrap_or(SignatureCheck::Absent);
    Ok(Some(match (check, statement) {
        (SignatureCheck::Good { .. }, Some(s)) if s.decision == Decision::Requested.as_str() => {
            Recorded::new("the signed request", Some(&s.actor))
        }
        _ => Recorded::new(
            "the request's signature (it does not verify)",
            Some("(unverified signer)"),
        ),
    }))
}

/// One decision of the audit trail, as four-eyes reads it.
#[derive(Debug, Clone, PartialEq)]
struct TrailDecision {
    run_id: String,
    decision: Decision,
    actor: String,
    user_id: Option<String>,
    start_time: i64,
}

impl TrailDecision {
    /// The run's decision about `version` and `target`, if it is one (not a gate check).
    fn from_run(run: &Run, model: &str, version: &str, target: &Target) -> Option<TrailDecision> {
        let param = |k: &str| {
            run.data
                .params
                .iter()
                .find(|p| p.key == k)
                .map(|p| p.value.as_str())
        };
        let same = param("model")? == model
            && param("version")? == version
            && param("target")?.parse::<Target>().ok()? == *target;
        let decision = param("decision").filter(|d| *d != GATE_CHECK)?;
        if !same {
            return None;
        }
        Some(TrailDecision {
            run_id: run.info.run_id.clone(),
            decision: Decision::parse(decision)?,
            actor: param("actor").unwrap_or_default().to_string(),
            user_id: run.info.user_id.clone(),
            start_time: run.info.start_time.unwrap_or(0),
        })
    }
}

/// The newest decision (not gate check) the audit trail holds about `version` and `target`.
async fn latest_decision(
    registry: &Registry,
    model: &str,
    version: &str,
    target: &Target,
) -> Result<Option<TrailDecision>, MlflowError> {
    let client = registry.client();
    let experiment_id = match client.get_experiment_by_name(AUDIT_EXPERIMENT).await {
        Ok(e) => e.experiment_id,
        Err(MlflowError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let server_filter = match (filter::quote(model), filter::quote(version)) {
        (Some(m), Some(v)) => Some(format!("params.model = {m} and params.version = {v}")),
        _ => None,
    };
    let search = RunSearch {
        experiment_ids: vec![experiment_id],
        filter: server_filter,
        ..RunSearch::default()
    };
    Ok(client
        .search_runs(&search)
        .await?
        .iter()
        .filter_map(|r| TrailDecision::from_run(r, model, version, target))
        .max_by_key(|d| d.start_time))
}
