//! The pack's charts, drawn with plotters to SVG text and to PNG bytes from one description.
//! Only pure-Rust backends: the font is embedded (DejaVu Sans, `assets/fonts/`) and rendered by
//! ab_glyph, so a machine without system font libraries draws the same pixels. Colours are the
//! Okabe-Ito palette, distinguishable with the common forms of colour blindness.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

/// Chart size in pixels (PNG) and user units (SVG).
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 520;

/// The font family every chart uses; the embedded font is registered under this name.
const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Okabe-Ito, in the order series take them (black last, yellow late: low contrast on white).
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x00, 0x00), // black
];
/// Threshold lines and drifted windows: Okabe-Ito vermillion.
pub const ALERT: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

/// The `i`-th series colour.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A chart could not be drawn or encoded.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw chart: {0}")]
pub struct ChartError(String);

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError(e.to_string())
}

/// One named curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// Curves over a numeric x axis, with an optional threshold and highlighted points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineChart {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub series: Vec<Series>,
    /// A horizontal dashed line: (y, legend label).
    pub threshold: Option<(f64, String)>,
    /// Points drawn as filled markers in the alert colour (e.g. drifted windows), with a label.
    pub highlight: Option<(String, Vec<(f64, f64)>)>,
    /// A vertical dashed line: (x, legend label), e.g. a drift onset.
    pub marker: Option<(f64, String)>,
    /// Labels for x values (step -> day); plain numbers when empty.
    pub x_labels: Vec<(f64, String)>,
}

/// Groups of bars per category, e.g. per fairness metric one bar per group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarChart {
    pub title: String,
    pub y_desc: String,
    pub categories: Vec<String>,
    /// (group name, one value per category; `None` where not logged).
    pub groups: Vec<(String, Vec<Option<f64>>)>,
}

/// Reference vs current shares over numeric bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistogramChart {
    pub title: String,
    pub x_desc: String,
    pub edges: Vec<f64>,
    /// (legend label, share per bin) for the reference and the current window.
    pub reference: (String, Vec<f64>),
    pub current: (String, Vec<f64>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Chart {
    Lines(LineChart),
    Bars(BarChart),
    Histogram(HistogramChart),
}

/// Register the embedded font with plotters (once per process).
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_err() {
            tracing::error!("the embedded chart font could not be loaded");
        }
    });
}

/// The chart as an SVG document.
pub fn render_svg(chart: &Chart) -> Result<String, ChartError> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(chart, &root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The chart as PNG bytes (8-bit RGB). The same chart always gives the same bytes.
pub fn render_png(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    register_font();
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw(chart, &root)?;
        root.present().map_err(err)?;
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        let mut writer = encoder.write_header().map_err(err)?;
        writer.write_image_data(&pixels).map_err(err)?;
    }
    Ok(out)
}

fn draw<DB: DrawingBackend>(chart: &Chart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(err)?;
    match chart {
        Chart::Lines(c) => draw_lines(c, root),
        Chart::Bars(c) => draw_bars(c, root),
        Chart::Histogram(c) => draw_histogram(c, root),
    }
}

/// A range that plotters can draw: finite, and not empty.
fn padded(lo: f64, hi: f64, pad_share: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return (0.0, 1.0);
    }
    if hi == lo {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - d, hi + d);
    }
    let pad = (hi - lo) * pad_share;
    (lo - pad, hi + pad)
}

fn finite_point(p: &(f64, f64)) -> bool {
    p.0.is_finite() && p.1.is_finite()
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

fn legend_line(c: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3))
}

fn legend_box(c: RGBAColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled())
}

