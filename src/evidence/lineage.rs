//! The lineage tree of a model version: registered model -> version -> logged model (MLflow 3)
//! -> source run -> parent runs up to the root, the run's experiment, datasets (with the run that
//! produced each where MLflow records it, and other versions trained on the same digest) and code.
//! Building never fails: a deleted or absent link becomes a leaf marked `missing`, so one broken
//! hop never hides the rest of the tree.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::mlflow::{Dataset, DatasetInput, Experiment, LoggedModel, ModelVersion, Run};

/// Parent chains longer than this are cut (a guard against corrupted parent tags).
const MAX_PARENT_DEPTH: usize = 64;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    RegisteredModel,
    ModelVersion,
    LoggedModel,
    Run,
    ParentRun,
    Experiment,
    Datasets,
    Dataset,
    ProducerRun,
    SharedVersion,
    Code,
}

/// What Enter on a node opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeRef {
    Version { model: String, version: String },
    Run { run_id: String },
    Experiment { experiment_id: String },
    LoggedModel { model_id: String },
}

/// One node of the lineage tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineageNode {
    pub kind: NodeKind,
    pub label: String,
    pub detail: Option<String>,
    pub opens: Option<NodeRef>,
    /// A link that is deleted or could not be read.
    pub missing: bool,
    pub children: Vec<LineageNode>,
}

impl LineageNode {
    fn new(kind: NodeKind, label: impl Into<String>) -> Self {
        LineageNode {
            kind,
            label: label.into(),
            detail: None,
            opens: None,
            missing: false,
            children: Vec::new(),
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Self {
        let d = detail.into();
        self.detail = (!d.is_empty()).then_some(d);
        self
    }

    fn opens(mut self, r: NodeRef) -> Self {
        self.opens = Some(r);
        self
    }

    fn missing(mut self) -> Self {
        self.missing = true;
        self
    }

    fn child(mut self, child: LineageNode) -> Self {
        self.children.push(child);
        self
    }

    /// Depth-first iteration over this node and its descendants.
    pub fn walk(&self) -> Vec<&LineageNode> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }

    /// Every node marked missing.
    pub fn missing_links(&self) -> Vec<&LineageNode> {
        self.walk().into_iter().filter(|n| n.missing).collect()
    }
}

/// A version of some model whose run used a dataset with a given digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetUser {
    pub digest: String,
    pub model: String,
    pub version: String,
}

/// Everything the tree is built from; links the caller could not fetch are simply absent.
#[derive(Debug, Clone, Copy)]
pub struct LineageInput<'a> {
    pub version: &'a ModelVersion,
    /// The logged model named by `version.model_id`, when it could be read.
    pub logged_model: Option<&'a LoggedModel>,
    /// The version's source run, when it could be read (else looked up in `runs`).
    pub source_run: Option<&'a Run>,
    /// Parent runs and dataset-producing runs by id.
    pub runs: &'a HashMap<String, Run>,
    pub experiments: &'a HashMap<String, Experiment>,
    /// Versions (of any model) trained on datasets with the digests of this run's datasets.
    pub dataset_users: &'a [DatasetUser],
}

/// Build the lineage tree, rooted at the registered model.
pub fn build_lineage(input: &LineageInput<'_>) -> LineageNode {
    let v = input.version;
    let mut version = LineageNode::new(NodeKind::ModelVersion, format!("version {}", v.version))
        .detail(version_detail(v))
        .opens(NodeRef::Version {
            model: v.name.clone(),
            version: v.version.clone(),
        });
    let run = run_node(input);
    match (v.logged_model_id(), input.logged_model) {
        (_, Some(lm)) => {
            let info = &lm.info;
            let node = LineageNode::new(
                NodeKind::LoggedModel,
                format!(
                    "logged model {}",
                    info.name.as_deref().unwrap_or(&info.model_id)
                ),
            )
            .detail(info.model_id.clone())
            .opens(NodeRef::LoggedModel {
                model_id: info.model_id.clone(),
            });
            version = version.child(node.child(run));
        }
        (Some(id), None) => {
            let absent = LineageNode::new(NodeKind::LoggedModel, format!("logged model {id}"))
                .detail("not available (deleted, or a server without logged models)")
                .missing();
            version = version.child(absent).child(run);
        }
        (None, None) => version = version.child(run),
    }
    LineageNode::new(NodeKind::RegisteredModel, v.name.clone()).child(version)
}

