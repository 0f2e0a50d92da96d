//! One function per kind of gate check: evidence in, a [`CheckResult`] out.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{CheckResult, DriftEvidence, Evidence, Outcome, Source};
use crate::evidence::bounds::Bounds;
use crate::evidence::drift::{Statistic, DRIFT_PREFIX, SHARE_KEY};
use crate::evidence::fairness::{Fairness, FourFifthsRule};
use crate::evidence::number::exact;
use crate::governance::policy::{BaselineRule, Check, DriftMeasure, Gate};

/// Evaluate one gate.
pub(super) fn run(gate: &Gate, ev: &Evidence) -> CheckResult {
    let mut result = match &gate.check {
        Check::Metric {
            metric,
            bounds,
            baseline,
        } => metric_check(metric, bounds, baseline.as_ref(), ev),
        Check::Drift {
            measure,
            bounds,
            features,
            allow_unmonitored,
        } => drift_check(measure, bounds, features.as_deref(), *allow_unmonitored, ev),
        Check::RequireTags { tags } => tags_check(tags, ev),
        Check::RequireArtifact { path } => artifact_check(path, ev),
        Check::FourFifths { attribute, rule } => four_fifths_check(attribute.as_deref(), rule, ev),
    };
    result.id = gate.id.clone();
    result
}

fn result(
    outcome: Outcome,
    observed: Value,
    bound: String,
    source: Source,
    message: String,
) -> CheckResult {
    CheckResult {
        id: String::new(),
        outcome,
        observed,
        bound,
        source,
        message,
    }
}

/// A finite number as JSON, anything else as its text (`"NaN"`, `"+Inf"`, `"-Inf"`).
fn number(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        json!(exact(v))
    }
}

/// Why a non-finite value cannot be judged, for messages.
fn not_a_measurement(what: &str, v: f64) -> String {
    format!(
        "{what} is {}: a non-finite value is invalid for every bound",
        exact(v)
    )
}

fn metric_check(
    metric: &str,
    bounds: &Bounds,
    baseline: Option<&BaselineRule>,
    ev: &Evidence,
) -> CheckResult {
    let mut source = Source {
        run_id: ev.run_id.clone(),
        metric_key: Some(metric.to_string()),
        ..Source::default()
    };
    let mut bound_text: Vec<String> = Vec::new();
    if !bounds.is_empty() {
        bound_text.push(bounds.describe());
    }
    let Some(run_id) = ev.run_id.as_deref() else {
        if let Some(b) = baseline {
            bound_text.push(format!("vs {}", b.target));
        }
        return result(
            Outcome::Missing,
            Value::Null,
            bound_text.join("; "),
            source,
            "the version has no readable source run".into(),
        );
    };
    let Some(&value) = ev.metrics.get(metric) else {
        if let Some(b) = baseline {
            bound_text.push(format!("vs {}", b.target));
        }
        return result(
            Outcome::Missing,
            Value::Null,
            bound_text.join("; "),
            source,
            format!("run {run_id} has no metric '{metric}'"),
        );
    };
    if !value.is_finite() {
        if let Some(b) = baseline {
            bound_text.push(format!("vs {}", b.target));
        }
        return result(
            Outcome::Invalid,
            number(value),
            bound_text.join("; "),
            source,
            not_a_measurement(&format!("{metric} of run {run_id}"), value),
        );
    }
    let mut failures: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    if !bounds.is_empty() && !bounds.contains(value) {
        failures.push(format!(
            "{metric} = {value} is outside {}",
            bounds.describe()
        ));
    }
    let mut missing = None;
    let mut invalid = None;
    if let Some(rule) = baseline {
        match baseline_comparison(metric, value, rule, ev, &mut source) {
            Comparison::Passed { bound } => bound_text.push(bound),
            Comparison::Failed { bound, why } => {
                bound_text.push(bound);
                failures.push(why);
            }
            Comparison::NoHolder { allowed } => {
                bound_text.push(format!("vs {}", rule.target));
                let why = format!("no version holds {}: nothing to compare with", rule.target);
                if allowed {
                    notes.push(format!("{why} (allowed by the policy)"));
                } else {
                    missing = Some(why);
                }
            }
            Comparison::MissingBaselineMetric { bound, why } => {
                bound_text.push(bound);
                missing = Some(why);
            }
            Comparison::InvalidBaselineMetric { bound, why } => {
                bound_text.push(bound);
                invalid = Some(why);
            }
        }
    }
    let bound = bound_text.join("; ");
    if !failures.is_empty() {
        return result(
            Outcome::Fail,
            number(value),
            bound,
            source,
            failures.join("; "),
        );
    }
    if let Some(why) = invalid {
        return result(Outcome::Invalid, number(value), bound, source, why);
    }
    if let Some(why) = missing {
        return result(Outcome::Missing, number(value), bound, source, why);
    }
    let mut message = format!("{metric} = {value}");
    for n in notes {
        message.push_str("; ");
        message.push_str(&n);
    }
    result(Outcome::Pass, number(value), bound, source, message)
}

