//! Promotion targets: a stage (`Staging`, `Production`, `Archived`, `None`) or an alias
//! (`@champion`, any alias). MLflow tag keys cannot hold `@`, so in tag keys a target is written
//! as its stage name (`Production`) or as `alias:<name>`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A registry stage (deprecated by MLflow since 2.9 but still served, and still used).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    None,
    Staging,
    Production,
    Archived,
}

impl Stage {
    /// The stage's name as MLflow spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::None => "None",
            Stage::Staging => "Staging",
            Stage::Production => "Production",
            Stage::Archived => "Archived",
        }
    }

    /// Parse a stage name, case-insensitively.
    pub fn parse(s: &str) -> Option<Stage> {
        [
            Stage::None,
            Stage::Staging,
            Stage::Production,
            Stage::Archived,
        ]
        .into_iter()
        .find(|st| st.as_str().eq_ignore_ascii_case(s))
    }
}

/// Where a version is promoted to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Stage(Stage),
    /// An alias name, without the `@`.
    Alias(String),
}

/// Why a target could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("'{0}' is not a target: use a stage (Staging, Production, Archived, None) or an alias (@champion)")]
    Unknown(String),
    #[error("alias '{0}': use letters, digits, '_' and '-' only")]
    BadAlias(String),
    #[error("alias '{0}' is reserved by MLflow ('latest' and 'v<number>')")]
    ReservedAlias(String),
}

/// Prefix of alias targets in tag keys.
const ALIAS_KEY_PREFIX: &str = "alias:";

impl Target {
    /// An alias target, checked.
    pub fn alias(name: &str) -> Result<Target, TargetError> {
        check_alias(name)?;
        Ok(Target::Alias(name.to_string()))
    }

    /// The form used inside tag keys: `Production` or `alias:champion`.
    pub fn tag_key(&self) -> String {
        match self {
            Target::Stage(s) => s.as_str().to_string(),
            Target::Alias(a) => format!("{ALIAS_KEY_PREFIX}{a}"),
        }
    }

    /// Parse the tag-key form back.
    pub fn from_tag_key(key: &str) -> Option<Target> {
        match key.strip_prefix(ALIAS_KEY_PREFIX) {
            Some(alias) => Target::alias(alias).ok(),
            None => Stage::parse(key)
                .filter(|s| s.as_str() == key)
                .map(Target::Stage),
        }
    }

    /// Whether this target is one of the high-stakes ones that ask the approver to type the
    /// model's name (Production, @champion).
    pub fn is_guarded(&self) -> bool {
        matches!(self, Target::Stage(Stage::Production))
            || matches!(self, Target::Alias(a) if a == "champion")
    }

    /// Whether a version currently holding `stage` and `aliases` holds this target.
    pub fn held_by(&self, stage: Option<&str>, aliases: &[String]) -> bool {
        match self {
            Target::Stage(Stage::None) => stage.is_none_or(|s| s.is_empty() || s == "None"),
            Target::Stage(s) => stage.is_some_and(|st| st.eq_ignore_ascii_case(s.as_str())),
            Target::Alias(a) => aliases.iter().any(|x| x == a),
        }
    }
}

fn check_alias(name: &str) -> Result<(), TargetError> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(TargetError::BadAlias(name.to_string()));
    }
    let lower = name.to_ascii_lowercase();
    let versionish =
        lower.len() > 1 && lower.starts_with('v') && lower[1..].chars().all(|c| c.is_ascii_digit());
    if lower == "latest" || versionish {
        return Err(TargetError::ReservedAlias(name.to_string()));
    }
    Ok(())
}

impl FromStr for Target {
    type Err = TargetError;

    /// `Production` (any case), `@champion`, or the tag-key form `alias:champion`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(alias) = s.strip_prefix('@') {
            return Target::alias(alias);
        }
        if let Some(alias) = s.strip_prefix(ALIAS_KEY_PREFIX) {
            return Target::alias(alias);
        }
        Stage::parse(s)
            .map(Target::Stage)
            .ok_or_else(|| TargetError::Unknown(s.to_string()))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Stage(s) => f.write_str(s.as_str()),
            Target::Alias(a) => write!(f, "@{a}"),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        assert_eq!(
            "production".parse::<Target>().unwrap(),
            Target::Stage(Stage::Production)
        );
        assert_eq!(
            "Production".parse::<Target>().unwrap().to_string(),
            "Production"
        );
        let champ: Target = "@champion".parse().unwrap();
        assert_eq!(champ, Target::Alias("champion".into()));
        assert_eq!(champ.to_string(), "@champion");
        assert_eq!("alias:champion".parse::<Target>().unwrap(), champ);
        assert_eq!(
            "None".parse::<Target>().unwrap(),
            Target::Stage(Stage::None)
        );
    }

    #[test]
    fn tag_key_form_round_trips() {
        for t in [
            "Staging",
            "Production",
            "Archived",
            "@champion",
            "@shadow-2",
        ] {
            let target: Target = t.parse().unwrap();
            assert!(!target.tag_key().contains('@'));
            assert_eq!(Target::from_tag_key(&target.tag_key()), Some(target));
        }
        assert_eq!(Target::Alias("champion".into()).tag_key(), "alias:champion");
        // Tag keys are written exactly; a lower-case stage is not one of ours.
        assert_eq!(Target::from_tag_key("production"), None);
        assert_eq!(Target::from_tag_key("alias:"), None);
    }

    #[test]
    fn bad_targets() {
        assert!(matches!(
            "Prod".parse::<Target>(),
            Err(TargetError::Unknown(_))
        ));
        assert!(matches!(
            "@".parse::<Target>(),
            Err(TargetError::BadAlias(_))
        ));
        assert!(matches!(
            "@cham pion".parse::<Target>(),
            Err(TargetError::BadAlias(_))
        ));
        assert!(matches!(
            "@latest".parse::<Target>(),
            Err(TargetError::ReservedAlias(_))
        ));
        assert!(matches!(
            "@v3".parse::<Target>(),
            Err(TargetError::ReservedAlias(_))
        ));
        assert!("@v3a".parse::<Target>().is_ok());
        assert!("@v".parse::<Target>().is_ok());
    }

    #[test]
    fn guarded_and_held() {
        assert!(Target::Stage(Stage::Production).is_guarded());
        assert!(Target::Alias("champion".into()).is_guarded());
        assert!(!Target::Stage(Stage::Staging).is_guarded());
        let aliases = vec!["champion".to_string()];
        assert!(Target::Alias("champion".into()).held_by(None, &aliases));
        assert!(Target::Stage(Stage::Production).held_by(Some("Production"), &[]));
        assert!(Target::Stage(Stage::None).held_by(None, &[]));
        assert!(Target::Stage(Stage::None).held_by(Some("None"), &[]));
        assert!(!Target::Stage(Stage::Staging).held_by(Some("Production"), &[]));
    }

    #[test]
    fn serde_as_string() {
        let t: Target = serde_json::from_str("\"@champion\"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"@champion\"");
        assert!(serde_json::from_str::<Target>("\"nope\"").is_err());
    }
}
