//! One promotion per target. MLflow has no compare-and-set, so two approvers at once would both
//! promote. Before promoting, an approval (or roll back) writes a claim on the registered model,
//! keyed by target, where competing decisions about any version see it; waits; and re-reads:
//! only the decider whose claim is still there, with the target still held by whom the decider
//! saw, goes ahead. A claim carries an expiry, so a crashed decider blocks nobody for long, and
//! is released (deleted) when the decision is done, whatever its outcome. A registered-model tag
//! may be set and deleted with EDIT rights (a version's delete-tag needs MANAGE).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::error::{DecideError, RaceLoss};
use crate::governance::decision::{iso8601, Actor};
use crate::governance::Target;
use crate::mlflow::{tag_value, MlflowError, RegisteredModel};
use crate::registry::{holder, Registry};

/// How long a claim must stand before the promotion goes ahead: longer than the gap between
/// another decider's read of the claims and its write, so of two overlapping claims the
/// earlier one sees the later one and stops.
const CLAIM_SETTLE: Duration = Duration::from_millis(700);

/// How long a claim holds: longer than a decision's writes take (promotion, tags, audit run),
/// short enough that a crashed decider blocks nobody for long.
const CLAIM_LIFETIME: chrono::Duration = chrono::Duration::minutes(2);

/// The registered-model tag holding the claim on `target`.
pub fn claim_key(target: &Target) -> String {
    format!("tollgate.claim.{}", target.tag_key())
}

/// A claim's tag value: `<expiry, ms since the epoch> <nonce> <actor>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClaimValue {
    expires: DateTime<Utc>,
    nonce: String,
    by: String,
}

