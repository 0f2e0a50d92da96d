//! From [`PackData`] to files: which charts a pack holds, what they are named, and writing them
//! with the report and the data. Pure apart from the writes, and byte-reproducible.

use std::path::Path;

use serde::Serialize;

use super::charts::{self, BarChart, Chart, HistogramChart, LineChart, Series};
use super::gather::PackData;
use super::naming::{chart_text, FileNames};
use super::report;
use crate::evidence::drift::{day_of, DriftHistory, FeatureHistogram, Histograms, Statistic};
use crate::evidence::fairness::AttributeFairness;

/// One chart of the pack with the file stem its PNG and SVG share.
#[derive(Debug, Clone, PartialEq)]
pub struct PackChart {
    pub section: Section,
    /// What the chart is of (a metric key, an attribute, a feature), as the server names it.
    pub subject: String,
    pub stem: String,
    pub chart: Chart,
}

impl PackChart {
    pub fn png(&self) -> String {
        format!("{}.png", self.stem)
    }
    pub fn svg(&self) -> String {
        format!("{}.svg", self.stem)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Metrics,
    Fairness,
    Drift,
    Performance,
    Histogram,
}

/// A file the export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrittenFile {
    /// The file's name inside the output directory.
    pub file: String,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    #[error("cannot serialize the evidence: {0}")]
    Json(#[from] serde_json::Error),
}

/// The name of the report inside the pack.
pub const REPORT: &str = "report.md";
/// The data the pack was drawn from.
pub const EVIDENCE: &str = "evidence.json";

/// Every chart of the pack, in report order, with unique safe names.
pub fn plan_charts(data: &PackData) -> Vec<PackChart> {
    let mut names = FileNames::default();
    let mut out = Vec::new();
    let mut push = |section, subject: &str, prefix: &str, chart| {
        let stem = names.claim(prefix, subject);
        out.push(PackChart {
            section,
            subject: subject.to_string(),
            stem,
            chart,
        });
    };
    for (key, curve) in &data.curves {
        push(
            Section::Metrics,
            key,
            "metrics",
            Chart::Lines(LineChart {
                title: format!(
                    "{} ({} points logged{}{})",
                    chart_text(key),
                    curve.logged_points,
                    if curve.points.len() < curve.logged_points {
                        format!(", {} drawn", curve.points.len())
                    } else {
                        String::new()
                    },
                    non_finite_note(&curve.non_finite)
                ),
                x_desc: "step".into(),
                y_desc: chart_text(key),
                series: vec![Series {
                    name: chart_text(key),
                    points: curve.points.clone(),
                }],
                threshold: None,
                highlight: None,
                marker: None,
                x_labels: Vec::new(),
            }),
        );
    }
    for attr in data.fairness.attributes() {
        if let Some(chart) = fairness_chart(attr) {
            push(Section::Fairness, &attr.attribute, "fairness", chart);
        }
    }
    if let Some(m) = &data.monitoring {
        for f in &m.history.features {
            if let Some(chart) = drift_chart(&m.history, &f.feature) {
                push(Section::Drift, &f.feature, "drift", chart);
            }
        }
        if let Some(chart) = performance_chart(&m.history) {
            push(Section::Performance, "", "performance", chart);
        }
        if let Some(h) = &m.histograms {
            for (feature, hist) in &h.features {
                if let Some(chart) = histogram_chart(h, feature, hist) {
                    push(Section::Histogram, feature, "histogram", chart);
                }
            }
        }
    }
    out
}

fn fairness_chart(attr: &AttributeFairness) -> Option<Chart> {
    if attr.groups.is_empty() {
        return None;
    }
    let metrics = attr.group_metrics();
    let ratio = attr
        .four_fifths
        .as_ref()
        .map(|f| {
            format!(
                " (four-fifths ratio {:.2}: {})",
                f.ratio,
                if f.passes { "pass" } else { "FAIL" }
            )
        })
        .unwrap_or_default();
    Some(Chart::Bars(BarChart {
        title: format!("{} by group{ratio}", chart_text(&attr.attribute)),
        y_desc: "value".into(),
        categories: metrics.iter().map(|m| chart_text(m)).collect(),
        groups: attr
            .groups
            .iter()
            .map(|g| {
                (
                    chart_text(&g.group),
                    metrics.iter().map(|m| g.metrics.get(*m).copied()).collect(),
                )
            })
            .collect(),
    }))
}

/// The statistic a feature's drift chart shows: the one its latest verdict rests on, else the
/// first known statistic it logged.
pub fn chart_statistic(history: &DriftHistory, feature: &str) -> Option<Statistic> {
    let series = history.feature(feature)?;
    let from_verdict = series
        .windows
        .iter()
        .rev()
        .find_map(|(_, row)| row.verdict.as_ref().map(|v| v.statistic.clone()));
    from_verdict.or_else(|| {
        Statistic::KNOWN
            .into_iter()
            .chain(Statistic::MEAN_SHIFT)
            .find(|s| series.windows.iter().any(|(_, row)| row.stat(s).is_some()))
    })
}

/// `, 1 not drawn: NaN at step 3` for a curve's non-finite points (the first few named).
pub(super) fn non_finite_note(points: &[(f64, f64)]) -> String {
    if points.is_empty() {
        return String::new();
    }
    let named: Vec<String> = points
        .iter()
        .take(3)
        .map(|(step, v)| format!("{} at step {step}", crate::evidence::number::exact(*v)))
        .collect();
    let more = if points.len() > 3 { ", ..." } else { "" };
    format!(", {} not drawn: {}{more}", points.len(), named.join(", "))
}

fn day_labels(history: &DriftHistory) -> Vec<(f64, String)> {
    history
        .windows
        .iter()
        .map(|w| (w.step as f64, day_of(w.window_end_ms)[5..].to_string()))
        .collect()
}

fn drift_chart(history: &DriftHistory, feature: &str) -> Option<Chart> {
    let stat = chart_statistic(history, feature)?;
    let points: Vec<(f64, f64)> = history
        .statistic_series(feature, &stat)
        .iter()
        .map(|p| (p.step as f64, p.value))
        .collect();
    if points.is_empty() {
        return None;
    }
    let thresholds = &history.thresholds;
    let threshold = thresholds
        .threshold(&stat)
        .zip(stat.comparison())
        .map(|(t, cmp)| (t, format!("drifted when {}", cmp.describe(t))));
    let drifted: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|&(_, v)| thresholds.crosses(&stat, v) == Some(true))
        .collect();
    let onset = history.drifting_since_by(feature, &stat);
    let title = match &onset {
        Some(o) => format!(
            "{}: {} per window, drifting since {}",
            chart_text(feature),
            stat.label(),
            o.day()
        ),
        None => format!("{}: {} per window", chart_text(feature), stat.label()),
    };
    Some(Chart::Lines(LineChart {
        title,
        x_desc: "window end (UTC, month-day)".into(),
        y_desc: stat.label().to_string(),
        series: vec![Series {
            name: stat.label().to_string(),
            points,
        }],
        threshold,
        highlight: (!drifted.is_empty()).then(|| ("drifted window".to_string(), drifted)),
        marker: onset.map(|o| (o.window.step as f64, format!("onset {}", o.day()))),
        x_labels: day_labels(history),
    }))
}

