//! Data that arrives from the server: what is shown, whether a request is on its way, and what
//! went wrong last. Shown data is kept while a refresh runs and marked stale if it fails.

use super::action::RequestId;
use crate::app::action::{Answer, LoadError};

#[derive(Debug, Clone, PartialEq)]
pub struct Remote<T> {
    pub data: Option<T>,
    /// The request whose answer is awaited; answers to any other request are dropped.
    pub pending: Option<RequestId>,
    pub error: Option<LoadError>,
    /// The data shown is from before a refresh that failed.
    pub stale: bool,
}

impl<T> Default for Remote<T> {
    fn default() -> Self {
        Remote {
            data: None,
            pending: None,
            error: None,
            stale: false,
        }
    }
}

impl<T> Remote<T> {
    pub fn loading(request: RequestId) -> Self {
        Remote {
            pending: Some(request),
            ..Remote::default()
        }
    }

    pub fn loaded(data: T) -> Self {
        Remote {
            data: Some(data),
            ..Remote::default()
        }
    }

    pub fn is_loading(&self) -> bool {
        self.pending.is_some()
    }

    /// A new request replaces any older one; the data shown stays.
    pub fn start(&mut self, request: RequestId) {
        self.pending = Some(request);
    }

    /// Take the answer to `request`; returns false (and changes nothing) for a superseded one.
    pub fn resolve(&mut self, request: RequestId, result: Answer<T>) -> bool {
        if self.pending != Some(request) {
            return false;
        }
        self.pending = None;
        match result {
            Ok(data) => {
                self.data = Some(data);
                self.error = None;
                self.stale = false;
            }
            Err(error) => {
                self.stale = self.data.is_some();
                self.error = Some(error);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_refresh_keeps_data_and_marks_it_stale() {
        let mut r = Remote::loaded(vec![1, 2]);
        r.start(7);
        assert!(r.is_loading());
        assert_eq!(r.data, Some(vec![1, 2]));
        assert!(r.resolve(7, Err("boom".into())));
        assert_eq!(r.data, Some(vec![1, 2]));
        assert!(r.stale);
        assert_eq!(
            r.error.as_ref().map(|e| e.to_string()).as_deref(),
            Some("boom")
        );
        r.start(8);
        assert!(r.resolve(8, Ok(vec![3])));
        assert!(!r.stale && r.error.is_none());
    }

    #[test]
    fn superseded_answers_are_dropped() {
        let mut r: Remote<u8> = Remote::loading(1);
        r.start(2);
        assert!(!r.resolve(1, Ok(9)));
        assert_eq!(r.data, None);
        assert!(r.is_loading());
    }
}
