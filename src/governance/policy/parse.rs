//! TOML to [`Policy`]: serde does the shape (unknown keys, types), then each gate is checked for
//! meaning (min <= max, one kind of check, known targets), every error pointing at its line.

use std::collections::HashMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{
    sha256_hex, BaselineRule, Check, DriftMeasure, Gate, Policy, PolicyError, Settings, Signing,
};
use crate::evidence::bounds::Bounds;
use crate::evidence::drift::Statistic;
use crate::evidence::fairness::FourFifthsRule;
use crate::governance::target::Target;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    settings: Option<RawSettings>,
    #[serde(default)]
    gate: Vec<Spanned<RawGate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    four_eyes: Option<bool>,
    allow_override: Option<bool>,
    allow_unknown_creator: Option<bool>,
    allow_ungated: Option<bool>,
    require_signature: Option<bool>,
    allowed_signers: Option<String>,
    signatures_since: Sp<toml::Value>,
}

type Sp<T> = Option<Spanned<T>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    id: Spanned<String>,
    description: Option<String>,
    targets: Sp<Vec<String>>,
    metric: Sp<String>,
    min: Sp<f64>,
    max: Sp<f64>,
    abs_max: Sp<f64>,
    baseline: Sp<String>,
    min_relative_change: Sp<f64>,
    min_absolute_change: Sp<f64>,
    greater_is_better: Sp<bool>,
    allow_no_baseline: Sp<bool>,
    drift: Sp<RawDrift>,
    require_tags: Sp<Vec<String>>,
    require_artifact: Sp<String>,
    four_fifths: Sp<RawFourFifths>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDrift {
    statistic: String,
    min: Option<f64>,
    max: Option<f64>,
    features: Option<Vec<String>>,
    allow_unmonitored: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFourFifths {
    attribute: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
}

/// Statistic names a drift gate accepts.
const DRIFT_STATISTICS: &str = "psi, ks_stat, p_value, js_distance, wasserstein, share";

struct Ctx<'a> {
    lines: Lines<'a>,
    origin: &'a str,
}

impl Ctx<'_> {
    fn error(&self, span: Option<Range<usize>>, reason: impl Into<String>) -> PolicyError {
        let (line, column) = match span {
            Some(s) => {
                let (l, c) = self.lines.line_col(s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        PolicyError {
            file: self.origin.to_string(),
            line,
            column,
            reason: reason.into(),
        }
    }
}

/// Where each line of the policy starts, found in one pass: a position's line is then a binary
/// search, not a scan from the top (per gate, that scan made loading quadratic: 40,000 gates
/// took 51 s).
struct Lines<'a> {
    text: &'a str,
    /// Byte offset of each line's first byte; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        #[cfg(test)]
        scanned::add(text.len());
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // The number of lines starting at or before `offset` is its 1-based line.
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        #[cfg(test)]
        scanned::add(offset - start);
        (line, self.text[start..offset].chars().count() + 1)
    }
}

pub(super) fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
    let ctx = Ctx {
        lines: Lines::new(text),
        origin,
    };
    let raw: RawPolicy = toml::from_str(text).map_err(|e| ctx.error(e.span(), e.message()))?;
    let signing = match &raw.settings {
        Some(s) => signing(&ctx, s)?,
        None => Signing::default(),
    };
    let settings = raw
        .settings
        .map(|s| Settings {
            four_eyes: s.four_eyes.unwrap_or(true),
            allow_override: s.allow_override.unwrap_or(false),
            allow_unknown_creator: s.allow_unknown_creator.unwrap_or(false),
            allow_ungated: s.allow_ungated.unwrap_or(false),
        })
        .unwrap_or_default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut gates = Vec::with_capacity(raw.gate.len());
    for spanned in raw.gate {
        let span = spanned.span();
        let gate = check_gate(&ctx, spanned.into_inner(), span.clone())?;
        if let Some(first) = seen.insert(gate.id.clone(), gate.line) {
            return Err(ctx.error(
                Some(span),
                format!(
                    "duplicate gate id '{}' (first used on line {first})",
                    gate.id
                ),
            ));
        }
        gates.push(gate);
    }
    Ok(Policy {
        origin: origin.to_string(),
        digest: sha256_hex(text.as_bytes()),
        settings,
        signing,
        gates,
    })
}

