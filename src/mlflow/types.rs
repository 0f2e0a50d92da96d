//! Typed wire models for the MLflow REST API (`/api/2.0/mlflow/...`).
//!
//! Every field the server may omit is `#[serde(default)]`: MLflow leaves out empty lists and
//! unset fields, and older or newer servers add or drop fields. Unknown fields are ignored.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub alias: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisteredModel {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub creation_timestamp: Option<i64>,
    #[serde(default)]
    pub last_updated_timestamp: Option<i64>,
    #[serde(default)]
    pub latest_versions: Vec<ModelVersion>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub aliases: Vec<Alias>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    pub name: String,
    /// MLflow sends versions as strings ("12").
    pub version: String,
    #[serde(default)]
    pub creation_timestamp: Option<i64>,
    #[serde(default)]
    pub last_updated_timestamp: Option<i64>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub current_stage: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub status_message: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub run_link: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// MLflow 3: the logged model (`m-...`) this version was registered from.
    #[serde(default)]
    pub model_id: Option<String>,
}

impl ModelVersion {
    /// The version number for sorting; MLflow versions are positive integers sent as strings.
    pub fn number(&self) -> u64 {
        self.version.parse().unwrap_or(0)
    }

    /// The stage, with MLflow's "None" and an absent stage both reported as `None`.
    pub fn stage(&self) -> Option<&str> {
        match self.current_stage.as_deref() {
            None | Some("") | Some("None") => None,
            Some(s) => Some(s),
        }
    }

    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref().filter(|id| !id.is_empty())
    }

    /// What to say where a version has no logged model: MLflow 2.x servers have none at all,
    /// and 3.x versions registered from a run's files have none either.
    pub const NO_LOGGED_MODEL: &'static str =
        "none: registered from a run's files (servers before MLflow 3 have no logged models)";

    /// MLflow 3's logged model behind this version: `model_id` when the server sends it (3.17
    /// does not), else the id in a `models:/m-...` source.
    pub fn logged_model_id(&self) -> Option<&str> {
        if let Some(id) = self.model_id.as_deref().filter(|id| !id.is_empty()) {
            return Some(id);
        }
        let rest = self.source.as_deref()?.strip_prefix("models:/")?;
        let id = rest.split('/').next()?;
        id.starts_with("m-").then_some(id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub key: String,
    /// NaN and ±infinity arrive as MLflow writes them (see [`non_finite`]) and are kept as
    /// such: a non-finite value is evidence of something, never a reason to drop the run.
    #[serde(with = "non_finite")]
    pub value: f64,
    #[serde(default)]
    pub timestamp: i64,
    #[serde(default)]
    pub step: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub run_id: String,
    #[serde(default)]
    pub run_name: Option<String>,
    #[serde(default)]
    pub experiment_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub start_time: Option<i64>,
    #[serde(default)]
    pub end_time: Option<i64>,
    #[serde(default)]
    pub artifact_uri: Option<String>,
    #[serde(default)]
    pub lifecycle_stage: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunData {
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub params: Vec<Param>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub source_type: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatasetInput {
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub dataset: Dataset,
}

impl DatasetInput {
    /// MLflow records the dataset's role (training, evaluation, ...) as the `mlflow.data.context` tag.
    pub fn context(&self) -> Option<&str> {
        tag_value(&self.tags, "mlflow.data.context")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunInputs {
    #[serde(default)]
    pub dataset_inputs: Vec<DatasetInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub info: RunInfo,
    #[serde(default)]
    pub data: RunData,
    #[serde(default)]
    pub inputs: RunInputs,
}

impl Run {
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_value(&self.data.tags, key)
    }

    pub fn metric(&self, key: &str) -> Option<f64> {
        self.data
            .metrics
            .iter()
            .find(|m| m.key == key)
            .map(|m| m.value)
    }

    pub fn parent_run_id(&self) -> Option<&str> {
        self.tag("mlflow.parentRunId")
    }

    pub fn is_deleted(&self) -> bool {
        self.info.lifecycle_stage.as_deref() == Some("deleted")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    pub experiment_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub artifact_location: Option<String>,
    #[serde(default)]
    pub lifecycle_stage: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    pub path: String,
    #[serde(default)]
    pub is_dir: bool,
    #[serde(default)]
    pub file_size: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoggedModelInfo {
    pub model_id: String,
    #[serde(default)]
    pub experiment_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub source_run_id: Option<String>,
    #[serde(default)]
    pub artifact_uri: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub creation_timestamp_ms: Option<i64>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoggedModelData {
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

/// MLflow 3's logged model (`logged-models/{id}`). Servers before 3.0 have no such route.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoggedModel {
    pub info: LoggedModelInfo,
    #[serde(default)]
    pub data: LoggedModelData,
}

/// Numbers as MLflow writes them, and as tollgate writes them back. MLflow (checked on 3.17)
/// sends NaN as the JSON string `"NaN"` and ±infinity as ±1.7976931348623157e308 (the largest
/// double); a protobuf-JSON writer may also send `"Infinity"`/`"-Infinity"`. All of them decode
/// to the real f64 NaN/±inf here, so nothing above the wire mistakes a stand-in for a measurement.
/// Serialized, a non-finite value is the string `"NaN"`, `"+Inf"` or `"-Inf"` (valid JSON, which
/// a bare NaN is not, and distinct from `null`, which serde_json would otherwise write for all three).
pub mod non_finite {
    use std::fmt;

    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    /// `"NaN"`, `"+Inf"` or `"-Inf"` for a non-finite value; `None` for a finite one.
    pub fn text(value: f64) -> Option<&'static str> {
        if value.is_nan() {
            Some("NaN")
        } else if value == f64::INFINITY {
            Some("+Inf")
        } else if value == f64::NEG_INFINITY {
            Some("-Inf")
        } else {
            None
        }
    }

    /// MLflow's stand-ins for infinity (±f64::MAX) as the infinities they stand for.
    pub fn decode(raw: f64) -> f64 {
        if raw == f64::MAX {
            f64::INFINITY
        } else if raw == f64::MIN {
            f64::NEG_INFINITY
        } else {
            raw
        }
    }

    /// A number's text form: `"NaN"`, `"Infinity"`, `"+Inf"`, `"inf"`... (any case); `None` for
    /// anything else.
    pub fn parse(text: &str) -> Option<f64> {
        let t = text.trim().to_ascii_lowercase();
        let (negative, rest) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t.strip_prefix('+').unwrap_or(&t)),
        };
        match rest {
            "nan" => Some(f64::NAN),
            "inf" | "infinity" => Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }),
            _ => rest
                .parse::<f64>()
                .ok()
                .map(|v| decode(if negative { -v } else { v })),
        }
    }

    pub fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        match text(*value) {
            Some(t) => s.serialize_str(t),
            None => s.serialize_f64(*value),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        d.deserialize_any(NumberVisitor)
    }

    struct NumberVisitor;

    impl Visitor<'_> for NumberVisitor {
        type Value = f64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, \"NaN\", \"+Inf\" or \"-Inf\"")
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(decode(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

pub fn tag_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

// Response envelopes: one per route, named after what they carry.

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RegisteredModelsPage {
    #[serde(default)]
    pub registered_models: Vec<RegisteredModel>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RegisteredModelEnvelope {
    pub registered_model: RegisteredModel,
}

#[derive(Debug, Default, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct ModelVersionsPage<T> {
    #[serde(default = "Vec::new")]
    pub model_versions: Vec<T>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// A model version's name alone (counting versions decodes nothing else).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct VersionName {
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ModelVersionEnvelope {
    pub model_version: ModelVersion,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RunEnvelope {
    pub run: Run,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RunsPage {
    #[serde(default)]
    pub runs: Vec<Run>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MetricHistoryPage {
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ExperimentsPage {
    #[serde(default)]
    pub experiments: Vec<Experiment>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExperimentEnvelope {
    pub experiment: Experiment,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ArtifactsPage {
    #[serde(default)]
    pub files: Vec<FileInfo>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoggedModelEnvelope {
    pub model: LoggedModel,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three shapes the real server sends (see docs: `runs/get`, `runs/search`,
    /// `metrics/get-history` all carry them), plus protobuf-JSON's spelling.
    #[test]
    fn non_finite_metrics_decode_to_nan_and_infinities() {
        let history: MetricHistoryPage = serde_json::from_str(
            r#"{"metrics": [
                {"key": "m", "value": 0.5, "timestamp": 1, "step": 0},
                {"key": "m", "value": "NaN", "timestamp": 2, "step": 1},
                {"key": "m", "value": 1.7976931348623157e+308, "timestamp": 3, "step": 2},
                {"key": "m", "value": -1.7976931348623157e+308, "timestamp": 4, "step": 3},
                {"key": "m", "value": "-Infinity", "timestamp": 5, "step": 4},
                {"key": "m", "value": 3, "timestamp": 6, "step": 5}
            ]}"#,
        )
        .unwrap();
        let values: Vec<f64> = history.metrics.iter().map(|m| m.value).collect();
        assert_eq!(values[0], 0.5);
        assert!(values[1].is_nan());
        assert_eq!(values[2], f64::INFINITY);
        assert_eq!(values[3], f64::NEG_INFINITY);
        assert_eq!(values[4], f64::NEG_INFINITY);
        assert_eq!(values[5], 3.0);
        let bad: Result<Metric, _> =
            serde_json::from_str(r#"{"key": "m", "value": "high", "timestamp": 1, "step": 0}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn non_finite_metrics_serialize_as_strings_and_read_back() {
        for (v, text) in [
            (f64::NAN, "\"NaN\""),
            (f64::INFINITY, "\"+Inf\""),
            (f64::NEG_INFINITY, "\"-Inf\""),
            (0.25, "0.25"),
        ] {
            let m = Metric {
                key: "m".into(),
                value: v,
                timestamp: 1,
                step: 0,
            };
            let json = serde_json::to_string(&m).unwrap();
            assert!(json.contains(&format!("\"value\":{text}")), "{json}");
            let back: Metric = serde_json::from_str(&json).unwrap();
            assert_eq!(back.value.to_bits(), v.to_bits());
        }
    }

    #[test]
    fn logged_model_id_comes_from_the_field_or_the_source() {
        let mut v = ModelVersion {
            source: Some("models:/m-0123abc".into()),
            ..ModelVersion::default()
        };
        assert_eq!(v.logged_model_id(), Some("m-0123abc"));
        v.source = Some("runs:/abc/model".into());
        assert_eq!(v.logged_model_id(), None);
        v.source = Some("models:/credit-risk/3".into());
        assert_eq!(v.logged_model_id(), None);
        v.model_id = Some("m-9".into());
        assert_eq!(v.logged_model_id(), Some("m-9"));
    }
}
