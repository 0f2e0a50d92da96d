//! Drift evidence: statistics and thresholds, per-window feature tables, drift over time from a
//! monitoring run's metrics, and the histogram artifact.

mod histograms;
mod history;
mod reports;
mod runs;
mod statistic;
mod table;

pub use histograms::{
    FeatureHistogram, HistogramError, HistogramWindow, Histograms, HISTOGRAMS_ARTIFACT,
};
pub use history::{
    day_of, feature_statistic, latest_values_drifted, DriftHistory, DriftOnset, FeatureSeries,
    SeriesPoint, Window, DRIFT_PREFIX, PERF_PREFIX, SHARE_KEY,
};
pub use reports::{latest_table, read_reports, read_run_reports, LatestSource, ReadReport};
pub use runs::{
    has_drift_metrics, latest_window_end, needs_histories, newest_window_first, parse_window_end,
    MonitoringRun, WINDOW_END_TAG,
};
pub use statistic::{Comparison, DriftThresholds, Statistic, Verdict};
pub use table::{FeatureRow, WindowTable};
