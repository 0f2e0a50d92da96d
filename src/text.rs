//! Making server-provided text safe to show. Names, descriptions and tags may hold terminal
//! escape sequences; sent raw they could recolour, retitle or corrupt the user's terminal.

use std::borrow::Cow;
use std::fmt::Write;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// One line, every control character made visible: ESC as `\e`, other C0 controls in caret
/// notation (`^G`), newlines as `↵`, C1 controls and bidirectional overrides as `\u{..}`.
pub fn sanitize_line(text: &str) -> Cow<'_, str> {
    sanitize(text, false)
}

/// Like [`sanitize_line`] but keeps line breaks (`\n`), for descriptions.
pub fn sanitize_multiline(text: &str) -> Cow<'_, str> {
    sanitize(text, true)
}

fn sanitize(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c, keep_newlines) {
            out.push(c);
            continue;
        }
        match c {
            '\t' => out.push(' '),
            '\n' => out.push('↵'),
            '\u{1b}' => out.push_str("\\e"),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push((b'@' + c as u8) as char);
            }
            '\u{7f}' => out.push_str("^?"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' => !keep_newlines,
        c if c.is_control() => true,
        // Bidirectional overrides and isolates reorder what follows them (the "Trojan Source"
        // trick); zero-width characters hide text.
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        '\u{feff}' => true,
        _ => false,
    }
}

/// Display width in terminal columns (CJK characters take two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cut `text` to at most `max` columns, marking the cut with `…`.
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Pad with spaces to exactly `cols` columns (after truncating if needed).
pub fn pad(text: &str, cols: usize) -> String {
    let cut = truncate(text, cols);
    let fill = cols.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(fill))
}

/// A metric value short enough for a table cell: integers plainly, large values with one
/// decimal, the rest with four; magnitudes from 1e9 up and below 1e-4 in scientific notation
/// (`1.798e308`, `-2.500e-7`), so no cell holds a 309-digit number; `NaN`, `+Inf`, `-Inf` as such.
/// Shared by the CLI's tables and the cockpit's columns.
pub fn metric(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if value != 0.0 && (value.abs() >= 1e9 || value.abs() < 1e-4) {
        scientific(value)
    } else if value == value.trunc() {
        format!("{value:.0}")
    } else if value.abs() >= 1000.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.4}")
    }
}