/// `file` as written in the policy at `origin`: relative paths start in the policy's folder.
fn relative_to_policy(origin: &str, file: &str) -> std::path::PathBuf {
    let file = std::path::Path::new(file);
    match std::path::Path::new(origin).parent() {
        Some(dir) if file.is_relative() => dir.join(file),
        _ => file.to_path_buf(),
    }
}

/// The signing settings; `allowed_signers` taken relative to the policy file.
fn signing(ctx: &Ctx<'_>, s: &RawSettings) -> Result<Signing, PolicyError> {
    let since = match &s.signatures_since {
        None => None,
        Some(value) => {
            let text = match value.get_ref() {
                toml::Value::Datetime(d) => d.to_string(),
                toml::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            let day = text.get(..10).unwrap_or(&text);
            match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
                Ok(d) if text.len() == 10 => Some(d),
                _ => {
                    return Err(ctx.error(
                        Some(value.span()),
                        "signatures_since must be a date (YYYY-MM-DD)",
                    ))
                }
            }
        }
    };
    let allowed_signers = s
        .allowed_signers
        .as_deref()
        .map(|f| relative_to_policy(ctx.origin, f));
    let require_signature = s.require_signature.unwrap_or(false);
    if require_signature && allowed_signers.is_none() {
        return Err(ctx.error(
            None,
            "require_signature = true needs allowed_signers = \"FILE\" (whose keys count)",
        ));
    }
    Ok(Signing {
        require_signature,
        allowed_signers,
        signatures_since: since,
    })
}

fn check_gate(ctx: &Ctx<'_>, g: RawGate, span: Range<usize>) -> Result<Gate, PolicyError> {
    let id = g.id.get_ref().trim().to_string();
    if id.is_empty() {
        return Err(ctx.error(Some(g.id.span()), "gate id is empty"));
    }
    let err =
        |s: Range<usize>, reason: String| ctx.error(Some(s), format!("gate '{id}': {reason}"));
    for f in [
        &g.min,
        &g.max,
        &g.abs_max,
        &g.min_relative_change,
        &g.min_absolute_change,
    ]
    .into_iter()
    .flatten()
    {
        if !f.get_ref().is_finite() {
            return Err(err(f.span(), "numbers must be finite".into()));
        }
    }
    let targets = match &g.targets {
        None => None,
        Some(t) => {
            if t.get_ref().is_empty() {
                return Err(err(
                    t.span(),
                    "targets is empty: omit it to guard every target".into(),
                ));
            }
            let parsed: Result<Vec<Target>, _> =
                t.get_ref().iter().map(|s| s.parse::<Target>()).collect();
            Some(parsed.map_err(|e| err(t.span(), e.to_string()))?)
        }
    };

    // Which kinds of check does this gate ask for? Exactly one is allowed.
    let metric_keys = [
        span_of(&g.min),
        span_of(&g.max),
        span_of(&g.abs_max),
        span_of(&g.baseline),
        span_of(&g.min_relative_change),
        span_of(&g.min_absolute_change),
        span_of(&g.greater_is_better),
        span_of(&g.allow_no_baseline),
    ];
    let mut kinds: Vec<&str> = Vec::new();
    if g.metric.is_some() {
        kinds.push("metric");
    }
    if g.drift.is_some() {
        kinds.push("drift");
    }
    if g.require_tags.is_some() {
        kinds.push("require_tags");
    }
    if g.require_artifact.is_some() {
        kinds.push("require_artifact");
    }
    if g.four_fifths.is_some() {
        kinds.push("four_fifths");
    }
    if g.metric.is_none() {
        if let Some(s) = metric_keys.iter().flatten().next() {
            return Err(err(
                s.clone(),
                "min, max, abs_max and baseline options need `metric`".into(),
            ));
        }
    }
    let check = match kinds.as_slice() {
        [] => {
            return Err(err(
                span,
                "checks nothing: give `metric` (with min, max, abs_max or baseline), `drift`, \
                 `require_tags`, `require_artifact` or `four_fifths`"
                    .into(),
            ))
        }
        [one] => *one,
        many => {
            return Err(err(
                span,
                format!("mixes {}: one check per gate, split it", many.join(" and ")),
            ))
        }
    };

    let check = match check {
        "metric" => metric_check(&g, &err)?,
        "drift" => drift_check(g.drift.as_ref().expect("kind"), &err)?,
        "require_tags" => {
            let t = g.require_tags.as_ref().expect("kind");
            let tags: Vec<String> = t.get_ref().iter().map(|s| s.trim().to_string()).collect();
            if tags.is_empty() || tags.iter().any(String::is_empty) {
                return Err(err(
                    t.span(),
                    "require_tags needs non-empty tag names".into(),
                ));
            }
            Check::RequireTags { tags }
        }
        "require_artifact" => {
            let p = g.require_artifact.as_ref().expect("kind");
            let path = p.get_ref().trim().trim_start_matches('/').to_string();
            if path.is_empty() {
                return Err(err(p.span(), "require_artifact is empty".into()));
            }
            Check::RequireArtifact { path }
        }
        _ => four_fifths_check(g.four_fifths.as_ref().expect("kind"), &err)?,
    };
    Ok(Gate {
        id,
        description: g.description,
        targets,
        check,
        line: ctx.lines.line_col(span.start).0,
    })
}

