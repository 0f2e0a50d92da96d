//! Safe file names and Markdown text from server-provided names. Metric keys, feature names and
//! attribute names come from the tracking server: they must never steer where a file is written,
//! nor inject Markdown or HTML into the report.

use std::collections::BTreeSet;

use crate::text::sanitize_line;

/// The longest stem a name part may have (file systems allow 255 bytes per name).
const MAX_STEM: usize = 96;

/// `text` as a file-name part made of `[A-Za-z0-9._-]` only: every other character becomes `_`,
/// a leading `.` becomes `_` (no hidden files, no `..`), and the result is cut to a safe length.
pub fn safe_stem(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(MAX_STEM)
        .collect();
    if out.starts_with('.') {
        out.replace_range(0..1, "_");
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// Hands out file names that are unique within one pack: two server names that sanitize alike
/// (`a b` and `a_b`) get `a_b` and `a_b-2`. Names are given in the caller's (sorted) order, so
/// the same data always gets the same names.
#[derive(Debug, Default)]
pub struct FileNames {
    taken: BTreeSet<String>,
}

impl FileNames {
    /// `<prefix>-<safe name>` (or `<prefix>` alone for an empty name), unique in this pack.
    pub fn claim(&mut self, prefix: &str, name: &str) -> String {
        let base = if name.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}-{}", safe_stem(name))
        };
        let mut stem = base.clone();
        let mut n = 2;
        while !self.taken.insert(stem.to_ascii_lowercase()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        stem
    }
}

/// Server text as inline Markdown: control characters made visible (`sanitize_line`), then every
/// character that Markdown or HTML would interpret escaped, so the text reads as written.
pub fn md(text: &str) -> String {
    let clean = sanitize_line(text);
    let mut out = String::with_capacity(clean.len() + 8);
    for (i, c) in clean.chars().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '<'
            | '>' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            // A list marker or a thematic break only at the start of a line.
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    // "1. text" at the start would open an ordered list.
    if let Some(pos) = out.find(['.', ')']) {
        let opens_list = out[pos + 1..].starts_with(' ') || pos + 1 == out.len();
        if pos > 0 && opens_list && out[..pos].chars().all(|c| c.is_ascii_digit()) {
            out.insert(pos, '\\');
        }
    }
    out
}

/// Server text for a chart (titles, legends): one line, control characters made visible.
pub fn chart_text(text: &str) -> String {
    sanitize_line(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_keep_only_safe_characters() {
        assert_eq!(safe_stem("train_loss"), "train_loss");
        assert_eq!(safe_stem("val-auc.v2"), "val-auc.v2");
        assert_eq!(safe_stem("../../etc/passwd"), "_._.._etc_passwd");
        assert_eq!(safe_stem(".hidden"), "_hidden");
        assert_eq!(safe_stem("a b/c\\d:e\u{1b}[31m"), "a_b_c_d_e__31m");
        assert_eq!(safe_stem("信用"), "__");
        assert_eq!(safe_stem(""), "_");
        assert_eq!(safe_stem(&"x".repeat(500)).len(), MAX_STEM);
        for s in ["..", ".", "/", "a\0b", "C:\\x"] {
            let stem = safe_stem(s);
            assert!(stem
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)));
            assert!(!stem.starts_with('.'), "{stem}");
        }
    }

    #[test]
    fn names_are_unique_and_stable() {
        let mut names = FileNames::default();
        assert_eq!(names.claim("metrics", "a b"), "metrics-a_b");
        assert_eq!(names.claim("metrics", "a_b"), "metrics-a_b-2");
        assert_eq!(names.claim("metrics", "a?b"), "metrics-a_b-3");
        // Case-insensitive file systems: `A_B` would overwrite `a_b`.
        assert_eq!(names.claim("metrics", "A_B"), "metrics-A_B-4");
        assert_eq!(names.claim("drift", "a b"), "drift-a_b");
        assert_eq!(names.claim("performance", ""), "performance");
    }

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(md("credit-risk-scorer"), "credit-risk-scorer");
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("[x](http://e)"), "\\[x\\]\\(http://e\\)");
        assert_eq!(md("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(md("**bold** _it_"), "\\*\\*bold\\*\\* \\_it\\_");
        assert_eq!(md("# title"), "\\# title");
        assert_eq!(md("- item"), "\\- item");
        assert_eq!(md("1. first"), "1\\. first");
        assert_eq!(md("a & b"), "a &amp; b");
        assert_eq!(md("evil\u{1b}[2J"), "evil\\\\e\\[2J");
        assert_eq!(md("two\nlines"), "two↵lines");
        assert_eq!(md("0.91"), "0.91");
    }
}
