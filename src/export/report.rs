//! `report.md`: the version's metadata, metrics, parameters, fairness, drift, lineage and tags,
//! with the pack's charts embedded. Every piece of server text goes through [`md`].

use std::fmt::Write;

use super::gather::PackData;
use super::naming::md;
use super::pack::{PackChart, Section, EVIDENCE};
use crate::evidence::drift::{day_of, Statistic};
use crate::evidence::fairness::{Aggregate, Fairness, FAIRNESS_PREFIX, NAMING_CONVENTION};
use crate::evidence::lineage::LineageNode;

/// MLflow's bookkeeping tag holding long JSON: left to `evidence.json`.
const NOISY_TAGS: [&str; 1] = ["mlflow.log-model.history"];

/// A value for a table cell: `NaN`, `+Inf`, `-Inf` as such, huge and tiny magnitudes in
/// scientific notation (never a 309-digit number).
pub fn num(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if v != 0.0 && (v.abs() >= 1e15 || v.abs() < 1e-4) {
        format!("{v:.4e}")
    } else if v == v.trunc() {
        format!("{v:.0}")
    } else if v.abs() >= 1000.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    }
}

fn time(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "-".into())
}

fn or_dash(s: Option<&str>) -> String {
    match s {
        Some(s) if !s.is_empty() => md(s),
        _ => "-".into(),
    }
}

fn embed(out: &mut String, c: &PackChart, alt: &str) {
    let _ = writeln!(out, "\n![{}]({})\n\n[SVG]({})\n", md(alt), c.png(), c.svg());
}

fn charts_of(charts: &[PackChart], section: Section) -> impl Iterator<Item = &PackChart> {
    charts.iter().filter(move |c| c.section == section)
}

/// The whole report.
pub fn render(data: &PackData, charts: &[PackChart]) -> String {
    let mut out = String::new();
    let v = &data.version;
    let _ = writeln!(
        out,
        "# Evidence pack: {} version {}\n",
        md(&data.model),
        md(&v.version)
    );
    let _ = writeln!(
        out,
        "Data as of {} (the newest timestamp in the evidence; the pack holds no other time). \
         Written by tollgate {}. The data behind every table and chart is in [{EVIDENCE}]({EVIDENCE}).\n",
        time(data.as_of_ms()),
        env!("CARGO_PKG_VERSION"),
    );
    version_section(&mut out, data);
    metrics_section(&mut out, data, charts);
    fairness_section(&mut out, data, charts);
    drift_section(&mut out, data, charts);
    lineage_section(&mut out, data);
    tags_section(&mut out, data);
    out
}

fn version_section(out: &mut String, data: &PackData) {
    let v = &data.version;
    let _ = writeln!(out, "## Version\n\n| | |\n|---|---|");
    let aliases: Vec<String> = v.aliases.iter().map(|a| format!("@{a}")).collect();
    let run = match (&data.run, v.run_id()) {
        (Some(r), _) => format!(
            "{} ({}){}",
            md(&r.info.run_id),
            or_dash(r.info.run_name.as_deref()),
            if data.run_state == "deleted" {
                ", deleted"
            } else {
                ""
            }
        ),
        (None, Some(id)) => format!("{} (not on the server any more)", md(id)),
        (None, None) => "none recorded".into(),
    };
    let rows = [
        ("Model", md(&data.model)),
        ("Version", md(&v.version)),
        ("Stage", or_dash(v.stage())),
        ("Aliases", or_dash(Some(&aliases.join(" ")))),
        ("Status", or_dash(v.status.as_deref())),
        ("Created", time(v.creation_timestamp)),
        ("Last updated", time(v.last_updated_timestamp)),
        ("Creator", or_dash(data.creator.as_deref())),
        ("Source", or_dash(v.source.as_deref())),
        ("Run", run),
        ("Logged model", or_dash(data.logged_model_id.as_deref())),
        ("Description", or_dash(v.description.as_deref())),
    ];
    for (k, val) in rows {
        let _ = writeln!(out, "| {k} | {val} |");
    }
    out.push('\n');
}

