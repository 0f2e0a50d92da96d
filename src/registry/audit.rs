//! The audit trail: one run per decision in the experiment `tollgate-audit`, with params model,
//! version, target, decision and actor, tags for the rest, and the gate report as an artifact.
//! Runs are read back with a verification each (see `governance::decision::verify`): anyone with
//! EDIT rights can write such runs, so only whole records count.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, TimeZone, Utc};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use super::sign::{SignedStatement, SIGNATURE_ARTIFACT, STATEMENT_ARTIFACT, STATEMENT_TAG};
use super::Registry;
use crate::governance::decision::{
    fit_tag_value, verify, AuditEntry, CurrentTags, Decision, DecisionRecord, RecordedReport,
    RecordedRun, Verification, ADOPTED,
};
use crate::governance::{GateReport, Target};
use crate::mlflow::{filter, MlflowError, ModelVersion, Run, RunBatch, RunSearch, Tag};

/// The experiment holding tollgate's audit runs.
pub const AUDIT_EXPERIMENT: &str = "tollgate-audit";
/// The report artifact of an audit run.
pub const REPORT_ARTIFACT: &str = "gate_report.json";
/// The `decision` param of a headless `gate check --record`.
pub const GATE_CHECK: &str = "gate_check";
/// The `version` and `target` params of an adoption record (it names every holder).
pub const ADOPTION_SUBJECT: &str = "*";

/// What one audit run records.
#[derive(Debug, Clone)]
pub struct AuditRecord<'a> {
    pub model: &'a str,
    pub version: &'a str,
    pub target: &'a Target,
    /// `approved`, `rejected`, `requested`, `rolled_back` or `gate_check`.
    pub decision: &'a str,
    pub actor: &'a str,
    pub actor_source: &'a str,
    pub comment: &'a str,
    pub override_justification: Option<&'a str>,
    pub report: Option<&'a GateReport>,
    /// The version that held the target before this decision moved it (approvals, roll backs).
    pub previous_holder: Option<&'a str>,
    /// The other versions the promotion moved out of the target stage (to Archived).
    pub archived: &'a [String],
    /// The decision's statement and signature, stored verbatim (decisions; not gate checks).
    pub signed: Option<&'a SignedStatement>,
}

/// One audit run read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRun {
    pub run_id: String,
    pub at: String,
    pub model: String,
    pub version: String,
    pub target: String,
    pub decision: String,
    pub actor: String,
    pub actor_source: Option<String>,
    pub comment: Option<String>,
    pub report_digest: Option<String>,
    pub gate_status: Option<String>,
    pub override_justification: Option<String>,
    /// The version that held the target before this decision moved it, when recorded.
    pub previous_holder: Option<String>,
    /// The versions this decision archived, as part of the same promotion.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub archived: Vec<String>,
    /// The run's status as the server reports it (`FINISHED` when complete).
    pub run_status: Option<String>,
    /// Whether the record is whole; only verified records are acted on.
    pub verification: Verification,
    #[serde(skip)]
    pub start_time: i64,
    /// The run's `tollgate.statement` tag: it says it stores a statement (whose hash this is).
    #[serde(skip)]
    pub statement_hash: Option<String>,
}

impl AuditRun {
    fn from_run(run: &Run) -> Option<AuditRun> {
        let param = |k: &str| {
            run.data
                .params
                .iter()
                .find(|p| p.key == k)
                .map(|p| p.value.clone())
        };
        let tag = |k: &str| run.tag(k).filter(|v| !v.is_empty()).map(String::from);
        let start_time = run.info.start_time.unwrap_or(0);
        Some(AuditRun {
            run_id: run.info.run_id.clone(),
            at: Utc
                .timestamp_millis_opt(start_time)
                .single()
                .map(crate::governance::decision::iso8601)
                .unwrap_or_default(),
            model: param("model")?,
            version: param("version")?,
            target: param("target")?,
            decision: param("decision")?,
            actor: param("actor").unwrap_or_default(),
            actor_source: tag("tollgate.actor_source"),
            comment: tag("tollgate.comment"),
            report_digest: tag("tollgate.report_digest"),
            gate_status: tag("tollgate.gate_status"),
            override_justification: tag("tollgate.override"),
            previous_holder: tag("tollgate.previous_holder"),
            archived: tag("tollgate.archived")
                .map(|list| list.split(',').map(|v| v.trim().to_string()).collect())
                .unwrap_or_default(),
            run_status: run.info.status.clone(),
            verification: Verification::default(),
            start_time,
            statement_hash: tag(STATEMENT_TAG),
        })
    }

