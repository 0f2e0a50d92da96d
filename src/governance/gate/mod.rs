//! Gate evaluation: a policy, a target and the evidence gathered for a version go in; a
//! [`GateReport`] comes out, with one check per applicable gate and a digest that binds a
//! decision to exactly the evidence it was made on. Missing evidence is `missing`, a non-finite
//! number (NaN, ±Inf) is `invalid`, and a target no gate guards is `ungated`: none is a pass.

mod canonical;
mod checks;
mod gather;
mod markdown;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::policy::Policy;
use super::target::Target;
use crate::evidence::drift::WindowTable;

pub use canonical::{canonical_json, report_digest};

/// The report format's version; bump on any change to its fields or their meaning.
pub const REPORT_SCHEMA_VERSION: u32 = 2;
/// Tags under this prefix are tollgate's own records, not evidence (see [`VersionState`]).
pub const TOLLGATE_TAG_PREFIX: &str = "tollgate.";

/// How a check, or the whole report, ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// The evidence is absent: never counted as a pass.
    Missing,
    /// The evidence is a non-finite number (NaN, +Inf, -Inf, or MLflow's ±1.8e308 stand-ins for
    /// them): no bound or baseline can judge it, so it is never a pass.
    Invalid,
    /// The report's status when no gate of the policy guards the target: nothing was checked.
    /// Never a check's outcome. A policy may accept it (`[settings] allow_ungated = true`), and
    /// then the status is `pass`.
    Ungated,
}

impl Outcome {
    /// The lower-case name (`pass`, `fail`, `missing`, `invalid`, `ungated`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Missing => "missing",
            Outcome::Invalid => "invalid",
            Outcome::Ungated => "ungated",
        }
    }
}

/// The version holding a baseline target, with its run's metrics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: String,
    pub run_id: Option<String>,
    #[serde(with = "crate::evidence::number")]
    pub metrics: BTreeMap<String, f64>,
}

/// The latest monitoring window of the version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftEvidence {
    /// The monitoring run the window came from.
    pub run_id: String,
    /// An artifact path when the window was read from an Evidently report.
    pub artifact_path: Option<String>,
    pub window: WindowTable,
}

/// Everything gathered about a candidate version; what could not be read is simply absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub model: String,
    pub version: String,
    pub stage: Option<String>,
    pub aliases: Vec<String>,
    /// The version's source run, if it has one that could be read.
    pub run_id: Option<String>,
    /// The source run's metrics (latest value per key).
    pub metrics: BTreeMap<String, f64>,
    /// The version's tags.
    pub tags: BTreeMap<String, String>,
    /// The source run's tags (`require_tags` looks here after the version's).
    pub run_tags: BTreeMap<String, String>,
    /// The registered model's tags (`require_tags` looks here last).
    pub model_tags: BTreeMap<String, String>,
    /// Every artifact path of the source run (recursive); `None` when it could not be listed.
    pub artifacts: Option<Vec<String>>,
    /// The versions now holding each baseline target; a target nobody holds is absent.
    pub baselines: BTreeMap<Target, Baseline>,
    /// The latest monitoring window; `None` when the version has no monitoring run.
    pub drift: Option<DriftEvidence>,
}

/// Where a check's evidence came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_path: Option<String>,
    /// The baseline version compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_run_id: Option<String>,
    /// Tags consulted, each as `<where>:<key>` (`version:owner`, `run:owner`, `model:owner`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// One gate's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    pub outcome: Outcome,
    /// The observed value: a number for metrics and statistics, text or a list otherwise.
    pub observed: serde_json::Value,
    /// The bound as text (`>= 0.85`, `|x| <= 0.1`, `>= 0.8415 (@champion v3 x 0.99)`).
    pub bound: String,
    pub source: Source,
    pub message: String,
}

/// The version's state when the report was made: what staleness checks compare.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionState {
    pub stage: Option<String>,
    pub aliases: Vec<String>,
    pub run_id: Option<String>,
    /// Non-finite values are written `"NaN"`, `"+Inf"`, `"-Inf"` (see [`crate::evidence::number`]).
    #[serde(with = "crate::evidence::number")]
    pub metrics: BTreeMap<String, f64>,
    /// Version tags, less tollgate's own (`tollgate.*`): recording a request must not make the
    /// report it was made on stale.
    pub tags: BTreeMap<String, String>,
}

