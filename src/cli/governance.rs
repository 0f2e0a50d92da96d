//! What the governance commands share: who is acting, the read-only guard, the confirmation
//! question, gathering and evaluating a version, and promoting it.

use std::io::{BufRead, IsTerminal, Write};

use chrono::Utc;

use super::CliError;
use crate::config::Resolved;
use crate::governance::decision::{iso8601, resolve_actor, Actor, ActorInputs};
use crate::governance::{evaluate, GateReport, Policy, Stage, Target};
use crate::mlflow::{Auth, MlflowError};
use crate::registry::{GatheredVersion, Registry};

/// Who is acting: the authenticated user, `TOLLGATE_USER`, or the OS user, with the source.
pub fn actor(resolved: &Resolved) -> Result<Actor, CliError> {
    let authenticated = match &resolved.connection.auth {
        Auth::Basic { username, .. } => Some(username.clone()),
        _ => None,
    };
    let env_user = std::env::var("TOLLGATE_USER").ok();
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok();
    resolve_actor(&ActorInputs {
        authenticated_user: authenticated.as_deref(),
        tollgate_user: env_user.as_deref(),
        config_identity: None,
        os_user: os_user.as_deref(),
    })
    .ok_or_else(|| {
        CliError::Usage("who is acting is unknown: set TOLLGATE_USER or use credentials".into())
    })
}

/// `--read-only` (flag or profile) refuses every write.
pub fn refuse_read_only(resolved: &Resolved, what: &str) -> Result<(), CliError> {
    if resolved.read_only {
        return Err(CliError::Usage(format!(
            "{what} writes to the registry, and this session is read-only (--read-only or the profile's read_only)"
        )));
    }
    Ok(())
}

/// Ask before writing. Without `--yes` and without a terminal to ask on, refuse. For
/// Production and @champion the model's name must be typed.
pub fn confirm(yes: bool, question: &str, type_to_confirm: Option<&str>) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::Usage(
            "refusing to write without confirmation: pass --yes (there is no terminal to ask on)"
                .into(),
        ));
    }
    let mut err = std::io::stderr();
    match type_to_confirm {
        Some(name) => write!(err, "{question}\nType the model name ({name}) to confirm: ")?,
        None => write!(err, "{question} [y/N] ")?,
    }
    err.flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    let answer = answer.trim();
    let ok = match type_to_confirm {
        Some(name) => answer == name,
        None => matches!(answer, "y" | "Y" | "yes" | "YES"),
    };
    if ok {
        Ok(())
    } else {
        Err(CliError::Reported(
            "not confirmed; nothing was written".into(),
        ))
    }
}

/// The version's evidence, fresh, and its gate report evaluated now.
pub async fn check(
    registry: &Registry,
    policy: &Policy,
    model: &str,
    version: &str,
    target: &Target,
) -> Result<(GatheredVersion, GateReport), CliError> {
    let gathered = registry
        .gate_evidence(policy, model, version, target)
        .await?;
    let report = evaluate(policy, target, &gathered.evidence, &iso8601(Utc::now()));
    Ok((gathered, report))
}

/// Move `target` to `version`: a stage transition (archiving the others when asked) or an alias.
pub async fn promote(
    registry: &Registry,
    model: &str,
    version: &str,
    target: &Target,
    archive: Option<bool>,
) -> Result<(), MlflowError> {
    match target {
        Target::Stage(stage) => {
            let archive = archive.unwrap_or(*stage == Stage::Production);
            registry
                .client()
                .transition_stage(model, version, stage.as_str(), archive)
                .await
                .map(|_| ())
        }
        Target::Alias(alias) => registry.client().set_alias(model, alias, version).await,
    }
}

/// A refused or failed first write: nothing was recorded.
pub fn nothing_recorded(e: MlflowError) -> CliError {
    tracing::warn!(error = %e, "first write refused");
    CliError::Mlflow(e)
}
