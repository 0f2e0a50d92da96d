//! Output for humans and for scripts: aligned tables of sanitized text, timestamps, JSON.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::text::{pad, sanitize_line, width};

/// Widest a cell may be before it is cut with `…`.
const MAX_CELL: usize = 48;

pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(headers: I) -> Self {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Add a row; every cell is sanitized here, so callers can pass server text as is.
    pub fn row<I: IntoIterator<Item = S>, S: AsRef<str>>(&mut self, cells: I) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| sanitize_line(c.as_ref()).into_owned())
                .collect(),
        );
    }

    pub fn write(&self, out: &mut dyn Write, styled: bool) -> std::io::Result<()> {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| {
                let cells = self.rows.iter().filter_map(|r| r.get(i)).map(|c| width(c));
                cells
                    .chain(std::iter::once(width(&self.headers[i])))
                    .max()
                    .unwrap_or(0)
                    .min(MAX_CELL)
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let last = cells.len().saturating_sub(1);
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    // The last column is not padded or cut: nothing follows it to align.
                    if i == last {
                        c.clone()
                    } else {
                        pad(c, widths[i])
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let header = line(&self.headers);
        if styled {
            writeln!(out, "\u{1b}[1m{header}\u{1b}[0m")?;
        } else {
            writeln!(out, "{header}")?;
        }
        for row in &self.rows {
            writeln!(out, "{}", line(row))?;
        }
        Ok(())
    }
}

/// Bold headers only on a terminal, and never when NO_COLOR is set.
pub fn stdout_styled() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM` (UTC); `-` when absent.
pub fn timestamp(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".to_string())
}

/// Milliseconds since the epoch as RFC 3339 (UTC), for JSON readers that prefer text.
pub fn iso_timestamp(ms: Option<i64>) -> Option<String> {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// A metric value short enough for a table cell.
pub fn metric(value: f64) -> String {
    crate::text::metric(value)
}

pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

pub fn or_dash(value: Option<&str>) -> String {
    match value {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => "-".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sanitize_and_align() {
        let mut t = Table::new(["NAME", "N"]);
        t.row(["evil\u{1b}[31m", "1"]);
        t.row(["信用评分", "22"]);
        let mut out = Vec::new();
        t.write(&mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'));
        assert_eq!(text, "NAME        N\nevil\\e[31m  1\n信用评分    22\n");
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(timestamp(Some(0)), "1970-01-01 00:00");
        assert_eq!(timestamp(None), "-");
    }

    #[test]
    fn metrics_are_compact() {
        assert_eq!(metric(0.912345), "0.9123");
        assert_eq!(metric(12.0), "12");
        assert_eq!(metric(1234.56), "1234.6");
    }
}
