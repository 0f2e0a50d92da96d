use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::output;
use super::CliError;
use crate::export::{gather, write_pack, WrittenFile};
use crate::registry::Registry;

#[derive(Serialize)]
struct ExportJson<'a> {
    model: &'a str,
    version: &'a str,
    out: String,
    files: Vec<WrittenFile>,
}

pub async fn run(
    registry: &Registry,
    model: &str,
    version: &str,
    dir: &Path,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let data = gather(registry, model, version).await?;
    let files = write_pack(&data, dir).map_err(|e| CliError::Io(std::io::Error::other(e)))?;
    if json {
        output::json(
            out,
            &ExportJson {
                model,
                version,
                out: dir.display().to_string(),
                files,
            },
        )?;
        return Ok(());
    }
    let total: u64 = files.iter().map(|f| f.bytes).sum();
    writeln!(
        out,
        "wrote {} files ({} bytes) to {}",
        files.len(),
        total,
        crate::text::sanitize_line(&dir.display().to_string())
    )?;
    for f in &files {
        writeln!(out, "  {}  {}", f.file, f.bytes)?;
    }
    Ok(())
}
