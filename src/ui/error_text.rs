//! Words for the errors the app carries typed: the message is the error's own (server text,
//! sanitized where drawn); the hint says what to do about this kind of failure.

use crate::app::action::LoadError;
use crate::mlflow::MlflowError;
use crate::registry::decide::DecideError;

/// What to do after a load failed.
pub fn load_hint(error: &LoadError) -> &'static str {
    match error.registry() {
        Some(MlflowError::PermissionDenied { .. }) => {
            "Ask a registry admin for the permission, then press r to retry."
        }
        Some(MlflowError::Unauthenticated { .. }) => {
            "Check the profile's credentials, then press r to retry."
        }
        Some(MlflowError::NotFound { .. }) => "It may have been deleted: Esc goes back, r retries.",
        _ => "Press r to retry.",
    }
}

/// A decision that was not written (or only in part): the message, what changed when the
/// report was stale, and what to do next.
pub struct DecisionFailure {
    pub message: String,
    pub changes: Vec<String>,
    pub hint: &'static str,
}

pub fn decision_failure(error: &LoadError) -> DecisionFailure {
    let hint = match (error.decision(), error.registry()) {
        (Some(DecideError::Partial { .. }), _) => {
            "Some writes went through: check the Audit tab and the version's tags before deciding again."
        }
        (_, Some(MlflowError::PermissionDenied { .. })) => {
            "Ask a registry admin for EDIT permission on this model."
        }
        (Some(DecideError::Stale { .. }), _) => {
            "Enter reviews it again with the evidence as it is now."
        }
        (
            Some(
                DecideError::LostRace { .. }
                | DecideError::AlreadyHeld { .. }
                | DecideError::Moved { .. },
            ),
            _,
        ) => "Enter reviews it again and shows who holds the target now.",
        (Some(DecideError::FourEyes(_)), _) => "Four-eyes: another approver has to decide this one.",
        _ => "Enter checks again.",
    };
    DecisionFailure {
        message: error.to_string(),
        changes: error
            .decision()
            .map(DecideError::change_lines)
            .unwrap_or_default(),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::decision::Change;

    fn permission_denied() -> MlflowError {
        MlflowError::PermissionDenied {
            action: "set tag".into(),
            permission: "EDIT",
            resource: "model m".into(),
            message: "no".into(),
        }
    }

    #[test]
    fn each_kind_of_failed_decision_gets_its_own_hint() {
        let stale: LoadError = DecideError::Stale {
            seen: "a".into(),
            fresh: "b".into(),
            changes: vec![Change::AliasAdded {
                alias: "champion".into(),
            }],
        }
        .into();
        let worded = decision_failure(&stale);
        assert!(worded.hint.contains("evidence as it is now"));
        assert_eq!(worded.changes, ["alias @champion added"]);

        let refused: LoadError = DecideError::Refused {
            what: "the decision",
            error: permission_denied(),
        }
        .into();
        let worded = decision_failure(&refused);
        assert!(worded.hint.contains("EDIT permission"), "{}", worded.hint);
        assert!(worded.changes.is_empty());

        let raced: LoadError = DecideError::AlreadyHeld {
            version: "3".into(),
            target: "Production".into(),
        }
        .into();
        assert!(decision_failure(&raced)
            .hint
            .contains("who holds the target"));

        let partial: LoadError = DecideError::Partial {
            what: "tags written, audit run not".into(),
            error: permission_denied(),
        }
        .into();
        assert!(
            decision_failure(&partial).hint.contains("Audit tab"),
            "a partial write is never described as nothing written"
        );
    }

    #[test]
    fn a_refused_read_says_whom_to_ask_and_anything_else_to_retry() {
        assert!(load_hint(&permission_denied().into()).contains("admin"));
        assert_eq!(load_hint(&LoadError::other("boom")), "Press r to retry.");
    }
}
