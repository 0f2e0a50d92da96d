//! Colour names in theme files, how many colours the terminal has, and mapping RGB down to the
//! 256-colour cube (ratatui sends RGB as is, which 256-colour terminals garble).

use ratatui::style::Color;

/// What the terminal can show, decided once at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    TrueColor,
    Ansi256,
    Ansi16,
    /// `NO_COLOR`, `TERM=dumb` or the user asked: emphasis by bold/reverse only.
    NoColor,
}

impl ColorMode {
    /// `NO_COLOR` (any non-empty value) wins; `TOLLGATE_COLOR` (truecolor, 256, 16, none)
    /// overrides detection; then `COLORTERM`, then `TERM`.
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> ColorMode {
        if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return ColorMode::NoColor;
        }
        if let Some(forced) = env("TOLLGATE_COLOR") {
            match forced.to_ascii_lowercase().as_str() {
                "truecolor" | "24bit" => return ColorMode::TrueColor,
                "256" => return ColorMode::Ansi256,
                "16" => return ColorMode::Ansi16,
                "none" | "off" | "no" => return ColorMode::NoColor,
                _ => {}
            }
        }
        let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorMode::TrueColor;
        }
        let term = env("TERM").unwrap_or_default().to_ascii_lowercase();
        if term == "dumb" {
            ColorMode::NoColor
        } else if term.contains("direct") || term.contains("truecolor") {
            ColorMode::TrueColor
        } else if term.contains("256") {
            ColorMode::Ansi256
        } else {
            ColorMode::Ansi16
        }
    }
}

/// Parse a theme colour: `#rrggbb`, `reset`, one of the 16 ANSI names, or `indexed(N)`.
pub fn parse(text: &str) -> Result<Color, String> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(hex) = t.strip_prefix('#') {
        if hex.len() == 6 {
            if let Ok(v) = u32::from_str_radix(hex, 16) {
                return Ok(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
            }
        }
        return Err(format!("'{text}' is not a #rrggbb colour"));
    }
    if let Some(n) = t.strip_prefix("indexed(").and_then(|r| r.strip_suffix(')')) {
        return n
            .parse::<u8>()
            .map(Color::Indexed)
            .map_err(|_| format!("'{text}': the index must be 0-255"));
    }
    let named = match t.replace(['_', '-', ' '], "").as_str() {
        "reset" | "default" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => {
            return Err(format!(
                "unknown colour '{text}' (use #rrggbb, reset, an ANSI name or indexed(N))"
            ))
        }
    };
    Ok(named)
}

/// Whether a colour exists on a 16-colour terminal.
pub fn is_ansi16(color: Color) -> bool {
    !matches!(color, Color::Rgb(..) | Color::Indexed(_))
}

/// The nearest xterm-256 colour: the 6x6x6 cube or the grey ramp, whichever is closer.
pub fn to_ansi256(color: Color) -> Color {
    let Color::Rgb(r, g, b) = color else {
        return color;
    };
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest_level = |v: u8| {
        (0..6)
            .min_by_key(|&i| (LEVELS[i] as i32 - v as i32).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (nearest_level(r), nearest_level(g), nearest_level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let avg = (r as u32 + g as u32 + b as u32) / 3;
    let gray_step = ((avg.saturating_sub(8)) / 10).min(23);
    let gray_level = (8 + 10 * gray_step) as u8;
    let dist = |(a, b2, c): (u8, u8, u8)| {
        let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2);
        d(a, r) + d(b2, g) + d(c, b)
    };
    if dist((gray_level, gray_level, gray_level)) < dist(cube) {
        Color::Indexed(232 + gray_step as u8)
    } else {
        Color::Indexed(cube_index as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn detection_follows_no_color_colorterm_and_term() {
        assert_eq!(
            ColorMode::detect(&env(&[("NO_COLOR", "1"), ("COLORTERM", "truecolor")])),
            ColorMode::NoColor
        );
        assert_eq!(
            ColorMode::detect(&env(&[("NO_COLOR", ""), ("COLORTERM", "truecolor")])),
            ColorMode::TrueColor
        );
        assert_eq!(
            ColorMode::detect(&env(&[("TERM", "xterm-256color")])),
            ColorMode::Ansi256
        );
        assert_eq!(
            ColorMode::detect(&env(&[("TERM", "xterm")])),
            ColorMode::Ansi16
        );
        assert_eq!(
            ColorMode::detect(&env(&[("TERM", "linux")])),
            ColorMode::Ansi16
        );
        assert_eq!(
            ColorMode::detect(&env(&[("TERM", "dumb")])),
            ColorMode::NoColor
        );
        assert_eq!(
            ColorMode::detect(&env(&[
                ("TERM", "xterm-256color"),
                ("TOLLGATE_COLOR", "16")
            ])),
            ColorMode::Ansi16
        );
    }

    #[test]
    fn colours_parse() {
        assert_eq!(parse("#ff8000").unwrap(), Color::Rgb(255, 128, 0));
        assert_eq!(parse("LightBlue").unwrap(), Color::LightBlue);
        assert_eq!(parse("dark-gray").unwrap(), Color::DarkGray);
        assert_eq!(parse("indexed(42)").unwrap(), Color::Indexed(42));
        assert!(parse("#ff80").is_err());
        assert!(parse("mauve").is_err());
    }

    #[test]
    fn rgb_maps_to_the_nearest_256_colour() {
        assert_eq!(to_ansi256(Color::Rgb(0, 0, 0)), Color::Indexed(16));
        assert_eq!(to_ansi256(Color::Rgb(255, 255, 255)), Color::Indexed(231));
        assert_eq!(to_ansi256(Color::Rgb(255, 0, 0)), Color::Indexed(196));
        assert_eq!(to_ansi256(Color::Rgb(128, 128, 128)), Color::Indexed(244));
        assert_eq!(to_ansi256(Color::Reset), Color::Reset);
    }
}
