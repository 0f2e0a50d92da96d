//! Separation of duties: the approver must be neither the version's creator nor the requester.
//! Names are compared case-insensitively, and `ana@corp.com` matches `ana`: the same person is
//! often known by an OS user name in one place and an e-mail address in another, and a false
//! refusal is cheaper than a self-approval.
//!
//! Every record of who created or requested counts: any of them naming the approver refuses, so
//! editing one record (a tag) cannot hide a person another record (a run's `user_id`, an audit
//! run's params) still names. Records that disagree with each other refuse too, naming both.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One record of who did something, and where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// Where the name was read ("the source run's user_id"), for messages.
    pub source: String,
    /// The name; `None` when this record names nobody.
    pub name: Option<String>,
}

impl Recorded {
    pub fn new(source: impl Into<String>, name: Option<&str>) -> Recorded {
        Recorded {
            source: source.into(),
            name: name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        }
    }
}

/// Who else is involved with the version.
#[derive(Debug, Clone, Copy, Default)]
pub struct FourEyesInput<'a> {
    pub approver: &'a str,
    /// Each record of the version's creator: the source run's `user_id` (fixed at
    /// `runs/create`), its `mlflow.user` tag, the version's `user_id`. A record without a
    /// name was not kept (older clients, REST callers) and is skipped.
    pub creators: &'a [Recorded],
    /// Each record of who requested this promotion: the version's decision tag and the audit
    /// trail. Here a record without a name says "no pending request", so one record naming a
    /// requester and another naming nobody disagree.
    pub requesters: &'a [Recorded],
    /// The policy accepts a version whose creator no record names.
    pub allow_unknown_creator: bool,
}

/// Four-eyes satisfied; `unverified` says what could not be checked (an unknown creator the
/// policy accepts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FourEyesOk {
    pub unverified: Vec<String>,
}

/// The part a person played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Creator,
    Requester,
}

impl Role {
    fn did(self) -> &'static str {
        match self {
            Role::Creator => "created this version",
            Role::Requester => "requested this promotion",
        }
    }
}

/// Why an approval is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// Nobody is named as the approver.
    UnknownApprover,
    /// A record names the approver as the creator or the requester.
    SelfApproval {
        approver: String,
        role: Role,
        record: Recorded,
    },
    /// Two records of the same role name different people (or one names nobody).
    Disagree {
        role: Role,
        first: Recorded,
        second: Recorded,
    },
    /// No record names the creator and the policy does not accept that.
    UnknownCreator,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnknownApprover => f.write_str(
                "four-eyes: the approver is unknown; set TOLLGATE_USER or the config's identity",
            ),
            Refusal::SelfApproval {
                approver,
                role,
                record,
            } => write!(
                f,
                "four-eyes: {approver} cannot approve: {} {} ({}); another approver must decide",
                record.name.as_deref().unwrap_or_default(),
                role.did(),
                record.source
            ),
            Refusal::Disagree {
                role,
                first,
                second,
            } => {
                let says = |r: &Recorded| match &r.name {
                    Some(n) => format!("{} says {n}", r.source),
                    None => format!("{} names nobody", r.source),
                };
                write!(
                    f,
                    "four-eyes: the records of who {} disagree: {}, {}; nothing is approved until they agree",
                    role.did(),
                    says(first),
                    says(second)
                )
            }
            Refusal::UnknownCreator => f.write_str(
                "four-eyes: the version's creator is unknown (no run user_id, no mlflow.user, no version user_id); \
                 the policy's allow_unknown_creator accepts that",
            ),
        }
    }
}

/// Check four-eyes for an approval.
pub fn check_four_eyes(input: &FourEyesInput<'_>) -> Result<FourEyesOk, Refusal> {
    let approver = input.approver.trim();
    if approver.is_empty() {
        return Err(Refusal::UnknownApprover);
    }
    let roles = [
        (Role::Creator, input.creators),
        (Role::Requester, input.requesters),
    ];
    // The approver named anywhere comes first: it is the more useful message.
    for (role, records) in roles {
        if let Some(record) = records
            .iter()
            .find(|r| r.name.as_deref().is_some_and(|n| same_person(n, approver)))
        {
            return Err(Refusal::SelfApproval {
                approver: approver.to_string(),
                role,
                record: record.clone(),
            });
        }
    }
    let named: Vec<Recorded> = input
        .creators
        .iter()
        .filter(|r| r.name.is_some())
        .cloned()
        .collect();
    for (role, records) in [
        (Role::Creator, named.as_slice()),
        (Role::Requester, input.requesters),
    ] {
        if let Some((first, second)) = disagreement(records) {
            return Err(Refusal::Disagree {
                role,
                first: first.clone(),
                second: second.clone(),
            });
        }
    }
    let mut unverified = Vec::new();
    if named.is_empty() {
        if !input.allow_unknown_creator {
            return Err(Refusal::UnknownCreator);
        }
        unverified.push(
            "the version's creator is unknown (no run user_id, no mlflow.user, no version user_id); the policy allows it"
                .into(),
        );
    }
    Ok(FourEyesOk { unverified })
}

