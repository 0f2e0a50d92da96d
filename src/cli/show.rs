use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::output::{self, Table};
use super::versions::{run_state_name, VersionJson};
use super::CliError;
use crate::mlflow::{LoggedModel, Run};
use crate::registry::{Registry, VersionDetail, VersionRow};
use crate::text::{sanitize_line, sanitize_multiline};

#[derive(Serialize)]
struct ShowJson<'a> {
    model: &'a str,
    version: VersionJson,
    run: Option<RunJson>,
    logged_model: Option<&'a LoggedModel>,
}

#[derive(Serialize)]
struct RunJson {
    run_id: String,
    run_name: Option<String>,
    experiment_id: Option<String>,
    status: Option<String>,
    user_id: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    lifecycle_stage: Option<String>,
    artifact_uri: Option<String>,
    parent_run_id: Option<String>,
    #[serde(serialize_with = "crate::evidence::number::serialize")]
    metrics: BTreeMap<String, f64>,
    params: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    datasets: Vec<DatasetJson>,
}

#[derive(Serialize)]
struct DatasetJson {
    name: String,
    digest: String,
    context: Option<String>,
    source_type: Option<String>,
    source: Option<String>,
}

impl RunJson {
    fn from_run(run: &Run) -> Self {
        RunJson {
            run_id: run.info.run_id.clone(),
            run_name: run.info.run_name.clone(),
            experiment_id: run.info.experiment_id.clone(),
            status: run.info.status.clone(),
            user_id: run.info.user_id.clone(),
            start_time: run.info.start_time,
            end_time: run.info.end_time,
            lifecycle_stage: run.info.lifecycle_stage.clone(),
            artifact_uri: run.info.artifact_uri.clone(),
            parent_run_id: run.parent_run_id().map(str::to_string),
            metrics: run
                .data
                .metrics
                .iter()
                .map(|m| (m.key.clone(), m.value))
                .collect(),
            params: run
                .data
                .params
                .iter()
                .map(|p| (p.key.clone(), p.value.clone()))
                .collect(),
            tags: run
                .data
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
            datasets: run
                .inputs
                .dataset_inputs
                .iter()
                .map(|d| DatasetJson {
                    name: d.dataset.name.clone(),
                    digest: d.dataset.digest.clone(),
                    context: d.context().map(str::to_string),
                    source_type: d.dataset.source_type.clone(),
                    source: d.dataset.source.clone(),
                })
                .collect(),
        }
    }
}

pub async fn run(
    registry: &Registry,
    model: &str,
    version: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let detail = registry.version_detail(model, version).await?;
    let row = VersionRow {
        version: detail.version.clone(),
        run: detail.run.clone(),
    };
    if json {
        output::json(
            out,
            &ShowJson {
                model,
                version: VersionJson::from_row(&row),
                run: detail.run.run().map(RunJson::from_run),
                logged_model: detail.logged_model.as_ref(),
            },
        )?;
        return Ok(());
    }
    write_human(&detail, out)?;
    Ok(())
}