fn version_detail(v: &ModelVersion) -> String {
    let mut parts = Vec::new();
    if let Some(stage) = v.stage() {
        parts.push(format!("stage {stage}"));
    }
    if !v.aliases.is_empty() {
        let aliases: Vec<String> = v.aliases.iter().map(|a| format!("@{a}")).collect();
        parts.push(aliases.join(" "));
    }
    if let Some(user) = v.user_id.as_deref().filter(|u| !u.is_empty()) {
        parts.push(format!("by {user}"));
    }
    parts.join(", ")
}

fn run_node(input: &LineageInput<'_>) -> LineageNode {
    let Some(run_id) = input.version.run_id() else {
        return LineageNode::new(NodeKind::Run, "source run")
            .detail("none recorded (registered from a path)")
            .missing();
    };
    let run = input
        .source_run
        .filter(|r| r.info.run_id == run_id)
        .or_else(|| input.runs.get(run_id));
    let Some(run) = run else {
        return absent_run(NodeKind::Run, run_id);
    };
    let mut node = describe_run(NodeKind::Run, run);
    if let Some(parent) = run.parent_run_id() {
        let mut seen = HashSet::from([run_id.to_string()]);
        node = node.child(parent_chain(parent, input.runs, &mut seen, 0));
    }
    node = node.child(experiment_node(run, input.experiments));
    let datasets = datasets_node(run, input);
    if !datasets.children.is_empty() {
        node = node.child(datasets);
    }
    if let Some(code) = code_node(run) {
        node = node.child(code);
    }
    node
}

fn describe_run(kind: NodeKind, run: &Run) -> LineageNode {
    let info = &run.info;
    let name = info.run_name.as_deref().unwrap_or(&info.run_id);
    let mut detail = vec![info.run_id.clone()];
    if let Some(user) = run.tag("mlflow.user").or(info.user_id.as_deref()) {
        if !user.is_empty() {
            detail.push(format!("by {user}"));
        }
    }
    if let Some(status) = &info.status {
        detail.push(status.to_lowercase());
    }
    let mut node = LineageNode::new(kind, format!("run {name}")).opens(NodeRef::Run {
        run_id: info.run_id.clone(),
    });
    if run.is_deleted() {
        detail.push("deleted".into());
        node = node.missing();
    }
    node.detail(detail.join(", "))
}

fn absent_run(kind: NodeKind, run_id: &str) -> LineageNode {
    LineageNode::new(kind, format!("run {run_id}"))
        .detail("not found (deleted permanently, or not readable)")
        .missing()
}

fn parent_chain(
    run_id: &str,
    runs: &HashMap<String, Run>,
    seen: &mut HashSet<String>,
    depth: usize,
) -> LineageNode {
    if !seen.insert(run_id.to_string()) {
        return LineageNode::new(NodeKind::ParentRun, format!("run {run_id}"))
            .detail("cycle in parent runs: stopped here")
            .missing();
    }
    if depth >= MAX_PARENT_DEPTH {
        return LineageNode::new(NodeKind::ParentRun, format!("run {run_id}"))
            .detail("parent chain too deep: stopped here")
            .missing();
    }
    let Some(run) = runs.get(run_id) else {
        return absent_run(NodeKind::ParentRun, run_id);
    };
    let node = describe_run(NodeKind::ParentRun, run);
    match run.parent_run_id() {
        Some(parent) => node.child(parent_chain(parent, runs, seen, depth + 1)),
        None => node,
    }
}

