use std::collections::BTreeMap;

use super::*;
use crate::evidence::drift::{DriftThresholds, FeatureRow, Statistic};
use crate::governance::target::Stage;

const ISSUE_POLICY: &str = include_str!("../../../tests/fixtures/policies/issue5_example.toml");
const EXTENDED_POLICY: &str = include_str!("../../../tests/fixtures/policies/extended.toml");
const AT: &str = "2026-11-20T10:00:00Z";

fn policy() -> Policy {
    Policy::parse(ISSUE_POLICY, "tollgate.toml").unwrap()
}

fn champion() -> Target {
    Target::Alias("champion".into())
}

fn production() -> Target {
    Target::Stage(Stage::Production)
}

fn window(psi: &[(&str, f64)]) -> WindowTable {
    let t = DriftThresholds::default();
    WindowTable {
        step: Some(11),
        window_end_ms: Some(1_795_000_000_000),
        features: psi
            .iter()
            .map(|(f, v)| {
                FeatureRow::judged(
                    f.to_string(),
                    BTreeMap::from([(Statistic::Psi, *v), (Statistic::PValue, 0.2)]),
                    &t,
                )
            })
            .collect(),
        drift_share: None,
        dataset_drifted: None,
    }
    .complete(&t)
}

/// credit-scoring version 7: good accuracy, fair, documented, explained, no drift.
fn good() -> Evidence {
    Evidence {
        model: "credit-scoring".into(),
        version: "7".into(),
        stage: Some("Staging".into()),
        aliases: vec!["challenger".into()],
        run_id: Some("r7".into()),
        metrics: BTreeMap::from([
            ("accuracy".into(), 0.88),
            ("auc".into(), 0.915),
            ("fairness.statistical_parity_difference".into(), -0.04),
            ("fairness.disparate_impact".into(), 0.91),
            ("fairness.sex:female.selection_rate".into(), 0.41),
            ("fairness.sex:male.selection_rate".into(), 0.45),
        ]),
        tags: BTreeMap::from([
            ("owner".into(), "risk-team".into()),
            ("model_card_url".into(), "https://wiki/credit".into()),
            ("tollgate.decision.Production".into(), "requested".into()),
        ]),
        run_tags: BTreeMap::new(),
        model_tags: BTreeMap::new(),
        artifacts: Some(vec![
            "model/MLmodel".into(),
            "explanations/shap_summary.png".into(),
        ]),
        baselines: BTreeMap::from([(
            champion(),
            Baseline {
                version: "5".into(),
                run_id: Some("r5".into()),
                metrics: BTreeMap::from([("auc".into(), 0.92)]),
            },
        )]),
        drift: Some(DriftEvidence {
            run_id: "mon7".into(),
            artifact_path: None,
            window: window(&[("income", 0.05), ("age", 0.01)]),
        }),
    }
}

fn outcome(r: &GateReport, id: &str) -> Outcome {
    check(r, id).outcome
}

fn check<'a>(r: &'a GateReport, id: &str) -> &'a CheckResult {
    r.checks.iter().find(|c| c.id == id).unwrap()
}

#[test]
fn a_good_candidate_passes_every_gate() {
    let r = evaluate(&policy(), &production(), &good(), AT);
    assert_eq!(r.status, Outcome::Pass, "{}", r.to_markdown());
    assert_eq!(r.checks.len(), 7);
    assert!(r.not_applicable.is_empty());
    assert_eq!(r.schema_version, REPORT_SCHEMA_VERSION);
    assert_eq!(r.policy_digest, policy().digest);
    assert!(r.verify_digest());
    assert_eq!(
        r.gate_tag(),
        ("tollgate.gate.Production".into(), "pass".into())
    );
    // 0.915 >= 0.92 * 0.99 = 0.9108
    let auc = check(&r, "auc-vs-champion");
    assert_eq!(auc.source.baseline_version.as_deref(), Some("5"));
    assert_eq!(auc.source.baseline_run_id.as_deref(), Some("r5"));
    assert!(auc.bound.starts_with(">= 0.9108"), "{}", auc.bound);
    let acc = check(&r, "accuracy");
    assert_eq!(acc.observed, serde_json::json!(0.88));
    assert_eq!(acc.bound, ">= 0.85");
    assert_eq!(acc.source.run_id.as_deref(), Some("r7"));
    assert_eq!(acc.source.metric_key.as_deref(), Some("accuracy"));
    let drift = check(&r, "drift");
    assert_eq!(drift.source.run_id.as_deref(), Some("mon7"));
    assert_eq!(drift.source.metric_key.as_deref(), Some("drift.income.psi"));
    assert_eq!(
        check(&r, "explainability").observed,
        "explanations/shap_summary.png"
    );
}

