//! Finding the policy: `--policy FILE`, the profile's `policy`, else `policy.toml` in the config
//! directory. No policy is an error that names every place searched.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::config::Resolved;
use crate::governance::{Policy, PolicyError};

/// The policy file's name in the config directory.
pub const DEFAULT_POLICY_FILE: &str = "policy.toml";

/// Why no policy could be used. The headless commands exit with 2 on each (a usage error).
#[derive(Debug, Error)]
pub enum PolicyFileError {
    /// A file that exists but cannot be read, or an explicit one (flag or profile) that is missing.
    #[error("cannot read the policy {} (from {from}): {error}", path.display())]
    Unreadable {
        path: PathBuf,
        from: String,
        error: std::io::Error,
    },
    /// No candidate exists: each place searched, with why it was a candidate.
    #[error(
        "no policy file found; searched: {}. Pass --policy FILE, set `policy` in the profile, or see examples/policy.toml",
        searched.join(", ")
    )]
    NotFound { searched: Vec<String> },
    /// A policy file with a mistake: file, line and reason.
    #[error("policy: {0}")]
    Invalid(#[from] PolicyError),
}

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
pub fn load(resolved: &Resolved, flag: Option<&Path>) -> Result<Policy, PolicyFileError> {
    let searched = candidates(resolved, flag);
    for (path, why) in &searched {
        match std::fs::read_to_string(path) {
            Ok(text) => return Ok(Policy::parse(&text, &path.display().to_string())?),
            // An explicit file (flag or profile) that is missing is an error, not a fallback.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && why == "the config directory" => {
            }
            Err(error) => {
                return Err(PolicyFileError::Unreadable {
                    path: path.clone(),
                    from: why.clone(),
                    error,
                })
            }
        }
    }
    Err(PolicyFileError::NotFound {
        searched: searched
            .iter()
            .map(|(p, why)| format!("{} ({why})", p.display()))
            .collect(),
    })
}

/// The configured policy when there is one (the cockpit): `Ok(None)` when no candidate file
/// exists, an error when one exists but is broken, or when `flag` names a file that cannot be read.
pub fn find(resolved: &Resolved, flag: Option<&Path>) -> Result<Option<Policy>, PolicyFileError> {
    if flag.is_some() || candidates(resolved, None).iter().any(|(p, _)| p.exists()) {
        load(resolved, flag).map(Some)
    } else {
        Ok(None)
    }
}
