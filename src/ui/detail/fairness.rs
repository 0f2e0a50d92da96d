//! Tab 3: fairness evidence from the run's `fairness.*` metrics: the aggregates with their
//! ideal values (and pass/fail when a policy bounds them), the selected attribute's groups as
//! a grouped bar chart, and its four-fifths ratio.

use std::collections::BTreeMap;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::app::screens::DetailScreen;
use crate::app::State;
use crate::evidence::fairness::{
    AttributeFairness, Fairness, FourFifthsRule, NAMING_CONVENTION, SELECTION_RATE,
};
use crate::registry::VersionDetail;
use crate::ui::format::{clip, metric};
use crate::ui::panel;
use crate::ui::theme::Theme;

/// The run's fairness evidence, judged by the policy's bounds when one is configured.
pub fn evidence(state: &State, detail: &VersionDetail) -> Option<Fairness> {
    let run = detail.run.run()?;
    let empty = BTreeMap::new();
    let bounds = state.fairness_bounds.as_ref().unwrap_or(&empty);
    Some(Fairness::from_metrics(
        &run.data.metrics,
        bounds,
        &FourFifthsRule::default(),
    ))
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    d: &DetailScreen,
    detail: &VersionDetail,
    theme: &Theme,
) {
    let Some(fairness) = evidence(state, detail) else {
        panel::empty(
            frame,
            area,
            "This version has no readable source run, so no fairness evidence.",
            "",
            theme,
        );
        return;
    };
    let Fairness::Logged {
        aggregates,
        attributes,
    } = &fairness
    else {
        panel::empty(
            frame,
            area,
            "No fairness evidence logged for this version's run.",
            &format!("To show it here, {NAMING_CONVENTION}."),
            theme,
        );
        return;
    };
    let all: Vec<_> = aggregates
        .iter()
        .chain(attributes.iter().flat_map(|a| a.aggregates.iter()))
        .collect();
    let table_rows = (all.len() as u16 + 1).min(area.height / 2).max(2);
    let [table_area, _, chart_area] = Layout::vertical([
        Constraint::Length(table_rows),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);

    let verdicts = state.fairness_bounds.is_some();
    // The name column takes what the others leave; names are cut to it here, so a cut ends
    // with `…` (ratatui would cut them bare).
    let fixed: [u16; 4] = [8, 6, 16, 9];
    let name_width = table_area
        .width
        .saturating_sub(fixed.iter().sum::<u16>() + fixed.len() as u16)
        .max(1) as usize;
    let header = Row::new(["AGGREGATE", "VALUE", "IDEAL", "BOUND", "VERDICT"].map(Cell::from))
        .style(theme.table_header());
    let rows: Vec<Row> = all
        .iter()
        .map(|a| {
            let name = a.key.strip_prefix("fairness.").unwrap_or(&a.key);
            let verdict = match a.passes {
                Some(true) => Span::styled("✓ pass", theme.ok()),
                Some(false) => Span::styled("✗ fail", theme.error()),
                None if verdicts => Span::styled("no bound", theme.muted()),
                None => Span::styled("no policy", theme.muted()),
            };
            Row::new(vec![
                Cell::from(clip(name, name_width.min(48))),
                Cell::from(metric(a.value)),
                Cell::from(Span::styled(
                    a.ideal.map(metric).unwrap_or_else(|| "-".into()),
                    theme.muted(),
                )),
                Cell::from(Span::styled(
                    a.bounds.map(|b| b.describe()).unwrap_or_else(|| "-".into()),
                    theme.muted(),
                )),
                Cell::from(verdict),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(fixed[0]),
            Constraint::Length(fixed[1]),
            Constraint::Length(fixed[2]),
            Constraint::Length(fixed[3]),
        ],
    )
    .header(header)
    .column_spacing(1)
    .style(theme.base());
    frame.render_widget(table, table_area);

    if attributes.is_empty() {
        panel::empty(
            frame,
            chart_area,
            "No per-group values logged.",
            "Log fairness.<attribute>:<group>.<metric> to compare groups.",
            theme,
        );
        return;
    }
    let index = d.cursor.selected.min(attributes.len() - 1);
    draw_attribute(
        frame,
        chart_area,
        &attributes[index],
        (index, attributes.len()),
        theme,
    );
}

fn draw_attribute(
    frame: &mut Frame,
    area: Rect,
    attr: &AttributeFairness,
    (index, count): (usize, usize),
    theme: &Theme,
) {
    let mut title = vec![
        Span::styled(format!(" {} ", clip(&attr.attribute, 30)), theme.title()),
        Span::styled("by group ", theme.muted()),
    ];
    if count > 1 {
        title.push(Span::styled(
            format!("({}/{count}, j/k: other attribute) ", index + 1),
            theme.muted(),
        ));
    }
    let block = Block::bordered()
        .border_style(theme.border(false))
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [chart_area, legend_area, ratio_area] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let metrics = attr.group_metrics();
    let groups = attr.groups.len().max(1) as u16;
    let per_group = (chart_area.width / groups).saturating_sub(2);
    let bar_width = (per_group / metrics.len().max(1) as u16)
        .saturating_sub(1)
        .clamp(1, 7);
    let mut chart = BarChart::default()
        .bar_width(bar_width)
        .bar_gap(1)
        .group_gap(2)
        .value_style(theme.base())
        .label_style(theme.base())
        .max(1000);
    for g in &attr.groups {
        let bars: Vec<Bar> = metrics
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let v = g.metrics.get(*name).copied().unwrap_or(f64::NAN);
                let shown = if v.is_finite() {
                    (v.clamp(0.0, 1.0) * 1000.0).round() as u64
                } else {
                    0
                };
                let text = if v.is_finite() {
                    crate::text::fixed(v, 2).trim_start_matches('0').to_string()
                } else {
                    crate::text::metric(v)
                };
                Bar::default()
                    .value(shown)
                    .text_value(text)
                    .style(Style::default().fg(theme.chart(i)))
                    .value_style(theme.selection())
            })
            .collect();
        chart = chart.data(
            BarGroup::default()
                .label(Line::from(clip(&g.group, per_group as usize)).centered())
                .bars(&bars),
        );
    }
    frame.render_widget(chart, chart_area);

    let mut legend = Vec::new();
    for (i, name) in metrics.iter().enumerate() {
        legend.push(Span::styled("■ ", Style::default().fg(theme.chart(i))));
        legend.push(Span::styled(format!("{} ", clip(name, 24)), theme.base()));
    }
    frame.render_widget(Paragraph::new(Line::from(legend)), legend_area);

    let ratio = match &attr.four_fifths {
        Some(ff) => {
            let verdict = if ff.passes {
                Span::styled("✓ pass", theme.ok())
            } else {
                Span::styled("✗ fail", theme.error())
            };
            Line::from(vec![
                Span::styled("four-fifths ", theme.title()),
                Span::styled(
                    format!(
                        "{} = {} {} / {} {} ",
                        crate::text::fixed(ff.ratio, 3),
                        clip(&ff.lowest_group, 16),
                        crate::text::fixed(ff.lowest_rate, 2),
                        clip(&ff.highest_group, 16),
                        crate::text::fixed(ff.highest_rate, 2),
                    ),
                    theme.base(),
                ),
                verdict,
                Span::styled(format!(" (>= {})", ff.rule.threshold), theme.muted()),
            ])
        }
        None => Line::from(Span::styled(
            format!("four-fifths ratio: needs {SELECTION_RATE} of at least two groups"),
            theme.muted(),
        )),
    };
    frame.render_widget(Paragraph::new(ratio), ratio_area);
}