enum Comparison {
    Passed {
        bound: String,
    },
    Failed {
        bound: String,
        why: String,
    },
    NoHolder {
        allowed: bool,
    },
    MissingBaselineMetric {
        bound: String,
        why: String,
    },
    /// The baseline's value is NaN or infinite: nothing can be compared with it.
    InvalidBaselineMetric {
        bound: String,
        why: String,
    },
}

/// MLflow `MetricThreshold` semantics against the version holding `rule.target`. With greater
/// is better: candidate >= baseline + min_absolute_change and candidate >= baseline +
/// |baseline| * min_relative_change (the same as baseline * (1 + r) for positive baselines);
/// mirrored when lower is better. With neither change set: candidate no worse than baseline.
fn baseline_comparison(
    metric: &str,
    candidate: f64,
    rule: &BaselineRule,
    ev: &Evidence,
    source: &mut Source,
) -> Comparison {
    let Some(base) = ev.baselines.get(&rule.target) else {
        return Comparison::NoHolder {
            allowed: rule.allow_no_baseline,
        };
    };
    source.baseline_version = Some(base.version.clone());
    source.baseline_run_id = base.run_id.clone();
    let who = format!("{} v{}", rule.target, base.version);
    let Some(&b) = base.metrics.get(metric) else {
        return Comparison::MissingBaselineMetric {
            bound: format!("vs {who}"),
            why: format!("baseline {who} has no metric '{metric}'"),
        };
    };
    if !b.is_finite() {
        return Comparison::InvalidBaselineMetric {
            bound: format!("vs {who} {}", exact(b)),
            why: not_a_measurement(&format!("baseline {who} {metric}"), b),
        };
    }
    let sign = if rule.greater_is_better { 1.0 } else { -1.0 };
    let op = if rule.greater_is_better { ">=" } else { "<=" };
    let mut limits: Vec<(f64, String)> = Vec::new();
    if let Some(a) = rule.min_absolute_change {
        limits.push((
            b + sign * a,
            format!("{who} {b} {} {}", if sign > 0.0 { "+" } else { "-" }, a),
        ));
    }
    if let Some(r) = rule.min_relative_change {
        let factor = 1.0 + sign * r;
        limits.push((b + sign * b.abs() * r, format!("{who} {b} x {factor}")));
    }
    if limits.is_empty() {
        limits.push((b, format!("{who} {b}")));
    }
    if let Some((limit, how)) = limits.iter().find(|(l, _)| !l.is_finite()) {
        return Comparison::InvalidBaselineMetric {
            bound: format!("{op} {} ({how})", exact(*limit)),
            why: format!("the limit from {how} is {}: invalid", exact(*limit)),
        };
    }
    let mut bounds = Vec::new();
    let mut why = Vec::new();
    for (limit, how) in limits {
        let text = format!("{op} {limit} ({how})");
        let ok = if rule.greater_is_better {
            candidate >= limit
        } else {
            candidate <= limit
        };
        if !ok {
            why.push(format!("{metric} = {candidate} is not {text}"));
        }
        bounds.push(text);
    }
    let bound = bounds.join(", ");
    if why.is_empty() {
        Comparison::Passed { bound }
    } else {
        Comparison::Failed {
            bound,
            why: why.join("; "),
        }
    }
}

