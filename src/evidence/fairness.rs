//! Fairness evidence from a run's metrics, named by the demo's convention:
//! `fairness.<metric>` (aggregates for the primary attribute), `fairness.<attribute>.<metric>`
//! (aggregates per attribute), `fairness.<attribute>:<group>.<metric>` (per-group values such as
//! selection_rate, accuracy, tpr, fpr). Aggregates follow AIF360 (unprivileged vs privileged).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bounds::Bounds;
use crate::mlflow::Metric;

/// Prefix of every fairness metric.
pub const FAIRNESS_PREFIX: &str = "fairness.";
/// The per-group metric the four-fifths rule compares.
pub const SELECTION_RATE: &str = "selection_rate";
/// What to log when there is no fairness evidence, for the "no evidence" message.
pub const NAMING_CONVENTION: &str =
    "log run metrics fairness.<metric> (statistical_parity_difference, \
disparate_impact, equal_opportunity_difference, average_odds_difference) and per group \
fairness.<attribute>:<group>.<metric> (selection_rate, accuracy, tpr, fpr)";

/// The four-fifths (disparate impact) rule: min group selection rate / max >= `threshold`.
/// A policy choice, not a law: configurable, with fairmodels' optional upper band (1.25).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FourFifthsRule {
    pub threshold: f64,
    pub upper: Option<f64>,
}

impl Default for FourFifthsRule {
    fn default() -> Self {
        FourFifthsRule {
            threshold: 0.8,
            upper: None,
        }
    }
}

/// One aggregate fairness metric with its ideal value and, when bounded, its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// The metric name (`disparate_impact`).
    pub metric: String,
    /// The full metric key (`fairness.sex.disparate_impact`).
    pub key: String,
    #[serde(with = "super::number")]
    pub value: f64,
    /// 0 for differences and indices, 1 for ratios; unknown metrics have none.
    pub ideal: Option<f64>,
    pub bounds: Option<Bounds>,
    /// Whether the value lies within `bounds`; `None` when unbounded.
    pub passes: Option<bool>,
}

/// One group's values (`selection_rate`, `accuracy`, `tpr`, `fpr`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupValues {
    pub group: String,
    #[serde(with = "super::number")]
    pub metrics: BTreeMap<String, f64>,
}

/// The four-fifths ratio of one attribute's groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FourFifths {
    pub lowest_group: String,
    #[serde(with = "super::number")]
    pub lowest_rate: f64,
    pub highest_group: String,
    #[serde(with = "super::number")]
    pub highest_rate: f64,
    #[serde(with = "super::number")]
    pub ratio: f64,
    pub rule: FourFifthsRule,
    pub passes: bool,
}

impl FourFifths {
    /// False when a selection rate is NaN or infinite: the ratio is then no measurement.
    pub fn is_finite(&self) -> bool {
        self.lowest_rate.is_finite() && self.highest_rate.is_finite() && self.ratio.is_finite()
    }
}

/// Everything logged about one sensitive attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeFairness {
    pub attribute: String,
    pub aggregates: Vec<Aggregate>,
    pub groups: Vec<GroupValues>,
    /// `None` when fewer than two groups logged a selection rate, or none selected anybody.
    pub four_fifths: Option<FourFifths>,
}

impl AttributeFairness {
    /// The per-group metric names present, for grouped bar charts.
    pub fn group_metrics(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .groups
            .iter()
            .flat_map(|g| g.metrics.keys().map(String::as_str))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// A run's fairness evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Fairness {
    /// The run logged no `fairness.*` metric.
    NoEvidence,
    Logged {
        /// `fairness.<metric>`: the primary attribute's aggregates.
        aggregates: Vec<Aggregate>,
        attributes: Vec<AttributeFairness>,
    },
}

impl Fairness {
    /// Read fairness evidence from `(metric key, value)` pairs. `bounds` are keyed by the full
    /// metric key (as policy gates name them).
    pub fn read<'a>(
        metrics: impl IntoIterator<Item = (&'a str, f64)>,
        bounds: &BTreeMap<String, Bounds>,
        rule: &FourFifthsRule,
    ) -> Fairness {
        let mut aggregates = Vec::new();
        let mut attributes: BTreeMap<String, (Vec<Aggregate>, BTreeMap<String, GroupValues>)> =
            BTreeMap::new();
        for (key, value) in metrics {
            let Some(rest) = key.strip_prefix(FAIRNESS_PREFIX) else {
                continue;
            };
            match parse_name(rest) {
                Name::Aggregate(metric) => aggregates.push(aggregate(key, metric, value, bounds)),
                Name::AttributeAggregate(attr, metric) => attributes
                    .entry(attr.to_string())
                    .or_default()
                    .0
                    .push(aggregate(key, metric, value, bounds)),
                Name::Group(attr, group, metric) => {
                    attributes
                        .entry(attr.to_string())
                        .or_default()
                        .1
                        .entry(group.to_string())
                        .or_insert_with(|| GroupValues {
                            group: group.to_string(),
                            metrics: BTreeMap::new(),
                        })
                        .metrics
                        .insert(metric.to_string(), value);
                }
            }
        }
        if aggregates.is_empty() && attributes.is_empty() {
            return Fairness::NoEvidence;
        }
        aggregates.sort_by(|a, b| a.metric.cmp(&b.metric));
        let attributes = attributes
            .into_iter()
            .map(|(attribute, (mut aggs, groups))| {
                aggs.sort_by(|a, b| a.metric.cmp(&b.metric));
                let groups: Vec<GroupValues> = groups.into_values().collect();
                AttributeFairness {
                    four_fifths: four_fifths(&groups, rule),
                    attribute,
                    aggregates: aggs,
                    groups,
                }
            })
            .collect();
        Fairness::Logged {
            aggregates,
            attributes,
        }
    }

