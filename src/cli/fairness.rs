use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::output::{self, Table};
use super::CliError;
use crate::evidence::fairness::{Fairness, FourFifthsRule};
use crate::registry::Registry;
use crate::text::sanitize_line;

#[derive(Serialize)]
struct FairnessJson<'a> {
    model: &'a str,
    version: &'a str,
    run_id: Option<&'a str>,
    fairness: &'a Fairness,
}

pub async fn run(
    registry: &Registry,
    model: &str,
    version: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let detail = registry.version_detail(model, version).await?;
    let run = detail.run.run();
    let metrics = run.map(|r| r.data.metrics.as_slice()).unwrap_or_default();
    // Bounds come from policies (issue 5's gates); without one, values are shown unjudged.
    let fairness = Fairness::from_metrics(metrics, &BTreeMap::new(), &FourFifthsRule::default());
    if json {
        output::json(
            out,
            &FairnessJson {
                model,
                version,
                run_id: run.map(|r| r.info.run_id.as_str()),
                fairness: &fairness,
            },
        )?;
        return Ok(());
    }
    let Fairness::Logged {
        aggregates,
        attributes,
    } = &fairness
    else {
        writeln!(
            out,
            "no fairness evidence logged for {} version {}: log run metrics named fairness.<metric> and fairness.<attribute>:<group>.<metric> (docs/evidence-convention.md)",
            sanitize_line(model),
            sanitize_line(version)
        )?;
        return Ok(());
    };
    let mut t = Table::new(["METRIC", "VALUE", "IDEAL"]);
    for a in aggregates {
        t.row([
            a.key.clone(),
            output::metric(a.value),
            a.ideal.map(output::metric).unwrap_or_else(|| "-".into()),
        ]);
    }
    t.write(out, output::stdout_styled())?;
    for attr in attributes {
        writeln!(out, "\n{}", sanitize_line(&attr.attribute))?;
        for a in &attr.aggregates {
            writeln!(
                out,
                "  {} = {} (ideal {})",
                sanitize_line(&a.metric),
                output::metric(a.value),
                a.ideal.map(output::metric).unwrap_or_else(|| "-".into())
            )?;
        }
        let metric_names = attr.group_metrics();
        let mut headers = vec!["GROUP".to_string()];
        headers.extend(metric_names.iter().map(|m| m.to_uppercase()));
        let mut t = Table::new(headers);
        for g in &attr.groups {
            let mut cells = vec![g.group.clone()];
            cells.extend(metric_names.iter().map(|m| {
                g.metrics
                    .get(*m)
                    .map(|v| output::metric(*v))
                    .unwrap_or_else(|| "-".into())
            }));
            t.row(cells);
        }
        t.write(out, output::stdout_styled())?;
        if let Some(ff) = &attr.four_fifths {
            writeln!(
                out,
                "four-fifths: {} / {} = {} ({} the {} rule)",
                sanitize_line(&ff.lowest_group),
                sanitize_line(&ff.highest_group),
                crate::text::fixed(ff.ratio, 3),
                if ff.passes { "meets" } else { "FAILS" },
                ff.rule.threshold
            )?;
        }
    }
    Ok(())
}