fn write_human(detail: &VersionDetail, out: &mut dyn Write) -> std::io::Result<()> {
    let v = &detail.version;
    let styled = output::stdout_styled();
    let heading = |out: &mut dyn Write, text: &str| -> std::io::Result<()> {
        if styled {
            writeln!(out, "\n\u{1b}[1m{text}\u{1b}[0m")
        } else {
            writeln!(out, "\n{text}")
        }
    };
    let field = |out: &mut dyn Write, label: &str, value: &str| -> std::io::Result<()> {
        writeln!(out, "{label:<14}{}", sanitize_line(value))
    };
    field(out, "Model", &v.name)?;
    field(out, "Version", &v.version)?;
    field(out, "Stage", v.stage().unwrap_or("None"))?;
    let aliases: Vec<String> = v.aliases.iter().map(|a| format!("@{a}")).collect();
    field(out, "Aliases", &output::or_dash(Some(&aliases.join(" "))))?;
    field(out, "Status", &output::or_dash(v.status.as_deref()))?;
    field(out, "Created", &output::timestamp(v.creation_timestamp))?;
    field(out, "Updated", &output::timestamp(v.last_updated_timestamp))?;
    let row = VersionRow {
        version: v.clone(),
        run: detail.run.clone(),
    };
    field(out, "Creator", &output::or_dash(row.creator()))?;
    field(out, "Source", &output::or_dash(v.source.as_deref()))?;
    let run_line = match (v.run_id(), detail.run.run()) {
        (None, _) => "-".to_string(),
        (Some(id), None) => format!("{id} (gone: the server no longer has this run)"),
        (Some(id), Some(run)) => format!(
            "{id} ({}){}",
            run.info.run_name.as_deref().unwrap_or("unnamed"),
            if run.is_deleted() { " [deleted]" } else { "" }
        ),
    };
    field(out, "Run", &run_line)?;
    if let Some(lm) = &detail.logged_model {
        field(out, "Logged model", &lm.info.model_id)?;
    } else if let Some(id) = v.logged_model_id() {
        field(out, "Logged model", &format!("{id} (not readable)"))?;
    } else {
        field(
            out,
            "Logged model",
            crate::mlflow::ModelVersion::NO_LOGGED_MODEL,
        )?;
    }
    if let Some(desc) = v.description.as_deref().filter(|d| !d.is_empty()) {
        heading(out, "Description")?;
        for line in sanitize_multiline(desc).lines() {
            writeln!(out, "  {line}")?;
        }
    }
    if !v.tags.is_empty() {
        heading(out, "Version tags")?;
        let mut t = Table::new(["KEY", "VALUE"]);
        for tag in &v.tags {
            t.row([&tag.key, &tag.value]);
        }
        t.write(out, false)?;
    }
    let Some(run) = detail.run.run() else {
        writeln!(out, "\n(no run data: {})", run_state_name(&detail.run))?;
        return Ok(());
    };
    heading(out, "Metrics")?;
    let mut t = Table::new(["METRIC", "VALUE", "STEP"]);
    let mut metrics = run.data.metrics.clone();
    metrics.sort_by(|a, b| a.key.cmp(&b.key));
    for m in &metrics {
        t.row([m.key.clone(), output::metric(m.value), m.step.to_string()]);
    }
    t.write(out, false)?;
    if !run.data.params.is_empty() {
        heading(out, "Params")?;
        let mut t = Table::new(["PARAM", "VALUE"]);
        for p in &run.data.params {
            t.row([&p.key, &p.value]);
        }
        t.write(out, false)?;
    }
    if !run.inputs.dataset_inputs.is_empty() {
        heading(out, "Datasets")?;
        let mut t = Table::new(["NAME", "DIGEST", "CONTEXT", "SOURCE TYPE", "SOURCE"]);
        for d in &run.inputs.dataset_inputs {
            t.row([
                d.dataset.name.clone(),
                d.dataset.digest.clone(),
                output::or_dash(d.context()),
                output::or_dash(d.dataset.source_type.as_deref()),
                output::or_dash(d.dataset.source.as_deref()),
            ]);
        }
        t.write(out, false)?;
    }
    // MLflow's own bookkeeping tags are long JSON blobs; the user's tags come first.
    let mut tags: Vec<_> = run
        .data
        .tags
        .iter()
        .filter(|t| t.key != "mlflow.log-model.history")
        .collect();
    tags.sort_by_key(|t| (t.key.starts_with("mlflow."), t.key.clone()));
    if !tags.is_empty() {
        heading(out, "Run tags")?;
        let mut t = Table::new(["KEY", "VALUE"]);
        for tag in tags {
            t.row([&tag.key, &tag.value]);
        }
        t.write(out, false)?;
    }
    Ok(())
}
