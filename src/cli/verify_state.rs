//! `tollgate audit <MODEL> --verify`: the trail, each record's verification, and the registry's
//! current state compared with it. Exit 1 when a record is not whole or something holds a
//! target the verified trail does not account for (an `unapproved change`), so CI can run it on
//! a schedule and fail the job.

use std::io::Write;

use super::audit::write_trail;
use super::output;
use super::CliError;
use crate::governance::Policy;
use crate::registry::Registry;
use crate::text::sanitize_line;

/// The word every report of a change made outside tollgate carries (text and JSON).
pub const UNAPPROVED: &str = "unapproved change";

pub async fn verify(
    registry: &Registry,
    model: &str,
    policy: Option<&Policy>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let check = registry.check_state(model, policy).await?;
    let unverified = check
        .runs
        .iter()
        .filter(|r| !r.verification.is_verified())
        .count();
    let changes = check.changes.len();
    if json {
        output::json(
            out,
            &serde_json::json!({
                "model": model,
                "count": check.runs.len(),
                "decisions": check.runs,
                "unapproved_changes": check.changes,
                "verified": unverified == 0 && changes == 0,
            }),
        )?;
    } else {
        write_trail(model, &check.runs, out)?;
        for change in &check.changes {
            let line = format!("! {UNAPPROVED}: {}", change.summary());
            writeln!(out, "{}", sanitize_line(&line))?;
        }
        if unverified == 0 && changes == 0 {
            writeln!(
                out,
                "verified: every record is whole and every holder of a checked target is approved"
            )?;
        }
    }
    match (unverified, changes) {
        (0, 0) => Ok(()),
        _ => Err(CliError::Reported(format!(
            "'{model}': {unverified} record(s) not verified, {changes} {UNAPPROVED}(s)"
        ))),
    }
}
