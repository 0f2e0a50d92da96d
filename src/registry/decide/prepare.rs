//! Step one: read the version fresh, evaluate its gates, and work out everything the decider
//! must see before answering: the requester, the blocking checks, the four-eyes verdict and
//! whether the version already holds the target.

use std::sync::Arc;

use chrono::Utc;

use super::actor::confirm_actor;
use super::identities::{creators, requesters, tagged_requester};
use super::{name_confirms, require_comment, DecisionInputs, InputError};
use crate::governance::decision::{
    check_four_eyes, iso8601, Actor, Decision, FourEyesInput, FourEyesOk, Refusal,
};
use crate::governance::{evaluate, GateReport, Policy, Target};
use crate::mlflow::MlflowError;
use crate::registry::{holder, GatheredVersion, Registry};

/// Everything a decision is bound to, and what the decider is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub model: String,
    pub version: String,
    pub target: Target,
    pub decision: Decision,
    /// Who is acting, with the source the server confirmed (see [`super::confirm_actor`]).
    pub actor: Actor,
    /// Why the actor's identity could not be confirmed, for the decider.
    pub actor_note: Option<String>,
    pub policy: Arc<Policy>,
    /// The report the decider sees; `commit` refuses if a fresh one differs.
    pub report: GateReport,
    /// Who requested this promotion (the newest `requested` record for the target).
    pub requester: Option<String>,
    /// The version already holds the target.
    pub already_held: bool,
    /// The version holding the target when the report was prepared: `commit` refuses if
    /// another holds it by then.
    pub holder: Option<String>,
    /// The four-eyes verdict, for approvals under a policy that asks for it.
    pub four_eyes: Option<Result<FourEyesOk, Refusal>>,
}

/// Why a prepared decision cannot go ahead whatever the decider answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// An approval or request for a target the version already holds.
    AlreadyHeld,
    /// Failing gates and a policy without overrides (the blocking check ids).
    GatesFailed(Vec<String>),
    /// No gate guards the target and the policy does not set `allow_ungated`. No override
    /// lifts this: there is no failing evidence to justify going past, only no evidence.
    Ungated,
    FourEyes(Refusal),
}

impl Prepared {
    /// The ids of the checks that did not pass.
    pub fn blocking_ids(&self) -> Vec<String> {
        self.report.blocking().map(|c| c.id.clone()).collect()
    }

    /// Failing gates the policy lets an approver override with a justification.
    pub fn needs_justification(&self) -> bool {
        self.decision == Decision::Approved
            && !self.report.passed()
            && !self.report.ungated()
            && self.policy.settings.allow_override
    }

    /// Production and @champion approvals ask for the model's name.
    pub fn needs_typed_name(&self) -> bool {
        self.decision == Decision::Approved && self.target.is_guarded()
    }

    /// What stops this decision outright, in the order the headless commands check it.
    pub fn blocker(&self) -> Option<Blocker> {
        let promoting = matches!(self.decision, Decision::Approved | Decision::Requested);
        if promoting && self.already_held {
            return Some(Blocker::AlreadyHeld);
        }
        if self.decision != Decision::Approved {
            return None;
        }
        if self.report.ungated() {
            return Some(Blocker::Ungated);
        }
        if !self.report.passed() && !self.policy.settings.allow_override {
            return Some(Blocker::GatesFailed(self.blocking_ids()));
        }
        match &self.four_eyes {
            Some(Err(refusal)) => Some(Blocker::FourEyes(refusal.clone())),
            _ => None,
        }
    }

    /// The blocker as a sentence (the CLI's wording).
    pub fn blocker_message(&self, blocker: &Blocker) -> String {
        match blocker {
            Blocker::AlreadyHeld => format!(
                "version {} of '{}' already holds {}; nothing to do",
                self.version, self.model, self.target
            ),
            Blocker::GatesFailed(ids) => format!(
                "refused: gates not passed ({}) and the policy does not allow overrides",
                ids.join(", ")
            ),
            Blocker::Ungated => format!(
                "refused: no gate of the policy guards {} (ungated); add a gate for it, or set \
                 `allow_ungated = true` under [settings] to accept ungated promotions",
                self.target
            ),
            Blocker::FourEyes(r) => format!("refused: {r}"),
        }
    }

