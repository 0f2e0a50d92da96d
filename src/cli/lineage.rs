use std::io::Write;

use super::output;
use super::CliError;
use crate::evidence::lineage::{build_lineage, LineageNode};
use crate::registry::Registry;
use crate::text::sanitize_line;

pub async fn run(
    registry: &Registry,
    model: &str,
    version: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let data = registry.lineage(model, version).await?;
    let tree = build_lineage(&data.input());
    if json {
        output::json(out, &tree)?;
        return Ok(());
    }
    write_node(&tree, "", "", out)?;
    Ok(())
}

/// Draw the tree with box-drawing guides, like `tree(1)`.
fn write_node(
    node: &LineageNode,
    lead: &str,
    child_lead: &str,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut line = format!("{lead}{}", sanitize_line(&node.label));
    if let Some(detail) = &node.detail {
        line.push_str(&format!("  ({})", sanitize_line(detail)));
    }
    if node.missing {
        line.push_str("  [missing]");
    }
    writeln!(out, "{line}")?;
    let last = node.children.len().saturating_sub(1);
    for (i, child) in node.children.iter().enumerate() {
        let (branch, rest) = if i == last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        write_node(
            child,
            &format!("{child_lead}{branch}"),
            &format!("{child_lead}{rest}"),
            out,
        )?;
    }
    Ok(())
}
