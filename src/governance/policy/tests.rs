use super::*;
use crate::governance::target::Stage;

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../tests/fixtures/policies/", $name)),
        )
    };
}

fn parse(f: (&str, &str)) -> Result<Policy, PolicyError> {
    Policy::parse(f.1, &format!("policies/{}", f.0))
}

#[test]
fn the_issue_example_parses() {
    let p = parse(fixture!("issue5_example.toml")).unwrap();
    assert_eq!(p.settings, Settings::default());
    let ids: Vec<&str> = p.gates.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "accuracy",
            "auc-vs-champion",
            "parity",
            "four-fifths",
            "drift",
            "model-card",
            "explainability"
        ]
    );
    assert_eq!(p.gates[0].line, 5);
    assert_eq!(
        p.gates[0].targets,
        Some(vec![
            Target::Stage(Stage::Production),
            Target::Alias("champion".into())
        ])
    );
    match &p.gates[1].check {
        Check::Metric {
            metric,
            bounds,
            baseline: Some(b),
        } => {
            assert_eq!(metric, "auc");
            assert!(bounds.is_empty());
            assert_eq!(b.target, Target::Alias("champion".into()));
            assert_eq!(b.min_relative_change, Some(-0.01));
            assert!(b.greater_is_better);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        p.gates[4].check,
        Check::Drift {
            measure: DriftMeasure::Feature(Statistic::Psi),
            bounds: Bounds {
                max: Some(0.2),
                ..Bounds::default()
            },
            features: None,
            allow_unmonitored: false,
        }
    );
    assert_eq!(
        p.gates[6].check,
        Check::RequireArtifact {
            path: "explanations/".into()
        }
    );
    assert_eq!(
        p.digest,
        sha256_hex(fixture!("issue5_example.toml").1.as_bytes())
    );
    assert_eq!(p.digest.len(), 64);
}

#[test]
fn gates_and_baselines_per_target() {
    let p = parse(fixture!("issue5_example.toml")).unwrap();
    let staging = Target::Stage(Stage::Staging);
    let prod = Target::Stage(Stage::Production);
    assert_eq!(p.gates_for(&staging).count(), 6);
    assert_eq!(p.gates_for(&prod).count(), 7);
    assert_eq!(
        p.baselines_for(&prod),
        vec![Target::Alias("champion".into())]
    );
    let bounds = p.metric_bounds(None);
    assert_eq!(
        bounds["fairness.statistical_parity_difference"].abs_max,
        Some(0.1)
    );
    assert_eq!(bounds["fairness.disparate_impact"].max, Some(1.25));
    assert!(!p.metric_bounds(Some(&staging)).contains_key("accuracy"));
}

