//! The figures from realistic histories: training runs started days before registration,
//! promotions weeks or months apart, roll backs, drift, records that are not whole.

use super::*;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;
/// 2026-01-01T00:00:00Z
const JAN1: i64 = 1_767_225_600_000;

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap()
}

fn record(model: &str, version: &str, target: &str, d: Decision, ms: i64) -> Recorded {
    Recorded {
        model: model.to_string(),
        entry: AuditEntry {
            target: target.parse().unwrap(),
            decision: d,
            version: version.to_string(),
            at: at(ms),
            previous: None,
        },
        verified: true,
    }
}

/// A version trained from `run_ms`, registered `registered_after` later.
fn trained(model: &str, version: &str, run_ms: i64, registered_after: i64) -> VersionTimes {
    VersionTimes {
        model: model.into(),
        version: version.into(),
        created_ms: run_ms + registered_after,
        run_started_ms: Some(run_ms),
        commit_ms: None,
        serving_now: false,
    }
}

#[test]
fn lead_time_runs_from_the_training_run_start_not_the_registration() {
    // v1: trained 2025-12-20, registered three days later, promoted 2026-01-10.
    // v2: trained 2026-02-02, registered four days later, promoted to champion 2026-03-16.
    let v1_run = JAN1 - 12 * DAY;
    let v2_run = JAN1 + 32 * DAY;
    let versions = [
        trained("m", "1", v1_run, 3 * DAY),
        trained("m", "2", v2_run, 4 * DAY),
    ];
    let audit = [
        record("m", "1", "Staging", Decision::Approved, JAN1 + 2 * DAY),
        record("m", "1", "Production", Decision::Approved, JAN1 + 9 * DAY),
        record("m", "2", "@champion", Decision::Approved, JAN1 + 74 * DAY),
        // A second approval of the same version is not a second promotion.
        record("m", "2", "Production", Decision::Approved, JAN1 + 80 * DAY),
    ];
    let v = &velocity(&versions, &audit, &[])[0];
    assert_eq!(v.promotions, 2);
    assert_eq!(
        v.lead_times_ms,
        [JAN1 + 9 * DAY - v1_run, JAN1 + 74 * DAY - v2_run]
    );
    assert_eq!(v.lead_times_ms, [21 * DAY, 42 * DAY]);
    assert_eq!(human_duration(v.median_lead_time_ms().unwrap()), "31.5 d");
    assert_eq!(
        v.lead_starts,
        LeadStarts {
            commit: 0,
            run_start: 2,
            registration: 0
        }
    );
    assert_eq!(v.decisions, 4);
    assert_eq!(v.change_failure_rate(), Some(0.0));
    assert_eq!(
        v.per_month,
        [
            ("2026-01".to_string(), 1),
            ("2026-02".to_string(), 0),
            ("2026-03".to_string(), 1)
        ]
    );
}

#[test]
fn lead_time_runs_from_the_commit_when_its_time_is_known_else_the_registration() {
    let mut with_commit = trained("m", "1", JAN1, DAY);
    // Committed two days before the run started.
    with_commit.commit_ms = Some(JAN1 - 2 * DAY);
    let mut no_run = trained("m", "2", JAN1 + 40 * DAY, 0);
    no_run.run_started_ms = None;
    let audit = [
        record("m", "1", "Production", Decision::Approved, JAN1 + 5 * DAY),
        record("m", "2", "Production", Decision::Approved, JAN1 + 45 * DAY),
    ];
    let v = &velocity(&[with_commit, no_run], &audit, &[])[0];
    assert_eq!(v.lead_times_ms, [7 * DAY, 5 * DAY]);
    assert_eq!(
        v.lead_starts,
        LeadStarts {
            commit: 1,
            run_start: 0,
            registration: 1
        }
    );
}

#[test]
fn commit_times_read_as_epoch_millis_seconds_or_rfc3339() {
    assert_eq!(parse_commit_time("1767225600000"), Some(JAN1));
    assert_eq!(parse_commit_time("1767225600"), Some(JAN1));
    assert_eq!(parse_commit_time("2026-01-01T00:00:00Z"), Some(JAN1));
    assert_eq!(parse_commit_time("2026-01-01T01:00:00+01:00"), Some(JAN1));
    assert_eq!(parse_commit_time("last tuesday"), None);
    assert_eq!(parse_commit_time(""), None);
}

#[test]
fn change_failure_rate_is_failed_promotions_over_promotions() {
    let versions: Vec<VersionTimes> = (1..=4)
        .map(|n| trained("m", &n.to_string(), JAN1 + (n - 1) * 30 * DAY, 2 * DAY))
        .collect();
    let mut rollback = record(
        "m",
        "1",
        "Production",
        Decision::RolledBack,
        JAN1 + 40 * DAY,
    );
    rollback.entry.previous = Some("2".into());
    let audit = [
        record("m", "1", "Production", Decision::Requested, JAN1 + 5 * DAY),
        record("m", "1", "Production", Decision::Approved, JAN1 + 6 * DAY),
        record("m", "2", "Production", Decision::Approved, JAN1 + 36 * DAY),
        // v2 goes back to v1 four days later: v2's promotion failed.
        rollback,
        // A rejection is the gate at work, not a failed change.
        record("m", "3", "Production", Decision::Rejected, JAN1 + 66 * DAY),
        record("m", "4", "Production", Decision::Approved, JAN1 + 95 * DAY),
    ];
    let v = &velocity(&versions, &audit, &[])[0];
    assert_eq!(v.decisions, 5, "a request is not a decision");
    assert_eq!(v.promotions, 3);
    assert_eq!(v.failed_promotions, 1);
    assert_eq!(v.change_failure_rate(), Some(1.0 / 3.0));
}

