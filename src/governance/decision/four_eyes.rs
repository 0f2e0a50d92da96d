//! Separation of duties: the approver must be neither the version's creator nor the requester.
//! Names are compared case-insensitively, and `ana@corp.com` matches `ana`: the same person is
//! often known by an OS user name in one place and an e-mail address in another, and a false
//! refusal is cheaper than a self-approval.

use serde::{Deserialize, Serialize};

/// Who else is involved with the version.
#[derive(Debug, Clone, Copy, Default)]
pub struct FourEyesInput<'a> {
    pub approver: &'a str,
    /// The version's `user_id`.
    pub version_creator: Option<&'a str>,
    /// The source run's `mlflow.user` tag (or its `user_id`).
    pub run_creator: Option<&'a str>,
    /// Who requested this promotion.
    pub requester: Option<&'a str>,
}

/// Four-eyes satisfied; `unverified` says what could not be checked (an unknown creator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FourEyesOk {
    pub unverified: Vec<String>,
}

/// Why an approval is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{0}")]
pub struct Refusal(pub String);

/// Check four-eyes for an approval.
pub fn check_four_eyes(input: &FourEyesInput<'_>) -> Result<FourEyesOk, Refusal> {
    let approver = input.approver.trim();
    if approver.is_empty() {
        return Err(Refusal(
            "four-eyes: the approver is unknown; set TOLLGATE_USER or the config's identity".into(),
        ));
    }
    let roles = [
        (input.version_creator, "registered this version (user_id)"),
        (
            input.run_creator,
            "created the version's source run (mlflow.user)",
        ),
        (input.requester, "requested this promotion"),
    ];
    for (who, role) in roles {
        if let Some(who) = who.filter(|w| same_person(w, approver)) {
            return Err(Refusal(format!(
                "four-eyes: {approver} cannot approve: {} {role}; another approver must decide",
                who.trim()
            )));
        }
    }
    let mut unverified = Vec::new();
    let known = |w: Option<&str>| w.is_some_and(|w| !w.trim().is_empty());
    if !known(input.version_creator) && !known(input.run_creator) {
        unverified.push("the version's creator is unknown (no user_id, no mlflow.user)".into());
    }
    Ok(FourEyesOk { unverified })
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

    fn input<'a>(approver: &'a str) -> FourEyesInput<'a> {
        FourEyesInput {
            approver,
            version_creator: Some("ana"),
            run_creator: Some("ana@corp.com"),
            requester: Some("bo"),
        }
    }

    #[test]
    fn a_third_person_may_approve() {
        assert_eq!(
            check_four_eyes(&input("cy")),
            Ok(FourEyesOk { unverified: vec![] })
        );
    }

    #[test]
    fn the_creator_is_refused() {
        let e = check_four_eyes(&input("ANA")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "four-eyes: ANA cannot approve: ana registered this version (user_id); another approver must decide"
        );
        let only_run = FourEyesInput {
            version_creator: None,
            ..input("ana@corp.com")
        };
        assert!(check_four_eyes(&only_run)
            .unwrap_err()
            .0
            .contains("created the version's source run (mlflow.user)"));
    }

    #[test]
    fn the_requester_is_refused() {
        let e = check_four_eyes(&input("bo@corp.com")).unwrap_err();
        assert!(e.0.contains("requested this promotion"));
    }

    #[test]
    fn unknown_creator_is_noted_not_refused() {
        let i = FourEyesInput {
            approver: "cy",
            version_creator: Some(""),
            run_creator: None,
            requester: None,
        };
        let ok = check_four_eyes(&i).unwrap();
        assert_eq!(ok.unverified.len(), 1);
    }

    #[test]
    fn an_unknown_approver_is_refused() {
        assert!(check_four_eyes(&input("  ")).is_err());
    }
}
