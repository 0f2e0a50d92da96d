use chrono::{TimeZone, Utc};

use super::*;
use crate::governance::decision::ActorSource;

fn target(t: &str) -> Target {
    t.parse().expect("target")
}

fn record(i: u32, version: &str, to: &str, decision: &str) -> TrailRecord {
    TrailRecord {
        run_id: format!("r{i}"),
        version: version.into(),
        target: Some(target(to)),
        movement: match decision {
            "approved" => Move::Approved,
            "rolled_back" => Move::RolledBack,
            other => Move::Other {
                decision: other.into(),
            },
        },
        verified: true,
        archived: Vec::new(),
        decision: decision.into(),
        actor: "bo".into(),
        at: format!("2026-11-{i:02}T09:00:00Z"),
    }
}

fn adoption(i: u32, holders: &[(&str, &str)]) -> TrailRecord {
    TrailRecord {
        run_id: format!("r{i}"),
        version: String::new(),
        target: None,
        movement: Move::Adopted {
            holders: holders
                .iter()
                .map(|(t, v)| (target(t), v.to_string()))
                .collect(),
        },
        verified: true,
        archived: Vec::new(),
        decision: "adopted".into(),
        actor: "ana".into(),
        at: format!("2026-11-{i:02}T09:00:00Z"),
    }
}

fn state(holdings: &[(&str, &str)]) -> CurrentState {
    CurrentState {
        holdings: holdings
            .iter()
            .map(|(t, v)| (target(t), v.to_string()))
            .collect(),
        tagged: Vec::new(),
    }
}

fn tag(version: &str, to: &str, decision: Decision, by: &str) -> (String, DecisionRecord) {
    (
        version.into(),
        DecisionRecord {
            target: target(to),
            decision,
            by: by.into(),
            by_source: Some(ActorSource::Authenticated),
            at: Utc
                .with_ymd_and_hms(2026, 11, 1, 9, 0, 0)
                .single()
                .expect("time"),
            comment: String::new(),
            report_digest: None,
            requested_by: None,
            override_justification: None,
        },
    )
}

fn summaries(changes: &[UnapprovedChange]) -> Vec<String> {
    changes.iter().map(UnapprovedChange::summary).collect()
}

#[test]
fn holders_put_there_by_tollgate_are_not_flagged() {
    let mut v3 = record(1, "3", "Production", "approved");
    v3.archived = vec!["1".into()];
    let trail = vec![
        record(1, "3", "Staging", "approved"),
        v3,
        record(2, "4", "@champion", "approved"),
    ];
    let now = state(&[("Production", "3"), ("@champion", "4"), ("Archived", "1")]);
    assert_eq!(unapproved_changes(&[], &trail, &now), []);
}

#[test]
fn a_promotion_made_with_raw_transition_stage_is_flagged() {
    let trail = vec![record(1, "3", "Production", "approved")];
    // Someone ran transition-stage for v5 without archiving v3.
    let now = state(&[("Production", "3"), ("Production", "5")]);
    let changes = unapproved_changes(&[], &trail, &now);
    assert_eq!(
        summaries(&changes),
        ["v5 holds Production: no approval, roll back or adoption record"]
    );
    assert_eq!(changes[0].kind, ChangeKind::Holder);
}

#[test]
fn an_alias_set_by_the_raw_api_is_flagged_when_the_policy_names_it() {
    // The trail never mentions @canary; the policy guards it.
    let now = state(&[("@canary", "7"), ("@unrelated", "2")]);
    let changes = unapproved_changes(&[target("@canary")], &[], &now);
    assert_eq!(
        summaries(&changes),
        ["v7 holds @canary: no approval, roll back or adoption record"]
    );
    // An alias nobody names is not governed.
    assert!(unapproved_changes(&[], &[], &now).is_empty());
}

#[test]
fn an_alias_moved_back_by_hand_to_a_version_tollgate_replaced_is_flagged() {
    let trail = vec![
        record(1, "4", "@champion", "approved"),
        record(2, "5", "@champion", "approved"),
    ];
    let now = state(&[("@champion", "4")]);
    let changes = unapproved_changes(&[], &trail, &now);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].reason,
        ChangeReason::MovedAwaySince {
            run_id: "r2".into(),
            decision: "approved".into(),
            version: "5".into(),
            at: "2026-11-02T09:00:00Z".into(),
        }
    );
}

#[test]
fn an_archived_holder_is_not_a_holder_until_it_is_moved_back() {
    let mut second = record(2, "5", "Production", "approved");
    second.archived = vec!["3".into()];
    let trail = vec![record(1, "3", "Production", "approved"), second];
    // v3 sits in Archived, where tollgate put it: nothing to report.
    let now = state(&[("Production", "5"), ("Archived", "3")]);
    assert!(unapproved_changes(&[], &trail, &now).is_empty());
    // Transitioned back to Production by hand: its old approval does not cover it.
    let now = state(&[("Production", "5"), ("Production", "3")]);
    let changes = unapproved_changes(&[], &trail, &now);
    assert_eq!(
        summaries(&changes),
        [
            "v3 holds Production: tollgate moved the target away from it (approved of v5 at \
          2026-11-02T09:00:00Z, audit run r2) and no record puts it back"
        ]
    );
}

