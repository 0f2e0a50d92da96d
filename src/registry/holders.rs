//! What the "changed behind tollgate's back" check needs of a registry: the model (aliases),
//! its versions (stages, decision tags), its audit runs, each verified (signatures too when the
//! policy names allowed signers), and the holders each verified adoption record's signed
//! statement names. The comparison itself is `governance::decision::unapproved_changes`.

use std::collections::BTreeMap;

use super::audit::AuditRun;
use super::Registry;
use crate::governance::decision::{
    unapproved_changes, CurrentState, DecisionRecord, Move, Statement, TrailRecord,
    UnapprovedChange, ADOPTED,
};
use crate::governance::{Policy, Stage, Target};
use crate::mlflow::{MlflowError, ModelVersion, RegisteredModel};

/// A model's trail, verified, with what the registry's current state holds that it does not
/// account for.
#[derive(Debug, Clone)]
pub struct StateCheck {
    /// The audit runs, oldest first, each with its verification.
    pub runs: Vec<AuditRun>,
    pub changes: Vec<UnapprovedChange>,
}

impl StateCheck {
    /// The changes about one version (for the cockpit's markers).
    pub fn for_version<'a>(
        &'a self,
        version: &'a str,
    ) -> impl Iterator<Item = &'a UnapprovedChange> + 'a {
        self.changes.iter().filter(move |c| c.version == version)
    }
}

impl Registry {
    /// Read a model's trail and state and compare them. `policy` names the aliases to check
    /// besides Staging, Production and those the trail names.
    pub async fn check_state(
        &self,
        model: &str,
        policy: Option<&Policy>,
    ) -> Result<StateCheck, MlflowError> {
        let runs = self.audit_runs(Some(model)).await?;
        let changes = self.unapproved_in(model, &runs, policy).await?;
        Ok(StateCheck { runs, changes })
    }

    /// Compare the registry's current state of `model` with `runs` (its trail, oldest first,
    /// already verified: `audit --verify` passes the runs whose signatures it checked).
    pub async fn unapproved_in(
        &self,
        model: &str,
        runs: &[AuditRun],
        policy: Option<&Policy>,
    ) -> Result<Vec<UnapprovedChange>, MlflowError> {
        let (registered, versions) = tokio::try_join!(
            self.client.get_registered_model(model),
            self.versions_of(model),
        )?;
        let mut adoptions: BTreeMap<String, Vec<(Target, String)>> = BTreeMap::new();
        for run in runs
            .iter()
            .filter(|r| r.decision == ADOPTED && r.verification.is_verified())
        {
            // The holders as signed, never the run's tag copy (tags are free text).
            let holders = match self.statement_artifacts(&run.run_id).await? {
                Some((bytes, _)) => Statement::parse(&bytes)
                    .map(|s| adopted_holders(&s))
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            adoptions.insert(run.run_id.clone(), holders);
        }
        let trail: Vec<TrailRecord> = runs
            .iter()
            .map(|r| trail_record(r, adoptions.get(&r.run_id).cloned().unwrap_or_default()))
            .collect();
        let state = current_state(&registered, &versions);
        let policy_targets = policy.map(named_targets).unwrap_or_default();
        Ok(unapproved_changes(&policy_targets, &trail, &state))
    }
}

/// An adoption statement's holders: `Production` -> `3,5`, `@champion` -> `4`.
fn adopted_holders(statement: &Statement) -> Vec<(Target, String)> {
    statement
        .holders
        .iter()
        .filter_map(|(target, versions)| Some((target.parse::<Target>().ok()?, versions)))
        .flat_map(|(target, versions)| {
            versions
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| (target.clone(), v.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every target a policy names: its gates' targets and the baselines they compare with.
pub fn named_targets(policy: &Policy) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for gate in &policy.gates {
        out.extend(gate.targets.iter().flatten().cloned());
        if let crate::governance::Check::Metric {
            baseline: Some(b), ..
        } = &gate.check
        {
            out.push(b.target.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// An audit run as the replay sees it; `adopted` is an adoption's holders as signed. Only
/// verified runs move holders.
pub fn trail_record(run: &AuditRun, adopted: Vec<(Target, String)>) -> TrailRecord {
    let movement = match run.decision.as_str() {
        "approved" => Move::Approved,
        "rolled_back" => Move::RolledBack,
        ADOPTED => Move::Adopted { holders: adopted },
        other => Move::Other {
            decision: other.to_string(),
        },
    };
    TrailRecord {
        run_id: run.run_id.clone(),
        version: run.version.clone(),
        target: run.target.parse().ok(),
        movement,
        verified: run.verification.is_verified(),
        archived: run.archived.clone(),
        decision: run.decision.clone(),
        actor: run.actor.clone(),
        at: run.at.clone(),
    }
}

/// Who holds what now: stages from the versions (search results carry them), aliases from the
/// registered model (version searches omit them), decision tags from the versions.
pub fn current_state(model: &RegisteredModel, versions: &[ModelVersion]) -> CurrentState {
    let mut holdings: Vec<(Target, String)> = versions
        .iter()
        .filter_map(|v| {
            let stage = Stage::parse(v.stage()?)?;
            Some((Target::Stage(stage), v.version.clone()))
        })
        .collect();
    holdings.extend(
        model
            .aliases
            .iter()
            .filter_map(|a| Target::alias(&a.alias).ok().map(|t| (t, a.version.clone()))),
    );
    let tagged = versions
        .iter()
        .flat_map(|v| {
            DecisionRecord::from_tags(&v.tags)
                .into_iter()
                .map(|d| (v.version.clone(), d))
        })
        .collect();
    CurrentState { holdings, tagged }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mlflow::{Alias, Tag};

    fn version(v: &str, stage: &str, tags: &[(&str, &str)]) -> ModelVersion {
        ModelVersion {
            name: "m".into(),
            version: v.into(),
            current_stage: Some(stage.into()),
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

    #[test]
    fn state_takes_stages_from_versions_and_aliases_from_the_model() {
        let model = RegisteredModel {
            name: "m".into(),
            aliases: vec![Alias {
                alias: "champion".into(),
                version: "2".into(),
            }],
            ..RegisteredModel::default()
        };
        let versions = [
            version("1", "Archived", &[]),
            version("2", "Production", &[]),
            version(
                "3",
                "None",
                &[
                    ("tollgate.decision.Staging", "requested"),
                    ("tollgate.decision.Staging.by", "ana"),
                    ("tollgate.decision.Staging.at", "2026-11-20T10:00:00Z"),
                ],
            ),
        ];
        let state = current_state(&model, &versions);
        let holdings: Vec<String> = state
            .holdings
            .iter()
            .map(|(t, v)| format!("{t}={v}"))
            .collect();
        assert_eq!(holdings, ["Archived=1", "Production=2", "@champion=2"]);
        assert_eq!(state.tagged.len(), 1);
        assert_eq!(state.tagged[0].0, "3");
    }

    #[test]
    fn the_policy_names_its_gate_targets_and_baselines() {
        let policy = Policy::parse(
            r#"
[[gate]]
id = "auc"
metric = "auc"
min = 0.7
targets = ["@canary"]
baseline = "@champion"
"#,
            "test",
        )
        .expect("policy");
        let names: Vec<String> = named_targets(&policy)
            .iter()
            .map(|t| t.to_string())
            .collect();
        assert_eq!(names, ["@canary", "@champion"]);
    }
}