fn draw_lines<DB: DrawingBackend>(
    c: &LineChart,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let all = || c.series.iter().flat_map(|s| s.points.iter());
    let (x_lo, x_hi) = bounds(all().map(|p| p.0).chain(c.marker.iter().map(|m| m.0)));
    let (y_lo, y_hi) = bounds(all().map(|p| p.1).chain(c.threshold.iter().map(|t| t.0)));
    let (x_lo, x_hi) = padded(x_lo, x_hi, 0.0);
    let (y_lo, y_hi) = padded(y_lo, y_hi, 0.06);
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, (FONT, 22))
        .margin(18)
        .x_label_area_size(48)
        .y_label_area_size(78)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
        .map_err(err)?;
    let day_of = |x: &f64| -> String {
        c.x_labels
            .iter()
            .find(|(at, _)| (at - x).abs() < 1e-9)
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    };
    let number = |x: &f64| short_number(*x);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(&c.x_desc)
        .y_desc(&c.y_desc)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .y_label_formatter(&number);
    if c.x_labels.is_empty() {
        mesh.x_label_formatter(&number);
    } else {
        // One label per labelled x (window steps are integers; plotters picks integer ticks
        // when asked for no more labels than steps).
        mesh.x_labels(c.x_labels.len().min(10))
            .x_label_formatter(&day_of);
    }
    mesh.draw().map_err(err)?;

    for (i, s) in c.series.iter().enumerate() {
        let col = colour(i);
        // A dense curve drawn thick is a smear.
        let stroke = if s.points.len() > 200 { 1 } else { 2 };
        // A NaN or infinite point has no place on the axes: left out, not clamped to an edge.
        chart
            .draw_series(LineSeries::new(
                s.points.iter().copied().filter(finite_point),
                col.stroke_width(stroke),
            ))
            .map_err(err)?
            .label(&s.name)
            .legend(legend_line(col));
    }
    if let Some((label, points)) = &c.highlight {
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|p| finite_point(p))
                    .map(|&p| Circle::new(p, 4, ALERT.filled())),
            )
            .map_err(err)?
            .label(label)
            .legend(|(x, y)| Circle::new((x + 10, y), 4, ALERT.filled()));
    }
    if let Some((y, label)) = &c.threshold {
        chart
            .draw_series(DashedLineSeries::new(
                [(x_lo, *y), (x_hi, *y)],
                10,
                6,
                ALERT.stroke_width(2),
            ))
            .map_err(err)?
            .label(label)
            .legend(legend_line(ALERT));
    }
    if let Some((x, label)) = &c.marker {
        chart
            .draw_series(DashedLineSeries::new(
                [(*x, y_lo), (*x, y_hi)],
                6,
                6,
                BLACK.stroke_width(1),
            ))
            .map_err(err)?
            .label(label)
            .legend(legend_line(BLACK));
    }
    let entries = c.series.len()
        + usize::from(c.highlight.is_some())
        + usize::from(c.threshold.is_some())
        + usize::from(c.marker.is_some());
    if entries < 2 {
        // One curve: the title and the axis already name it.
        return Ok(());
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(0x99, 0x99, 0x99))
        .draw()
        .map_err(err)?;
    Ok(())
}