/// A gate report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateReport {
    pub schema_version: u32,
    pub model: String,
    pub version: String,
    pub target: Target,
    pub policy_digest: String,
    /// ISO 8601 UTC; excluded from the digest.
    pub evaluated_at: String,
    pub status: Outcome,
    pub checks: Vec<CheckResult>,
    /// Gates of the policy that do not guard this target.
    pub not_applicable: Vec<String>,
    pub state: VersionState,
    /// SHA-256 (hex) of the canonical JSON of this report without `evaluated_at` and `digest`.
    pub digest: String,
}

/// Evaluate every gate of `policy` that guards `target` against `evidence`.
/// `evaluated_at` is passed in (ISO 8601 UTC) so evaluation stays pure and repeatable.
pub fn evaluate(
    policy: &Policy,
    target: &Target,
    evidence: &Evidence,
    evaluated_at: &str,
) -> GateReport {
    let mut checks = Vec::new();
    let mut not_applicable = Vec::new();
    for gate in &policy.gates {
        if gate.applies_to(target) {
            checks.push(checks::run(gate, evidence));
        } else {
            not_applicable.push(gate.id.clone());
        }
    }
    let status = overall(&checks, policy.settings.allow_ungated);
    let mut report = GateReport {
        schema_version: REPORT_SCHEMA_VERSION,
        model: evidence.model.clone(),
        version: evidence.version.clone(),
        target: target.clone(),
        policy_digest: policy.digest.clone(),
        evaluated_at: evaluated_at.to_string(),
        status,
        checks,
        not_applicable,
        state: VersionState {
            stage: evidence.stage.clone(),
            aliases: {
                let mut a = evidence.aliases.clone();
                a.sort();
                a
            },
            run_id: evidence.run_id.clone(),
            metrics: evidence.metrics.clone(),
            tags: evidence
                .tags
                .iter()
                .filter(|(k, _)| !k.starts_with(TOLLGATE_TAG_PREFIX))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        },
        digest: String::new(),
    };
    report.digest = report.compute_digest();
    report
}

/// Ungated when nothing was checked (unless the policy allows it), else fail if any check
/// failed, else invalid if any is invalid, else missing if any is missing, else pass.
fn overall(checks: &[CheckResult], allow_ungated: bool) -> Outcome {
    let any = |o: Outcome| checks.iter().any(|c| c.outcome == o);
    if checks.is_empty() {
        if allow_ungated {
            Outcome::Pass
        } else {
            Outcome::Ungated
        }
    } else if any(Outcome::Fail) {
        Outcome::Fail
    } else if any(Outcome::Invalid) {
        Outcome::Invalid
    } else if any(Outcome::Missing) {
        Outcome::Missing
    } else {
        Outcome::Pass
    }
}

impl GateReport {
    /// The digest of this report's content (everything but `evaluated_at` and `digest`).
    /// Schema 2 on: SHA-256 of the RFC 8785 form (as the signed statements); schema 1 reports
    /// keep the digest they were written with (sorted keys, serde_json's numbers).
    pub fn compute_digest(&self) -> String {
        canonical::report_digest(self, u64::from(self.schema_version))
    }

    /// Whether `digest` matches the content (a report read back from an artifact).
    pub fn verify_digest(&self) -> bool {
        self.digest == self.compute_digest()
    }

    /// True when every check passed (or, under `allow_ungated`, no gate guards the target).
    pub fn passed(&self) -> bool {
        self.status == Outcome::Pass
    }

    /// No gate guards the target and the policy does not accept that.
    pub fn ungated(&self) -> bool {
        self.status == Outcome::Ungated
    }

    /// The checks that did not pass.
    pub fn blocking(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| c.outcome != Outcome::Pass)
    }

    /// The version tag recording this evaluation: (`tollgate.gate.<TARGET>`, `pass`|`fail`).
    pub fn gate_tag(&self) -> (String, String) {
        let value = if self.passed() { "pass" } else { "fail" };
        (
            format!("tollgate.gate.{}", self.target.tag_key()),
            value.to_string(),
        )
    }

    /// The report as pretty JSON (for `--json` and the audit artifact).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }

    /// Parse a report recorded earlier (e.g. by CI with `--record`).
    pub fn from_json(bytes: &[u8]) -> Result<GateReport, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The report as Markdown (for `--markdown` and evidence packs).
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }
}

#[cfg(test)]
mod tests;