#[test]
fn a_version_promoted_on_leaves_the_stage_it_was_in() {
    let trail = vec![
        record(1, "3", "Staging", "approved"),
        record(2, "3", "Production", "approved"),
    ];
    assert!(unapproved_changes(&[], &trail, &state(&[("Production", "3")])).is_empty());
    // Put back into Staging by hand.
    let changes = unapproved_changes(&[], &trail, &state(&[("Staging", "3")]));
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].target, "Staging");
}

#[test]
fn a_roll_back_covers_the_version_it_restored() {
    let mut back = record(3, "4", "@champion", "rolled_back");
    back.archived = Vec::new();
    let trail = vec![
        record(1, "4", "@champion", "approved"),
        record(2, "5", "@champion", "approved"),
        back,
    ];
    assert!(unapproved_changes(&[], &trail, &state(&[("@champion", "4")])).is_empty());
    // The version rolled back from is no longer covered.
    let changes = unapproved_changes(&[], &trail, &state(&[("@champion", "5")]));
    assert_eq!(changes.len(), 1);
    assert!(matches!(
        changes[0].reason,
        ChangeReason::MovedAwaySince { ref run_id, .. } if run_id == "r3"
    ));
}

#[test]
fn a_stage_roll_back_archives_what_it_records() {
    let mut back = record(3, "3", "Production", "rolled_back");
    back.archived = vec!["5".into()];
    let trail = vec![
        record(1, "3", "Production", "approved"),
        record(2, "5", "Production", "approved"),
        back,
    ];
    // v3 back in Production; v5 archived by the roll back.
    assert!(unapproved_changes(&[], &trail, &state(&[("Production", "3")])).is_empty());
    let changes = unapproved_changes(&[], &trail, &state(&[("Production", "5")]));
    assert_eq!(changes.len(), 1);
}

#[test]
fn an_unverified_approval_does_not_cover_its_version() {
    let mut forged = record(1, "6", "Production", "approved");
    forged.verified = false;
    let changes = unapproved_changes(&[], &[forged], &state(&[("Production", "6")]));
    assert_eq!(
        changes[0].reason,
        ChangeReason::UnverifiedRecord {
            run_ids: vec!["r1".into()]
        }
    );
    assert_eq!(
        changes[0].summary(),
        "v6 holds Production: its records are not verified (audit run r1)"
    );
}

#[test]
fn requests_rejections_and_gate_checks_cover_nothing() {
    let trail = vec![
        record(1, "6", "Production", "requested"),
        record(2, "6", "Production", "gate_check"),
        record(3, "6", "Production", "rejected"),
    ];
    let changes = unapproved_changes(&[], &trail, &state(&[("Production", "6")]));
    assert_eq!(changes[0].reason, ChangeReason::NoRecord);
}

#[test]
fn holders_from_before_adoption_are_covered_by_the_adoption_record() {
    let trail = vec![
        adoption(1, &[("Production", "2"), ("@champion", "2")]),
        record(2, "3", "Staging", "approved"),
    ];
    let now = state(&[("Production", "2"), ("@champion", "2"), ("Staging", "3")]);
    assert!(unapproved_changes(&[], &trail, &now).is_empty());
    // The adoption names @champion, so it is checked even without a policy naming it.
    let now = state(&[("Production", "2"), ("@champion", "1"), ("Staging", "3")]);
    assert_eq!(
        summaries(&unapproved_changes(&[], &trail, &now)),
        ["v1 holds @champion: no approval, roll back or adoption record"]
    );
}

#[test]
fn an_adoption_replaces_what_came_before() {
    // Approved before adoption, but the adoption says v4 held Production then.
    let trail = vec![
        record(1, "3", "Production", "approved"),
        adoption(2, &[("Production", "4")]),
    ];
    let changes = unapproved_changes(&[], &trail, &state(&[("Production", "3")]));
    assert!(matches!(
        &changes[0].reason,
        ChangeReason::MovedAwaySince { decision, .. } if decision == "adoption"
    ));
}

#[test]
fn a_decision_tag_without_an_audit_run_is_flagged() {
    let trail = vec![record(1, "3", "Production", "approved")];
    let mut now = state(&[("Production", "3")]);
    now.tagged = vec![
        tag("3", "Production", Decision::Approved, "bo"),
        // Written with curl: no audit run records it.
        tag("5", "@champion", Decision::Approved, "eve"),
        // A request nobody recorded.
        tag("3", "Staging", Decision::Requested, "bo"),
    ];
    let changes = unapproved_changes(&[], &trail, &now);
    assert_eq!(
        summaries(&changes),
        [
            "v3 Staging: decision tag 'requested' by 'bo' with no matching audit record",
            "v5 @champion: decision tag 'approved' by 'eve' with no matching audit record",
        ]
    );
    assert!(changes.iter().all(|c| c.kind == ChangeKind::DecisionTag));
}

#[test]
fn a_tag_whose_run_names_another_actor_is_flagged() {
    let trail = vec![record(1, "3", "Production", "approved")];
    let mut now = state(&[("Production", "3")]);
    now.tagged = vec![tag("3", "Production", Decision::Approved, "mallory")];
    assert_eq!(unapproved_changes(&[], &trail, &now).len(), 1);
}

#[test]
fn the_json_form_names_the_version_and_the_reason() {
    let changes = unapproved_changes(&[], &[], &state(&[("Production", "9")]));
    let json = serde_json::to_value(&changes).expect("json");
    assert_eq!(
        json,
        serde_json::json!([{
            "version": "9",
            "target": "Production",
            "kind": "holder",
            "reason": {"code": "no_record"}
        }])
    );
}