fn draw_bars<DB: DrawingBackend>(
    c: &BarChart,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let n = c.categories.len().max(1);
    let values = || {
        c.groups
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied())
    };
    let (lo, hi) = bounds(values());
    // Rates live in [0, 1]: keep that scale when they do, so charts compare at a glance.
    let y_lo = lo.min(0.0);
    // Headroom above the tallest bar for the legend.
    let y_hi = if hi.is_finite() && hi > 1.0 {
        hi * 1.3
    } else {
        1.3
    };
    let y_lo = if y_lo.is_finite() { y_lo * 1.12 } else { 0.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, (FONT, 22))
        .margin(18)
        .x_label_area_size(48)
        .y_label_area_size(78)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), y_lo..y_hi)
        .map_err(err)?;
    let category = |x: &f64| -> String {
        let i = x.round();
        if (x - i).abs() < 1e-9 && i >= 0.0 {
            c.categories.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let number = |y: &f64| short_number(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n + 2)
        .x_label_formatter(&category)
        .y_label_formatter(&number)
        .y_desc(&c.y_desc)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .draw()
        .map_err(err)?;
    let groups = c.groups.len().max(1);
    let width = 0.8 / groups as f64;
    for (g, (name, vals)) in c.groups.iter().enumerate() {
        let col = colour(g).to_rgba();
        let bar = |i: usize, v: f64| {
            let left = i as f64 - 0.4 + g as f64 * width;
            Rectangle::new(
                [(left + width * 0.06, 0.0), (left + width * 0.94, v)],
                col.filled(),
            )
        };
        chart
            .draw_series(
                vals.iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| bar(i, v))),
            )
            .map_err(err)?
            .label(name)
            .legend(legend_box(col));
        // The value above (or below) each bar, for readers who need the number.
        let label_style = TextStyle::from((FONT, 12).into_font()).color(&BLACK);
        chart
            .draw_series(vals.iter().enumerate().filter_map(|(i, v)| {
                let v = v.filter(|v| v.is_finite())?;
                let centre = i as f64 - 0.4 + (g as f64 + 0.5) * width;
                let vpos = if v >= 0.0 { VPos::Bottom } else { VPos::Top };
                Some(Text::new(
                    format!("{v:.2}"),
                    (centre, v),
                    label_style.pos(Pos::new(HPos::Center, vpos)),
                ))
            }))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(0x99, 0x99, 0x99))
        .draw()
        .map_err(err)?;
    Ok(())
}

fn draw_histogram<DB: DrawingBackend>(
    c: &HistogramChart,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let edges = finite_edges(&c.edges);
    let (x_lo, x_hi) = padded(
        edges.first().copied().unwrap_or(0.0),
        edges.last().copied().unwrap_or(1.0),
        0.0,
    );
    let (_, hi) = bounds(c.reference.1.iter().chain(&c.current.1).copied());
    let y_hi = if hi.is_finite() && hi > 0.0 {
        hi * 1.12
    } else {
        1.0
    };
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, (FONT, 22))
        .margin(18)
        .x_label_area_size(48)
        .y_label_area_size(78)
        .build_cartesian_2d(x_lo..x_hi, 0.0..y_hi)
        .map_err(err)?;
    let number = |v: &f64| short_number(*v);
    chart
        .configure_mesh()
        .x_desc(&c.x_desc)
        .y_desc("share of rows")
        .x_label_formatter(&number)
        .y_label_formatter(&number)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .draw()
        .map_err(err)?;
    for (i, (label, shares)) in [&c.reference, &c.current].into_iter().enumerate() {
        let col = colour(i).mix(0.55);
        let outline = colour(i).stroke_width(2);
        let bins = edges.windows(2).zip(shares.iter());
        chart
            .draw_series(
                bins.clone()
                    .map(|(e, &s)| Rectangle::new([(e[0], 0.0), (e[1], s)], col.filled())),
            )
            .map_err(err)?
            .label(label)
            .legend(legend_box(col));
        chart
            .draw_series(bins.map(|(e, &s)| Rectangle::new([(e[0], 0.0), (e[1], s)], outline)))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(0x99, 0x99, 0x99))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Bin edges with open outer edges (+-inf) closed at one neighbouring bin's width.
fn finite_edges(edges: &[f64]) -> Vec<f64> {
    let mut out = edges.to_vec();
    let n = out.len();
    if n >= 3 {
        if !out[0].is_finite() {
            out[0] = out[1] - (out[2] - out[1]);
        }
        if !out[n - 1].is_finite() {
            out[n - 1] = out[n - 2] + (out[n - 2] - out[n - 3]);
        }
    }
    out
}

