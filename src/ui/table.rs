//! A table that lays out only the rows on screen, so a 10,000-row list draws as fast as a
//! 20-row one, with a `▶` marker column and reverse-video selection that work without colour.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::cursor::ListCursor;

pub const MARKER: &str = "▶";

pub struct Column {
    pub title: String,
    pub width: Constraint,
    pub right: bool,
}

impl Column {
    pub fn new(title: &str, width: Constraint) -> Self {
        Column {
            title: title.to_string(),
            width,
            right: false,
        }
    }

    pub fn right(mut self) -> Self {
        self.right = true;
        self
    }
}

/// The widths the columns get in `width` columns of screen (1 column between them), so cells
/// can be cut to fit before they are drawn.
pub fn widths(columns: &[Column], width: u16) -> Vec<u16> {
    let constraints: Vec<Constraint> = std::iter::once(Constraint::Length(MARKER_WIDTH))
        .chain(columns.iter().map(|c| c.width))
        .collect();
    Layout::horizontal(constraints)
        .spacing(1)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .skip(1)
        .map(|r| r.width)
        .collect()
}

const MARKER_WIDTH: u16 = 1;

/// What a table shows: its columns, how many rows the list has, and where the cursor is.
pub struct Rows<'a> {
    pub columns: &'a [Column],
    pub len: usize,
    pub cursor: &'a ListCursor,
}

/// A list of items drawn as table rows, one row per item.
pub struct List<'a, T> {
    columns: &'a [Column],
    items: &'a [T],
    cursor: &'a ListCursor,
}

impl<'a, T> List<'a, T> {
    pub fn new(columns: &'a [Column], items: &'a [T], cursor: &'a ListCursor) -> Self {
        List {
            columns,
            items,
            cursor,
        }
    }

    /// [`draw`] for the items: `cell(item, widths)` builds an item's cells.
    pub fn draw(
        self,
        frame: &mut Frame,
        (area, scrollbar): (Rect, Rect),
        theme: &Theme,
        cell: &dyn Fn(&T, &[u16]) -> Vec<Line<'static>>,
    ) {
        let rows = Rows {
            columns: self.columns,
            len: self.items.len(),
            cursor: self.cursor,
        };
        draw(frame, area, scrollbar, rows, theme, &|i, widths| {
            self.items
                .get(i)
                .map_or_else(Vec::new, |item| cell(item, widths))
        });
    }
}

/// Draw rows `window_start..` of the list into `area` (header included). `cell(i, widths)`
/// builds row `i`'s cells, already cut to `widths`. `scrollbar` is where the scrollbar goes
/// (usually the block's right border).
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    scrollbar: Rect,
    rows_of: Rows,
    theme: &Theme,
    cell: &dyn Fn(usize, &[u16]) -> Vec<Line<'static>>,
) {
    let Rows {
        columns,
        len,
        cursor,
    } = rows_of;
    let widths = widths(columns, area.width);
    let rows = area.height.saturating_sub(1) as usize;
    let start = cursor.window_start(len, rows);
    let end = (start + rows).min(len);
    let align = |line: Line<'static>, right: bool| if right { line.right_aligned() } else { line };

    let header = Row::new(
        std::iter::once(Cell::from("")).chain(columns.iter().zip(&widths).map(|(c, w)| {
            // Titles can be metric names from the server or the config: sanitized as well.
            let title = super::format::clip(&c.title, *w as usize);
            Cell::from(align(Line::from(title), c.right))
        })),
    )
    .style(theme.table_header());

    let body: Vec<Row> = (start..end)
        .map(|i| {
            let selected = i == cursor.selected;
            let mut cells = cell(i, &widths);
            if selected {
                // One style across the selected row: coloured spans on the selection colour
                // can be unreadable.
                for line in &mut cells {
                    for span in &mut line.spans {
                        span.style = Style::default();
                    }
                }
            }
            let marker = if selected { MARKER } else { " " };
            let row = Row::new(
                std::iter::once(Cell::from(Span::raw(marker))).chain(
                    cells
                        .into_iter()
                        .zip(columns)
                        .map(|(line, c)| Cell::from(align(line, c.right))),
                ),
            );
            if selected {
                row.style(theme.selection())
            } else {
                row
            }
        })
        .collect();

    let constraints: Vec<Constraint> = std::iter::once(Constraint::Length(MARKER_WIDTH))
        .chain(widths.iter().map(|w| Constraint::Length(*w)))
        .collect();
    let table = Table::new(body, constraints)
        .header(header)
        .column_spacing(1)
        .style(theme.base());
    frame.render_widget(table, area);

    if len > rows && scrollbar.height > 2 {
        let mut state = ScrollbarState::new(len.saturating_sub(rows)).position(start);
        let bar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
            .begin_symbol(None)
            .end_symbol(None)
            .track_symbol(Some("│"))
            .track_style(theme.border(false))
            .thumb_style(theme.border(true));
        frame.render_stateful_widget(bar, scrollbar, &mut state);
    }
}
