//! What the "changed behind tollgate's back" check needs of a registry, in four requests and
//! the report artifacts: the model (aliases), its versions (stages, decision tags), its audit
//! runs, each verified. The comparison itself is `governance::decision::unapproved_changes`.

use super::audit::{verify_runs, AuditRun};
use super::Registry;
use crate::governance::decision::{
    unapproved_changes, CurrentState, DecisionRecord, Move, TrailRecord, UnapprovedChange,
};
use crate::governance::{Policy, Stage, Target};
use crate::mlflow::{MlflowError, ModelVersion, RegisteredModel};

/// The `decision` of an adoption record (`tollgate adopt`).
pub const ADOPTED: &str = "adopted";

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
    /// Read a model's state and trail and compare them. `policy` names the aliases to check
    /// besides Staging, Production and those the trail names.
    pub async fn check_state(
        &self,
        model: &str,
        policy: Option<&Policy>,
    ) -> Result<StateCheck, MlflowError> {
        let (registered, versions, mut runs) = tokio::try_join!(
            self.client.get_registered_model(model),
            self.versions_of(model),
            self.read_audit_runs(Some(model)),
        )?;
        let artifacts = self.report_artifacts(&runs).await?;
        verify_runs(&mut runs, &versions, &artifacts);
        let trail: Vec<TrailRecord> = runs.iter().map(trail_record).collect();
        let state = current_state(&registered, &versions);
        let policy_targets = policy.map(named_targets).unwrap_or_default();
        let changes = unapproved_changes(&policy_targets, &trail, &state);
        Ok(StateCheck { runs, changes })
    }
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

/// An audit run as the replay sees it. Only verified runs move holders.
pub fn trail_record(run: &AuditRun) -> TrailRecord {
    let movement = match run.decision.as_str() {
        "approved" => Move::Approved,
        "rolled_back" => Move::RolledBack,
        // The adoption's holders live in its signed statement; until the run carries them, an
        // adoption accounts for nobody (fail closed: every holder is then reported).
        ADOPTED => Move::Adopted {
            holders: Vec::new(),
        },
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