/// Axis numbers: short, and without float noise (0.30000000000000004).
pub fn short_number(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    let s = if !(1e-3..1e6).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn line() -> Chart {
        Chart::Lines(LineChart {
            title: "income: PSI per window".into(),
            x_desc: "window".into(),
            y_desc: "PSI".into(),
            series: vec![Series {
                name: "PSI".into(),
                points: (0..30).map(|i| (i as f64, 0.01 * i as f64)).collect(),
            }],
            threshold: Some((0.2, "threshold > 0.2".into())),
            highlight: Some((
                "drifted".into(),
                (21..30).map(|i| (i as f64, 0.01 * i as f64)).collect(),
            )),
            marker: Some((21.0, "drifting since 2026-11-16".into())),
            x_labels: (0..30)
                .map(|i| (i as f64, format!("11-{:02}", i + 1)))
                .collect(),
        })
    }

    fn bars() -> Chart {
        Chart::Bars(BarChart {
            title: "sex".into(),
            y_desc: "value".into(),
            categories: vec!["accuracy".into(), "selection_rate".into(), "tpr".into()],
            groups: vec![
                ("female".into(), vec![Some(0.8), Some(0.5), None]),
                ("male".into(), vec![Some(0.82), Some(0.7), Some(0.9)]),
            ],
        })
    }

    fn histogram() -> Chart {
        Chart::Histogram(HistogramChart {
            title: "income".into(),
            x_desc: "income".into(),
            edges: vec![f64::NEG_INFINITY, 1.0, 2.0, 3.0, f64::INFINITY],
            reference: ("reference".into(), vec![0.1, 0.4, 0.4, 0.1]),
            current: ("latest".into(), vec![0.05, 0.2, 0.5, 0.25]),
        })
    }

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(bytes);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    fn distinct_colours(rgb: &[u8]) -> usize {
        let mut set: Vec<[u8; 3]> = rgb.chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
        set.sort_unstable();
        set.dedup();
        set.len()
    }

    #[test]
    fn every_chart_renders_to_png_and_svg() {
        for chart in [line(), bars(), histogram()] {
            let png = render_png(&chart).unwrap();
            let (w, h, rgb) = decode(&png);
            assert_eq!((w, h), (WIDTH, HEIGHT));
            assert!(distinct_colours(&rgb) > 8, "{chart:?} looks blank");
            // The palette's first colour is drawn.
            assert!(rgb.chunks(3).any(|c| c == [0x00, 0x72, 0xB2]));
            let svg = render_svg(&chart).unwrap();
            assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
            assert!(svg.contains("#0072B2"), "palette colour in the SVG");
        }
    }

    #[test]
    fn rendering_is_reproducible() {
        let dir = tempfile::tempdir().unwrap();
        for (i, chart) in [line(), bars(), histogram()].iter().enumerate() {
            let a = render_png(chart).unwrap();
            std::fs::write(dir.path().join(format!("{i}.png")), &a).unwrap();
            let b = std::fs::read(dir.path().join(format!("{i}.png"))).unwrap();
            assert_eq!(render_png(chart).unwrap(), b);
            assert_eq!(render_svg(chart).unwrap(), render_svg(chart).unwrap());
        }
    }

    #[test]
    fn degenerate_data_still_draws() {
        let empty = Chart::Lines(LineChart {
            title: "nothing".into(),
            x_desc: String::new(),
            y_desc: String::new(),
            series: vec![Series {
                name: "x".into(),
                points: vec![(0.0, f64::NAN), (1.0, 5.0), (1.0, 5.0)],
            }],
            threshold: None,
            highlight: None,
            marker: None,
            x_labels: Vec::new(),
        });
        assert!(render_png(&empty).is_ok());
        let no_bars = Chart::Bars(BarChart {
            title: "<none> & \"quotes\"".into(),
            y_desc: String::new(),
            categories: Vec::new(),
            groups: Vec::new(),
        });
        let svg = render_svg(&no_bars).unwrap();
        assert!(svg.contains("&lt;none&gt; &amp;"));
        assert!(render_png(&no_bars).is_ok());
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(short_number(0.30000000000000004), "0.3");
        assert_eq!(short_number(12.5), "12.5");
        assert_eq!(short_number(1234.4), "1234");
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(2e-5), "2.00e-5");
    }
}