    /// What verification compares.
    pub fn recorded(&self) -> RecordedRun<'_> {
        RecordedRun {
            status: self.run_status.as_deref(),
            model: &self.model,
            version: &self.version,
            target: &self.target,
            decision: &self.decision,
            actor: &self.actor,
            report_digest: self.report_digest.as_deref(),
            gate_status: self.gate_status.as_deref(),
            overridden: self.override_justification.is_some(),
        }
    }

    /// The key of the version's decision tags this run is about.
    fn subject(&self) -> (&str, &str, &str) {
        (&self.model, &self.version, &self.target)
    }

    /// As an entry for the roll back calculation; `None` for gate checks and unreadable runs.
    pub fn entry(&self) -> Option<AuditEntry> {
        Some(AuditEntry {
            target: self.target.parse().ok()?,
            decision: Decision::parse(&self.decision)?,
            version: self.version.clone(),
            at: DateTime::<Utc>::from_timestamp_millis(self.start_time)?,
            previous: self.previous_holder.clone(),
        })
    }
}

impl Registry {
    /// The audit experiment's id, created when missing.
    pub async fn audit_experiment(&self) -> Result<String, MlflowError> {
        match self.client.get_experiment_by_name(AUDIT_EXPERIMENT).await {
            Ok(e) => return Ok(e.experiment_id),
            Err(MlflowError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        match self.client.create_experiment(AUDIT_EXPERIMENT).await {
            Ok(id) => Ok(id),
            // Created by someone else meanwhile: read it.
            Err(e) => match self.client.get_experiment_by_name(AUDIT_EXPERIMENT).await {
                Ok(found) => Ok(found.experiment_id),
                Err(_) => Err(e),
            },
        }
    }

    /// Write one audit run: params, tags, the report artifact, then mark it finished.
    pub async fn record_audit(&self, record: &AuditRecord<'_>) -> Result<String, MlflowError> {
        let experiment_id = self.audit_experiment().await?;
        let now = Utc::now().timestamp_millis();
        let name = format!(
            "{} {} v{} {}",
            record.decision, record.model, record.version, record.target
        );
        // The run's user_id is fixed at creation: four-eyes reads the requester from it.
        let run = self
            .client
            .create_run_as(&experiment_id, &name, now, Some(record.actor))
            .await?;
        let params = [
            ("model", record.model),
            ("version", record.version),
            ("target", &record.target.to_string()),
            ("decision", record.decision),
            ("actor", record.actor),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut tags: Vec<(String, String)> = vec![
            ("mlflow.user".into(), record.actor.into()),
            ("tollgate.actor_source".into(), record.actor_source.into()),
            ("tollgate.comment".into(), fit_tag_value(record.comment)),
        ];
        if let Some(o) = record.override_justification {
            tags.push(("tollgate.override".into(), fit_tag_value(o)));
        }
        if let Some(v) = record.previous_holder {
            tags.push(("tollgate.previous_holder".into(), v.into()));
        }
        if !record.archived.is_empty() {
            tags.push(("tollgate.archived".into(), record.archived.join(",")));
        }
        if let Some(report) = record.report {
            tags.push(("tollgate.report_digest".into(), report.digest.clone()));
            tags.push(("tollgate.gate_status".into(), report.status.as_str().into()));
        }
        if let Some(signed) = record.signed {
            tags.push((STATEMENT_TAG.into(), signed.hash.clone()));
        }
        let batch = RunBatch {
            params,
            tags,
            metrics: Vec::new(),
        };
        self.client.log_batch(&run.info.run_id, &batch, now).await?;
        if let Some(report) = record.report {
            self.client
                .upload_artifact(&run.info, REPORT_ARTIFACT, report.to_json().into_bytes())
                .await?;
        }
        if let Some(signed) = record.signed {
            self.store_statement(&run.info, signed).await?;
        }
        self.client
            .terminate_run(&run.info.run_id, "FINISHED", Utc::now().timestamp_millis())
            .await?;
        Ok(run.info.run_id)
    }

    /// The statement's exact bytes and its signature, as artifacts of the run.
    async fn store_statement(
        &self,
        run: &crate::mlflow::RunInfo,
        signed: &SignedStatement,
    ) -> Result<(), MlflowError> {
        self.client
            .upload_artifact(run, STATEMENT_ARTIFACT, signed.bytes.clone())
            .await?;
        if let Some(signature) = &signed.signature {
            self.client
                .upload_artifact(run, SIGNATURE_ARTIFACT, signature.clone().into_bytes())
                .await?;
        }
        Ok(())
    }

    /// Write an adoption record: a signed statement of the current holders of the model's
    /// targets, the start of its chain (records before it are `legacy`).
    pub async fn record_adoption(&self, signed: &SignedStatement) -> Result<String, MlflowError> {
        let experiment_id = self.audit_experiment().await?;
        let now = Utc::now().timestamp_millis();
        let s = &signed.statement;
        let run = self
            .client
            .create_run_as(
                &experiment_id,
                &format!("adopted {}", s.model),
                now,
                Some(&s.actor),
            )
            .await?;
        let params = [
            ("model", s.model.as_str()),
            ("version", ADOPTION_SUBJECT),
            ("target", ADOPTION_SUBJECT),
            ("decision", ADOPTED),
            ("actor", s.actor.as_str()),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let holders: Vec<String> = s.holders.iter().map(|(t, v)| format!("{t}=v{v}")).collect();
        let tags = vec![
            ("mlflow.user".into(), s.actor.clone()),
            ("tollgate.comment".into(), fit_tag_value(&s.comment)),
            (
                "tollgate.holders".into(),
                fit_tag_value(&holders.join(", ")),
            ),
            (STATEMENT_TAG.into(), signed.hash.clone()),
        ];
        let batch = RunBatch {
            params,
            tags,
            metrics: Vec::new(),
        };
        self.client.log_batch(&run.info.run_id, &batch, now).await?;
        self.store_statement(&run.info, signed).await?;
        self.client
            .terminate_run(&run.info.run_id, "FINISHED", Utc::now().timestamp_millis())
            .await?;
        Ok(run.info.run_id)
    }

    /// The audit runs of `model` (every model when `None`), oldest first, each verified;
    /// signatures and the chain too when the policy names allowed signers.
    pub async fn audit_runs(&self, model: Option<&str>) -> Result<Vec<AuditRun>, MlflowError> {
        let mut runs = self.audit_runs_whole(model).await?;
        if self.signing.allowed_signers.is_some() {
            let options = super::verify::TrailOptions::from_signing(&self.signing);
            self.check_signatures(&mut runs, &options).await?;
        }
        Ok(runs)
    }

    /// The audit runs, each checked for being whole (not for its signature).
    pub(super) async fn audit_runs_whole(
        &self,
        model: Option<&str>,
    ) -> Result<Vec<AuditRun>, MlflowError> {
        let mut runs = self.read_audit_runs(model).await?;
        if runs.is_empty() {
            return Ok(runs);
        }
        let server_filter = model.and_then(|m| filter::quote(m).map(|q| format!("name = {q}")));
        let versions = self
            .client
            .search_model_versions(server_filter.as_deref(), crate::mlflow::MAX_VERSIONS_PAGE)
            .await?;
        let artifacts = self.report_artifacts(&runs).await?;
        verify_runs(&mut runs, &versions, &artifacts);
        Ok(runs)
    }

    /// The audit runs as recorded, oldest first, not yet verified.
    pub(super) async fn read_audit_runs(
        &self,
        model: Option<&str>,
    ) -> Result<Vec<AuditRun>, MlflowError> {
        self.read_audit_runs_since(model, None).await
    }

    /// As [`Registry::read_audit_runs`], only the runs started at or after `since` (ms).
    pub(super) async fn read_audit_runs_since(
        &self,
        model: Option<&str>,
        since: Option<i64>,
    ) -> Result<Vec<AuditRun>, MlflowError> {
        let experiment_id = match self.client.get_experiment_by_name(AUDIT_EXPERIMENT).await {
            Ok(e) => e.experiment_id,
            Err(MlflowError::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let clauses: Vec<String> = model
            .and_then(|m| filter::quote(m).map(|q| format!("params.model = {q}")))
            .into_iter()
            .chain(since.map(|ms| format!("attributes.start_time >= {ms}")))
            .collect();
        let server_filter = (!clauses.is_empty()).then(|| clauses.join(" AND "));
        let search = RunSearch {
            experiment_ids: vec![experiment_id],
            filter: server_filter,
            order_by: vec!["attributes.start_time ASC".into()],
            ..RunSearch::default()
        };
        let mut runs: Vec<AuditRun> = self
            .client
            .search_runs(&search)
            .await?
            .iter()
            .filter_map(AuditRun::from_run)
            .filter(|r| model.is_none_or(|m| r.model == m))
            .collect();
        runs.sort_by_key(|r| r.start_time);
        Ok(runs)
    }

    /// The report artifact of each run that names a report digest (`None`: absent or not
    /// servable), in the runs' order.
    pub(super) async fn report_artifacts(
        &self,
        runs: &[AuditRun],
    ) -> Result<Vec<Option<Vec<u8>>>, MlflowError> {
        let with_report: Vec<Option<String>> = runs
            .iter()
            .map(|r| r.report_digest.as_ref().map(|_| r.run_id.clone()))
            .collect();
        stream::iter(with_report)
            .map(|run_id| async move {
                match run_id {
                    Some(id) => self.report_artifact(&id).await,
                    None => Ok(None),
                }
            })
            .buffered(self.concurrency)
            .try_collect()
            .await
    }

    /// One run's report artifact; `None` when the server has none to give. Failures to reach
    /// the server are errors, not a missing report.
    pub(super) async fn report_artifact(
        &self,
        run_id: &str,
    ) -> Result<Option<Vec<u8>>, MlflowError> {
        self.optional_artifact(run_id, REPORT_ARTIFACT).await
    }
}

/// The trail as people read it, newest first: `tollgate audit`'s table and the Audit tab both
/// list it so (the JSON keeps the recorded order, oldest first, as a log does).
pub fn newest_first(mut runs: Vec<AuditRun>) -> Vec<AuditRun> {
    runs.reverse();
    runs
}

/// Verify every run against the versions' current decision tags and its report artifact
/// (`artifacts` in the runs' order). The version's tags describe only the newest decision per
/// target, so only the newest run for each version and target is compared with them.
pub fn verify_runs(
    runs: &mut [AuditRun],
    versions: &[ModelVersion],
    artifacts: &[Option<Vec<u8>>],
) {
    let tags: HashMap<(&str, &str), &[Tag]> = versions
        .iter()
        .map(|v| ((v.name.as_str(), v.version.as_str()), v.tags.as_slice()))
        .collect();
    let newest = newest_decisions(runs);
    let verdicts: Vec<Verification> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let records;
            let current = if newest.contains(&i) {
                let (model, version, target) = run.subject();
                records = tags
                    .get(&(model, version))
                    .map(|t| DecisionRecord::from_tags(t))
                    .unwrap_or_default();
                CurrentTags::Describe(records.iter().find(|r| r.target.to_string() == target))
            } else {
                CurrentTags::Superseded
            };
            let artifact = artifacts.get(i).and_then(|a| a.as_deref());
            verify(&run.recorded(), current, artifact)
        })
        .collect();
    for (run, verdict) in runs.iter_mut().zip(verdicts) {
        run.verification = verdict;
    }
}

/// Indexes of the newest decision run (gate checks aside) per model, version and target;
/// `runs` are oldest first.
pub fn newest_decisions(runs: &[AuditRun]) -> HashSet<usize> {
    let mut newest: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for (i, run) in runs.iter().enumerate() {
        if run.decision != GATE_CHECK && run.decision != ADOPTED {
            newest.insert(run.subject(), i);
        }
    }
    newest.into_values().collect()
}

/// The status of a report artifact whose content hashes to `digest`: what the inbox shows as
/// a request's gate. `None` when the artifact is absent, unreadable or does not match.
pub fn report_status(artifact: Option<&[u8]>, digest: Option<&str>) -> Option<String> {
    let report = RecordedReport::parse(artifact?).ok()?;
    (Some(report.computed_digest.as_str()) == digest && report.digest == report.computed_digest)
        .then_some(report.status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::decision::{Reason, FINISHED};

    fn run(i: i64, version: &str, decision: &str, actor: &str) -> AuditRun {
        AuditRun {
            run_id: format!("r{i}"),
            at: String::new(),
            model: "m".into(),
            version: version.into(),
            target: "Production".into(),
            decision: decision.into(),
            actor: actor.into(),
            actor_source: None,
            comment: None,
            report_digest: None,
            gate_status: None,
            override_justification: None,
            previous_holder: None,
            archived: Vec::new(),
            run_status: Some(FINISHED.into()),
            verification: Verification::default(),
            start_time: i,
            statement_hash: None,
        }
    }

    fn version_with_tags(version: &str, tags: &[(&str, &str)]) -> ModelVersion {
        ModelVersion {
            name: "m".into(),
            version: version.into(),
            tags: tags
                .iter()
                .map(|(k, v)| Tag {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
            ..ModelVersion::default()
        }
    }

    /// Tags describe only the newest record per version and target: an older rejection is
    /// judged by its run, the newest one against the tags.
    #[test]
    fn only_the_newest_record_is_compared_with_the_tags() {
        let mut runs = vec![
            run(1, "3", "rejected", "bo"),
            run(2, "3", "rejected", "ana"),
            run(3, "3", GATE_CHECK, "ci"),
        ];
        let versions = [version_with_tags(
            "3",
            &[
                ("tollgate.decision.Production", "rejected"),
                ("tollgate.decision.Production.by", "bo"),
                ("tollgate.decision.Production.at", "2026-11-20T10:00:00Z"),
            ],
        )];
        verify_runs(&mut runs, &versions, &[None, None, None]);
        assert!(runs[0].verification.is_verified(), "{:?}", runs[0]);
        assert_eq!(
            runs[1].verification.reasons(),
            [Reason::TagsDisagree {
                field: "by",
                tags: "bo".into(),
                run: "ana".into()
            }]
        );
        // A gate check names no digest: it has no report, so it is not whole.
        assert_eq!(runs[2].verification.reasons(), [Reason::NoReportDigest]);
    }

    #[test]
    fn a_version_without_tags_leaves_its_newest_record_unverified() {
        let mut runs = vec![run(1, "9", "rejected", "bo")];
        verify_runs(&mut runs, &[], &[None]);
        assert_eq!(runs[0].verification.reasons(), [Reason::TagsMissing]);
    }
}