/// The first two records naming different people (a nameless record differs from a named one).
fn disagreement(records: &[Recorded]) -> Option<(&Recorded, &Recorded)> {
    let first = records.first()?;
    let agree = |a: &Recorded, b: &Recorded| match (&a.name, &b.name) {
        (Some(a), Some(b)) => same_person(a, b),
        (None, None) => true,
        _ => false,
    };
    records
        .iter()
        .skip(1)
        .find(|r| !agree(first, r))
        .map(|r| (first, r))
}

/// Same person: equal ignoring case and surrounding blanks, or equal local parts of e-mails.
fn same_person(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().to_lowercase();
    let (a, b) = (norm(a), norm(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let local = |s: &str| s.split('@').next().unwrap_or("").to_string();
    a == b || local(&a) == local(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(source: &str, name: Option<&str>) -> Recorded {
        Recorded::new(source, name)
    }

    fn creators() -> Vec<Recorded> {
        vec![
            rec("the source run's user_id", Some("ana")),
            rec("the source run's mlflow.user", Some("ana@corp.com")),
            rec("the version's user_id", None),
        ]
    }

    fn requested_by(name: Option<&str>) -> Vec<Recorded> {
        vec![
            rec("the version's decision tag", name),
            rec("the audit trail", name),
        ]
    }

    fn check(
        approver: &str,
        creators: &[Recorded],
        requesters: &[Recorded],
    ) -> Result<FourEyesOk, Refusal> {
        check_four_eyes(&FourEyesInput {
            approver,
            creators,
            requesters,
            allow_unknown_creator: false,
        })
    }

    #[test]
    fn a_third_person_may_approve() {
        assert_eq!(
            check("cy", &creators(), &requested_by(Some("bo"))),
            Ok(FourEyesOk { unverified: vec![] })
        );
        assert!(check("cy", &creators(), &requested_by(None)).is_ok());
    }

    #[test]
    fn the_creator_is_refused_by_any_record() {
        let e = check("ANA", &creators(), &requested_by(None)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "four-eyes: ANA cannot approve: ana created this version (the source run's user_id); another approver must decide"
        );
        // mlflow.user edited to someone else: the run's user_id still names the creator.
        let forged = vec![
            rec("the source run's user_id", Some("ana")),
            rec("the source run's mlflow.user", Some("zed")),
        ];
        assert!(matches!(
            check("ana", &forged, &requested_by(None)),
            Err(Refusal::SelfApproval { role: Role::Creator, record, .. }) if record.source == "the source run's user_id"
        ));
    }

    #[test]
    fn creator_records_that_disagree_refuse_and_say_which() {
        let forged = vec![
            rec("the source run's user_id", Some("ana")),
            rec("the source run's mlflow.user", Some("zed")),
        ];
        let e = check("cy", &forged, &requested_by(None)).unwrap_err();
        assert!(matches!(
            e,
            Refusal::Disagree {
                role: Role::Creator,
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "four-eyes: the records of who created this version disagree: the source run's user_id says ana, \
             the source run's mlflow.user says zed; nothing is approved until they agree"
        );
    }

    #[test]
    fn the_requester_is_refused_by_any_record() {
        let e = check("bo@corp.com", &creators(), &requested_by(Some("bo"))).unwrap_err();
        assert!(e.to_string().contains("requested this promotion"), "{e}");
        // The tag edited to another name: the audit trail still names the requester.
        let forged = vec![
            rec("the version's decision tag", Some("zed")),
            rec("the audit trail", Some("bo")),
        ];
        assert!(matches!(
            check("bo", &creators(), &forged),
            Err(Refusal::SelfApproval { role: Role::Requester, record, .. }) if record.source == "the audit trail"
        ));
    }

    #[test]
    fn requester_records_that_disagree_refuse_naming_both() {
        let forged = vec![
            rec("the version's decision tag", Some("zed")),
            rec("the audit trail", Some("bo")),
        ];
        let e = check("cy", &creators(), &forged).unwrap_err();
        assert!(matches!(
            e,
            Refusal::Disagree {
                role: Role::Requester,
                ..
            }
        ));
        assert!(
            e.to_string()
                .contains("the version's decision tag says zed, the audit trail says bo"),
            "{e}"
        );
        // A request the trail has but the tags lost (or the reverse) disagrees too.
        let lost = vec![
            rec("the version's decision tag", None),
            rec("the audit trail", Some("bo")),
        ];
        assert!(check("cy", &creators(), &lost)
            .unwrap_err()
            .to_string()
            .contains("the version's decision tag names nobody, the audit trail says bo"));
    }

    #[test]
    fn an_unknown_creator_is_refused_unless_the_policy_allows_it() {
        let nobody = vec![
            rec("the source run's user_id", Some("")),
            rec("the source run's mlflow.user", None),
        ];
        assert_eq!(
            check("cy", &nobody, &requested_by(None)),
            Err(Refusal::UnknownCreator)
        );
        let ok = check_four_eyes(&FourEyesInput {
            approver: "cy",
            creators: &nobody,
            requesters: &requested_by(None),
            allow_unknown_creator: true,
        })
        .unwrap();
        assert_eq!(ok.unverified.len(), 1);
    }

    #[test]
    fn an_unknown_approver_is_refused() {
        assert_eq!(check("  ", &creators(), &[]), Err(Refusal::UnknownApprover));
    }
}
