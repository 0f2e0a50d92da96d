//! The `:` command line: what each command means, and Tab completion of names.

/// Commands and their one-line help, in the order completion offers them.
pub const COMMANDS: &[(&str, &str)] = &[
    ("models", "the list of every model"),
    ("model", "one model's versions: model NAME"),
    ("inbox", "every pending promotion request"),
    (
        "velocity",
        "lead time, promotions, failure rate, time to restore per model",
    ),
    (
        "verify",
        "compare the registry with the trail: unapproved changes",
    ),
    ("profile", "switch server: profile NAME"),
    ("theme", "switch theme: theme NAME"),
    ("quit", "leave tollgate"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Models,
    Model(String),
    Inbox,
    Velocity,
    Verify,
    Profile(String),
    Theme(String),
    Quit,
}

/// Parse a command line (without the `:`). Names are the rest of the line, spaces included,
/// because model names may hold spaces (`:model O'Brien churn`).
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    let (word, rest) = match line.split_once(' ') {
        Some((w, r)) => (w, r.trim()),
        None => (line, ""),
    };
    let needs_arg = |what: &str, make: fn(String) -> Command| {
        if rest.is_empty() {
            Err(format!(
                ":{word} needs a {what}, e.g. :{word} <{what}> (Tab completes)"
            ))
        } else {
            Ok(make(rest.to_string()))
        }
    };
    match word {
        "models" | "m" => Ok(Command::Models),
        "model" => needs_arg("name", Command::Model),
        "inbox" | "i" => Ok(Command::Inbox),
        "velocity" | "vel" => Ok(Command::Velocity),
        "verify" => Ok(Command::Verify),
        "profile" | "ctx" => needs_arg("profile", Command::Profile),
        "theme" => needs_arg("theme", Command::Theme),
        "quit" | "q" | "q!" | "exit" => Ok(Command::Quit),
        "" => Err(
            "type a command: models, model NAME, inbox, velocity, verify, profile NAME, theme NAME, quit".into(),
        ),
        other => Err(format!(
            "unknown command :{other}; try models, model NAME, inbox, velocity, verify, profile NAME, theme NAME, quit"
        )),
    }
}

/// Names completion can offer.
#[derive(Debug, Default, Clone, Copy)]
pub struct CompletionSources<'a> {
    pub models: &'a [&'a str],
    pub profiles: &'a [String],
    pub themes: &'a [String],
}

/// Full command lines that complete `line`: command names first, then the argument's names
/// (those starting with the typed text, then those containing it; case-insensitive).
pub fn candidates(line: &str, sources: &CompletionSources) -> Vec<String> {
    let Some((word, typed)) = line.split_once(' ') else {
        return COMMANDS
            .iter()
            .filter(|(name, _)| name.starts_with(line))
            .map(|(name, _)| {
                let takes_arg = matches!(*name, "model" | "profile" | "theme");
                if takes_arg {
                    format!("{name} ")
                } else {
                    name.to_string()
                }
            })
            .collect();
    };
    let names: Vec<&str> = match word {
        "model" => sources.models.to_vec(),
        "profile" | "ctx" => sources.profiles.iter().map(String::as_str).collect(),
        "theme" => sources.themes.iter().map(String::as_str).collect(),
        _ => return Vec::new(),
    };
    let typed_lower = typed.trim_start().to_lowercase();
    let mut starts: Vec<&str> = Vec::new();
    let mut contains: Vec<&str> = Vec::new();
    for name in names {
        let lower = name.to_lowercase();
        if lower.starts_with(&typed_lower) {
            starts.push(name);
        } else if lower.contains(&typed_lower) {
            contains.push(name);
        }
    }
    let by_lowercase = |a: &&str, b: &&str| a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b));
    starts.sort_by(by_lowercase);
    contains.sort_by(by_lowercase);
    starts
        .into_iter()
        .chain(contains)
        .map(|name| format!("{word} {name}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_names_holding_spaces() {
        assert_eq!(parse("models"), Ok(Command::Models));
        assert_eq!(
            parse(" model O'Brien churn "),
            Ok(Command::Model("O'Brien churn".into()))
        );
        assert_eq!(parse("profile prod"), Ok(Command::Profile("prod".into())));
        assert_eq!(parse("theme light"), Ok(Command::Theme("light".into())));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("inbox"), Ok(Command::Inbox));
        assert_eq!(parse("velocity"), Ok(Command::Velocity));
        assert_eq!(parse("verify"), Ok(Command::Verify));
        assert!(parse("model").unwrap_err().contains("needs a name"));
        assert!(parse("fly").unwrap_err().contains("unknown command :fly"));
    }

    #[test]
    fn completion_offers_commands_then_names() {
        let models = ["fraud-detector", "Fraud Detection (EU)", "churn-predictor"];
        let profiles = vec!["local".to_string(), "prod".to_string()];
        let themes = vec!["dark".to_string(), "light".to_string()];
        let src = CompletionSources {
            models: &models,
            profiles: &profiles,
            themes: &themes,
        };
        assert_eq!(candidates("mo", &src), ["models", "model "]);
        assert_eq!(candidates("in", &src), ["inbox"]);
        assert_eq!(candidates("ve", &src), ["velocity", "verify"]);
        assert_eq!(
            candidates("model fra", &src),
            ["model Fraud Detection (EU)", "model fraud-detector"]
        );
        assert_eq!(candidates("model pred", &src), ["model churn-predictor"]);
        assert_eq!(
            candidates("profile ", &src),
            ["profile local", "profile prod"]
        );
        assert_eq!(candidates("theme l", &src), ["theme light"]);
        assert!(candidates("quit x", &src).is_empty());
    }
}