fn performance_chart(history: &DriftHistory) -> Option<Chart> {
    if history.perf.is_empty() {
        return None;
    }
    Some(Chart::Lines(LineChart {
        title: "Live performance per monitoring window".into(),
        x_desc: "window end (UTC, month-day)".into(),
        y_desc: "value".into(),
        series: history
            .perf
            .iter()
            .map(|(name, points)| Series {
                name: chart_text(&format!("perf.{name}")),
                points: points.iter().map(|p| (p.step as f64, p.value)).collect(),
            })
            .collect(),
        threshold: None,
        highlight: None,
        marker: None,
        x_labels: day_labels(history),
    }))
}

fn histogram_chart(h: &Histograms, feature: &str, hist: &FeatureHistogram) -> Option<Chart> {
    let latest = hist.window(None)?;
    let reference_label = match h.reference_rows {
        Some(n) => format!("reference ({n} rows)"),
        None => "reference".to_string(),
    };
    let mut current_label = match latest.window_end_ms {
        Some(ms) => format!("latest window, ending {}", day_of(ms)),
        None => format!("latest window (step {})", latest.step),
    };
    if let Some(rows) = latest.rows {
        current_label.push_str(&format!(" ({rows} rows)"));
    }
    let reference = FeatureHistogram::shares(&hist.reference);
    let current = FeatureHistogram::shares(&latest.counts);
    let title = format!("{}: reference vs latest window", chart_text(feature));
    if hist.categories.is_empty() {
        Some(Chart::Histogram(HistogramChart {
            title,
            x_desc: chart_text(feature),
            edges: hist.bin_edges.clone(),
            reference: (reference_label, reference),
            current: (current_label, current),
        }))
    } else {
        Some(Chart::Bars(BarChart {
            title,
            y_desc: "share of rows".into(),
            categories: hist.categories.iter().map(|c| chart_text(c)).collect(),
            groups: vec![
                (reference_label, reference.into_iter().map(Some).collect()),
                (current_label, current.into_iter().map(Some).collect()),
            ],
        }))
    }
}