fn drift_check(
    measure: &DriftMeasure,
    bounds: &Bounds,
    features: Option<&[String]>,
    allow_unmonitored: bool,
    ev: &Evidence,
) -> CheckResult {
    let bound = format!("{measure} {}", bounds.describe());
    let Some(drift) = &ev.drift else {
        let (outcome, message) = if allow_unmonitored {
            (
                Outcome::Pass,
                "no monitoring run for this version (allowed by the policy)",
            )
        } else {
            (Outcome::Missing, "no monitoring run for this version")
        };
        return result(
            outcome,
            Value::Null,
            bound,
            Source::default(),
            message.into(),
        );
    };
    let mut source = drift_source(drift, None);
    match measure {
        DriftMeasure::Share => {
            source.metric_key = drift.artifact_path.is_none().then(|| SHARE_KEY.to_string());
            match drift.window.drift_share {
                None => result(
                    Outcome::Missing,
                    Value::Null,
                    bound,
                    source,
                    "the latest window has no drift share".into(),
                ),
                Some(share) if !share.is_finite() => result(
                    Outcome::Invalid,
                    number(share),
                    bound,
                    source,
                    not_a_measurement("the share of drifted features", share),
                ),
                Some(share) => match non_finite_verdicts(drift) {
                    Some(why) => result(Outcome::Invalid, number(share), bound, source, why),
                    None => share_result(share, bounds, bound, source),
                },
            }
        }
        DriftMeasure::Feature(stat) => feature_drift(stat, bounds, features, drift, bound),
    }
}

/// A share computed from verdicts that rest on NaN or ±Inf is no measurement either.
fn non_finite_verdicts(drift: &DriftEvidence) -> Option<String> {
    let broken: Vec<String> = drift
        .window
        .features
        .iter()
        .filter_map(|f| {
            let v = f.verdict.as_ref()?;
            (!v.value.is_finite())
                .then(|| format!("{} {} {}", f.feature, v.statistic, exact(v.value)))
        })
        .collect();
    (!broken.is_empty()).then(|| {
        format!(
            "the share counts verdicts on non-finite statistics: {}",
            broken.join(", ")
        )
    })
}

fn share_result(share: f64, bounds: &Bounds, bound: String, source: Source) -> CheckResult {
    match share {
        share if bounds.contains(share) => result(
            Outcome::Pass,
            number(share),
            bound,
            source,
            format!("share of drifted features {share}"),
        ),
        share => result(
            Outcome::Fail,
            number(share),
            bound,
            source,
            format!(
                "share of drifted features {share} is outside {}",
                bounds.describe()
            ),
        ),
    }
}

fn drift_source(drift: &DriftEvidence, metric_key: Option<String>) -> Source {
    Source {
        run_id: Some(drift.run_id.clone()),
        artifact_path: drift.artifact_path.clone(),
        metric_key,
        ..Source::default()
    }
}