impl ClaimValue {
    fn new(actor: &Actor, now: DateTime<Utc>) -> ClaimValue {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        ClaimValue {
            expires: now + CLAIM_LIFETIME,
            nonce: format!(
                "{}-{}-{}",
                std::process::id(),
                now.timestamp_nanos_opt().unwrap_or_default(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ),
            by: actor.name.clone(),
        }
    }

    fn to_tag(&self) -> String {
        format!(
            "{} {} {}",
            self.expires.timestamp_millis(),
            self.nonce,
            self.by
        )
    }

    fn parse(value: &str) -> Option<ClaimValue> {
        let mut parts = value.splitn(3, ' ');
        let expires = DateTime::from_timestamp_millis(parts.next()?.parse().ok()?)?;
        let nonce = parts.next().filter(|n| !n.is_empty())?.to_string();
        Some(ClaimValue {
            expires,
            nonce,
            by: parts.next().unwrap_or_default().to_string(),
        })
    }
}

/// A claim this process holds.
#[derive(Debug, Clone)]
pub(super) struct Claim {
    model: String,
    key: String,
    value: String,
    /// Who held the target when the claim was confirmed (the decider saw the same).
    pub holder: Option<String>,
}

/// Who may not go ahead: a stale holder or an unexpired claim by another decider.
fn standing_loss(
    model: &RegisteredModel,
    target: &Target,
    expected_holder: Option<&str>,
    now: DateTime<Utc>,
) -> Option<RaceLoss> {
    let current = holder(model, target);
    if current.as_deref() != expected_holder {
        return Some(RaceLoss::Moved {
            from: expected_holder.map(str::to_string),
            now: current,
        });
    }
    let value = tag_value(&model.tags, &claim_key(target))?;
    match ClaimValue::parse(value) {
        Some(other) if other.expires <= now => None,
        Some(other) => Some(RaceLoss::Claimed {
            by: Some(other.by),
            until: Some(iso8601(other.expires)),
        }),
        // Not a claim tollgate wrote: fail closed (it names no expiry to wait for).
        None => Some(RaceLoss::Claimed {
            by: None,
            until: None,
        }),
    }
}

/// Claim `target` of `model` for `version`: refused while another decider's claim stands or
/// when the target is no longer held by `expected_holder` (what the decider saw).
pub(super) async fn take(
    registry: &Registry,
    model: &str,
    version: &str,
    target: &Target,
    actor: &Actor,
    expected_holder: Option<&str>,
) -> Result<Claim, DecideError> {
    let lost = |how| DecideError::LostRace {
        version: version.to_string(),
        target: target.to_string(),
        how,
    };
    let client = registry.client();
    let before = client.get_registered_model(model).await?;
    if let Some(how) = standing_loss(&before, target, expected_holder, Utc::now()) {
        return Err(lost(how));
    }
    let key = claim_key(target);
    let ours = ClaimValue::new(actor, Utc::now()).to_tag();
    if let Err(error) = client.set_registered_model_tag(model, &key, &ours).await {
        return Err(refused_claim(registry, model, &key, error)
            .await
            .map_or_else(
                |error| DecideError::Refused {
                    what: "the promotion",
                    error,
                },
                lost,
            ));
    }
    tokio::time::sleep(CLAIM_SETTLE).await;
    let after = client.get_registered_model(model).await?;
    let claim = Claim {
        model: model.to_string(),
        key,
        value: ours,
        holder: holder(&after, target),
    };
    if tag_value(&after.tags, &claim.key) != Some(claim.value.as_str()) {
        // Another decider wrote over ours: theirs stands, and is theirs to release.
        return Err(lost(RaceLoss::Overtaken));
    }
    if claim.holder.as_deref() != expected_holder {
        release(registry, &claim).await;
        return Err(lost(RaceLoss::Moved {
            from: expected_holder.map(str::to_string),
            now: claim.holder,
        }));
    }
    Ok(claim)
}

/// Why writing the claim failed: two claims written at the same instant (the store refuses
/// the second insert of one tag) show another decider's claim on a re-read; anything else is
/// the server refusing the write, which the caller reports as nothing recorded.
async fn refused_claim(
    registry: &Registry,
    model: &str,
    key: &str,
    error: MlflowError,
) -> Result<RaceLoss, MlflowError> {
    if matches!(
        error,
        MlflowError::PermissionDenied { .. } | MlflowError::Unauthenticated { .. }
    ) {
        return Err(error);
    }
    match registry.client().get_registered_model(model).await {
        Ok(m) if tag_value(&m.tags, key).is_some() => Ok(RaceLoss::Simultaneous),
        _ => Err(error),
    }
}

/// Remove the claim if it is still ours; a failure leaves a tag that expires on its own.
pub(super) async fn release(registry: &Registry, claim: &Claim) {
    let client = registry.client();
    let still_ours = match client.get_registered_model(&claim.model).await {
        Ok(m) => tag_value(&m.tags, &claim.key) == Some(claim.value.as_str()),
        Err(e) => {
            tracing::warn!(error = %e, "could not re-read the claim; it expires on its own");
            return;
        }
    };
    if !still_ours {
        return;
    }
    if let Err(e) = client
        .delete_registered_model_tag(&claim.model, &claim.key)
        .await
    {
        tracing::warn!(error = %e, "could not remove the claim tag; it expires on its own");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::decision::ActorSource;
    use crate::mlflow::{Alias, Tag};

    fn actor(name: &str) -> Actor {
        Actor {
            name: name.into(),
            source: ActorSource::Env,
        }
    }

    fn model(claim: Option<String>, champion: Option<&str>) -> RegisteredModel {
        RegisteredModel {
            name: "m".into(),
            tags: claim
                .map(|value| Tag {
                    key: "tollgate.claim.alias:champion".into(),
                    value,
                })
                .into_iter()
                .collect(),
            aliases: champion
                .map(|v| Alias {
                    alias: "champion".into(),
                    version: v.into(),
                })
                .into_iter()
                .collect(),
            ..RegisteredModel::default()
        }
    }

    #[test]
    fn a_claim_round_trips_and_names_who_took_it() {
        let now = Utc::now();
        let v = ClaimValue::new(&actor("ana lopez"), now);
        let parsed = ClaimValue::parse(&v.to_tag()).unwrap();
        assert_eq!(parsed.by, "ana lopez");
        assert_eq!(
            parsed.expires.timestamp_millis(),
            v.expires.timestamp_millis()
        );
        assert_ne!(ClaimValue::new(&actor("ana"), now).nonce, v.nonce);
    }

    #[test]
    fn an_unexpired_claim_refuses_an_expired_one_does_not() {
        let target: Target = "@champion".parse().unwrap();
        let now = Utc::now();
        let fresh = ClaimValue::new(&actor("bo"), now).to_tag();
        assert!(matches!(
            standing_loss(&model(Some(fresh.clone()), None), &target, None, now),
            Some(RaceLoss::Claimed { by: Some(b), until: Some(_) }) if b == "bo"
        ));
        let later = now + CLAIM_LIFETIME + chrono::Duration::seconds(1);
        assert_eq!(
            standing_loss(&model(Some(fresh), None), &target, None, later),
            None
        );
        assert_eq!(
            standing_loss(&model(Some("garbage".into()), None), &target, None, now),
            Some(RaceLoss::Claimed {
                by: None,
                until: None
            })
        );
    }

    #[test]
    fn a_holder_other_than_the_one_seen_refuses() {
        let target: Target = "@champion".parse().unwrap();
        assert_eq!(
            standing_loss(&model(None, Some("3")), &target, Some("2"), Utc::now()),
            Some(RaceLoss::Moved {
                from: Some("2".into()),
                now: Some("3".into())
            })
        );
        assert_eq!(
            standing_loss(&model(None, Some("3")), &target, Some("3"), Utc::now()),
            None
        );
    }
}