    /// [`Fairness::read`] from a run's metrics.
    pub fn from_metrics(
        metrics: &[Metric],
        bounds: &BTreeMap<String, Bounds>,
        rule: &FourFifthsRule,
    ) -> Fairness {
        Fairness::read(
            metrics.iter().map(|m| (m.key.as_str(), m.value)),
            bounds,
            rule,
        )
    }

    /// The attribute named `attribute`.
    pub fn attribute(&self, attribute: &str) -> Option<&AttributeFairness> {
        match self {
            Fairness::NoEvidence => None,
            Fairness::Logged { attributes, .. } => {
                attributes.iter().find(|a| a.attribute == attribute)
            }
        }
    }

    /// Every attribute (none without evidence).
    pub fn attributes(&self) -> &[AttributeFairness] {
        match self {
            Fairness::NoEvidence => &[],
            Fairness::Logged { attributes, .. } => attributes,
        }
    }
}

/// The ideal value of a fairness metric by its name: 0 for differences and indices, 1 for
/// ratios (disparate impact).
pub fn ideal_value(metric: &str) -> Option<f64> {
    if metric.ends_with("_difference") || metric.ends_with("_index") {
        Some(0.0)
    } else if metric == "disparate_impact" || metric.ends_with("_ratio") {
        Some(1.0)
    } else {
        None
    }
}

/// The four-fifths ratio over groups that logged a selection rate. A NaN or infinite rate is
/// kept, not skipped (skipping it could let the remaining groups pass): in the total order of
/// floats it is the lowest or the highest rate, so the result is not [`FourFifths::is_finite`]
/// and never passes.
pub fn four_fifths(groups: &[GroupValues], rule: &FourFifthsRule) -> Option<FourFifths> {
    let rates: Vec<(&str, f64)> = groups
        .iter()
        .filter_map(|g| {
            g.metrics
                .get(SELECTION_RATE)
                .map(|&r| (g.group.as_str(), r))
        })
        .collect();
    if rates.len() < 2 {
        return None;
    }
    let lowest = rates.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1))?;
    let highest = rates.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
    if highest.1.is_finite() && highest.1 <= 0.0 {
        return None;
    }
    let finite = lowest.1.is_finite() && highest.1.is_finite();
    let ratio = if finite {
        lowest.1 / highest.1
    } else {
        f64::NAN
    };
    // min/max never exceeds 1, so the upper band only bites on ratios supplied elsewhere; it is
    // kept on the rule so reports state the band the policy asked for.
    let passes = finite && ratio >= rule.threshold && rule.upper.is_none_or(|u| ratio <= u);
    Some(FourFifths {
        lowest_group: lowest.0.to_string(),
        lowest_rate: lowest.1,
        highest_group: highest.0.to_string(),
        highest_rate: highest.1,
        ratio,
        rule: *rule,
        passes,
    })
}

enum Name<'a> {
    /// `<metric>`
    Aggregate(&'a str),
    /// `<attribute>.<metric>`
    AttributeAggregate(&'a str, &'a str),
    /// `<attribute>:<group>.<metric>`
    Group(&'a str, &'a str, &'a str),
}

fn parse_name(rest: &str) -> Name<'_> {
    if let Some((attr, group_metric)) = rest.split_once(':') {
        if let Some((group, metric)) = group_metric.rsplit_once('.') {
            return Name::Group(attr, group, metric);
        }
    }
    match rest.rsplit_once('.') {
        Some((attr, metric)) => Name::AttributeAggregate(attr, metric),
        None => Name::Aggregate(rest),
    }
}