#[test]
fn the_extensions_parse() {
    let p = parse(fixture!("extended.toml")).unwrap();
    assert!(p.settings.four_eyes);
    assert!(p.settings.allow_override);
    assert_eq!(
        p.gates[0].description.as_deref(),
        Some("p95 latency budget of the serving tier")
    );
    match &p.gates[1].check {
        Check::Metric {
            baseline: Some(b), ..
        } => {
            assert!(!b.greater_is_better);
            assert!(b.allow_no_baseline);
            assert_eq!(b.target, Target::Stage(Stage::Production));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        p.gates[2].check,
        Check::FourFifths {
            attribute: Some("sex".into()),
            rule: FourFifthsRule {
                threshold: 0.8,
                upper: Some(1.25)
            }
        }
    );
    assert!(matches!(
        &p.gates[3].check,
        Check::Drift {
            measure: DriftMeasure::Share,
            allow_unmonitored: true,
            ..
        }
    ));
    assert!(matches!(
        &p.gates[4].check,
        Check::Drift { measure: DriftMeasure::Feature(Statistic::PValue), features: Some(f), .. } if f == &["income"]
    ));
}

#[test]
fn every_kind_of_mistake_names_file_line_and_reason() {
    let cases = [
        (fixture!("unknown_key.toml"), 4, "unknown field `minimum`"),
        (fixture!("unknown_table.toml"), 1, "unknown field `policy`"),
        (
            fixture!("bad_type_setting.toml"),
            2,
            "invalid type: string \"yes\", expected a boolean",
        ),
        (
            fixture!("bad_type.toml"),
            4,
            "invalid type: string \"0.85\", expected f64",
        ),
        (
            fixture!("min_greater_than_max.toml"),
            5,
            "gate 'di': min (1.25) is greater than max (0.8)",
        ),
        (
            fixture!("no_check.toml"),
            6,
            "gate 'lonely': checks nothing",
        ),
        (
            fixture!("duplicate_id.toml"),
            6,
            "duplicate gate id 'acc' (first used on line 1)",
        ),
        (
            fixture!("mixed_kinds.toml"),
            1,
            "gate 'mixed': mixes metric and require_tags",
        ),
        (fixture!("bad_target.toml"), 5, "'Prod' is not a target"),
        (
            fixture!("bad_drift_statistic.toml"),
            3,
            "unknown drift statistic 'kl'",
        ),
        (
            fixture!("drift_unknown_key.toml"),
            3,
            "unknown field `maximum`",
        ),
        (fixture!("negative_abs_max.toml"), 4, "abs_max is negative"),
        (
            fixture!("change_without_baseline.toml"),
            4,
            "need `baseline`",
        ),
        (
            fixture!("reserved_baseline.toml"),
            4,
            "baseline: alias 'latest' is reserved",
        ),
        (fixture!("bound_without_metric.toml"), 3, "need `metric`"),
        (fixture!("metric_without_bound.toml"), 3, "has no bound"),
        (fixture!("missing_id.toml"), 1, "missing field `id`"),
        (fixture!("nan_bound.toml"), 4, "numbers must be finite"),
        (fixture!("not_toml.toml"), 1, ""),
    ];
    for (f, line, reason) in cases {
        let e = parse(f).expect_err(f.0);
        assert_eq!(e.file, format!("policies/{}", f.0));
        assert_eq!(e.line, Some(line), "{}: {e}", f.0);
        assert!(e.reason.contains(reason), "{}: {e}", f.0);
        assert!(e
            .to_string()
            .starts_with(&format!("policies/{}:{line}:", f.0)));
    }
}

#[test]
fn small_mistakes_inline() {
    let bad = |text: &str, reason: &str| {
        let e = Policy::parse(text, "p.toml").unwrap_err();
        assert!(e.reason.contains(reason), "{text}: {e}");
    };
    bad(
        "[[gate]]\nid = \" \"\nmetric = \"a\"\nmin = 1\n",
        "gate id is empty",
    );
    bad(
        "[[gate]]\nid = \"a\"\nmetric = \"a\"\nmin = 1\ntargets = []\n",
        "targets is empty",
    );
    bad(
        "[[gate]]\nid = \"a\"\nrequire_tags = []\n",
        "non-empty tag names",
    );
    bad(
        "[[gate]]\nid = \"a\"\nrequire_artifact = \"/\"\n",
        "require_artifact is empty",
    );
    bad(
        "[[gate]]\nid = \"a\"\ndrift = { statistic = \"psi\" }\n",
        "drift needs `max`",
    );
    bad(
        "[[gate]]\nid = \"a\"\ndrift = { statistic = \"share\", max = 0.5, features = [\"x\"] }\n",
        "does not apply",
    );
    bad(
        "[[gate]]\nid = \"a\"\ndrift = { statistic = \"psi\", min = 0.3, max = 0.2 }\n",
        "greater than max",
    );
    bad(
        "[[gate]]\nid = \"a\"\nfour_fifths = { min = 1.5 }\n",
        "must be in (0, 1]",
    );
    bad(
        "[[gate]]\nid = \"a\"\nfour_fifths = { min = 0.8, max = 0.5 }\n",
        "below min",
    );
    bad(
        "[[gate]]\nid = \"a\"\nmetric = \" \"\nmin = 1\n",
        "metric is empty",
    );
}

#[test]
fn empty_policies() {
    let p = Policy::parse("", "empty.toml").unwrap();
    assert!(p.gates.is_empty());
    assert!(p.settings.four_eyes);
    assert_eq!(p, Policy::empty("empty.toml"));
    assert_eq!(
        p.digest,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn errors_without_position_display_file_only() {
    let e = PolicyError {
        file: "p.toml".into(),
        line: None,
        column: None,
        reason: "unreadable".into(),
    };
    assert_eq!(e.to_string(), "p.toml: unreadable");
}

/// Issue 9: a policy with 40,000 gates took 51 s to load, because each gate's line number was
/// found by scanning the text from the top. Counted, not timed: locating every gate (and an
/// error at the very end) may examine each byte of the policy a bounded number of times.
#[test]
fn loading_is_linear_in_the_policy_size() {
    let gates = 10_000;
    let mut text = String::new();
    for i in 0..gates {
        text.push_str(&format!(
            "[[gate]]\nid = \"g{i}\"\nmetric = \"m{i}\"\nmin = 0.5\n\n"
        ));
    }
    super::parse::scanned::take();
    let p = Policy::parse(&text, "big.toml").unwrap();
    assert_eq!(p.gates.len(), gates);
    assert_eq!(p.gates[gates - 1].line, 5 * (gates - 1) + 1);
    let scanned = super::parse::scanned::take();
    assert!(
        scanned <= 2 * text.len(),
        "{scanned} bytes examined for a {}-byte policy",
        text.len()
    );
    // A mistake in the last gate still names its line.
    text.push_str("[[gate]]\nid = \"g0\"\nmetric = \"m\"\nmin = 1\n");
    let e = Policy::parse(&text, "big.toml").unwrap_err();
    assert_eq!(e.line, Some(5 * gates + 1));
    assert!(e.reason.contains("duplicate gate id 'g0'"), "{}", e.reason);
    assert!(super::parse::scanned::take() <= 2 * text.len());
}
