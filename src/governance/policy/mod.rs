//! The policy file (TOML): settings and gates. Parsing is strict: a policy with a mistake is
//! rejected with its file, line and reason, because a gate that silently does nothing is worse
//! than no gate at all.
//!
//! ```toml
//! [settings]
//! four_eyes = true
//! allow_override = false
//! allow_ungated = false
//!
//! [[gate]]
//! id = "accuracy"
//! metric = "accuracy"
//! min = 0.85
//! targets = ["Production", "@champion"]
//! ```
//!
//! Gate kinds (one per gate): a metric with bounds (`min`, `max`, `abs_max`) and/or a baseline
//! comparison (`baseline`, `min_relative_change`, `min_absolute_change`, `greater_is_better`,
//! `allow_no_baseline`); `drift = { statistic, max | min, features, allow_unmonitored }`; `require_tags`;
//! `require_artifact`; `four_fifths = { attribute, min, max }`. Every gate may have `targets`
//! and a `description`.

mod parse;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::evidence::bounds::Bounds;
use crate::evidence::drift::Statistic;
use crate::evidence::fairness::FourFifthsRule;

use super::target::Target;

/// A parsed, checked policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// Where the policy came from (a path, or a description such as "built-in").
    pub origin: String,
    /// SHA-256 (hex) of the policy file's bytes: `sha256sum` reproduces it.
    pub digest: String,
    pub settings: Settings,
    /// `require_signature`, `allowed_signers`, `signatures_since` of `[settings]`.
    pub signing: Signing,
    pub gates: Vec<Gate>,
}

/// What the policy says about signed decisions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Signing {
    /// Refuse to record a decision that cannot be signed; unsigned records fail `--verify`.
    pub require_signature: bool,
    /// The `allowed_signers` file (principals = tollgate identities), relative paths taken
    /// from the policy file's folder.
    pub allowed_signers: Option<std::path::PathBuf>,
    /// Records before this day without a statement are `legacy`.
    pub signatures_since: Option<chrono::NaiveDate>,
}

/// `[settings]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// The approver must differ from the version's creator and from the requester.
    pub four_eyes: bool,
    /// An approver may promote past failing gates with a written justification.
    pub allow_override: bool,
    /// Four-eyes accepts a version whose creator no record names.
    pub allow_unknown_creator: bool,
    /// A target that no gate guards passes. Off by default: an empty policy (or one whose gates
    /// all name other targets) is `ungated`, and an override cannot lift that, because there is
    /// no failing evidence to justify going past, only no evidence.
    pub allow_ungated: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            four_eyes: true,
            allow_override: false,
            allow_unknown_creator: false,
            allow_ungated: false,
        }
    }
}

/// One `[[gate]]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    pub id: String,
    pub description: Option<String>,
    /// The targets this gate guards; `None` guards every target.
    pub targets: Option<Vec<Target>>,
    pub check: Check,
    /// The line of the gate in the policy file (1-based), for messages.
    pub line: usize,
}

impl Gate {
    /// Whether this gate applies when promoting to `target`.
    pub fn applies_to(&self, target: &Target) -> bool {
        self.targets.as_ref().is_none_or(|ts| ts.contains(target))
    }
}

/// What a gate checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    /// A metric of the version's source run: bounds and/or a comparison with a baseline.
    Metric {
        metric: String,
        bounds: Bounds,
        baseline: Option<BaselineRule>,
    },
    /// A statistic of the latest monitoring window of this version.
    Drift {
        measure: DriftMeasure,
        bounds: Bounds,
        /// Only these features; `None` for every feature.
        features: Option<Vec<String>>,
        /// A version without any monitoring run (never served yet) passes instead of `missing`.
        allow_unmonitored: bool,
    },
    /// Tags that must be set (non-empty) on the version.
    RequireTags { tags: Vec<String> },
    /// A file, or a folder when it ends with `/`, in the source run's artifacts.
    RequireArtifact { path: String },
    /// The four-fifths rule over per-group selection rates.
    FourFifths {
        /// Only this attribute; `None` for every attribute logged.
        attribute: Option<String>,
        rule: FourFifthsRule,
    },
}

/// MLflow `MetricThreshold`-style comparison with the version holding a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineRule {
    pub target: Target,
    /// candidate >= baseline + min_absolute_change (greater is better).
    pub min_absolute_change: Option<f64>,
    /// candidate >= baseline * (1 + min_relative_change) (greater is better).
    pub min_relative_change: Option<f64>,
    pub greater_is_better: bool,
    /// When no version holds the target (a first release), pass instead of `missing`.
    pub allow_no_baseline: bool,
}

/// What a drift gate bounds: one statistic per feature, or the share of drifted features.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftMeasure {
    Feature(Statistic),
    Share,
}

impl fmt::Display for DriftMeasure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriftMeasure::Feature(s) => write!(f, "{s}"),
            DriftMeasure::Share => f.write_str("share"),
        }
    }
}

/// A policy that could not be used: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub reason: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.reason),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.reason),
            _ => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl Policy {
    /// Parse and check a policy file's text; `origin` names it in errors and reports.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        parse::parse(text, origin)
    }

    /// The policy used when none is configured: four-eyes on, no gates.
    pub fn empty(origin: &str) -> Policy {
        Policy {
            origin: origin.to_string(),
            digest: sha256_hex(b""),
            settings: Settings::default(),
            signing: Signing::default(),
            gates: Vec::new(),
        }
    }

    /// The gates guarding `target`, in file order.
    pub fn gates_for<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Gate> + 'a {
        self.gates.iter().filter(move |g| g.applies_to(target))
    }

    /// The baseline targets the gates for `target` compare with (what the caller must fetch).
    pub fn baselines_for(&self, target: &Target) -> Vec<Target> {
        let mut out: Vec<Target> = self
            .gates_for(target)
            .filter_map(|g| match &g.check {
                Check::Metric {
                    baseline: Some(b), ..
                } => Some(b.target.clone()),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Bounds on `fairness.*` metrics for `target` (or every target), for the fairness tab.
    pub fn metric_bounds(&self, target: Option<&Target>) -> BTreeMap<String, Bounds> {
        self.gates
            .iter()
            .filter(|g| target.is_none_or(|t| g.applies_to(t)))
            .filter_map(|g| match &g.check {
                Check::Metric { metric, bounds, .. } if !bounds.is_empty() => {
                    Some((metric.clone(), *bounds))
                }
                _ => None,
            })
            .collect()
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests;
