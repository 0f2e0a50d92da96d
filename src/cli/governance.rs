//! What the governance commands share: who is acting, the read-only guard and the confirmation
//! question (the workflow itself is `registry::decide`, shared with the cockpit).

use std::io::{BufRead, IsTerminal, Write};

use super::CliError;
use crate::config::Resolved;
use crate::governance::decision::Actor;
use crate::mlflow::MlflowError;

/// Who is acting: the authenticated user, `TOLLGATE_USER`, the config's identity or the OS
/// user, with the source.
pub fn actor(resolved: &Resolved) -> Result<Actor, CliError> {
    crate::session::resolve_actor_for(resolved, &|k| std::env::var(k).ok()).ok_or_else(
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
        Some(name) => crate::registry::decide::name_confirms(name, answer),
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

/// A refused or failed first write: nothing was recorded.
pub fn nothing_recorded(e: MlflowError) -> CliError {
    tracing::warn!(error = %e, "first write refused");
    CliError::Mlflow(e)
}
