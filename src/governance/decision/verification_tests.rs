use chrono::TimeZone;

use super::*;
use crate::governance::decision::ActorSource;
use crate::governance::{evaluate, Evidence, GateReport, Policy};

fn report(accuracy: f64) -> GateReport {
    let policy = Policy::parse(
        "[[gate]]\nid = \"accuracy\"\nmetric = \"accuracy\"\nmin = 0.85\n",
        "test",
    )
    .unwrap();
    let mut evidence = Evidence {
        model: "churn".into(),
        version: "3".into(),
        run_id: Some("r1".into()),
        ..Evidence::default()
    };
    evidence.metrics.insert("accuracy".into(), accuracy);
    evaluate(
        &policy,
        &"Production".parse().unwrap(),
        &evidence,
        "2026-11-20T10:00:00Z",
    )
}

fn run<'a>(decision: &'a str, report: Option<&'a GateReport>) -> RecordedRun<'a> {
    RecordedRun {
        status: Some(FINISHED),
        model: "churn",
        version: "3",
        target: "Production",
        decision,
        actor: "bo",
        report_digest: report.map(|r| r.digest.as_str()),
        gate_status: report.map(|r| r.status.as_str()),
        overridden: false,
    }
}

fn tags(decision: Decision, report: Option<&GateReport>) -> DecisionRecord {
    DecisionRecord {
        target: "Production".parse().unwrap(),
        decision,
        by: "bo".into(),
        by_source: Some(ActorSource::Authenticated),
        at: chrono::Utc
            .with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
            .unwrap(),
        comment: "ok".into(),
        report_digest: report.map(|r| r.digest.clone()),
        requested_by: None,
        override_justification: None,
    }
}

fn reasons(v: Verification) -> Vec<Reason> {
    v.reasons().to_vec()
}

#[test]
fn a_whole_approval_is_verified() {
    let r = report(0.9);
    let bytes = r.to_json().into_bytes();
    let record = tags(Decision::Approved, Some(&r));
    let v = verify(
        &run("approved", Some(&r)),
        CurrentTags::Describe(Some(&record)),
        Some(&bytes),
    );
    assert_eq!(
        v,
        Verification::Verified {
            note: None,
            signature: None,
        }
    );
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        serde_json::json!({"status": "verified"})
    );
    // An older record is judged by its run alone.
    let v = verify(
        &run("approved", Some(&r)),
        CurrentTags::Superseded,
        Some(&bytes),
    );
    assert!(v.is_verified());
}

#[test]
fn a_running_forgery_without_a_report_is_unverified() {
    let mut forged = run("approved", None);
    forged.status = Some("RUNNING");
    let v = verify(&forged, CurrentTags::Superseded, None);
    assert_eq!(
        reasons(v.clone()),
        vec![
            Reason::RunNotFinished {
                run_status: "RUNNING".into()
            },
            Reason::NoReportDigest
        ]
    );
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["status"], "unverified");
    assert_eq!(json["reasons"][0]["code"], "run_not_finished");
    assert!(v
        .summary()
        .starts_with("unverified: its audit run is RUNNING"));
    // No status at all is not FINISHED either.
    forged.status = None;
    assert!(!verify(&forged, CurrentTags::Superseded, None).is_verified());
}

#[test]
fn the_report_must_hash_to_the_recorded_digest() {
    let r = report(0.9);
    // Missing artifact.
    assert_eq!(
        reasons(verify(
            &run("requested", Some(&r)),
            CurrentTags::Superseded,
            None
        )),
        vec![Reason::ReportMissing]
    );
    // Edited artifact (the status changed, the digest field kept).
    let mut edited: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    edited["checks"][0]["observed"] = serde_json::json!(0.99);
    let bytes = serde_json::to_vec(&edited).unwrap();
    let got = reasons(verify(
        &run("requested", Some(&r)),
        CurrentTags::Superseded,
        Some(&bytes),
    ));
    assert!(
        matches!(got.as_slice(), [Reason::ReportDigestMismatch { .. }]),
        "{got:?}"
    );
    // Not a report at all.
    let got = reasons(verify(
        &run("requested", Some(&r)),
        CurrentTags::Superseded,
        Some(b"<html>"),
    ));
    assert!(
        matches!(got.as_slice(), [Reason::ReportUnreadable { .. }]),
        "{got:?}"
    );
    // A genuine report of another version.
    let other = GateReport {
        version: "4".into(),
        ..r.clone()
    };
    let mut other = other;
    other.digest = other.compute_digest();
    let mut named = run("requested", Some(&other));
    named.version = "3";
    let got = reasons(verify(
        &named,
        CurrentTags::Superseded,
        Some(other.to_json().as_bytes()),
    ));
    assert!(
        matches!(
            got.as_slice(),
            [Reason::ReportDescribesOther {
                field: "version",
                ..
            }]
        ),
        "{got:?}"
    );
}