#[test]
fn failures_and_missing_evidence() {
    let mut ev = good();
    ev.metrics.insert("accuracy".into(), 0.81);
    ev.metrics
        .insert("fairness.statistical_parity_difference".into(), -0.14);
    ev.metrics.remove("fairness.disparate_impact");
    ev.tags.remove("model_card_url");
    ev.artifacts = Some(vec!["model/MLmodel".into(), "explanations.txt".into()]);
    ev.drift = Some(DriftEvidence {
        run_id: "mon7".into(),
        artifact_path: None,
        window: window(&[("income", 0.31), ("age", 0.01), ("debt", 0.22)]),
    });
    let r = evaluate(&policy(), &production(), &ev, AT);
    assert_eq!(r.status, Outcome::Fail);
    assert_eq!(outcome(&r, "accuracy"), Outcome::Fail);
    assert_eq!(outcome(&r, "parity"), Outcome::Fail);
    assert_eq!(check(&r, "parity").bound, "|x| <= 0.1");
    assert_eq!(outcome(&r, "four-fifths"), Outcome::Missing);
    assert_eq!(
        check(&r, "four-fifths").message,
        "run r7 has no metric 'fairness.disparate_impact'"
    );
    assert_eq!(outcome(&r, "model-card"), Outcome::Missing);
    assert_eq!(
        check(&r, "model-card").message,
        "tag set on neither the version, its run nor the model: model_card_url"
    );
    assert_eq!(outcome(&r, "explainability"), Outcome::Missing);
    let drift = check(&r, "drift");
    assert_eq!(drift.outcome, Outcome::Fail);
    assert_eq!(
        drift.message,
        "psi outside <= 0.2 for: debt 0.22, income 0.31"
    );
    assert_eq!(
        drift.observed,
        serde_json::json!({"debt": 0.22, "income": 0.31})
    );
    assert_eq!(r.gate_tag().1, "fail");
    assert_eq!(r.blocking().count(), 6);
}

#[test]
fn missing_alone_is_not_a_pass() {
    let mut ev = good();
    ev.drift = None;
    let r = evaluate(&policy(), &production(), &ev, AT);
    assert_eq!(outcome(&r, "drift"), Outcome::Missing);
    assert_eq!(
        check(&r, "drift").message,
        "no monitoring run for this version"
    );
    assert_eq!(r.status, Outcome::Missing);
    assert!(!r.passed());
    assert_eq!(r.gate_tag().1, "fail");
}

#[test]
fn no_run_means_every_run_check_is_missing() {
    let mut ev = good();
    ev.run_id = None;
    ev.metrics.clear();
    ev.artifacts = None;
    let r = evaluate(&policy(), &production(), &ev, AT);
    for id in [
        "accuracy",
        "auc-vs-champion",
        "parity",
        "four-fifths",
        "explainability",
    ] {
        assert_eq!(outcome(&r, id), Outcome::Missing, "{id}");
    }
    assert_eq!(
        check(&r, "accuracy").message,
        "the version has no readable source run"
    );
}

#[test]
fn gates_follow_their_targets() {
    let r = evaluate(&policy(), &Target::Stage(Stage::Staging), &good(), AT);
    assert_eq!(r.not_applicable, ["accuracy"]);
    assert_eq!(r.checks.len(), 6);
}

#[test]
fn baseline_semantics() {
    let mut ev = good();
    // 0.905 < 0.92 * 0.99 = 0.9108
    ev.metrics.insert("auc".into(), 0.905);
    let r = evaluate(&policy(), &production(), &ev, AT);
    let auc = check(&r, "auc-vs-champion");
    assert_eq!(auc.outcome, Outcome::Fail);
    assert!(
        auc.message.starts_with("auc = 0.905 is not >= 0.9108"),
        "{}",
        auc.message
    );

    // Nobody holds @champion: missing, unless the policy allows it.
    ev.baselines.clear();
    let r = evaluate(&policy(), &production(), &ev, AT);
    assert_eq!(outcome(&r, "auc-vs-champion"), Outcome::Missing);
    assert_eq!(
        check(&r, "auc-vs-champion").message,
        "no version holds @champion: nothing to compare with"
    );

    // The baseline lacks the metric.
    ev.baselines.insert(
        champion(),
        Baseline {
            version: "5".into(),
            run_id: None,
            metrics: BTreeMap::new(),
        },
    );
    let r = evaluate(&policy(), &production(), &ev, AT);
    assert_eq!(
        check(&r, "auc-vs-champion").message,
        "baseline @champion v5 has no metric 'auc'"
    );
}

