//! The Drift tab on an 80x24 terminal (the bastion size), where one lower panel fits: `v`
//! reaches the trend, the reference vs current histogram and `perf.*` in turn, the footer and
//! the help say so, and the threshold is named on the chart's border, never over the curve.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use support::live::{manifest, tracking_uri};
use support::pty::{Cockpit, Launch};

#[test]
fn every_drift_panel_is_reachable_by_key_at_80x24() {
    let manifest = manifest();
    let monitoring = &manifest["monitoring"][0];
    let model = monitoring["model_name"].as_str().unwrap();
    let version = monitoring["model_version"].as_str().unwrap();
    let feature = monitoring["drifting_feature"].as_str().unwrap();
    let mut c = Cockpit::start(Launch {
        args: &["open", model, version],
        tracking_uri: Some(tracking_uri()),
        size: Some((80, 24)),
        ..Launch::default()
    });
    c.wait_for(&["› Overview"]);
    c.send("4");

    // The trend: the drifting feature's statistic by window, the threshold named in the title.
    let drifting = format!("{feature} drifting since 20");
    c.wait_for(&["› Drift", "FEATURE", &drifting, "v panel"]);
    // The whole chart drawn: its x axis's dates and the bottom border's threshold.
    let screen = c.wait_until("the trend chart", |s| {
        s.contains("threshold") && s.matches(" 20").count() >= 3
    });
    assert_eq!(
        screen.matches("threshold").count(),
        1,
        "the threshold is named once, not in a box over the plot: {screen}"
    );
    let named = screen.lines().find(|l| l.contains("threshold")).unwrap();
    assert!(
        named.contains("└") || named.contains("┘"),
        "on the chart's bottom border: {screen}"
    );
    assert!(
        !screen.contains("live performance"),
        "one panel fits: {screen}"
    );

    // v: the selected feature's reference vs current histogram.
    c.send("v");
    let screen = c.wait_until("the histogram", |s| {
        s.contains("■ reference ■ current") && !s.contains("threshold")
    });
    assert!(screen.contains(feature), "{screen}");
    assert!(!screen.contains("drifting since"), "{screen}");

    // v: the live performance metrics.
    c.send("v");
    let screen = c.wait_for(&["live performance (perf.*)", "■ accuracy"]);
    assert!(!screen.contains("■ reference"), "{screen}");

    // v: back to the trend.
    c.send("v");
    c.wait_for(&[&drifting]);

    // The help lists the key, from the key map (a page down: 24 rows show the first keys).
    c.send("?");
    c.wait_for(&["Version detail"]);
    c.send("\x04");
    c.wait_for(&["drift: next lower panel"]);
    c.esc();
    c.wait_until("help to close", |s| !s.contains("drift: next lower panel"));
    c.send("q");
    c.send("q");
    c.send("q");
    assert!(c.wait_exit());
}