fn experiment_node(run: &Run, experiments: &HashMap<String, Experiment>) -> LineageNode {
    let Some(id) = run
        .info
        .experiment_id
        .as_deref()
        .filter(|id| !id.is_empty())
    else {
        return LineageNode::new(NodeKind::Experiment, "experiment")
            .detail("not recorded")
            .missing();
    };
    let opens = NodeRef::Experiment {
        experiment_id: id.to_string(),
    };
    match experiments.get(id) {
        Some(e) => {
            let node = LineageNode::new(NodeKind::Experiment, format!("experiment {}", e.name))
                .opens(opens);
            if e.lifecycle_stage.as_deref() == Some("deleted") {
                node.detail(format!("{id}, deleted")).missing()
            } else {
                node.detail(id)
            }
        }
        None => LineageNode::new(NodeKind::Experiment, format!("experiment {id}"))
            .detail("not found")
            .opens(opens)
            .missing(),
    }
}

fn datasets_node(run: &Run, input: &LineageInput<'_>) -> LineageNode {
    let mut node = LineageNode::new(NodeKind::Datasets, "datasets");
    let mut seen = HashSet::new();
    for ds in &run.inputs.dataset_inputs {
        let d = &ds.dataset;
        if !seen.insert((d.name.as_str(), d.digest.as_str(), ds.context())) {
            continue;
        }
        node = node.child(dataset_node(ds, input));
    }
    node
}

fn dataset_node(ds: &DatasetInput, input: &LineageInput<'_>) -> LineageNode {
    let d = &ds.dataset;
    let label = match ds.context() {
        Some(ctx) => format!("{} ({ctx})", display_name(d)),
        None => display_name(d),
    };
    let mut detail = Vec::new();
    if !d.digest.is_empty() {
        detail.push(format!("digest {}", d.digest));
    }
    if let Some(source) = d.source.as_deref().filter(|s| !s.is_empty()) {
        detail.push(format!("source {source}"));
    }
    let mut node = LineageNode::new(NodeKind::Dataset, label).detail(detail.join(", "));
    if let Some(producer) = d.source.as_deref().and_then(producing_run_id) {
        node = node.child(match input.runs.get(producer) {
            Some(run) => describe_run(NodeKind::ProducerRun, run),
            None => absent_run(NodeKind::ProducerRun, producer),
        });
    }
    let me = input.version;
    for user in input.dataset_users {
        if d.digest.is_empty() || user.digest != d.digest {
            continue;
        }
        if user.model == me.name && user.version == me.version {
            continue;
        }
        node = node.child(
            LineageNode::new(
                NodeKind::SharedVersion,
                format!("{} version {}", user.model, user.version),
            )
            .detail("trained on the same dataset digest")
            .opens(NodeRef::Version {
                model: user.model.clone(),
                version: user.version.clone(),
            }),
        );
    }
    node
}

fn display_name(d: &Dataset) -> String {
    if d.name.is_empty() {
        "dataset".to_string()
    } else {
        d.name.clone()
    }
}

/// The run id of a dataset logged from a run's artifacts: a source holding `runs:/<id>/...`
/// (MLflow writes sources as JSON such as `{"uri": "runs:/<id>/data.csv"}`).
pub fn producing_run_id(source: &str) -> Option<&str> {
    let start = source.find("runs:/")? + "runs:/".len();
    let id = &source[start..];
    let end = id
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(id.len());
    let id = &id[..end];
    (!id.is_empty()).then_some(id)
}

fn code_node(run: &Run) -> Option<LineageNode> {
    let commit = run
        .tag("mlflow.source.git.commit")
        .filter(|s| !s.is_empty());
    let source = run.tag("mlflow.source.name").filter(|s| !s.is_empty());
    if commit.is_none() && source.is_none() {
        return None;
    }
    let label = match commit {
        // Server text: cut by characters, never by bytes.
        Some(c) => format!("code {}", c.chars().take(12).collect::<String>()),
        None => "code".to_string(),
    };
    let mut detail = Vec::new();
    if let Some(c) = commit {
        detail.push(format!("commit {c}"));
    }
    if let Some(s) = source {
        detail.push(format!("source {s}"));
    }
    if let Some(repo) = run
        .tag("mlflow.source.git.repoURL")
        .filter(|s| !s.is_empty())
    {
        detail.push(format!("repo {repo}"));
    }
    Some(LineageNode::new(NodeKind::Code, label).detail(detail.join(", ")))
}

#[cfg(test)]
mod tests;