#[test]
fn lower_is_better_and_absent_baseline_allowed() {
    let p = Policy::parse(EXTENDED_POLICY, "extended.toml").unwrap();
    let mut ev = good();
    ev.metrics.insert("rmse".into(), 0.30);
    ev.metrics.insert("latency_p95_ms".into(), 80.0);
    ev.baselines.insert(
        production(),
        Baseline {
            version: "4".into(),
            run_id: Some("r4".into()),
            metrics: BTreeMap::from([("rmse".into(), 0.32)]),
        },
    );
    let r = evaluate(&p, &production(), &ev, AT);
    assert_eq!(outcome(&r, "rmse-vs-production"), Outcome::Pass);
    assert_eq!(
        check(&r, "rmse-vs-production").bound,
        "<= 0.32 (Production v4 0.32 - 0)"
    );
    ev.metrics.insert("rmse".into(), 0.33);
    let r = evaluate(&p, &production(), &ev, AT);
    assert_eq!(outcome(&r, "rmse-vs-production"), Outcome::Fail);
    // allow_no_baseline: a first release passes, and says why.
    ev.baselines.clear();
    let r = evaluate(&p, &production(), &ev, AT);
    let c = check(&r, "rmse-vs-production");
    assert_eq!(c.outcome, Outcome::Pass);
    assert!(c.message.contains("allowed by the policy"));
}

#[test]
fn extended_checks() {
    let p = Policy::parse(EXTENDED_POLICY, "extended.toml").unwrap();
    let mut ev = good();
    ev.metrics.insert("latency_p95_ms".into(), 140.0);
    let r = evaluate(&p, &champion(), &ev, AT);
    assert_eq!(r.not_applicable, ["latency"]);
    // 0.41 / 0.45 = 0.911 within [0.8, 1.25]
    assert_eq!(outcome(&r, "selection-rates"), Outcome::Pass);
    assert_eq!(outcome(&r, "drift-share"), Outcome::Pass);
    // p_value 0.2 >= 0.05 for income.
    assert_eq!(outcome(&r, "income-drift"), Outcome::Pass);
    // Unmonitored: allowed for the share gate, missing for the other.
    let mut unmonitored = ev.clone();
    unmonitored.drift = None;
    let r = evaluate(&p, &champion(), &unmonitored, AT);
    assert_eq!(outcome(&r, "drift-share"), Outcome::Pass);
    assert!(check(&r, "drift-share")
        .message
        .contains("allowed by the policy"));
    assert_eq!(outcome(&r, "income-drift"), Outcome::Missing);
    let r = evaluate(&p, &production(), &ev, AT);
    assert_eq!(outcome(&r, "latency"), Outcome::Fail);

    ev.metrics
        .insert("fairness.sex:female.selection_rate".into(), 0.30);
    ev.drift.as_mut().unwrap().window = window(&[("age", 0.3)]);
    let r = evaluate(&p, &champion(), &ev, AT);
    let ff = check(&r, "selection-rates");
    assert_eq!(ff.outcome, Outcome::Fail);
    assert!(
        ff.message
            .starts_with("sex: female 0.3 / male 0.45 = 0.667"),
        "{}",
        ff.message
    );
    assert_eq!(outcome(&r, "drift-share"), Outcome::Fail);
    assert_eq!(outcome(&r, "income-drift"), Outcome::Missing);
    assert_eq!(
        check(&r, "income-drift").message,
        "the latest window has no p_value for income"
    );
}

