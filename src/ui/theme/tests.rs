use super::*;

const MODES: [ColorMode; 4] = [
    ColorMode::TrueColor,
    ColorMode::Ansi256,
    ColorMode::Ansi16,
    ColorMode::NoColor,
];

#[test]
fn every_builtin_theme_loads_in_every_mode() {
    for (name, _) in BUILTIN {
        for mode in MODES {
            let theme =
                Theme::load(name, mode, None).unwrap_or_else(|e| panic!("{name} {mode:?}: {e}"));
            assert_eq!(theme.palette.chart.len(), 8, "{name}");
        }
    }
}

#[test]
fn the_sixteen_colour_form_holds_no_rgb() {
    for (name, _) in BUILTIN {
        let p = Theme::load(name, ColorMode::Ansi16, None).unwrap().palette;
        let all = [
            p.fg,
            p.bg,
            p.muted,
            p.border,
            p.title,
            p.selection_bg,
            p.ok,
            p.error,
        ]
        .into_iter()
        .chain(p.chart.iter().copied());
        for c in all {
            assert!(color::is_ansi16(c), "{name}: {c:?}");
        }
        let p256 = Theme::load(name, ColorMode::Ansi256, None).unwrap().palette;
        assert!(
            !matches!(p256.title, Color::Rgb(..)),
            "{name}: 256-colour form holds RGB"
        );
    }
}

#[test]
fn no_color_has_no_colour_and_a_reversed_selection() {
    for (name, _) in BUILTIN {
        let t = Theme::load(name, ColorMode::NoColor, None).unwrap();
        assert!(t.palette.chart.iter().all(|c| *c == Color::Reset));
        assert_eq!(t.base(), Style::new().fg(Color::Reset).bg(Color::Reset));
        assert!(
            t.selection().add_modifier.contains(Modifier::REVERSED),
            "{name}"
        );
    }
}

#[test]
fn dark_charts_use_okabe_ito() {
    let t = Theme::load("dark", ColorMode::TrueColor, None).unwrap();
    let okabe_ito = [
        Color::Rgb(0xe6, 0x9f, 0x00),
        Color::Rgb(0x56, 0xb4, 0xe9),
        Color::Rgb(0x00, 0x9e, 0x73),
        Color::Rgb(0xf0, 0xe4, 0x42),
        Color::Rgb(0x00, 0x72, 0xb2),
        Color::Rgb(0xd5, 0x5e, 0x00),
        Color::Rgb(0xcc, 0x79, 0xa7),
    ];
    assert_eq!(&t.palette.chart[..7], &okabe_ito);
}

#[test]
fn user_themes_extend_and_override() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("themes")).unwrap();
    std::fs::write(
        dir.path().join("themes/mine.toml"),
        "extends = \"light\"\n[colors]\ntitle = \"#ff0000\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("themes/broken.toml"),
        "[colors]\ntitle = \"mauve\"\n",
    )
    .unwrap();
    let t = Theme::load("mine", ColorMode::TrueColor, Some(dir.path())).unwrap();
    assert_eq!(t.palette.title, Color::Rgb(255, 0, 0));
    let light = Theme::load("light", ColorMode::TrueColor, None).unwrap();
    assert_eq!(t.palette.fg, light.palette.fg, "the rest comes from light");
    let err = Theme::load("broken", ColorMode::TrueColor, Some(dir.path())).unwrap_err();
    assert!(err.to_string().contains("mauve"), "{err}");
    let names = Theme::available(Some(dir.path()));
    assert_eq!(
        names,
        [
            "dark",
            "light",
            "high-contrast",
            "monochrome",
            "broken",
            "mine"
        ]
    );
    let err = Theme::load("nope", ColorMode::TrueColor, Some(dir.path())).unwrap_err();
    assert!(err.to_string().contains("available: dark, light"), "{err}");
    assert!(Theme::load("../x", ColorMode::TrueColor, Some(dir.path())).is_err());
}