fn metrics_section(out: &mut String, data: &PackData, charts: &[PackChart]) {
    let _ = writeln!(out, "## Metrics\n");
    let Some(run) = &data.run else {
        let _ = writeln!(
            out,
            "No run data: the version's run is {}.\n",
            data.run_state
        );
        return;
    };
    let metrics: Vec<_> = run
        .data
        .metrics
        .iter()
        .filter(|m| !m.key.starts_with(FAIRNESS_PREFIX))
        .collect();
    if metrics.is_empty() {
        let _ = writeln!(out, "The run logged no metrics.\n");
    } else {
        let _ = writeln!(
            out,
            "| metric | latest value | step | history |\n|---|---:|---:|---:|"
        );
        for m in metrics {
            let history = data
                .curves
                .get(&m.key)
                .map(|c| {
                    format!(
                        "{} points{}",
                        c.logged_points,
                        super::pack::non_finite_note(&c.non_finite)
                    )
                })
                .unwrap_or_else(|| "1 point".into());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {history} |",
                md(&m.key),
                num(m.value),
                m.step
            );
        }
        out.push('\n');
    }
    for c in charts_of(charts, Section::Metrics) {
        let _ = writeln!(out, "### Curve: {}", md(&c.subject));
        embed(out, c, &c.subject);
    }
    let _ = writeln!(out, "## Parameters\n");
    if run.data.params.is_empty() {
        let _ = writeln!(out, "The run logged no parameters.\n");
    } else {
        let _ = writeln!(out, "| parameter | value |\n|---|---|");
        for p in &run.data.params {
            let _ = writeln!(out, "| {} | {} |", md(&p.key), md(&p.value));
        }
        out.push('\n');
    }
}

fn aggregate_rows(out: &mut String, aggregates: &[Aggregate]) {
    let _ = writeln!(out, "| metric | value | ideal |\n|---|---:|---:|");
    for a in aggregates {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md(&a.key),
            num(a.value),
            a.ideal.map(num).unwrap_or_else(|| "-".into())
        );
    }
    out.push('\n');
}

fn fairness_section(out: &mut String, data: &PackData, charts: &[PackChart]) {
    let _ = writeln!(out, "## Fairness\n");
    let (aggregates, attributes) = match &data.fairness {
        Fairness::NoEvidence => {
            let _ = writeln!(
                out,
                "No fairness evidence logged. To provide it, {}.\n",
                md(NAMING_CONVENTION)
            );
            return;
        }
        Fairness::Logged {
            aggregates,
            attributes,
        } => (aggregates, attributes),
    };
    if !aggregates.is_empty() {
        let _ = writeln!(out, "Aggregates for the primary attribute:\n");
        aggregate_rows(out, aggregates);
    }
    for attr in attributes {
        let _ = writeln!(out, "### Attribute: {}\n", md(&attr.attribute));
        if !attr.aggregates.is_empty() {
            aggregate_rows(out, &attr.aggregates);
        }
        match &attr.four_fifths {
            Some(f) => {
                let _ = writeln!(
                    out,
                    "Four-fifths rule: lowest selection rate {} ({}) / highest {} ({}) = **{}**, \
                     {} (rule: ratio >= {}).\n",
                    num(f.lowest_rate),
                    md(&f.lowest_group),
                    num(f.highest_rate),
                    md(&f.highest_group),
                    num(f.ratio),
                    if f.passes { "passes" } else { "FAILS" },
                    num(f.rule.threshold),
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "Four-fifths rule: not computable (fewer than two groups logged a selection rate).\n"
                );
            }
        }
        let metrics = attr.group_metrics();
        if !metrics.is_empty() {
            let header: Vec<String> = metrics.iter().map(|m| md(m)).collect();
            let _ = writeln!(
                out,
                "| group | {} |\n|---|{}",
                header.join(" | "),
                "---:|".repeat(metrics.len())
            );
            for g in &attr.groups {
                let cells: Vec<String> = metrics
                    .iter()
                    .map(|m| g.metrics.get(*m).map(|v| num(*v)).unwrap_or("-".into()))
                    .collect();
                let _ = writeln!(out, "| {} | {} |", md(&g.group), cells.join(" | "));
            }
            out.push('\n');
        }
        for c in charts_of(charts, Section::Fairness).filter(|c| c.subject == attr.attribute) {
            embed(out, c, &format!("{} by group", c.subject));
        }
    }
}

