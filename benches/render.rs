//! Drawing one frame of a 10,000-row versions table at 200x60 into a TestBackend. Only the
//! visible rows are laid out, so this should cost about as much as a 50-row table.

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use tollgate::app::fixtures;
use tollgate::app::{update, Action, KeyMap, ServerContext, StartAt, State, UiSettings};
use tollgate::ui::{self, ColorMode, Theme};

fn versions_state(rows: u64, width: u16, height: u16) -> State {
    let server = ServerContext {
        profile: Some("bench".into()),
        url: "http://127.0.0.1:5000".into(),
        read_only: false,
        actor: None,
    };
    let mut state = State::new(server, UiSettings::default(), KeyMap::defaults());
    update(&mut state, Action::Resize { width, height });
    let effects = state.start(StartAt::Model("bench-10k".into()));
    let request = effects
        .iter()
        .find_map(|e| match e {
            tollgate::app::Effect::LoadVersions { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a versions request");
    update(
        &mut state,
        Action::VersionsLoaded {
            request,
            result: Ok(Box::new(fixtures::versions("bench-10k", rows))),
        },
    );
    // Somewhere in the middle, as when scrolling.
    for _ in 0..5 {
        update(&mut state, Action::PageDown);
    }
    state
}

fn bench_render(c: &mut Criterion) {
    let theme = Theme::load("dark", ColorMode::TrueColor, None).expect("theme");
    let state = versions_state(10_000, 200, 60);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    c.bench_function("versions table 10k rows, 200x60 frame", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, &state, &theme))
                .expect("draw");
        })
    });

    // The frame without a table (header, footer, loading panel), to see what the rows cost.
    let loading = versions_state(0, 200, 60);
    let mut loading = loading;
    loading.screens.truncate(1);
    c.bench_function("chrome only (models loading), 200x60 frame", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, &loading, &theme))
                .expect("draw");
        })
    });

    let mut scrolled = state.clone();
    c.bench_function("scroll one row + redraw, 10k rows", |b| {
        b.iter(|| {
            update(&mut scrolled, Action::MoveDown);
            terminal
                .draw(|f| ui::draw(f, &scrolled, &theme))
                .expect("draw");
        })
    });
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