#[test]
fn a_roll_back_without_a_recorded_previous_holder_fails_the_version_that_held_the_target() {
    let audit = [
        record("m", "1", "@champion", Decision::Approved, JAN1),
        record("m", "2", "@champion", Decision::Approved, JAN1 + 20 * DAY),
        record("m", "1", "@champion", Decision::RolledBack, JAN1 + 21 * DAY),
    ];
    let v = &velocity(&[], &audit, &[])[0];
    assert_eq!(v.promotions, 2);
    assert_eq!(v.failed_promotions, 1);
    assert!(v.lead_times_ms.is_empty(), "no version times known");
}

#[test]
fn drift_while_serving_fails_the_promotion_and_restore_runs_to_the_next_promotion() {
    let versions = [
        trained("m", "1", JAN1 - 10 * DAY, DAY),
        trained("m", "2", JAN1 + 50 * DAY, DAY),
    ];
    let audit = [
        record("m", "1", "@champion", Decision::Approved, JAN1),
        // Re-approving the drifting version restores nothing.
        record("m", "1", "@champion", Decision::Approved, JAN1 + 40 * DAY),
        record(
            "m",
            "2",
            "@champion",
            Decision::Approved,
            JAN1 + 62 * DAY + 6 * HOUR,
        ),
    ];
    let drift = [
        DriftStart {
            model: "m".into(),
            version: "1".into(),
            at_ms: JAN1 + 35 * DAY,
        },
        // v2 drifts later with nothing since: an open incident.
        DriftStart {
            model: "m".into(),
            version: "2".into(),
            at_ms: JAN1 + 100 * DAY,
        },
    ];
    let v = &velocity(&versions, &audit, &drift)[0];
    assert_eq!(v.restore_times_ms, [27 * DAY + 6 * HOUR]);
    assert_eq!(v.open_incidents, 1);
    assert_eq!(v.promotions, 2);
    assert_eq!(v.failed_promotions, 2, "both drifted while they served");
}

#[test]
fn drift_of_a_version_no_longer_serving_fails_nothing() {
    let audit = [
        record("m", "1", "Production", Decision::Approved, JAN1),
        record("m", "2", "Production", Decision::Approved, JAN1 + 30 * DAY),
    ];
    let drift = [DriftStart {
        model: "m".into(),
        version: "1".into(),
        at_ms: JAN1 + 45 * DAY,
    }];
    let v = &velocity(&[], &audit, &drift)[0];
    assert_eq!(v.failed_promotions, 0);
    assert_eq!(
        v.open_incidents, 1,
        "still an incident, nothing restored it"
    );
}

#[test]
fn versions_serving_without_a_verified_approval_are_counted_as_outside_tollgate() {
    let mut by_hand = trained("m", "3", JAN1, DAY);
    by_hand.serving_now = true;
    let mut forged_approval = trained("m", "4", JAN1 + 20 * DAY, DAY);
    forged_approval.serving_now = true;
    let mut approved = trained("m", "2", JAN1 - 60 * DAY, DAY);
    approved.serving_now = true;
    let mut forged = record("m", "4", "@champion", Decision::Approved, JAN1 + 30 * DAY);
    forged.verified = false;
    let audit = [
        record("m", "2", "Production", Decision::Approved, JAN1 - 50 * DAY),
        forged,
    ];
    let v = &velocity(&[by_hand, forged_approval, approved], &audit, &[])[0];
    assert_eq!(v.promotions, 1, "only the verified approval counts");
    assert_eq!(v.outside, ["3", "4"]);
    assert_eq!(v.unverified, 1);
    assert_eq!(v.lead_times_ms, [10 * DAY]);
    assert_eq!(v.decisions, 1);
}

#[test]
fn a_model_with_only_versions_promoted_outside_is_listed() {
    let mut v1 = trained("n", "1", JAN1, DAY);
    v1.serving_now = true;
    let all = velocity(&[v1, trained("quiet", "1", JAN1, DAY)], &[], &[]);
    assert_eq!(all.len(), 1, "a model with nothing to say is left out");
    assert_eq!(all[0].model, "n");
    assert_eq!(all[0].promotions, 0);
    assert_eq!(all[0].outside, ["1"]);
    assert_eq!(all[0].change_failure_rate(), None, "no promotions to fail");
}

#[test]
fn durations_read_in_minutes_hours_or_days() {
    assert_eq!(human_duration(20 * 60_000), "20 min");
    assert_eq!(human_duration(7 * HOUR), "7 h");
    assert_eq!(human_duration(3 * DAY + DAY / 2), "3.5 d");
}