/// Gate messages and bounds for people: every decimal number written with more than four
/// fraction digits (`0.8500000000000001`, as the report records the float exactly) is shown as a
/// table cell shows it, trailing zeros dropped (`0.85`). Digits inside words (run ids, digests,
/// `1.2.3`) are left alone. Only for display: the report keeps full precision, and its digest.
pub fn round_floats(text: &str) -> Cow<'_, str> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit()
            || (chars[i] == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        if !starts_number || (i > 0 && word(chars[i - 1])) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // [-]digits[.digits], then no letter, digit, `_` or further `.digit` may follow.
        let mut end = i + 1;
        while end < chars.len() && chars[end].is_ascii_digit() {
            end += 1;
        }
        let mut fraction = 0;
        if chars.get(end) == Some(&'.') {
            let mut j = end + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            fraction = j - end - 1;
            if fraction > 0 {
                end = j;
            }
        }
        let inside_word = chars.get(end).is_some_and(|c| {
            c.is_alphanumeric()
                || *c == '_'
                || (*c == '.' && chars.get(end + 1).is_some_and(char::is_ascii_digit))
        });
        let token: String = chars[i..end].iter().collect();
        match token.parse::<f64>() {
            Ok(v) if fraction > 4 && !inside_word => {
                let short = metric(v);
                let short = if short.contains('.') && !short.contains('e') {
                    short
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                        .to_string()
                } else {
                    short
                };
                changed |= short != token;
                out.push_str(&short);
            }
            _ => out.push_str(&token),
        }
        i = end;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Scientific notation in at most 8 characters (the narrowest metric column) where it can be:
/// three significant digits, fewer for long exponents (`1.23e11`, `1.8e308`, `-2e-308`).
fn scientific(value: f64) -> String {
    (0..=2)
        .rev()
        .map(|digits| format!("{value:.digits$e}"))
        .find(|s| s.len() <= 8)
        .unwrap_or_else(|| format!("{value:.0e}"))
}

/// A value with `decimals` places (`0.64` for a ratio), but `NaN`, `+Inf`, `-Inf` and
/// magnitudes from 1e9 up as [`metric`] writes them: never a 309-digit number.
pub fn fixed(value: f64, decimals: usize) -> String {
    if !value.is_finite() || value.abs() >= 1e9 {
        metric(value)
    } else {
        format!("{value:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_messages_show_floats_rounded_like_the_table() {
        assert_eq!(
            round_floats("auc = 0.8500000000000001 is outside >= 0.9"),
            "auc = 0.85 is outside >= 0.9"
        );
        assert_eq!(
            round_floats("auc = -0.123456789; @champion v3 0.84150000000000003 x 0.99"),
            "auc = -0.1235; @champion v3 0.8415 x 0.99"
        );
        assert_eq!(round_floats("psi 0.0000012345"), "psi 1.23e-6");
        // Short numbers, versions, run ids and digests are left alone.
        for kept in [
            "auc = 0.905 is not >= 0.9108",
            "run 0123456789abcdef has no metric 'auc'",
            "version 1.2.345678 of the library",
            "digest 3f2a9c1b.1234567",
            "model_v2.1234567 and x1.1234567",
        ] {
            assert_eq!(round_floats(kept), kept);
            assert!(matches!(round_floats(kept), Cow::Borrowed(_)));
        }
    }

    /// Issue 9: tables printed f64::MAX as 309 digits.
    #[test]
    fn metrics_stay_short_at_any_magnitude() {
        assert_eq!(metric(f64::MAX), "1.80e308");
        assert_eq!(metric(-f64::MAX), "-1.8e308");
        assert_eq!(metric(1e300), "1.00e300");
        assert_eq!(metric(123_456_789_012.0), "1.23e11");
        assert_eq!(metric(0.000_012_34), "1.23e-5");
        assert_eq!(metric(f64::MIN_POSITIVE), "2.2e-308");
        assert_eq!(metric(-f64::MIN_POSITIVE), "-2e-308");
        assert_eq!(metric(f64::NAN), "NaN");
        assert_eq!(metric(f64::INFINITY), "+Inf");
        assert_eq!(metric(f64::NEG_INFINITY), "-Inf");
        // The everyday forms are unchanged.
        assert_eq!(metric(0.0), "0");
        assert_eq!(metric(0.912345), "0.9123");
        assert_eq!(metric(12.0), "12");
        assert_eq!(metric(1234.56), "1234.6");
        assert_eq!(metric(0.0001), "0.0001");
        assert_eq!(fixed(0.6361, 3), "0.636");
        assert_eq!(fixed(f64::MAX, 2), "1.80e308");
        assert_eq!(fixed(f64::NEG_INFINITY, 2), "-Inf");
        for v in [f64::MAX, 1e-300, -7.5e200, 999_999_999.5] {
            assert!(metric(v).len() <= 11, "{v}: {}", metric(v));
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            sanitize_line("credit-risk 信用评分"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(sanitize_line("\u{1b}[31mRED\u{1b}[0m"), "\\e[31mRED\\e[0m");
        assert_eq!(sanitize_line("\u{1b}]0;pwned\u{7}"), "\\e]0;pwned^G");
        assert_eq!(sanitize_line("line\rover"), "line^Mover");
        assert_eq!(sanitize_line("a\nb\tc"), "a↵b c");
        assert_eq!(sanitize_line("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(sanitize_line("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(sanitize_line("del\u{7f}"), "del^?");
    }

    #[test]
    fn multiline_keeps_newlines_only() {
        assert_eq!(sanitize_multiline("a\nb\u{1b}c"), "a\nb\\ec");
    }

    #[test]
    fn sanitized_text_has_no_control_characters() {
        let nasty: String = (0u32..0x300).filter_map(char::from_u32).collect();
        assert!(!sanitize_line(&nasty).chars().any(|c| c.is_control()));
    }

    #[test]
    fn truncation_counts_columns() {
        assert_eq!(truncate("信用评分", 5), "信用…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(width(&pad("信用评分", 5)), 5);
    }
}
