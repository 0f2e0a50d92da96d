//! Turning data into cell text. Every piece of server text is sanitized here before it can
//! become a `Span`, and cut to its column by display width (CJK characters count twice).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::text::{sanitize_line, truncate, width};

/// Server text, made harmless (escape sequences shown as `\e`, controls as `^X`) and cut to
/// `max` columns with `…`.
pub fn clip(text: &str, max: usize) -> String {
    truncate(&sanitize_line(text), max).into_owned()
}

/// A span of server text: sanitized, cut to `max` columns.
pub fn span(text: &str, max: usize, style: Style) -> Span<'static> {
    Span::styled(clip(text, max), style)
}

/// A line of spans cut to `max` columns (the last span that does not fit is shortened with
/// `…`); spans must already hold sanitized text.
pub fn fit(spans: Vec<Span<'static>>, max: usize) -> Line<'static> {
    let mut used = 0;
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        let w = width(&s.content);
        if used + w <= max {
            used += w;
            out.push(s);
        } else {
            let room = max - used;
            if room > 0 {
                out.push(Span::styled(
                    truncate(&s.content, room).into_owned(),
                    s.style,
                ));
            }
            break;
        }
    }
    Line::from(out)
}

/// `YYYY-MM-DD` when narrow, `YYYY-MM-DD HH:MM` when there is room (UTC, as the CLI prints).
pub fn date(ms: Option<i64>, with_time: bool) -> String {
    let fmt = if with_time {
        "%Y-%m-%d %H:%M"
    } else {
        "%Y-%m-%d"
    };
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format(fmt).to_string())
        .unwrap_or_else(|| "-".to_string())
}

/// A metric value short enough for a column (same rules as the CLI's tables).
pub fn metric(value: f64) -> String {
    crate::text::metric(value)
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}

/// Stage names short enough for narrow columns.
pub fn short_stage(stage: &str) -> &str {
    match stage {
        "Production" => "Prod",
        "Staging" => "Stag",
        "Archived" => "Arch",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_sanitizes_then_cuts_by_width() {
        assert_eq!(clip("evil\u{1b}]0;pwned\u{7}", 40), "evil\\e]0;pwned^G");
        assert_eq!(clip("信用评分模型", 7), "信用评…");
    }

    #[test]
    fn fit_cuts_the_span_that_overflows() {
        let line = fit(vec![Span::raw("Prod v5 "), Span::raw("@champion")], 12);
        assert_eq!(line.to_string(), "Prod v5 @ch…");
        assert_eq!(width(&line.to_string()), 12);
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(date(Some(0), false), "1970-01-01");
        assert_eq!(date(Some(0), true), "1970-01-01 00:00");
        assert_eq!(date(None, true), "-");
    }
}
