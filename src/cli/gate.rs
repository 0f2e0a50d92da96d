//! `tollgate gate check`: evaluate a version's gates for a target; exit 0 on pass, 1 otherwise.

use std::io::Write;
use std::path::Path;

use super::output::{self, Table};
use super::{governance, CliError};
use crate::config::Resolved;
use crate::governance::{GateReport, Target};
use crate::registry::{AuditRecord, Registry, GATE_CHECK};
use crate::session::policy;
use crate::text::round_floats;

/// Output form of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

pub struct CheckArgs<'a> {
    pub model: &'a str,
    pub version: &'a str,
    pub target: &'a str,
    pub policy: Option<&'a Path>,
    pub format: Format,
    pub record: bool,
}

pub fn parse_target(text: &str) -> Result<Target, CliError> {
    text.parse()
        .map_err(|e: crate::governance::TargetError| CliError::Usage(e.to_string()))
}

pub async fn check(
    resolved: &Resolved,
    registry: &Registry,
    args: &CheckArgs<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let target = parse_target(args.target)?;
    let policy = policy::load(resolved, args.policy)?;
    if args.record {
        governance::refuse_read_only(resolved, "gate check --record")?;
    }
    let actor = if args.record {
        Some(governance::actor(resolved)?)
    } else {
        None
    };
    let (_, report) =
        crate::registry::decide::check(registry, &policy, args.model, args.version, &target)
            .await?;
    match args.format {
        Format::Json => writeln!(out, "{}", report.to_json())?,
        Format::Markdown => write!(out, "{}", report.to_markdown())?,
        Format::Table => write_report(out, &report)?,
    }
    if let Some(actor) = actor {
        // The version tag first: when the server refuses it, nothing at all was recorded.
        let (key, value) = crate::registry::gate_status_tag(&report);
        registry
            .client()
            .set_model_version_tag(args.model, args.version, &key, &value)
            .await
            .map_err(governance::nothing_recorded)?;
        let run_id = registry
            .record_audit(&AuditRecord {
                model: args.model,
                version: args.version,
                target: &target,
                decision: GATE_CHECK,
                actor: &actor.name,
                actor_source: actor.source.as_str(),
                comment: "",
                override_justification: None,
                report: Some(&report),
                previous_holder: None,
                archived: &[],
                signed: None,
            })
            .await?;
        eprintln!("recorded: tag {key}={value}, audit run {run_id}");
    }
    if report.passed() {
        Ok(())
    } else {
        Err(CliError::Reported(format!(
            "gates for {} v{} -> {}: {}",
            args.model,
            args.version,
            target,
            report.status.as_str()
        )))
    }
}

/// The report as a table of checks with a status line.
pub fn write_report(out: &mut dyn Write, report: &GateReport) -> std::io::Result<()> {
    writeln!(
        out,
        "{} v{} -> {}: {}",
        report.model,
        report.version,
        report.target,
        report.status.as_str().to_uppercase()
    )?;
    let mut table = Table::new(["GATE", "OUTCOME", "OBSERVED", "BOUND", "MESSAGE"]);
    for c in &report.checks {
        let observed = match &c.observed {
            serde_json::Value::Number(n) => n
                .as_f64()
                .map(output::metric)
                .unwrap_or_else(|| n.to_string()),
            serde_json::Value::Null => "-".into(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // Rounded for reading; `--json` and the recorded report keep the exact values.
        table.row([
            c.id.as_str(),
            c.outcome.as_str(),
            &observed,
            &round_floats(&c.bound),
            &round_floats(&c.message),
        ]);
    }
    if report.checks.is_empty() {
        // No table of nothing: say what the status means.
        let why = if report.ungated() {
            "nothing was checked, so nothing passed; add a gate for it, or set \
             `allow_ungated = true` under [settings]"
        } else {
            "the policy accepts that (allow_ungated = true)"
        };
        writeln!(out, "no gate of the policy guards {}: {why}", report.target)?;
    } else {
        table.write(out, output::stdout_styled())?;
    }
    if !report.not_applicable.is_empty() {
        writeln!(
            out,
            "not applicable to {}: {}",
            report.target,
            report.not_applicable.join(", ")
        )?;
    }
    writeln!(out, "report digest {}", report.digest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::{evaluate, Evidence, Policy, Stage};

    /// The digest of the report below, pinned: rounding what the table shows must never reach
    /// the report (whose digest the audit trail records). Pinned under the RFC 8785 form (schema 2).
    const PINNED_DIGEST: &str = "189c35120c356c872fddc70c865acb4c480d0b82540abc35f7d6b465c42991f2";

    fn report() -> GateReport {
        let policy = Policy::parse(
            "[[gate]]\nid = \"auc\"\nmetric = \"auc\"\nmin = 0.9\n\n\
             [[gate]]\nid = \"accuracy\"\nmetric = \"accuracy\"\nmin = 0.5\n",
            "test",
        )
        .unwrap();
        let evidence = Evidence {
            model: "m".into(),
            version: "1".into(),
            run_id: Some("run1".into()),
            metrics: [
                ("auc".to_string(), 0.8500000000000001),
                ("accuracy".to_string(), 0.1 + 0.7),
            ]
            .into(),
            ..Evidence::default()
        };
        evaluate(
            &policy,
            &Target::Stage(Stage::Production),
            &evidence,
            "2026-01-01T00:00:00Z",
        )
    }

    #[test]
    fn the_table_rounds_floats_in_messages_while_the_report_keeps_them_exact() {
        let report = report();
        let mut out = Vec::new();
        write_report(&mut out, &report).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("auc = 0.85 is outside"), "{text}");
        assert!(text.contains("accuracy = 0.8"), "{text}");
        assert!(!text.contains("0.8500000000000001"), "{text}");
        assert!(!text.contains("0.7999999999999999"), "{text}");
        let md = report.to_markdown();
        assert!(md.contains("auc = 0.85 is outside"), "{md}");
        assert!(!md.contains("0.8500000000000001"), "{md}");
        // The report itself is untouched: exact values, the same digest.
        let auc = report.checks.iter().find(|c| c.id == "auc").unwrap();
        assert!(
            auc.message.contains("0.8500000000000001"),
            "{}",
            auc.message
        );
        assert!(report.to_json().contains("0.7999999999999999"));
        assert_eq!(report.digest, report.compute_digest());
        assert_eq!(report.digest, PINNED_DIGEST);
    }
}
