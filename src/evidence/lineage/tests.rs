use super::*;
use crate::mlflow::{LoggedModelInfo, RunData, RunInfo, RunInputs, Tag};

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: key.into(),
        value: value.into(),
    }
}

fn run(id: &str, parent: Option<&str>) -> Run {
    let mut tags = vec![tag("mlflow.user", "ana")];
    if let Some(p) = parent {
        tags.push(tag("mlflow.parentRunId", p));
    }
    Run {
        info: RunInfo {
            run_id: id.into(),
            run_name: Some(format!("{id}-name")),
            experiment_id: Some("1".into()),
            status: Some("FINISHED".into()),
            lifecycle_stage: Some("active".into()),
            ..RunInfo::default()
        },
        data: RunData {
            tags,
            ..RunData::default()
        },
        inputs: RunInputs::default(),
    }
}

fn dataset(name: &str, digest: &str, source: &str, context: &str) -> DatasetInput {
    DatasetInput {
        tags: vec![tag("mlflow.data.context", context)],
        dataset: Dataset {
            name: name.into(),
            digest: digest.into(),
            source: Some(source.into()),
            ..Dataset::default()
        },
    }
}

fn version() -> ModelVersion {
    ModelVersion {
        name: "credit".into(),
        version: "3".into(),
        run_id: Some("child".into()),
        current_stage: Some("Production".into()),
        aliases: vec!["champion".into()],
        model_id: Some("m-abc".into()),
        user_id: Some("ana".into()),
        ..ModelVersion::default()
    }
}

fn source_run() -> Run {
    let mut r = run("child", Some("parent"));
    r.data
        .tags
        .push(tag("mlflow.source.git.commit", "0123456789abcdef"));
    r.data.tags.push(tag("mlflow.source.name", "train.py"));
    r.inputs.dataset_inputs = vec![
        dataset(
            "credit-train",
            "d1",
            r#"{"uri": "runs:/prep/data/train.csv"}"#,
            "training",
        ),
        dataset(
            "credit-eval",
            "d2",
            "s3://bucket/eval.parquet",
            "evaluation",
        ),
        // MLflow logs one input per use; the same dataset twice shows once.
        dataset(
            "credit-eval",
            "d2",
            "s3://bucket/eval.parquet",
            "evaluation",
        ),
    ];
    r
}

struct Fixture {
    runs: HashMap<String, Run>,
    experiments: HashMap<String, Experiment>,
    users: Vec<DatasetUser>,
    logged: LoggedModel,
}

fn fixture() -> Fixture {
    let mut runs = HashMap::new();
    runs.insert("parent".to_string(), run("parent", Some("root")));
    runs.insert("root".to_string(), run("root", None));
    runs.insert("prep".to_string(), run("prep", None));
    let experiments = HashMap::from([(
        "1".to_string(),
        Experiment {
            experiment_id: "1".into(),
            name: "credit-training".into(),
            ..Experiment::default()
        },
    )]);
    let users = vec![
        DatasetUser {
            digest: "d1".into(),
            model: "credit".into(),
            version: "3".into(),
        },
        DatasetUser {
            digest: "d1".into(),
            model: "credit-lite".into(),
            version: "1".into(),
        },
    ];
    let logged = LoggedModel {
        info: LoggedModelInfo {
            model_id: "m-abc".into(),
            name: Some("model".into()),
            source_run_id: Some("child".into()),
            ..LoggedModelInfo::default()
        },
        ..LoggedModel::default()
    };
    Fixture {
        runs,
        experiments,
        users,
        logged,
    }
}

fn kinds(node: &LineageNode) -> Vec<NodeKind> {
    node.children.iter().map(|c| c.kind).collect()
}

