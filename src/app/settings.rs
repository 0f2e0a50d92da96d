//! The cockpit's settings from the config file's `[ui]` table.
//!
//! ```toml
//! [ui]
//! theme = "light"
//! ascii = true                    # dot markers instead of braille in charts
//! [ui.drift]                      # when a feature counts as drifted (Evidently's defaults)
//! psi = 0.25
//! server_search_threshold = 200   # models lists at least this long filter on the server too
//! search_debounce_ms = 250
//! [ui.metrics]
//! "credit-risk-scorer" = ["auc", "f1"]
//! ```

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct UiSettings {
    /// Metric columns of the versions list, per model.
    pub metrics: BTreeMap<String, Vec<String>>,
    /// A models list this long also asks the server when filtering (a list that long may be
    /// out of date, and very long registries are cheaper to search than to hold).
    pub server_search_threshold: usize,
    /// Quiet time after the last keystroke before a server-side search is sent.
    pub search_debounce_ms: u64,
    pub theme: Option<String>,
    /// When a feature counts as drifted (`[ui.drift]`, Evidently's defaults otherwise).
    pub drift: crate::evidence::drift::DriftThresholds,
    /// Dot markers instead of braille in charts (fonts without braille, e.g. on bastion hosts).
    pub ascii: bool,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            metrics: BTreeMap::new(),
            server_search_threshold: 200,
            search_debounce_ms: 250,
            theme: None,
            ascii: false,
            drift: Default::default(),
        }
    }
}

impl UiSettings {
    /// Read `[ui]`; a wrong entry is reported and skipped, never fatal.
    pub fn from_config(ui: Option<&toml::Table>) -> (Self, Vec<String>) {
        let mut settings = UiSettings::default();
        let mut warnings = Vec::new();
        let Some(table) = ui else {
            return (settings, warnings);
        };
        for (key, value) in table {
            match (key.as_str(), value) {
                ("theme", toml::Value::String(name)) => settings.theme = Some(name.clone()),
                ("ascii", toml::Value::Boolean(b)) => settings.ascii = *b,
                ("drift", toml::Value::Table(t)) => {
                    match toml::Value::Table(t.clone()).try_into() {
                        Ok(thresholds) => settings.drift = thresholds,
                        Err(e) => warnings.push(format!(
                            "[ui.drift]: {e} (known: p_value, wasserstein, js_distance, psi, ks_stat, z_score, iqr_overlap_ratio, dataset_share, decide_by); using the defaults"
                        )),
                    }
                }
                ("server_search_threshold", toml::Value::Integer(n)) if *n >= 0 => {
                    settings.server_search_threshold = *n as usize
                }
                ("search_debounce_ms", toml::Value::Integer(n)) if *n >= 0 => {
                    settings.search_debounce_ms = *n as u64
                }
                ("metrics", toml::Value::Table(models)) => {
                    for (model, list) in models {
                        let names: Option<Vec<String>> = list
                            .as_array()
                            .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
                        match names {
                            Some(names) => {
                                settings.metrics.insert(model.clone(), names);
                            }
                            None => warnings.push(format!(
                                "[ui.metrics] \"{model}\" must be a list of metric names"
                            )),
                        }
                    }
                }
                (key, value) => warnings.push(format!(
                    "[ui] {key} = {value}: unknown setting or wrong type (known: theme, ascii, drift, server_search_threshold, search_debounce_ms, metrics)"
                )),
            }
        }
        (settings, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_metrics_per_model_and_reports_mistakes() {
        let table: toml::Table = r#"
            theme = "light"
            server_search_threshold = 50
            colour = "red"
            [metrics]
            "credit-risk-scorer" = ["auc", "f1"]
            "bad" = "auc"
        "#
        .parse()
        .unwrap();
        let (s, warnings) = UiSettings::from_config(Some(&table));
        assert_eq!(s.theme.as_deref(), Some("light"));
        assert_eq!(s.server_search_threshold, 50);
        assert_eq!(s.metrics["credit-risk-scorer"], ["auc", "f1"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }
}
