//! Finding the policy: `--policy FILE`, the profile's `policy`, else `policy.toml` in the config
//! directory. No policy is an error that names every place searched.

use std::path::{Path, PathBuf};

use super::CliError;
use crate::config::Resolved;
use crate::governance::Policy;

/// The policy file's name in the config directory.
pub const DEFAULT_POLICY_FILE: &str = "policy.toml";

/// Where the policy was looked for, in order, and why each was a candidate.
fn candidates(resolved: &Resolved, flag: Option<&Path>) -> Vec<(PathBuf, String)> {
    if let Some(path) = flag {
        return vec![(path.to_path_buf(), "--policy".into())];
    }
    let mut out = Vec::new();
    if let Some(name) = &resolved.profile {
        if let Some(p) = resolved
            .config
            .profiles
            .get(name)
            .and_then(|p| p.policy.clone())
        {
            // A relative path in the config file is relative to that file.
            let base = resolved.config_path.parent().unwrap_or(Path::new("."));
            out.push((base.join(p), format!("profile '{name}'")));
        }
    }
    out.push((
        resolved.paths.config_dir.join(DEFAULT_POLICY_FILE),
        "the config directory".into(),
    ));
    out
}

/// Load and check the policy, or say where it was looked for.
pub fn load(resolved: &Resolved, flag: Option<&Path>) -> Result<Policy, CliError> {
    let searched = candidates(resolved, flag);
    for (path, why) in &searched {
        match std::fs::read_to_string(path) {
            Ok(text) => return Ok(Policy::parse(&text, &path.display().to_string())?),
            // An explicit file (flag or profile) that is missing is an error, not a fallback.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && why == "the config directory" => {
            }
            Err(e) => {
                return Err(CliError::Usage(format!(
                    "cannot read the policy {} (from {why}): {e}",
                    path.display()
                )))
            }
        }
    }
    let list: Vec<String> = searched
        .iter()
        .map(|(p, why)| format!("{} ({why})", p.display()))
        .collect();
    Err(CliError::Usage(format!(
        "no policy file found; searched: {}. Pass --policy FILE, set `policy` in the profile, or see examples/policy.toml",
        list.join(", ")
    )))
}

/// The configured policy when there is one (the cockpit): `Ok(None)` when no candidate file
/// exists, an error when one exists but is broken, or when `flag` names a file that cannot be read.
pub fn find(resolved: &Resolved, flag: Option<&Path>) -> Result<Option<Policy>, CliError> {
    if flag.is_some() || candidates(resolved, None).iter().any(|(p, _)| p.exists()) {
        load(resolved, flag).map(Some)
    } else {
        Ok(None)
    }
}
