//! The selection and scroll position of a list. `offset` remembers where the window is, so
//! moving up from the bottom moves the cursor, not the page.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    pub offset: usize,
}

impl ListCursor {
    pub fn move_by(&mut self, delta: isize, len: usize, rows: usize) {
        if len == 0 {
            *self = ListCursor::default();
            return;
        }
        let target = self.selected as isize + delta;
        self.selected = target.clamp(0, len as isize - 1) as usize;
        self.follow(len, rows);
    }

    pub fn first(&mut self) {
        *self = ListCursor::default();
    }

    pub fn last(&mut self, len: usize, rows: usize) {
        self.selected = len.saturating_sub(1);
        self.follow(len, rows);
    }

    pub fn select(&mut self, index: usize, len: usize, rows: usize) {
        self.selected = index;
        self.follow(len, rows);
    }

    /// Keep the selection inside the list and the window around the selection.
    pub fn follow(&mut self, len: usize, rows: usize) {
        let rows = rows.max(1);
        if len == 0 {
            *self = ListCursor::default();
            return;
        }
        self.selected = self.selected.min(len - 1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        // No empty space below the last row when the list could fill the window.
        self.offset = self.offset.min(len.saturating_sub(rows));
    }

    /// The first row to draw in a window of `rows`, for drawing code that may have a slightly
    /// different window than `update` assumed (e.g. right after a resize).
    /// Keep the selection off rows that cannot be selected (section headings): step on in
    /// `direction` (+1 down, -1 up), or the other way at the ends.
    pub fn settle_off(
        &mut self,
        is_heading: impl Fn(usize) -> bool,
        direction: isize,
        len: usize,
        rows: usize,
    ) {
        if !is_heading(self.selected) {
            return;
        }
        for dir in [direction, -direction] {
            let mut i = self.selected as isize + dir;
            while i >= 0 && (i as usize) < len {
                if !is_heading(i as usize) {
                    self.select(i as usize, len, rows);
                    return;
                }
                i += dir;
            }
        }
    }

    pub fn window_start(&self, len: usize, rows: usize) -> usize {
        let mut c = *self;
        c.follow(len, rows);
        c.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settling_steps_off_headings_and_turns_back_at_the_ends() {
        // Rows 0 and 3 are headings.
        let heading = |i: usize| i == 0 || i == 3;
        let mut c = ListCursor::default();
        c.settle_off(heading, 1, 5, 10);
        assert_eq!(c.selected, 1, "down from the first heading");
        c.select(3, 5, 10);
        c.settle_off(heading, -1, 5, 10);
        assert_eq!(c.selected, 2, "up from a heading");
        c.select(0, 5, 10);
        c.settle_off(heading, -1, 5, 10);
        assert_eq!(c.selected, 1, "nothing above: turn back down");
        c.select(4, 5, 10);
        c.settle_off(heading, 1, 5, 10);
        assert_eq!(c.selected, 4, "not a heading: stays");
    }

    #[test]
    fn moving_keeps_selection_in_the_window() {
        let mut c = ListCursor::default();
        c.move_by(15, 100, 10);
        assert_eq!((c.selected, c.offset), (15, 6));
        c.move_by(-1, 100, 10);
        assert_eq!(
            (c.selected, c.offset),
            (14, 6),
            "moving up inside the window keeps the page"
        );
        c.move_by(-100, 100, 10);
        assert_eq!((c.selected, c.offset), (0, 0));
        c.last(100, 10);
        assert_eq!((c.selected, c.offset), (99, 90));
        c.follow(5, 10);
        assert_eq!((c.selected, c.offset), (4, 0));
    }

    #[test]
    fn empty_lists_reset() {
        let mut c = ListCursor {
            selected: 3,
            offset: 2,
        };
        c.move_by(1, 0, 10);
        assert_eq!(c, ListCursor::default());
    }
}