fn feature_drift(
    stat: &Statistic,
    bounds: &Bounds,
    only: Option<&[String]>,
    drift: &DriftEvidence,
    bound: String,
) -> CheckResult {
    let window = &drift.window;
    let mut values: BTreeMap<String, f64> = BTreeMap::new();
    let mut absent: Vec<String> = Vec::new();
    match only {
        Some(names) => {
            for name in names {
                match window.feature(name).and_then(|f| f.stat(stat)) {
                    Some(v) => {
                        values.insert(name.clone(), v);
                    }
                    None => absent.push(name.clone()),
                }
            }
        }
        None => {
            for f in &window.features {
                if let Some(v) = f.stat(stat) {
                    values.insert(f.feature.clone(), v);
                }
            }
        }
    }
    let key = |feature: &str| {
        drift
            .artifact_path
            .is_none()
            .then(|| format!("{DRIFT_PREFIX}{feature}.{stat}"))
    };
    let outside: Vec<(&String, f64)> = values
        .iter()
        .filter(|(_, v)| v.is_finite() && !bounds.contains(**v))
        .map(|(k, v)| (k, *v))
        .collect();
    let non_finite: Vec<(&String, f64)> = values
        .iter()
        .filter(|(_, v)| !v.is_finite())
        .map(|(k, v)| (k, *v))
        .collect();
    let lower_is_worse = bounds.min.is_some() && bounds.max.is_none();
    let worst = values
        .iter()
        .map(|(k, v)| (k, *v))
        .filter(|(_, v)| v.is_finite())
        .reduce(|a, b| {
            let b_worse = if lower_is_worse { b.1 < a.1 } else { b.1 > a.1 };
            if b_worse {
                b
            } else {
                a
            }
        });
    if !outside.is_empty() {
        let (first, _) = outside[0];
        let listed: Vec<String> = outside.iter().map(|(f, v)| format!("{f} {v}")).collect();
        let observed: serde_json::Map<String, Value> = outside
            .iter()
            .map(|(f, v)| ((*f).clone(), number(*v)))
            .collect();
        return result(
            Outcome::Fail,
            Value::Object(observed),
            bound,
            drift_source(drift, key(first)),
            format!(
                "{stat} outside {} for: {}",
                bounds.describe(),
                listed.join(", ")
            ),
        );
    }
    if !non_finite.is_empty() {
        let (first, _) = non_finite[0];
        let listed: Vec<String> = non_finite
            .iter()
            .map(|(f, v)| format!("{f} {}", exact(*v)))
            .collect();
        let observed: serde_json::Map<String, Value> = non_finite
            .iter()
            .map(|(f, v)| ((*f).clone(), number(*v)))
            .collect();
        return result(
            Outcome::Invalid,
            Value::Object(observed),
            bound,
            drift_source(drift, key(first)),
            format!(
                "{stat} is non-finite (invalid for every bound) for: {}",
                listed.join(", ")
            ),
        );
    }
    if !absent.is_empty() || values.is_empty() {
        let what = if absent.is_empty() {
            "any feature".to_string()
        } else {
            absent.join(", ")
        };
        return result(
            Outcome::Missing,
            Value::Null,
            bound,
            drift_source(drift, None),
            format!("the latest window has no {stat} for {what}"),
        );
    }
    let (feature, v) = worst.expect("values is not empty");
    result(
        Outcome::Pass,
        json!({ feature.clone(): number(v) }),
        bound,
        drift_source(drift, key(feature)),
        format!(
            "{} features within bounds; worst {feature} {v}",
            values.len()
        ),
    )
}

/// Required tags are looked up on the version, then its source run, then the registered model:
/// teams put `owner` on runs and models and `model_card_url` on versions, and each is evidence.
fn tags_check(tags: &[String], ev: &Evidence) -> CheckResult {
    let bound = format!("tags set: {}", tags.join(", "));
    let places = [
        ("version", &ev.tags),
        ("run", &ev.run_tags),
        ("model", &ev.model_tags),
    ];
    let mut found: Vec<(&str, &str, &str)> = Vec::new(); // (tag, where, value)
    let mut absent: Vec<&str> = Vec::new();
    for tag in tags {
        match places
            .iter()
            .find_map(|(place, map)| map.get(tag).map(|v| (*place, v.as_str())))
        {
            Some((place, value)) => found.push((tag, place, value)),
            None => absent.push(tag),
        }
    }
    let source = Source {
        tags: found
            .iter()
            .map(|(tag, place, _)| format!("{place}:{tag}"))
            .collect(),
        ..Source::default()
    };
    let observed = Value::Object(
        found
            .iter()
            .map(|(tag, _, value)| (tag.to_string(), json!(value)))
            .collect(),
    );
    let empty: Vec<&str> = found
        .iter()
        .filter(|(_, _, v)| v.trim().is_empty())
        .map(|(t, _, _)| *t)
        .collect();
    if !empty.is_empty() {
        return result(
            Outcome::Fail,
            observed,
            bound,
            source,
            format!("empty tag value: {}", empty.join(", ")),
        );
    }
    if !absent.is_empty() {
        return result(
            Outcome::Missing,
            observed,
            bound,
            source,
            format!(
                "tag set on neither the version, its run nor the model: {}",
                absent.join(", ")
            ),
        );
    }
    let wheres: Vec<String> = found
        .iter()
        .map(|(tag, place, _)| format!("{tag} on the {place}"))
        .collect();
    result(Outcome::Pass, observed, bound, source, wheres.join(", "))
}