fn aggregate(key: &str, metric: &str, value: f64, bounds: &BTreeMap<String, Bounds>) -> Aggregate {
    let bound = bounds.get(key).copied().filter(|b| !b.is_empty());
    Aggregate {
        metric: metric.to_string(),
        key: key.to_string(),
        value,
        ideal: ideal_value(metric),
        passes: bound.map(|b| b.contains(value)),
        bounds: bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the demo seeder logs for a credit model biased against women.
    fn seeded() -> Vec<(&'static str, f64)> {
        vec![
            ("accuracy", 0.86),
            ("fairness.statistical_parity_difference", -0.12),
            ("fairness.disparate_impact", 0.74),
            ("fairness.equal_opportunity_difference", -0.08),
            ("fairness.average_odds_difference", -0.05),
            ("fairness.sex.disparate_impact", 0.74),
            ("fairness.sex:female.selection_rate", 0.34),
            ("fairness.sex:male.selection_rate", 0.46),
            ("fairness.sex:female.accuracy", 0.85),
            ("fairness.sex:male.accuracy", 0.87),
            ("fairness.sex:female.tpr", 0.7),
            ("fairness.sex:male.fpr", 0.1),
            ("fairness.age_group:lt25.selection_rate", 0.30),
            ("fairness.age_group:25to60.selection_rate", 0.35),
            ("fairness.age_group:gt60.selection_rate", 0.36),
        ]
    }

    fn read(bounds: &BTreeMap<String, Bounds>, rule: FourFifthsRule) -> Fairness {
        Fairness::read(seeded(), bounds, &rule)
    }

    #[test]
    fn aggregates_have_ideals_and_bounds() {
        let bounds = BTreeMap::from([(
            "fairness.statistical_parity_difference".to_string(),
            Bounds {
                abs_max: Some(0.1),
                ..Bounds::default()
            },
        )]);
        let Fairness::Logged { aggregates, .. } = read(&bounds, FourFifthsRule::default()) else {
            panic!("expected evidence");
        };
        assert_eq!(aggregates.len(), 4);
        let spd = aggregates
            .iter()
            .find(|a| a.metric == "statistical_parity_difference")
            .unwrap();
        assert_eq!(spd.ideal, Some(0.0));
        assert_eq!(spd.passes, Some(false));
        let di = aggregates
            .iter()
            .find(|a| a.metric == "disparate_impact")
            .unwrap();
        assert_eq!(di.ideal, Some(1.0));
        assert_eq!(di.passes, None);
    }

    #[test]
    fn groups_by_attribute_with_four_fifths() {
        let f = read(&BTreeMap::new(), FourFifthsRule::default());
        let names: Vec<&str> = f
            .attributes()
            .iter()
            .map(|a| a.attribute.as_str())
            .collect();
        assert_eq!(names, ["age_group", "sex"]);
        let sex = f.attribute("sex").unwrap();
        assert_eq!(sex.groups.len(), 2);
        assert_eq!(sex.aggregates[0].key, "fairness.sex.disparate_impact");
        assert_eq!(
            sex.group_metrics(),
            ["accuracy", "fpr", "selection_rate", "tpr"]
        );
        let ff = sex.four_fifths.as_ref().unwrap();
        assert_eq!(ff.lowest_group, "female");
        assert_eq!(ff.highest_group, "male");
        assert!((ff.ratio - 0.34 / 0.46).abs() < 1e-12);
        assert!(!ff.passes);
        let age = f
            .attribute("age_group")
            .unwrap()
            .four_fifths
            .clone()
            .unwrap();
        assert_eq!(age.lowest_group, "lt25");
        assert!(age.passes);
    }

    #[test]
    fn configurable_threshold() {
        let lenient = FourFifthsRule {
            threshold: 0.7,
            upper: Some(1.25),
        };
        let f = read(&BTreeMap::new(), lenient);
        assert!(
            f.attribute("sex")
                .unwrap()
                .four_fifths
                .as_ref()
                .unwrap()
                .passes
        );
    }

    #[test]
    fn no_fairness_evidence() {
        let f = Fairness::read(
            [("accuracy", 0.9), ("fairness_score", 1.0)],
            &BTreeMap::new(),
            &FourFifthsRule::default(),
        );
        assert_eq!(f, Fairness::NoEvidence);
        assert!(f.attributes().is_empty());
        assert!(NAMING_CONVENTION.contains("fairness.<attribute>:<group>.<metric>"));
    }

    #[test]
    fn four_fifths_needs_two_groups_and_a_selection() {
        let one = vec![GroupValues {
            group: "a".into(),
            metrics: BTreeMap::from([(SELECTION_RATE.to_string(), 0.5)]),
        }];
        assert!(four_fifths(&one, &FourFifthsRule::default()).is_none());
        let zero: Vec<GroupValues> = ["a", "b"]
            .iter()
            .map(|g| GroupValues {
                group: g.to_string(),
                metrics: BTreeMap::from([(SELECTION_RATE.to_string(), 0.0)]),
            })
            .collect();
        assert!(four_fifths(&zero, &FourFifthsRule::default()).is_none());
    }

    #[test]
    fn ideal_values_by_name() {
        assert_eq!(ideal_value("average_odds_difference"), Some(0.0));
        assert_eq!(ideal_value("theil_index"), Some(0.0));
        assert_eq!(ideal_value("demographic_parity_ratio"), Some(1.0));
        assert_eq!(ideal_value("selection_rate"), None);
    }

    #[test]
    fn from_run_metrics() {
        let metrics = vec![Metric {
            key: "fairness.disparate_impact".into(),
            value: 0.9,
            timestamp: 0,
            step: 0,
        }];
        let f = Fairness::from_metrics(&metrics, &BTreeMap::new(), &FourFifthsRule::default());
        assert!(matches!(f, Fairness::Logged { ref aggregates, .. } if aggregates.len() == 1));
    }
}
