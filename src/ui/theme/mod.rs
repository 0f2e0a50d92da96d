//! Themes: TOML files (built-in ones embedded from `themes/`, user ones from the config
//! directory's `themes/`), resolved for what the terminal can show. Every style the views use
//! comes from here, so NO_COLOR and 16-colour terminals are handled in one place.

mod color;

use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

pub use color::ColorMode;

use crate::app::StatusLevel;

/// The themes shipped inside the binary, so it works from any directory.
const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
    (
        "monochrome",
        include_str!("../../../themes/monochrome.toml"),
    ),
];

pub const DEFAULT_THEME: &str = "dark";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[allow(dead_code)]
    name: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
    /// User themes may set only what they change; the rest comes from this theme.
    #[allow(dead_code)]
    extends: Option<String>,
    colors: PaletteFile,
    ansi16: PaletteFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaletteFile {
    fg: String,
    bg: String,
    muted: String,
    border: String,
    border_focus: String,
    title: String,
    header_fg: String,
    header_bg: String,
    accent: String,
    key: String,
    selection_fg: String,
    selection_bg: String,
    ok: String,
    warn: String,
    error: String,
    production: String,
    staging: String,
    archived: String,
    alias: String,
    chart: Vec<String>,
}

/// Resolved colours for one terminal.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    pub fg: Color,
    pub bg: Color,
    pub muted: Color,
    pub border: Color,
    pub border_focus: Color,
    pub title: Color,
    pub header_fg: Color,
    pub header_bg: Color,
    pub accent: Color,
    pub key: Color,
    pub selection_fg: Color,
    pub selection_bg: Color,
    pub ok: Color,
    pub warn: Color,
    pub error: Color,
    pub production: Color,
    pub staging: Color,
    pub archived: Color,
    pub alias: Color,
    pub chart: Vec<Color>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub mode: ColorMode,
    pub palette: Palette,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("no theme named '{name}'; available: {}", available.join(", "))]
    Unknown {
        name: String,
        available: Vec<String>,
    },
    #[error("theme file {}: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
}

impl Theme {
    /// Load `name`: the user's `themes/NAME.toml` first (it may `extends` another theme),
    /// then the built-in one.
    pub fn load(name: &str, mode: ColorMode, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let table = load_table(name, user_dir, 0)?;
        let origin = user_file(name, user_dir)
            .filter(|p| p.is_file())
            .unwrap_or_else(|| PathBuf::from(format!("(built-in {name})")));
        let invalid = |reason: String| ThemeError::Invalid {
            path: origin.clone(),
            reason,
        };
        let file: ThemeFile = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| invalid(e.to_string()))?;
        let palette = match mode {
            ColorMode::TrueColor => resolve(&file.colors, &|c| c).map_err(invalid)?,
            ColorMode::Ansi256 => resolve(&file.colors, &color::to_ansi256).map_err(invalid)?,
            ColorMode::Ansi16 => {
                let p = resolve(&file.ansi16, &|c| c).map_err(invalid)?;
                if let Some(bad) = file_colors(&file.ansi16)
                    .find(|c| color::parse(c).is_ok_and(|c| !color::is_ansi16(c)))
                {
                    return Err(invalid(format!(
                        "[ansi16] may hold only the 16 ANSI names and reset, found '{bad}'"
                    )));
                }
                p
            }
            ColorMode::NoColor => resolve(&file.ansi16, &|_| Color::Reset).map_err(invalid)?,
        };
        Ok(Theme {
            name: name.to_string(),
            mode,
            palette,
        })
    }

    /// The built-in default, which cannot fail.
    pub fn fallback(mode: ColorMode) -> Theme {
        Theme::load(DEFAULT_THEME, mode, None).expect("the built-in themes are valid")
    }

    /// Built-in names, then the user's.
    pub fn available(user_dir: Option<&Path>) -> Vec<String> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        if let Some(dir) = user_dir.map(|d| d.join("themes")) {
            let mut user: Vec<String> = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| {
                    let path = e.path();
                    (path.extension()? == "toml")
                        .then(|| path.file_stem()?.to_str().map(str::to_string))?
                })
                .filter(|n| !names.contains(n))
                .collect();
            user.sort();
            names.extend(user);
        }
        names
    }

    fn no_color(&self) -> bool {
        self.mode == ColorMode::NoColor
    }

    // ---- styles: the only way views pick colours ----

    pub fn base(&self) -> Style {
        Style::new().fg(self.palette.fg).bg(self.palette.bg)
    }

    pub fn muted(&self) -> Style {
        Style::new().fg(self.palette.muted)
    }

    pub fn border(&self, focused: bool) -> Style {
        Style::new().fg(if focused {
            self.palette.border_focus
        } else {
            self.palette.border
        })
    }

    pub fn title(&self) -> Style {
        Style::new()
            .fg(self.palette.title)
            .add_modifier(Modifier::BOLD)
    }

    pub fn header(&self) -> Style {
        let style = Style::new()
            .fg(self.palette.header_fg)
            .bg(self.palette.header_bg);
        if self.palette.header_bg == Color::Reset {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    pub fn table_header(&self) -> Style {
        Style::new()
            .fg(self.palette.muted)
            .add_modifier(Modifier::BOLD)
    }

    /// The selected row: the theme's colours, or reverse video when there are none, so the
    /// selection never depends on colour alone (the `▶` marker says it too).
    pub fn selection(&self) -> Style {
        if self.no_color() || self.palette.selection_bg == Color::Reset {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
                .fg(self.palette.selection_fg)
                .bg(self.palette.selection_bg)
                .add_modifier(Modifier::BOLD)
        }
    }

    pub fn accent(&self) -> Style {
        Style::new()
            .fg(self.palette.accent)
            .add_modifier(Modifier::BOLD)
    }

    pub fn key(&self) -> Style {
        Style::new()
            .fg(self.palette.key)
            .add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        Style::new().fg(self.palette.ok)
    }

    pub fn warn(&self) -> Style {
        Style::new().fg(self.palette.warn)
    }

    pub fn error(&self) -> Style {
        Style::new()
            .fg(self.palette.error)
            .add_modifier(Modifier::BOLD)
    }

    pub fn status(&self, level: StatusLevel) -> Style {
        match level {
            StatusLevel::Info => self.base(),
            StatusLevel::Warning => self.warn(),
            StatusLevel::Error => self.error(),
        }
    }

    /// A badge that must stand out even without colour (READ-ONLY, STALE).
    pub fn badge(&self, color: Color) -> Style {
        if self.no_color() || color == Color::Reset {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
                .fg(self.palette.header_fg)
                .bg(color)
                .add_modifier(Modifier::BOLD)
        }
    }

    pub fn stage(&self, stage: &str) -> Style {
        match stage {
            "Production" => Style::new()
                .fg(self.palette.production)
                .add_modifier(Modifier::BOLD),
            "Staging" => Style::new().fg(self.palette.staging),
            "Archived" => Style::new().fg(self.palette.archived),
            _ => self.muted(),
        }
    }

    pub fn alias(&self) -> Style {
        Style::new().fg(self.palette.alias)
    }

    /// The n-th series colour of a chart (Okabe-Ito order), wrapping around.
    pub fn chart(&self, n: usize) -> Color {
        let c = &self.palette.chart;
        if c.is_empty() {
            Color::Reset
        } else {
            c[n % c.len()]
        }
    }
}

fn user_file(name: &str, user_dir: Option<&Path>) -> Option<PathBuf> {
    // Names are file stems; refuse paths so `:theme ../../x` reads nothing outside.
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return None;
    }
    user_dir.map(|d| d.join("themes").join(format!("{name}.toml")))
}