fn artifact_check(path: &str, ev: &Evidence) -> CheckResult {
    let folder = path.ends_with('/');
    let bound = if folder {
        format!("folder {path} in the run's artifacts")
    } else {
        format!("file {path} in the run's artifacts")
    };
    let mut source = Source {
        run_id: ev.run_id.clone(),
        artifact_path: Some(path.to_string()),
        ..Source::default()
    };
    let Some(artifacts) = ev.artifacts.as_ref().filter(|_| ev.run_id.is_some()) else {
        return result(
            Outcome::Missing,
            Value::Null,
            bound,
            source,
            "the source run's artifacts could not be listed".into(),
        );
    };
    let dir = path.trim_end_matches('/');
    let found = artifacts.iter().find(|a| {
        let a = a.trim_start_matches('/');
        if folder {
            a.strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/'))
        } else {
            a == path
        }
    });
    match found {
        Some(hit) => {
            source.artifact_path = Some(hit.clone());
            result(
                Outcome::Pass,
                json!(hit),
                bound,
                source,
                format!("found {hit}"),
            )
        }
        None => result(
            Outcome::Missing,
            Value::Null,
            bound,
            source,
            format!(
                "no {} {path} among {} artifacts",
                if folder { "folder" } else { "file" },
                artifacts.len()
            ),
        ),
    }
}

fn four_fifths_check(attribute: Option<&str>, rule: &FourFifthsRule, ev: &Evidence) -> CheckResult {
    let mut bound = format!("min/max selection rate >= {}", rule.threshold);
    if let Some(u) = rule.upper {
        bound.push_str(&format!(", <= {u}"));
    }
    if let Some(a) = attribute {
        bound.push_str(&format!(" ({a})"));
    }
    let source = Source {
        run_id: ev.run_id.clone(),
        metric_key: Some(match attribute {
            Some(a) => format!("fairness.{a}:*.selection_rate"),
            None => "fairness.*:*.selection_rate".to_string(),
        }),
        ..Source::default()
    };
    let fairness = Fairness::read(
        ev.metrics.iter().map(|(k, v)| (k.as_str(), *v)),
        &BTreeMap::new(),
        rule,
    );
    let candidates: Vec<_> = fairness
        .attributes()
        .iter()
        .filter(|a| attribute.is_none_or(|want| a.attribute == want))
        .filter_map(|a| a.four_fifths.as_ref().map(|ff| (a.attribute.as_str(), ff)))
        .collect();
    if candidates.is_empty() {
        let what = attribute.map_or("any attribute".to_string(), |a| format!("'{a}'"));
        return result(
            Outcome::Missing,
            Value::Null,
            bound,
            source,
            format!("no per-group selection rates for {what} (fairness.<attribute>:<group>.selection_rate)"),
        );
    }
    let observed: serde_json::Map<String, Value> = candidates
        .iter()
        .map(|(a, ff)| (a.to_string(), number(ff.ratio)))
        .collect();
    let invalid: Vec<String> = candidates
        .iter()
        .filter(|(_, ff)| !ff.is_finite())
        .map(|(a, ff)| {
            format!(
                "{a}: {} {} / {} {} = {}",
                ff.lowest_group,
                exact(ff.lowest_rate),
                ff.highest_group,
                exact(ff.highest_rate),
                exact(ff.ratio)
            )
        })
        .collect();
    let failing: Vec<String> = candidates
        .iter()
        .filter(|(_, ff)| ff.is_finite() && !ff.passes)
        .map(|(a, ff)| {
            format!(
                "{a}: {} {} / {} {} = {:.3}",
                ff.lowest_group, ff.lowest_rate, ff.highest_group, ff.highest_rate, ff.ratio
            )
        })
        .collect();
    if failing.is_empty() && !invalid.is_empty() {
        result(
            Outcome::Invalid,
            Value::Object(observed),
            bound,
            source,
            format!(
                "non-finite selection rates (invalid for every bound): {}",
                invalid.join("; ")
            ),
        )
    } else if failing.is_empty() {
        result(
            Outcome::Pass,
            Value::Object(observed),
            bound,
            source,
            format!(
                "{} attribute(s) within the four-fifths rule",
                candidates.len()
            ),
        )
    } else {
        result(
            Outcome::Fail,
            Value::Object(observed),
            bound,
            source,
            failing.join("; "),
        )
    }
}
