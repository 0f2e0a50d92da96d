//! `tollgate adopt MODEL`: start the model's signed trail with a record of who holds each stage
//! and alias now. Records older than it are shown `legacy`; holders from before it are covered
//! by it. The adoption is always signed: an unsigned one would vouch for nothing.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use super::{governance, CliError};
use crate::config::Resolved;
use crate::governance::decision::{Statement, ADOPTED};
use crate::mlflow::filter;
use crate::registry::Registry;
use crate::session::policy;
use crate::text::sanitize_line;

pub async fn run(
    resolved: &Resolved,
    registry: &Registry,
    model: &str,
    comment: &str,
    policy_flag: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    governance::refuse_read_only(resolved, "adopt")?;
    let actor = governance::actor(resolved)?;
    let signing = policy::find(resolved, policy_flag)?
        .map(|p| p.signing)
        .unwrap_or_default();
    let registry = &registry.clone().with_signing(signing);
    let holders = current_holders(registry, model).await?;
    let actor = crate::registry::decide::confirm_actor(registry.client(), actor)
        .await
        .actor;
    let signed = registry
        .sign_decision(Statement {
            model: model.to_string(),
            decision: ADOPTED.into(),
            actor: actor.name.clone(),
            comment: comment.to_string(),
            holders: holders.clone(),
            ..Statement::default()
        })
        .await
        .map_err(|e| CliError::Reported(format!("{e}")))?;
    if signed.signature.is_none() {
        return Err(CliError::Reported(format!(
            "adopt writes a signed record, and this one could not be signed: {}; nothing was written",
            signed.unsigned_because.as_deref().unwrap_or("no key")
        )));
    }
    let run_id = registry.record_adoption(&signed).await?;
    for (target, versions) in &holders {
        writeln!(
            out,
            "{}: v{}",
            sanitize_line(target),
            sanitize_line(versions)
        )?;
    }
    writeln!(
        out,
        "adopted: '{}' signed by {} in audit run {run_id}; older records are now legacy",
        sanitize_line(model),
        sanitize_line(&actor.name)
    )?;
    Ok(())
}

/// Every stage other than None/Archived and every alias, with the version(s) holding it.
async fn current_holders(
    registry: &Registry,
    model: &str,
) -> Result<BTreeMap<String, String>, CliError> {
    let found = registry.client().get_registered_model(model).await?;
    let server_filter = filter::quote(model).map(|q| format!("name = {q}"));
    let versions = registry
        .client()
        .search_model_versions(server_filter.as_deref(), crate::mlflow::MAX_VERSIONS_PAGE)
        .await?;
    let mut stages: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for v in versions.iter().filter(|v| v.name == model) {
        if let Some(stage) = v
            .stage()
            .filter(|s| !matches!(*s, "None" | "Archived" | ""))
        {
            stages
                .entry(stage.to_string())
                .or_default()
                .push(v.number());
        }
    }
    let mut holders: BTreeMap<String, String> = stages
        .into_iter()
        .map(|(stage, mut numbers)| {
            numbers.sort_unstable();
            let list: Vec<String> = numbers.iter().map(u64::to_string).collect();
            (stage, list.join(","))
        })
        .collect();
    for alias in &found.aliases {
        holders.insert(format!("@{}", alias.alias), alias.version.clone());
    }
    Ok(holders)
}