    /// Check the decider's answers (pure). Blockers are not re-checked here: see [`Self::blocker`].
    pub fn validate(&self, inputs: &DecisionInputs) -> Result<(), InputError> {
        require_comment(&inputs.comment)?;
        if self.needs_justification()
            && inputs
                .justification
                .as_deref()
                .is_none_or(|j| j.trim().is_empty())
        {
            return Err(InputError::MissingJustification(
                self.blocking_ids().join(", "),
            ));
        }
        if self.needs_typed_name() {
            if let Some(typed) = &inputs.typed_name {
                if !name_confirms(&self.model, typed) {
                    return Err(InputError::NameNotConfirmed(self.model.clone()));
                }
            }
        }
        Ok(())
    }

    /// The justification recorded as an override: only when gates fail and one was given.
    pub fn override_justification(&self, inputs: &DecisionInputs) -> Option<String> {
        (self.needs_justification())
            .then(|| inputs.justification.clone())
            .flatten()
            .filter(|j| !j.trim().is_empty())
    }
}

/// The version's evidence, read fresh, and its gate report evaluated now.
pub async fn check(
    registry: &Registry,
    policy: &Policy,
    model: &str,
    version: &str,
    target: &Target,
) -> Result<(GatheredVersion, GateReport), MlflowError> {
    let gathered = registry
        .gate_evidence(policy, model, version, target)
        .await?;
    let report = evaluate(policy, target, &gathered.evidence, &iso8601(Utc::now()));
    Ok((gathered, report))
}

/// Read the version, evaluate the gates, confirm who is acting, and gather what the decider
/// must see.
pub async fn prepare(
    registry: &Registry,
    policy: Arc<Policy>,
    actor: Actor,
    model: &str,
    version: &str,
    target: &Target,
    decision: Decision,
) -> Result<Prepared, MlflowError> {
    let (gathered, report) = check(registry, &policy, model, version, target).await?;
    let confirmed = confirm_actor(registry.client(), actor).await;
    let already_held = target.held_by(gathered.version.stage(), &gathered.version.aliases);
    let requester = tagged_requester(&gathered.version.tags, target);
    let four_eyes = if decision == Decision::Approved && policy.settings.four_eyes {
        let requesters =
            requesters(registry, model, version, target, &gathered.version.tags).await?;
        Some(check_four_eyes(&FourEyesInput {
            approver: &confirmed.actor.name,
            creators: &creators(&gathered),
            requesters: &requesters,
            allow_unknown_creator: policy.settings.allow_unknown_creator,
        }))
    } else {
        None
    };
    Ok(Prepared {
        model: model.to_string(),
        version: version.to_string(),
        target: target.clone(),
        decision,
        actor: confirmed.actor,
        actor_note: confirmed.note,
        policy,
        report,
        requester,
        already_held,
        holder: holder(&gathered.model, target),
        four_eyes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures;
    use crate::registry::decide::DecisionInputs;

    fn approve(policy: Policy) -> Prepared {
        fixtures::prepared(
            "credit",
            "5",
            "Production",
            Decision::Approved,
            "bo",
            0.6,
            policy,
        )
    }

    /// Issue 9: an empty policy let `approve` promote anything. Ungated is not failing evidence
    /// that a justification could go past; it is no evidence, so even `allow_override` refuses.
    #[test]
    fn an_ungated_approval_is_refused_even_with_overrides() {
        let p = Policy::parse("[settings]\nallow_override = true\n", "p.toml").unwrap();
        let prepared = approve(p);
        assert!(prepared.report.ungated());
        assert_eq!(prepared.blocker(), Some(Blocker::Ungated));
        assert!(!prepared.needs_justification());
        let inputs = DecisionInputs {
            comment: "ok".into(),
            justification: Some("trust me".into()),
            ..DecisionInputs::default()
        };
        assert_eq!(prepared.override_justification(&inputs), None);
        let message = prepared.blocker_message(&Blocker::Ungated);
        assert!(message.contains("no gate of the policy guards Production"));
        assert!(message.contains("allow_ungated = true"));

        let p = Policy::parse(
            "[settings]\nallow_ungated = true\nfour_eyes = false\n",
            "p.toml",
        )
        .unwrap();
        assert_eq!(approve(p).blocker(), None);
    }
}