#[test]
fn digest_binds_the_evidence_but_not_the_time() {
    let p = policy();
    let a = evaluate(&p, &production(), &good(), AT);
    let b = evaluate(&p, &production(), &good(), "2026-12-01T00:00:00Z");
    assert_eq!(a.digest, b.digest);
    assert_eq!(a.digest.len(), 64);

    // tollgate's own tags (a request recorded after the check) do not make the report stale.
    let mut ev = good();
    ev.tags
        .insert("tollgate.decision.Production.by".into(), "bo".into());
    assert_eq!(evaluate(&p, &production(), &ev, AT).digest, a.digest);

    // Anything else does: a metric, a tag, an alias, the stage, the target, the policy.
    type Change = Box<dyn Fn(&mut Evidence)>;
    let changes: Vec<Change> = vec![
        Box::new(|e| {
            e.metrics.insert("f1".into(), 0.7);
        }),
        Box::new(|e| {
            e.tags.insert("owner".into(), "someone-else".into());
        }),
        Box::new(|e| e.aliases.push("shadow".into())),
        Box::new(|e| e.stage = Some("Production".into())),
    ];
    for change in changes {
        let mut ev = good();
        change(&mut ev);
        assert_ne!(evaluate(&p, &production(), &ev, AT).digest, a.digest);
    }
    assert_ne!(evaluate(&p, &champion(), &good(), AT).digest, a.digest);
    let other = Policy::parse(&format!("{ISSUE_POLICY}\n# comment\n"), "x").unwrap();
    assert_ne!(
        evaluate(&other, &production(), &good(), AT).digest,
        a.digest
    );
}

#[test]
fn json_round_trip_keeps_the_digest_valid() {
    let r = evaluate(&policy(), &production(), &good(), AT);
    let back = GateReport::from_json(r.to_json().as_bytes()).unwrap();
    assert_eq!(back, r);
    assert!(back.verify_digest());
    let mut tampered = back.clone();
    tampered.checks[0].outcome = Outcome::Fail;
    assert!(!tampered.verify_digest());
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    for key in [
        "schema_version",
        "model",
        "version",
        "target",
        "policy_digest",
        "evaluated_at",
        "status",
        "checks",
        "digest",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["target"], "Production");
    assert_eq!(v["checks"][0]["outcome"], "pass");
}

#[test]
fn markdown_report() {
    let mut ev = good();
    ev.model = "credit|scoring".into();
    ev.metrics.insert("accuracy".into(), 0.8);
    let md = evaluate(&policy(), &production(), &ev, AT).to_markdown();
    assert!(md.starts_with("# Gate report: credit\\|scoring version 7 to Production"));
    assert!(md.contains("**Status: FAIL** (6 of 7 checks passed)"));
    assert!(md.contains("| **FAIL** | accuracy | 0.8 | >= 0.85 | run r7; metric accuracy |"));
    assert!(md.contains("| pass | model-card |"));
    let md = evaluate(&Policy::empty("none"), &production(), &good(), AT).to_markdown();
    assert!(md.contains("**Status: UNGATED**"), "{md}");
    assert!(md.contains("No gate of the policy guards Production: nothing was checked"));
    let md = evaluate(&policy(), &Target::Stage(Stage::Staging), &good(), AT).to_markdown();
    assert!(md.contains("Not applicable to Staging: accuracy"));
}

/// Issue 9: an empty policy (or one of comments only, or whose gates all guard other targets)
/// made every gate check pass. Nothing checked is `ungated`, never a pass.
#[test]
fn a_target_no_gate_guards_is_ungated_not_passed() {
    let comments_only = Policy::parse("# gates to come\n\n# [[gate]]\n", "c.toml").unwrap();
    let staging_only = Policy::parse(
        "[[gate]]\nid = \"acc\"\nmetric = \"accuracy\"\nmin = 0.9\ntargets = [\"Staging\"]\n",
        "s.toml",
    )
    .unwrap();
    let mut poor = good();
    poor.metrics.insert("accuracy".into(), 0.60);
    for p in [Policy::empty("none"), comments_only, staging_only] {
        let r = evaluate(&p, &production(), &poor, AT);
        assert_eq!(r.status, Outcome::Ungated, "{}", p.origin);
        assert!(r.ungated() && !r.passed());
        assert!(r.checks.is_empty());
        assert_eq!(r.gate_tag().1, "fail");
        assert_eq!(r.blocking().count(), 0);
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(json["status"], "ungated");
        assert_eq!(GateReport::from_json(r.to_json().as_bytes()).unwrap(), r);
    }
    // The policy may opt in.
    let allowed = Policy::parse("[settings]\nallow_ungated = true\n", "a.toml").unwrap();
    assert!(allowed.settings.allow_ungated);
    let r = evaluate(&allowed, &production(), &poor, AT);
    assert_eq!(r.status, Outcome::Pass);
    assert!(r.passed() && !r.ungated());
    assert!(r
        .to_markdown()
        .contains("the policy accepts that (`allow_ungated = true`)"));
}

