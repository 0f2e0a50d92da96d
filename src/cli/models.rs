use std::io::Write;

use serde::Serialize;

use super::output::{self, Table};
use super::CliError;
use crate::registry::{ModelSummary, Registry};

#[derive(Serialize)]
struct ModelsJson<'a> {
    count: usize,
    models: &'a [ModelSummary],
}

pub async fn run(
    registry: &Registry,
    filter: Option<&str>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let models = registry.models(filter).await?;
    if json {
        output::json(
            out,
            &ModelsJson {
                count: models.len(),
                models: &models,
            },
        )?;
        return Ok(());
    }
    let mut table = Table::new(["NAME", "VERSIONS", "STAGES", "ALIASES", "UPDATED", "TAGS"]);
    for m in &models {
        table.row([
            m.name.clone(),
            m.version_count
                .map(|c| c.to_string())
                .unwrap_or_else(|| "?".into()),
            join_pairs(m.latest_versions.iter().filter(|(s, _)| *s != "None"), ":v"),
            aliases(m),
            output::timestamp(m.last_updated_timestamp),
            join_pairs(m.tags.iter(), "="),
        ]);
    }
    table.write(out, output::stdout_styled())?;
    Ok(())
}

fn join_pairs<'a>(pairs: impl Iterator<Item = (&'a String, &'a String)>, sep: &str) -> String {
    let text: Vec<String> = pairs.map(|(k, v)| format!("{k}{sep}{v}")).collect();
    if text.is_empty() {
        "-".into()
    } else {
        text.join(", ")
    }
}

fn aliases(m: &ModelSummary) -> String {
    if m.aliases.is_empty() {
        return "-".into();
    }
    m.aliases
        .iter()
        .map(|(alias, version)| format!("@{alias}:v{version}"))
        .collect::<Vec<_>>()
        .join(" ")
}