/// Write the pack into `dir` (created if needed): each chart as PNG and SVG, `report.md` and
/// `evidence.json`. Returns the files written, sorted by name.
pub fn write_pack(data: &PackData, dir: &Path) -> Result<Vec<WrittenFile>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let charts = plan_charts(data);
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: &[u8]| -> Result<(), ExportError> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| ExportError::Io {
            path: path.display().to_string(),
            source,
        })?;
        written.push(WrittenFile {
            file: name.to_string(),
            bytes: bytes.len() as u64,
        });
        Ok(())
    };
    for c in &charts {
        write(&c.png(), &charts::render_png(&c.chart)?)?;
        write(&c.svg(), charts::render_svg(&c.chart)?.as_bytes())?;
    }
    write(REPORT, report::render(data, &charts).as_bytes())?;
    let mut json = serde_json::to_vec_pretty(data)?;
    json.push(b'\n');
    write(EVIDENCE, &json)?;
    written.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(written)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;
    use crate::evidence::drift::{DriftThresholds, HistogramWindow};
    use crate::evidence::fairness::{Fairness, FourFifthsRule};
    use crate::evidence::lineage::{build_lineage, LineageInput};
    use crate::export::gather::{Curve, Monitoring};
    use crate::mlflow::{Metric, ModelVersion, Run, Tag};

    const DAY: i64 = 86_400_000;

    fn metric(key: &str, step: i64, value: f64) -> Metric {
        Metric {
            key: key.into(),
            value,
            timestamp: 1_793_491_200_000 + step * DAY,
            step,
        }
    }

    /// A pack whose server text is hostile: names that collide once sanitized, path tricks,
    /// Markdown and HTML.
    fn data() -> PackData {
        let version = ModelVersion {
            name: "evil|model".into(),
            version: "7".into(),
            current_stage: Some("Staging".into()),
            aliases: vec!["champion".into()],
            description: Some("<script>alert(1)</script> [click](http://x)".into()),
            tags: vec![Tag {
                key: "note".into(),
                value: "# not a heading\n| not | a | row |".into(),
            }],
            creation_timestamp: Some(1_793_000_000_000),
            ..ModelVersion::default()
        };
        let mut run = Run::default();
        run.info.run_id = "r1".into();
        run.data.metrics = vec![
            metric("../../etc/passwd", 3, 0.5),
            metric("fairness.sex:female.selection_rate", 0, 0.4),
            metric("fairness.sex:<b>male</b>.selection_rate", 0, 0.6),
            metric("fairness.sex:female.accuracy", 0, 0.8),
        ];
        let mut histories: HashMap<String, Vec<Metric>> = HashMap::new();
        for step in 0..10 {
            let psi = if step >= 6 {
                0.3 + 0.05 * step as f64
            } else {
                0.05
            };
            for (key, value) in [
                ("drift.a b.psi", psi),
                ("drift.a_b.psi", 0.01),
                ("drift.../x.psi", 0.02),
                ("perf.accuracy", 0.9 - 0.01 * step as f64),
            ] {
                histories
                    .entry(key.into())
                    .or_default()
                    .push(metric(key, step, value));
            }
        }
        let history = DriftHistory::from_metric_histories(&histories, &DriftThresholds::default());
        let mut features = BTreeMap::new();
        features.insert(
            "a b".to_string(),
            FeatureHistogram {
                kind: "numeric".into(),
                bin_edges: vec![0.0, 1.0, 2.0, 3.0],
                categories: Vec::new(),
                reference: vec![10.0, 20.0, 10.0],
                windows: vec![HistogramWindow {
                    step: 9,
                    window_end_ms: Some(1_793_491_200_000 + 9 * DAY),
                    rows: Some(40),
                    counts: vec![5.0, 15.0, 20.0],
                }],
            },
        );
        let lineage = build_lineage(&LineageInput {
            version: &version,
            logged_model: None,
            source_run: Some(&run),
            runs: &HashMap::new(),
            experiments: &HashMap::new(),
            dataset_users: &[],
        });
        PackData {
            model: "evil|model".into(),
            run_state: "active".into(),
            creator: Some("*someone*".into()),
            logged_model_id: None,
            curves: BTreeMap::from([(
                "../../etc/passwd".to_string(),
                Curve {
                    logged_points: 4,
                    points: vec![(0.0, 1.0), (1.0, 0.8), (2.0, 0.6), (3.0, 0.5)],
                    non_finite: Vec::new(),
                },
            )]),
            fairness: Fairness::from_metrics(
                &run.data.metrics,
                &BTreeMap::new(),
                &FourFifthsRule::default(),
            ),
            monitoring: Some(Monitoring {
                run_id: "m1".into(),
                history,
                histograms: Some(Histograms {
                    reference_rows: Some(40),
                    features,
                }),
                histograms_error: None,
            }),
            lineage,
            version,
            run: Some(run),
        }
    }

    #[test]
    fn charts_get_safe_unique_names() {
        let stems: Vec<String> = plan_charts(&data()).into_iter().map(|c| c.stem).collect();
        assert_eq!(
            stems,
            [
                "metrics-_._.._etc_passwd",
                "fairness-sex",
                "drift-_._x",
                "drift-a_b",
                "drift-a_b-2",
                "performance",
                "histogram-a_b",
            ]
        );
    }

    #[test]
    fn the_pack_is_written_inside_its_directory_and_reproducible() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        let data = data();
        let files = write_pack(&data, &a).unwrap();
        let again = write_pack(&data, &b).unwrap();
        assert_eq!(files, again);
        // Nothing escaped the output directory.
        let mut top: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        top.sort();
        assert_eq!(top, ["a", "b"]);
        let mut on_disk: Vec<String> = std::fs::read_dir(&a)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        on_disk.sort();
        let listed: Vec<String> = files.iter().map(|f| f.file.clone()).collect();
        assert_eq!(on_disk, listed);
        for f in &files {
            let x = std::fs::read(a.join(&f.file)).unwrap();
            assert_eq!(x.len() as u64, f.bytes);
            assert_eq!(x, std::fs::read(b.join(&f.file)).unwrap(), "{}", f.file);
        }
        assert_eq!(files.len(), 7 * 2 + 2);
    }

    #[test]
    fn the_report_embeds_every_chart_and_escapes_server_text() {
        let data = data();
        let charts = plan_charts(&data);
        let md = super::report::render(&data, &charts);
        for c in &charts {
            assert!(md.contains(&format!("]({})", c.png())), "{}", c.png());
            assert!(md.contains(&format!("]({})", c.svg())), "{}", c.svg());
        }
        assert!(!md.contains("<script>"));
        assert!(!md.contains("<b>"));
        assert!(md.contains("\\<script\\>"));
        assert!(md.contains("# Evidence pack: evil\\|model version 7"));
        assert!(!md.contains("\n# not a heading"));
        assert!(md.contains("\\# not a heading↵\\| not \\| a \\| row \\|"));
        assert!(md.contains("| Creator | \\*someone\\* |"));
        assert!(md.contains("a b drifting since 2026-11-07"), "{md}");
        assert!(md.contains("Four-fifths rule: lowest selection rate 0.4000 (female)"));
        assert!(md.contains("## Lineage\n\n- evil\\|model\n  - version 7"));
        // No clock time: only the data's.
        assert!(md.contains("Data as of 2026-11-10 00:00 UTC"), "{md}");
    }
}