/// One gate per kind of bound, all guarding every target.
const BOUNDS_POLICY: &str = r#"
[[gate]]
id = "min"
metric = "m_min"
min = 0.65

[[gate]]
id = "max"
metric = "m_max"
max = 100.0

[[gate]]
id = "abs"
metric = "m_abs"
abs_max = 0.1

[[gate]]
id = "band"
metric = "m_band"
min = 0.8
max = 1.25

[[gate]]
id = "baseline"
metric = "m_base"
baseline = "@champion"
min_relative_change = 0.01

[[gate]]
id = "baseline-lower"
metric = "m_lower"
baseline = "@champion"
greater_is_better = false
min_absolute_change = 0.0
"#;

fn bounds_evidence(value: f64) -> Evidence {
    let mut ev = good();
    for k in ["m_min", "m_max", "m_abs", "m_band", "m_base", "m_lower"] {
        ev.metrics.insert(k.into(), value);
    }
    ev.baselines.insert(
        champion(),
        Baseline {
            version: "5".into(),
            run_id: Some("r5".into()),
            metrics: BTreeMap::from([("m_base".into(), 0.5), ("m_lower".into(), 0.5)]),
        },
    );
    ev
}

/// Issue 9: `+Inf` (MLflow's 1.7976931348623157e308) passed `min = 0.65` and `-Inf` passed
/// `max = 100`. A non-finite value is `invalid` for every bound and every baseline rule.
#[test]
fn non_finite_values_are_invalid_for_every_bound_and_baseline() {
    let p = Policy::parse(BOUNDS_POLICY, "bounds.toml").unwrap();
    // Finite values in bounds pass, so the gates themselves are sound.
    let r = evaluate(&p, &production(), &bounds_evidence(0.9), AT);
    for id in ["max", "band", "baseline"] {
        assert_eq!(outcome(&r, id), Outcome::Pass, "{id}");
    }
    for (value, text) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "+Inf"),
        (f64::NEG_INFINITY, "-Inf"),
    ] {
        let r = evaluate(&p, &production(), &bounds_evidence(value), AT);
        for id in ["min", "max", "abs", "band", "baseline", "baseline-lower"] {
            let c = check(&r, id);
            assert_eq!(c.outcome, Outcome::Invalid, "{id} with {text}");
            assert_eq!(c.observed, serde_json::json!(text), "{id}");
            assert!(c.message.contains(&format!("is {text}")), "{}", c.message);
        }
        assert_eq!(r.status, Outcome::Invalid, "{text}");
        assert!(!r.passed());
        assert_eq!(r.blocking().count(), 6);
        assert_eq!(r.gate_tag().1, "fail");
    }
}

#[test]
fn a_non_finite_baseline_is_invalid() {
    let p = Policy::parse(BOUNDS_POLICY, "bounds.toml").unwrap();
    for base in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut ev = bounds_evidence(0.9);
        ev.baselines.get_mut(&champion()).unwrap().metrics =
            BTreeMap::from([("m_base".into(), base), ("m_lower".into(), base)]);
        let r = evaluate(&p, &production(), &ev, AT);
        for id in ["baseline", "baseline-lower"] {
            let c = check(&r, id);
            assert_eq!(c.outcome, Outcome::Invalid, "{id} vs {base}");
            assert!(
                c.message.starts_with("baseline @champion v5"),
                "{}",
                c.message
            );
        }
    }
    // A finite baseline whose limit overflows (1.79e308 x 1.01) compares with nothing either.
    let mut ev = bounds_evidence(0.9);
    ev.baselines
        .get_mut(&champion())
        .unwrap()
        .metrics
        .insert("m_base".into(), 1.79e308);
    let r = evaluate(&p, &production(), &ev, AT);
    assert_eq!(outcome(&r, "baseline"), Outcome::Invalid);
}