#[test]
fn full_tree() {
    let f = fixture();
    let v = version();
    let src = source_run();
    let tree = build_lineage(&LineageInput {
        version: &v,
        logged_model: Some(&f.logged),
        source_run: Some(&src),
        runs: &f.runs,
        experiments: &f.experiments,
        dataset_users: &f.users,
    });
    assert_eq!(tree.kind, NodeKind::RegisteredModel);
    assert_eq!(tree.label, "credit");
    let version = &tree.children[0];
    assert_eq!(
        version.detail.as_deref(),
        Some("stage Production, @champion, by ana")
    );
    let logged = &version.children[0];
    assert_eq!(logged.kind, NodeKind::LoggedModel);
    let run = &logged.children[0];
    assert_eq!(run.label, "run child-name");
    assert_eq!(
        kinds(run),
        [
            NodeKind::ParentRun,
            NodeKind::Experiment,
            NodeKind::Datasets,
            NodeKind::Code
        ]
    );
    // The parent chain reaches the root.
    let parent = &run.children[0];
    assert_eq!(
        parent.opens,
        Some(NodeRef::Run {
            run_id: "parent".into()
        })
    );
    assert_eq!(parent.children[0].label, "run root-name");
    assert!(parent.children[0].children.is_empty());
    assert_eq!(run.children[1].label, "experiment credit-training");
    let datasets = &run.children[2];
    assert_eq!(datasets.children.len(), 2);
    let train = &datasets.children[0];
    assert_eq!(train.label, "credit-train (training)");
    assert!(train.detail.as_deref().unwrap().starts_with("digest d1"));
    assert_eq!(
        kinds(train),
        [NodeKind::ProducerRun, NodeKind::SharedVersion]
    );
    assert_eq!(train.children[1].label, "credit-lite version 1");
    assert_eq!(run.children[3].label, "code 0123456789ab");
    assert!(tree.missing_links().is_empty());
}

#[test]
fn missing_links_become_marked_leaves() {
    let mut f = fixture();
    f.runs.remove("root");
    f.runs.remove("prep");
    f.experiments.clear();
    let v = version();
    let src = source_run();
    // A 2.x server: no logged model could be read.
    let tree = build_lineage(&LineageInput {
        version: &v,
        logged_model: None,
        source_run: Some(&src),
        runs: &f.runs,
        experiments: &f.experiments,
        dataset_users: &[],
    });
    let version = &tree.children[0];
    assert_eq!(kinds(version), [NodeKind::LoggedModel, NodeKind::Run]);
    assert!(version.children[0].missing);
    let missing: Vec<&str> = tree
        .missing_links()
        .iter()
        .map(|n| n.label.as_str())
        .collect();
    assert_eq!(
        missing,
        ["logged model m-abc", "run root", "experiment 1", "run prep"]
    );
}

#[test]
fn deleted_and_absent_source_runs() {
    let f = fixture();
    let mut v = version();
    v.model_id = None;
    let mut deleted = source_run();
    deleted.info.lifecycle_stage = Some("deleted".into());
    let tree = build_lineage(&LineageInput {
        version: &v,
        logged_model: None,
        source_run: Some(&deleted),
        runs: &f.runs,
        experiments: &f.experiments,
        dataset_users: &[],
    });
    let run = &tree.children[0].children[0];
    assert!(run.missing);
    assert!(run.detail.as_deref().unwrap().ends_with("deleted"));
    // A deleted run still shows what it knows.
    assert!(!run.children.is_empty());

    let tree = build_lineage(&LineageInput {
        version: &v,
        logged_model: None,
        source_run: None,
        runs: &HashMap::new(),
        experiments: &f.experiments,
        dataset_users: &[],
    });
    let run = &tree.children[0].children[0];
    assert!(run.missing && run.children.is_empty());
    assert_eq!(run.label, "run child");

    v.run_id = None;
    let tree = build_lineage(&LineageInput {
        version: &v,
        logged_model: None,
        source_run: None,
        runs: &HashMap::new(),
        experiments: &HashMap::new(),
        dataset_users: &[],
    });
    assert!(tree.children[0].children[0].missing);
}

#[test]
fn parent_cycles_stop() {
    let mut runs = HashMap::new();
    runs.insert("a".to_string(), run("a", Some("b")));
    runs.insert("b".to_string(), run("b", Some("a")));
    let mut v = version();
    v.run_id = Some("a".into());
    v.model_id = None;
    let tree = build_lineage(&LineageInput {
        version: &v,
        logged_model: None,
        source_run: None,
        runs: &runs,
        experiments: &HashMap::new(),
        dataset_users: &[],
    });
    let a = &tree.children[0].children[0];
    let b = &a.children[0];
    assert_eq!(b.label, "run b-name");
    let back = &b.children[0];
    assert!(back.missing);
    assert!(back.detail.as_deref().unwrap().contains("cycle"));
}

#[test]
fn producing_run_ids() {
    assert_eq!(
        producing_run_id(r#"{"uri": "runs:/abc123/x.csv"}"#),
        Some("abc123")
    );
    assert_eq!(producing_run_id("runs:/abc"), Some("abc"));
    assert_eq!(producing_run_id("s3://bucket/x"), None);
    assert_eq!(producing_run_id("runs:/"), None);
}
