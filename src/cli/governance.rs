//! What the governance commands share: who is acting, the read-only guard, the confirmation
//! question, gathering and evaluating a version, and promoting it.

use std::io::{BufRead, IsTerminal, Write};

use super::CliError;
use crate::config::Resolved;
use crate::governance::decision::Actor;
use crate::governance::{GateReport, Policy, Target};
use crate::mlflow::MlflowError;
use crate::registry::{GatheredVersion, Registry};

/// Who is acting: the authenticated user, `TOLLGATE_USER`, the config's identity or the OS
/// user, with the source.
pub fn actor(resolved: &Resolved) -> Result<Actor, CliError> {
    crate::registry::decide::resolve_actor_for(resolved, &|k| std::env::var(k).ok()).ok_or_else(
        || {
            CliError::Usage(
                "who is acting is unknown: set TOLLGATE_USER, the config's identity, or use credentials"
                    .into(),
            )
        },
    )
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
    Ok(crate::registry::decide::check(registry, policy, model, version, target).await?)
}

/// A refused or failed first write: nothing was recorded.
pub fn nothing_recorded(e: MlflowError) -> CliError {
    tracing::warn!(error = %e, "first write refused");
    CliError::Mlflow(e)
}