/// The theme's table with `extends` applied (user themes default to extending `dark`).
fn load_table(
    name: &str,
    user_dir: Option<&Path>,
    depth: usize,
) -> Result<toml::Table, ThemeError> {
    if depth > 4 {
        return Err(ThemeError::Invalid {
            path: PathBuf::from(name),
            reason: "`extends` goes round in a circle".into(),
        });
    }
    if let Some(path) = user_file(name, user_dir).filter(|p| p.is_file()) {
        let invalid = |reason: String| ThemeError::Invalid {
            path: path.clone(),
            reason,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| invalid(e.to_string()))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| invalid(e.to_string()))?;
        let parent = table
            .get("extends")
            .and_then(|v| v.as_str())
            .unwrap_or(DEFAULT_THEME)
            .to_string();
        let base = if parent == name {
            builtin_table(name, user_dir)?
        } else {
            load_table(&parent, user_dir, depth + 1)?
        };
        return Ok(merge(base, table));
    }
    builtin_table(name, user_dir)
}

fn builtin_table(name: &str, user_dir: Option<&Path>) -> Result<toml::Table, ThemeError> {
    let text = BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| ThemeError::Unknown {
            name: name.to_string(),
            available: Theme::available(user_dir),
        })?;
    text.parse()
        .map_err(|e: toml::de::Error| ThemeError::Invalid {
            path: PathBuf::from(format!("themes/{name}.toml")),
            reason: e.to_string(),
        })
}

/// Tables merge key by key; everything else in `over` replaces `base`.
fn merge(mut base: toml::Table, over: toml::Table) -> toml::Table {
    for (k, v) in over {
        match (base.remove(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => {
                base.insert(k, toml::Value::Table(merge(b, o)));
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
    base
}

fn file_colors(p: &PaletteFile) -> impl Iterator<Item = &str> {
    [
        &p.fg,
        &p.bg,
        &p.muted,
        &p.border,
        &p.border_focus,
        &p.title,
        &p.header_fg,
        &p.header_bg,
        &p.accent,
        &p.key,
        &p.selection_fg,
        &p.selection_bg,
        &p.ok,
        &p.warn,
        &p.error,
        &p.production,
        &p.staging,
        &p.archived,
        &p.alias,
    ]
    .into_iter()
    .chain(p.chart.iter())
    .map(String::as_str)
}

fn resolve(p: &PaletteFile, map: &dyn Fn(Color) -> Color) -> Result<Palette, String> {
    let c = |name: &str, text: &str| -> Result<Color, String> {
        color::parse(text)
            .map(map)
            .map_err(|e| format!("{name}: {e}"))
    };
    Ok(Palette {
        fg: c("fg", &p.fg)?,
        bg: c("bg", &p.bg)?,
        muted: c("muted", &p.muted)?,
        border: c("border", &p.border)?,
        border_focus: c("border_focus", &p.border_focus)?,
        title: c("title", &p.title)?,
        header_fg: c("header_fg", &p.header_fg)?,
        header_bg: c("header_bg", &p.header_bg)?,
        accent: c("accent", &p.accent)?,
        key: c("key", &p.key)?,
        selection_fg: c("selection_fg", &p.selection_fg)?,
        selection_bg: c("selection_bg", &p.selection_bg)?,
        ok: c("ok", &p.ok)?,
        warn: c("warn", &p.warn)?,
        error: c("error", &p.error)?,
        production: c("production", &p.production)?,
        staging: c("staging", &p.staging)?,
        archived: c("archived", &p.archived)?,
        alias: c("alias", &p.alias)?,
        chart: p
            .chart
            .iter()
            .map(|t| c("chart", t))
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests;