fn span_of<T>(v: &Sp<T>) -> Option<Range<usize>> {
    v.as_ref().map(Spanned::span)
}

fn value<T: Copy>(v: &Sp<T>) -> Option<T> {
    v.as_ref().map(|s| *s.get_ref())
}

fn metric_check(
    g: &RawGate,
    err: &impl Fn(Range<usize>, String) -> PolicyError,
) -> Result<Check, PolicyError> {
    let m = g.metric.as_ref().expect("metric gate");
    let metric = m.get_ref().trim().to_string();
    if metric.is_empty() {
        return Err(err(m.span(), "metric is empty".into()));
    }
    let bounds = Bounds {
        min: value(&g.min),
        max: value(&g.max),
        abs_max: value(&g.abs_max),
    };
    if let (Some(min), Some(max)) = (bounds.min, bounds.max) {
        if min > max {
            let s = span_of(&g.max).expect("max set");
            return Err(err(s, format!("min ({min}) is greater than max ({max})")));
        }
    }
    if let Some(a) = &g.abs_max {
        if *a.get_ref() < 0.0 {
            return Err(err(
                a.span(),
                "abs_max is negative: no value can pass".into(),
            ));
        }
    }
    let baseline_options = [
        span_of(&g.min_relative_change),
        span_of(&g.min_absolute_change),
        span_of(&g.greater_is_better),
        span_of(&g.allow_no_baseline),
    ];
    let baseline = match &g.baseline {
        None => {
            if let Some(s) = baseline_options.iter().flatten().next() {
                return Err(err(
                    s.clone(),
                    "min_relative_change, min_absolute_change, greater_is_better and \
                     allow_no_baseline need `baseline` (a stage or @alias)"
                        .into(),
                ));
            }
            None
        }
        Some(b) => Some(BaselineRule {
            target: b
                .get_ref()
                .parse()
                .map_err(|e: crate::governance::TargetError| {
                    err(b.span(), format!("baseline: {e}"))
                })?,
            min_absolute_change: value(&g.min_absolute_change),
            min_relative_change: value(&g.min_relative_change),
            greater_is_better: value(&g.greater_is_better).unwrap_or(true),
            allow_no_baseline: value(&g.allow_no_baseline).unwrap_or(false),
        }),
    };
    if bounds.is_empty() && baseline.is_none() {
        return Err(err(
            m.span(),
            format!("metric '{metric}' has no bound: give min, max, abs_max or baseline"),
        ));
    }
    Ok(Check::Metric {
        metric,
        bounds,
        baseline,
    })
}

