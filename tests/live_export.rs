//! `tollgate export` against the real, seeded MLflow server: the pack's files, decoded PNGs, the
//! report's links, and byte-for-byte reproducibility.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support::live::{live, Live};

fn export(live: &Live, model: &str, version: &str, dir: &Path) -> Value {
    let out = dir.to_str().unwrap();
    live.json(&["export", model, version, "--out", out, "--json"])
}

fn files(report: &Value) -> Vec<(String, u64)> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["bytes"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Decode a PNG and check it is a full-size chart with real content.
fn check_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    assert_eq!((info.width, info.height), (1000, 520), "{path:?}");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let pixels: Vec<[u8; 3]> = buf.chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
    let colours: BTreeSet<[u8; 3]> = pixels.iter().copied().collect();
    assert!(
        colours.len() >= 8,
        "{path:?}: only {} colours",
        colours.len()
    );
    let inked = pixels.iter().filter(|p| **p != [255, 255, 255]).count();
    assert!(
        inked * 100 > pixels.len(),
        "{path:?}: {inked} non-white pixels of {}",
        pixels.len()
    );
    // An Okabe-Ito series colour is drawn (blue, orange or bluish green).
    assert!(
        colours.contains(&[0x00, 0x72, 0xB2])
            || colours.contains(&[0xE6, 0x9F, 0x00])
            || colours.contains(&[0x00, 0x9E, 0x73]),
        "{path:?}: no palette colour"
    );
}

/// Every file of the pack is on disk with the size reported, PNGs decode, SVGs are SVG, and the
/// report links every PNG.
fn check_pack(dir: &Path, report: &Value) -> Vec<String> {
    let files = files(report);
    let names: Vec<String> = files.iter().map(|f| f.0.clone()).collect();
    for (name, bytes) in &files {
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "{name}"
        );
        let meta = std::fs::metadata(dir.join(name)).unwrap();
        assert_eq!(meta.len(), *bytes, "{name}");
        if name.ends_with(".png") {
            check_png(&dir.join(name));
            let svg = name.replace(".png", ".svg");
            assert!(names.contains(&svg), "{svg} missing");
        }
        if name.ends_with(".svg") {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            assert!(text.contains("<svg") && text.trim_end().ends_with("</svg>"));
        }
    }
    assert!(names.contains(&"report.md".to_string()));
    assert!(names.contains(&"evidence.json".to_string()));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for png in names.iter().filter(|n| n.ends_with(".png")) {
        assert!(
            md.contains(&format!("]({png})")),
            "report.md does not embed {png}"
        );
    }
    names
}

#[test]
fn export_of_the_monitored_champion_holds_every_chart_and_is_reproducible() {
    let live = live();
    let m = &live.manifest["monitoring"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model_name"] == "credit-risk-scorer")
        .expect("credit-risk-scorer is monitored")
        .clone();
    let version = m["model_version"].as_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let report = export(&live, "credit-risk-scorer", version, &a);
    let names = check_pack(&a, &report);
    let drifting = m["drifting_feature"].as_str().unwrap();
    for expected in [
        "metrics-train_loss_fine.png".to_string(),
        "metrics-val_auc.svg".to_string(),
        "fairness-sex.png".to_string(),
        "fairness-age_group.png".to_string(),
        format!("drift-{drifting}.png"),
        format!("histogram-{drifting}.png"),
        "performance.png".to_string(),
    ] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }

    // The 30,000-point curve is drawn from a downsample, and the data says so.
    let evidence: Value =
        serde_json::from_slice(&std::fs::read(a.join("evidence.json")).unwrap()).unwrap();
    let fine = &evidence["curves"]["train_loss_fine"];
    assert_eq!(fine["logged_points"], 30_000);
    let drawn = fine["points"].as_array().unwrap().len();
    assert!((100..=1602).contains(&drawn), "{drawn} points drawn");

    let md = std::fs::read_to_string(a.join("report.md")).unwrap();
    assert!(md.contains("| Stage | Production |"), "{md}");
    assert!(md.contains("@champion"));
    assert!(md.contains("Four-fifths rule"));
    assert!(md.contains(&format!("{drifting} drifting since ")));
    assert!(md.contains("## Lineage") && md.contains("hpo-sweep-credit-risk-scorer"));

    // Exporting again gives the same bytes.
    let again = export(&live, "credit-risk-scorer", version, &b);
    assert_eq!(files(&report), files(&again));
    for name in &names {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        assert!(x == y, "{name} differs between two exports");
    }
}

#[test]
fn export_of_a_version_without_monitoring_has_no_drift_charts() {
    let live = live();
    let monitored: Vec<&str> = live.manifest["monitoring"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["model_name"] == "credit-risk-scorer")
        .map(|m| m["model_version"].as_str().unwrap())
        .collect();
    let model = live.model("credit-risk-scorer");
    let version = model["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .find(|v| !monitored.contains(v) && *v != "1")
        .expect("an unmonitored version");
    let tmp = tempfile::tempdir().unwrap();
    let report = export(&live, "credit-risk-scorer", version, tmp.path());
    let names = check_pack(tmp.path(), &report);
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("drift-") || n.starts_with("histogram-")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.starts_with("fairness-")));
    let md = std::fs::read_to_string(tmp.path().join("report.md")).unwrap();
    assert!(md.contains("No monitoring runs for this version"));
}

#[test]
fn export_of_a_missing_version_fails_cleanly() {
    let live = live();
    let tmp = tempfile::tempdir().unwrap();
    let out = live.tollgate(&[
        "export",
        "credit-risk-scorer",
        "999",
        "--out",
        tmp.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "not found exits 3");
    assert!(!tmp.path().join("x").exists(), "nothing written");
}
