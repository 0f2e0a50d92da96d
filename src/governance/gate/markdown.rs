//! A gate report as Markdown: a heading, the status line, and one table row per check.

use std::fmt::Write;

use serde_json::Value;

use super::{CheckResult, GateReport, Outcome, Source};

pub(super) fn render(r: &GateReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Gate report: {} version {} to {}\n",
        cell(&r.model),
        cell(&r.version),
        r.target
    );
    let passed = r
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Pass)
        .count();
    let _ = writeln!(
        out,
        "**Status: {}** ({passed} of {} checks passed)\n",
        r.status.as_str().to_uppercase(),
        r.checks.len()
    );
    let _ = writeln!(out, "- Evaluated at: {}", r.evaluated_at);
    let _ = writeln!(out, "- Policy digest: `{}`", r.policy_digest);
    let _ = writeln!(out, "- Report digest: `{}`", r.digest);
    if let Some(run) = &r.state.run_id {
        let _ = writeln!(out, "- Source run: `{}`", cell(run));
    }
    if r.checks.is_empty() {
        let why = if r.ungated() {
            "nothing was checked, so nothing passed (the policy can accept this with \
             `allow_ungated = true` under [settings])"
        } else {
            "the policy accepts that (`allow_ungated = true`)"
        };
        let _ = writeln!(out, "\nNo gate of the policy guards {}: {why}.", r.target);
    } else {
        let _ = writeln!(
            out,
            "\n| Outcome | Gate | Observed | Bound | Source | Note |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for c in &r.checks {
            let _ = writeln!(out, "{}", row(c));
        }
    }
    if !r.not_applicable.is_empty() {
        let _ = writeln!(
            out,
            "\nNot applicable to {}: {}",
            r.target,
            r.not_applicable
                .iter()
                .map(|g| cell(g))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

fn row(c: &CheckResult) -> String {
    let mark = match c.outcome {
        Outcome::Pass => "pass",
        Outcome::Fail => "**FAIL**",
        Outcome::Missing => "**MISSING**",
        Outcome::Invalid => "**INVALID**",
        Outcome::Ungated => "**UNGATED**",
    };
    format!(
        "| {mark} | {} | {} | {} | {} | {} |",
        cell(&c.id),
        // Rounded for reading, as the table rounds them; the report keeps the exact values.
        cell(&crate::text::round_floats(&observed(&c.observed))),
        cell(&crate::text::round_floats(&c.bound)),
        cell(&source(&c.source)),
        cell(&crate::text::round_floats(&c.message))
    )
}

fn observed(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", observed(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn source(s: &Source) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &s.run_id {
        parts.push(format!("run {r}"));
    }
    if let Some(m) = &s.metric_key {
        parts.push(format!("metric {m}"));
    }
    if let Some(a) = &s.artifact_path {
        parts.push(format!("artifact {a}"));
    }
    if let Some(v) = &s.baseline_version {
        parts.push(format!("baseline v{v}"));
    }
    if !s.tags.is_empty() {
        parts.push(format!("tags {}", s.tags.join(", ")));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("; ")
    }
}

/// Text safe inside a table cell: pipes escaped, line breaks flattened, controls dropped.
fn cell(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .replace('|', "\\|")
        .replace('\n', " ")
}