#[test]
fn non_finite_drift_and_fairness_inputs_are_invalid() {
    let p = Policy::parse(EXTENDED_POLICY, "extended.toml").unwrap();
    let ip = policy();
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        // A feature statistic (psi <= 0.25 in the issue policy; p_value >= 0.05 in the extended one).
        let mut ev = good();
        ev.drift.as_mut().unwrap().window = window(&[("income", v), ("age", 0.01)]);
        let r = evaluate(&ip, &production(), &ev, AT);
        let d = check(&r, "drift");
        assert_eq!(d.outcome, Outcome::Invalid, "psi {v}");
        assert_eq!(d.source.metric_key.as_deref(), Some("drift.income.psi"));
        let mut ev = good();
        let mut w = window(&[("income", 0.01)]);
        w.features[0].stats.insert(Statistic::PValue, v);
        ev.drift.as_mut().unwrap().window = w;
        assert_eq!(
            outcome(&evaluate(&p, &champion(), &ev, AT), "income-drift"),
            Outcome::Invalid,
            "p_value {v}"
        );
        // The share, logged as such or counted from verdicts on a non-finite statistic.
        let mut ev = good();
        ev.drift.as_mut().unwrap().window.drift_share = Some(v);
        assert_eq!(
            outcome(&evaluate(&p, &champion(), &ev, AT), "drift-share"),
            Outcome::Invalid
        );
        let mut ev = good();
        ev.drift.as_mut().unwrap().window = window(&[("income", v), ("age", 0.01)]);
        let share = check(&evaluate(&p, &champion(), &ev, AT), "drift-share").clone();
        assert_eq!(share.outcome, Outcome::Invalid, "{}", share.message);
        // A selection rate: one bad group among fine ones must not be skipped.
        let mut ev = good();
        ev.metrics
            .insert("fairness.sex:other.selection_rate".into(), v);
        let r = evaluate(&p, &champion(), &ev, AT);
        let ff = check(&r, "selection-rates");
        assert_eq!(ff.outcome, Outcome::Invalid, "selection rate {v}");
        assert!(ff.message.contains("non-finite"), "{}", ff.message);
    }
}

#[test]
fn non_finite_state_round_trips_and_stays_distinct_in_the_digest() {
    let mut digests = Vec::new();
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut ev = good();
        ev.metrics.insert("loss".into(), v);
        let r = evaluate(&policy(), &production(), &ev, AT);
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert!(json["state"]["metrics"]["loss"].is_string());
        let back = GateReport::from_json(r.to_json().as_bytes()).unwrap();
        assert!(back.verify_digest());
        assert_eq!(back.state.metrics["loss"].to_bits(), v.to_bits());
        digests.push(r.digest);
    }
    digests.dedup();
    assert_eq!(
        digests.len(),
        3,
        "NaN, +Inf and -Inf must not share a digest"
    );
}

#[test]
fn evidently_window_sources_name_the_artifact() {
    let mut ev = good();
    ev.drift = Some(DriftEvidence {
        run_id: "mon7".into(),
        artifact_path: Some("evidently/report.json".into()),
        window: window(&[("income", 0.5)]),
    });
    let r = evaluate(&policy(), &production(), &ev, AT);
    let d = check(&r, "drift");
    assert_eq!(
        d.source.artifact_path.as_deref(),
        Some("evidently/report.json")
    );
    assert_eq!(d.source.metric_key, None);
}

#[test]
fn required_tags_fall_back_to_the_run_and_the_model() {
    let mut ev = good();
    ev.tags.remove("owner");
    ev.run_tags.insert("owner".into(), "priya".into());
    ev.model_tags.insert("owner".into(), "someone".into());
    let r = evaluate(&policy(), &production(), &ev, AT);
    let c = check(&r, "model-card");
    assert_eq!(c.outcome, Outcome::Pass);
    assert_eq!(c.source.tags, ["run:owner", "version:model_card_url"]);
    assert_eq!(c.observed["owner"], "priya");
    assert_eq!(c.message, "owner on the run, model_card_url on the version");
    ev.run_tags.clear();
    let r = evaluate(&policy(), &production(), &ev, AT);
    assert_eq!(check(&r, "model-card").source.tags[0], "model:owner");
    ev.tags.insert("model_card_url".into(), " ".into());
    let r = evaluate(&policy(), &production(), &ev, AT);
    assert_eq!(outcome(&r, "model-card"), Outcome::Fail);
}