fn drift_check(
    d: &Spanned<RawDrift>,
    err: &impl Fn(Range<usize>, String) -> PolicyError,
) -> Result<Check, PolicyError> {
    let raw = d.get_ref();
    let measure = match raw.statistic.trim() {
        "share" | "drift_share" => DriftMeasure::Share,
        s => match Statistic::from_key(s) {
            Statistic::Other(_) => {
                return Err(err(
                    d.span(),
                    format!("unknown drift statistic '{s}' (one of {DRIFT_STATISTICS})"),
                ))
            }
            known => DriftMeasure::Feature(known),
        },
    };
    let bounds = Bounds {
        min: raw.min,
        max: raw.max,
        abs_max: None,
    };
    if bounds.is_empty() {
        return Err(err(
            d.span(),
            "drift needs `max` (or `min` for p_value)".into(),
        ));
    }
    if [raw.min, raw.max].iter().flatten().any(|v| !v.is_finite()) {
        return Err(err(d.span(), "numbers must be finite".into()));
    }
    if let (Some(min), Some(max)) = (raw.min, raw.max) {
        if min > max {
            return Err(err(
                d.span(),
                format!("drift min ({min}) is greater than max ({max})"),
            ));
        }
    }
    if measure == DriftMeasure::Share && raw.features.is_some() {
        return Err(err(
            d.span(),
            "features does not apply to statistic 'share'".into(),
        ));
    }
    if raw.features.as_ref().is_some_and(Vec::is_empty) {
        return Err(err(
            d.span(),
            "features is empty: omit it to check every feature".into(),
        ));
    }
    Ok(Check::Drift {
        measure,
        bounds,
        features: raw.features.clone(),
        allow_unmonitored: raw.allow_unmonitored.unwrap_or(false),
    })
}

fn four_fifths_check(
    f: &Spanned<RawFourFifths>,
    err: &impl Fn(Range<usize>, String) -> PolicyError,
) -> Result<Check, PolicyError> {
    let raw = f.get_ref();
    let rule = FourFifthsRule {
        threshold: raw.min.unwrap_or(FourFifthsRule::default().threshold),
        upper: raw.max,
    };
    if rule.threshold.is_nan() || rule.threshold <= 0.0 || rule.threshold > 1.0 {
        return Err(err(
            f.span(),
            format!("four_fifths min ({}) must be in (0, 1]", rule.threshold),
        ));
    }
    if let Some(upper) = rule.upper {
        if upper.is_nan() || upper < rule.threshold {
            return Err(err(
                f.span(),
                format!(
                    "four_fifths max ({upper}) is below min ({})",
                    rule.threshold
                ),
            ));
        }
    }
    Ok(Check::FourFifths {
        attribute: raw.attribute.clone(),
        rule,
    })
}

/// Bytes of policy text examined to find lines and columns, counted in tests: loading must
/// stay linear in the policy's size (issue 9: 40,000 gates took 51 s, quadratic).
#[cfg(test)]
pub(super) mod scanned {
    use std::cell::Cell;

    thread_local! {
        static BYTES: Cell<usize> = const { Cell::new(0) };
    }

    pub fn add(n: usize) {
        BYTES.with(|b| b.set(b.get() + n));
    }

    /// The count since the last call (this thread's).
    pub fn take() -> usize {
        BYTES.with(|b| b.replace(0))
    }
}