#[test]
fn the_newest_record_must_agree_with_the_tags() {
    let r = report(0.9);
    let bytes = r.to_json().into_bytes();
    let got = reasons(verify(
        &run("approved", Some(&r)),
        CurrentTags::Describe(None),
        Some(&bytes),
    ));
    assert_eq!(got, vec![Reason::TagsMissing]);
    let mut record = tags(Decision::Requested, Some(&r));
    record.by = "mallory".into();
    let got = reasons(verify(
        &run("approved", Some(&r)),
        CurrentTags::Describe(Some(&record)),
        Some(&bytes),
    ));
    let fields: Vec<&str> = got
        .iter()
        .map(|r| match r {
            Reason::TagsDisagree { field, .. } => *field,
            _ => "other",
        })
        .collect();
    assert_eq!(fields, ["decision", "by"]);
}

#[test]
fn the_gate_status_and_an_approval_must_match_the_report() {
    let failing = report(0.5);
    let bytes = failing.to_json().into_bytes();
    let mut claimed = run("approved", Some(&failing));
    claimed.gate_status = Some("pass");
    let got = reasons(verify(&claimed, CurrentTags::Superseded, Some(&bytes)));
    assert_eq!(
        got,
        vec![
            Reason::GateStatusDisagrees {
                run: "pass".into(),
                report: "fail".into()
            },
            Reason::ApprovedWithoutPassing {
                report: "fail".into()
            }
        ]
    );
    // A recorded override makes it whole.
    let mut overridden = run("approved", Some(&failing));
    overridden.overridden = true;
    assert!(verify(&overridden, CurrentTags::Superseded, Some(&bytes)).is_verified());
}

#[test]
fn rejections_and_roll_backs_without_a_policy_have_no_report_and_say_so() {
    for decision in ["rejected", "rolled_back"] {
        let v = verify(&run(decision, None), CurrentTags::Superseded, None);
        assert_eq!(
            v,
            Verification::Verified {
                note: Some(Note::NoReport),
                signature: None,
            }
        );
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!({"status": "verified", "note": "no_report"})
        );
        assert_eq!(v.summary(), "verified (no report)");
    }
    // Approvals, requests and gate checks need one.
    for decision in ["approved", "requested", "gate_check"] {
        assert_eq!(
            reasons(verify(&run(decision, None), CurrentTags::Superseded, None)),
            vec![Reason::NoReportDigest]
        );
    }
    assert_eq!(
        reasons(verify(
            &run("promoted", None),
            CurrentTags::Superseded,
            None
        ))[0],
        Reason::UnknownDecision {
            decision: "promoted".into()
        }
    );
}

/// A report written by schema version 1 (the first format), byte for byte as tollgate wrote
/// it then: it stays readable and verifiable whatever the current schema is.
#[test]
fn a_schema_1_report_still_verifies() {
    let old = r#"{
  "schema_version": 1,
  "model": "churn",
  "version": "3",
  "target": "Production",
  "policy_digest": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "evaluated_at": "2026-11-20T10:00:00Z",
  "status": "pass",
  "checks": [
    {
      "id": "accuracy",
      "outcome": "pass",
      "observed": 0.9,
      "bound": ">= 0.85",
      "source": {
        "metric_key": "accuracy"
      },
      "message": "accuracy 0.9 >= 0.85"
    }
  ],
  "not_applicable": [],
  "state": {
    "stage": null,
    "aliases": [],
    "run_id": null,
    "metrics": {
      "accuracy": 0.9
    },
    "tags": {}
  },
  "digest": "DIGEST"
}"#;
    // The digest schema-1 tollgate computed for this content (`GateReport::compute_digest`).
    let digest = "87ba2d15ad1c7833dc3bbabe44f728b8ca3d40abec9e8e014795146674a51505";
    let bytes = old.replace("DIGEST", digest);
    let parsed = RecordedReport::parse(bytes.as_bytes()).unwrap();
    assert_eq!(parsed.schema_version, Some(1));
    assert_eq!(parsed.status, "pass");
    assert_eq!(parsed.computed_digest, digest);
    let mut recorded = run("approved", None);
    recorded.report_digest = Some(digest);
    recorded.gate_status = Some("pass");
    assert!(verify(&recorded, CurrentTags::Superseded, Some(bytes.as_bytes())).is_verified());
}
