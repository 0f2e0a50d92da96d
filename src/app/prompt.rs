//! The one-line editor behind the `/` filter and the `:` command line.

use super::action::Edit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Filter,
    Command,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: LineInput,
    /// Tab completion in progress (command line only).
    pub completion: Option<Completion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What was typed before the first Tab; candidates complete it.
    pub base: String,
    pub candidates: Vec<String>,
    pub index: usize,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: &str) -> Self {
        Prompt {
            kind,
            input: LineInput::new(text),
            completion: None,
        }
    }
}

/// Text and a cursor counted in characters (not bytes), so editing CJK names is safe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    pub cursor: usize,
}

impl LineInput {
    pub fn new(text: &str) -> Self {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map(|(b, _)| b)
            .unwrap_or(self.text.len())
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Apply one edit; returns whether the text changed.
    pub fn apply(&mut self, edit: &Edit) -> bool {
        match edit {
            Edit::Insert(c) => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, *c);
                self.cursor += 1;
                true
            }
            Edit::Backspace => {
                if self.cursor == 0 {
                    return false;
                }
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                true
            }
            Edit::Delete => {
                if self.cursor >= self.len() {
                    return false;
                }
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                true
            }
            Edit::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            Edit::Right => {
                self.cursor = (self.cursor + 1).min(self.len());
                false
            }
            Edit::Home => {
                self.cursor = 0;
                false
            }
            Edit::End => {
                self.cursor = self.len();
                false
            }
            Edit::DeleteWord => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                if start == self.cursor {
                    return false;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
                true
            }
            Edit::Clear => {
                let changed = !self.text.is_empty();
                *self = LineInput::default();
                changed
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_count_characters_not_bytes() {
        let mut l = LineInput::new("信用");
        assert!(l.apply(&Edit::Insert('评')));
        assert_eq!(l.text, "信用评");
        l.apply(&Edit::Left);
        l.apply(&Edit::Left);
        assert!(l.apply(&Edit::Backspace));
        assert_eq!(l.text, "用评");
        assert_eq!(l.cursor, 0);
        assert!(l.apply(&Edit::Delete));
        assert_eq!(l.text, "评");
    }

    #[test]
    fn delete_word_removes_the_last_word() {
        let mut l = LineInput::new("model fraud det");
        assert!(l.apply(&Edit::DeleteWord));
        assert_eq!(l.text, "model fraud ");
        assert!(l.apply(&Edit::DeleteWord));
        assert_eq!(l.text, "model ");
        assert!(l.apply(&Edit::Clear));
        assert_eq!(l, LineInput::default());
    }
}