fn drift_section(out: &mut String, data: &PackData, charts: &[PackChart]) {
    let _ = writeln!(out, "## Drift\n");
    let Some(m) = &data.monitoring else {
        let _ = writeln!(
            out,
            "No monitoring runs for this version (runs tagged `monitoring.model_name` / \
             `monitoring.model_version`).\n"
        );
        return;
    };
    let h = &m.history;
    let (first, last) = (h.windows.first(), h.windows.last());
    let _ = writeln!(
        out,
        "Monitoring run {}: {} windows{}.\n",
        md(&m.run_id),
        h.windows.len(),
        match (first, last) {
            (Some(a), Some(b)) => format!(
                ", ending {} to {}",
                day_of(a.window_end_ms),
                day_of(b.window_end_ms)
            ),
            _ => String::new(),
        }
    );
    if let Some(t) = h.latest() {
        let _ = writeln!(
            out,
            "### Latest window (ending {})\n",
            time(t.window_end_ms)
        );
        let cols: Vec<Statistic> = Statistic::KNOWN
            .into_iter()
            .chain(
                Statistic::MEAN_SHIFT
                    .into_iter()
                    .filter(|s| t.features.iter().any(|f| f.stat(s).is_some())),
            )
            .collect();
        let header: Vec<&str> = cols.iter().map(|s| s.label()).collect();
        let _ = writeln!(
            out,
            "| feature | {} | drifted |\n|---|{}---|",
            header.join(" | "),
            "---:|".repeat(cols.len())
        );
        for f in &t.features {
            let cells: Vec<String> = cols
                .iter()
                .map(|s| f.stat(s).map(num).unwrap_or_else(|| "-".into()))
                .collect();
            let verdict = match &f.verdict {
                Some(v) if v.drifted => format!(
                    "**yes** ({} {})",
                    v.statistic.label(),
                    md(&v.comparison.describe(v.threshold))
                ),
                Some(_) => "no".into(),
                None => "no verdict".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {verdict} |",
                md(&f.feature),
                cells.join(" | ")
            );
        }
        out.push('\n');
        if let Some(share) = t.drift_share {
            let _ = writeln!(
                out,
                "Share of drifted features: {} (dataset drift: {}).\n",
                num(share),
                if t.dataset_drifted == Some(true) {
                    "yes"
                } else {
                    "no"
                }
            );
        }
    }
    let onsets = h.onsets();
    if onsets.is_empty() {
        let _ = writeln!(out, "No feature is drifting in the latest window.\n");
    } else {
        let _ = writeln!(out, "Onsets:\n");
        for o in &onsets {
            let _ = writeln!(
                out,
                "- {} drifting since {} ({} windows)",
                md(&o.feature),
                o.day(),
                o.windows_drifted
            );
        }
        out.push('\n');
    }
    for c in charts_of(charts, Section::Drift) {
        let _ = writeln!(out, "### Drift over time: {}", md(&c.subject));
        embed(out, c, &format!("drift of {}", c.subject));
    }
    for c in charts_of(charts, Section::Performance) {
        let _ = writeln!(out, "### Live performance");
        embed(out, c, "live performance");
    }
    if let Some(e) = &m.histograms_error {
        let _ = writeln!(
            out,
            "The histogram artifact could not be read: {}.\n",
            md(e)
        );
    }
    for c in charts_of(charts, Section::Histogram) {
        let _ = writeln!(out, "### Reference vs latest: {}", md(&c.subject));
        embed(out, c, &format!("histogram of {}", c.subject));
    }
}

fn lineage_section(out: &mut String, data: &PackData) {
    let _ = writeln!(out, "## Lineage\n");
    write_node(out, &data.lineage, 0);
    out.push('\n');
}

fn write_node(out: &mut String, node: &LineageNode, depth: usize) {
    let mut line = format!("{}- {}", "  ".repeat(depth), md(&node.label));
    if let Some(d) = &node.detail {
        let _ = write!(line, " ({})", md(d));
    }
    if node.missing {
        line.push_str(" **\\[missing\\]**");
    }
    let _ = writeln!(out, "{line}");
    for c in &node.children {
        write_node(out, c, depth + 1);
    }
}

fn tags_section(out: &mut String, data: &PackData) {
    let _ = writeln!(out, "## Tags\n");
    let table = |out: &mut String, title: &str, tags: &mut dyn Iterator<Item = (&str, &str)>| {
        let mut rows = String::new();
        for (k, v) in tags {
            let _ = writeln!(rows, "| {} | {} |", md(k), md(v));
        }
        if rows.is_empty() {
            let _ = writeln!(out, "{title}: none.\n");
        } else {
            let _ = writeln!(out, "{title}:\n\n| key | value |\n|---|---|\n{rows}");
        }
    };
    let mut version_tags: Vec<_> = data
        .version
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    version_tags.sort();
    table(out, "Version tags", &mut version_tags.into_iter());
    if let Some(run) = &data.run {
        table(
            out,
            "Run tags",
            &mut run
                .data
                .tags
                .iter()
                .filter(|t| !NOISY_TAGS.contains(&t.key.as_str()))
                .map(|t| (t.key.as_str(), t.value.as_str())),
        );
    }
}
