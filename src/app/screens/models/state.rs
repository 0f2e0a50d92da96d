//! The models list: the full list, server-side search results for long lists, filter and sort.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use crate::app::action::{LoadError, RequestId};
use crate::app::cursor::ListCursor;
use crate::app::remote::Remote;
use crate::app::screens::matches;
use crate::registry::ModelSummary;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSortColumn {
    Name,
    Updated,
    Versions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSort {
    pub column: ModelSortColumn,
    pub descending: bool,
}

impl Default for ModelSort {
    fn default() -> Self {
        ModelSort {
            column: ModelSortColumn::Name,
            descending: false,
        }
    }
}

impl ModelSort {
    /// Name (A-Z) -> last update (newest first) -> versions (most first) -> name.
    pub fn cycled(self) -> Self {
        match self.column {
            ModelSortColumn::Name => ModelSort {
                column: ModelSortColumn::Updated,
                descending: true,
            },
            ModelSortColumn::Updated => ModelSort {
                column: ModelSortColumn::Versions,
                descending: true,
            },
            ModelSortColumn::Versions => ModelSort::default(),
        }
    }

    pub fn label(self) -> &'static str {
        match self.column {
            ModelSortColumn::Name => "name",
            ModelSortColumn::Updated => "updated",
            ModelSortColumn::Versions => "versions",
        }
    }

    fn compare(self, a: &ModelSummary, b: &ModelSummary) -> Ordering {
        let by_name = || {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.name.cmp(&b.name))
        };
        let primary = match self.column {
            ModelSortColumn::Name => by_name(),
            ModelSortColumn::Updated => a.last_updated_timestamp.cmp(&b.last_updated_timestamp),
            ModelSortColumn::Versions => a.version_count.cmp(&b.version_count),
        };
        let primary = if self.descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(by_name)
    }
}

/// Models the server found for a filter text (used when the list is long).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSearch {
    pub text: String,
    pub results: Remote<Vec<ModelSummary>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelsScreen {
    pub all: Remote<Vec<ModelSummary>>,
    pub search: Option<ServerSearch>,
    pub filter: String,
    pub sort: ModelSort,
    /// Indices into [`ModelsScreen::base`] of the rows shown, filtered and sorted.
    pub visible: Vec<usize>,
    pub cursor: ListCursor,
    /// Pending promotion requests per model name (the list's marker), asked for once.
    pub pending: Option<Remote<std::collections::BTreeMap<String, usize>>>,
    /// Model -> whether a monitored version's latest window drifted; asked for once the list
    /// has loaded (the list is usable before), kept until refresh.
    pub drift: Option<Remote<std::collections::BTreeMap<String, bool>>>,
    /// Versions per model: they arrive after the list (counting reads every version), and the
    /// last counts known fill the rows of a refreshed list until the new ones arrive.
    pub counts: Remote<Arc<HashMap<String, usize>>>,
    /// Pages of the list being loaded, kept aside while an older list is shown (a refresh
    /// swaps the list at once when its last page arrives).
    pub fill: Vec<ModelSummary>,
    /// The list on screen is being filled page by page (a first load).
    pub filling: bool,
}

impl ModelsScreen {
    /// The list the filter narrows: the server's answer for a filter the current one extends
    /// (every name containing "fraud-d" also contains "fraud"), else the full list.
    pub fn base(&self) -> &[ModelSummary] {
        match self.active_search() {
            Some(results) => results,
            None => self.all.data.as_deref().unwrap_or(&[]),
        }
    }

    /// The search whose text the current filter contains, if any.
    fn covering_search(&self) -> Option<&ServerSearch> {
        let search = self.search.as_ref()?;
        let covers = !search.text.is_empty()
            && self
                .filter
                .to_lowercase()
                .contains(&search.text.to_lowercase());
        covers.then_some(search)
    }

    fn active_search(&self) -> Option<&[ModelSummary]> {
        self.covering_search()?.results.data.as_deref()
    }

    /// How many promotion requests wait on `model` (0 until the marker data arrived).
    pub fn pending_count(&self, model: &str) -> usize {
        self.pending
            .as_ref()
            .and_then(|p| p.data.as_ref())
            .and_then(|p| p.get(model).copied())
            .unwrap_or(0)
    }

    /// Whether the model has a monitored version that drifted (`None`: not monitored / unknown).
    pub fn drifted(&self, model: &str) -> Option<bool> {
        self.drift.as_ref()?.data.as_ref()?.get(model).copied()
    }

    pub fn is_search_active(&self) -> bool {
        self.active_search().is_some()
    }

    /// The list or its server search is on its way.
    pub fn is_loading(&self) -> bool {
        self.all.is_loading() || self.search.as_ref().is_some_and(|s| s.results.is_loading())
    }

    /// What went wrong with the list on screen, if anything.
    pub fn error(&self) -> Option<&LoadError> {
        self.covering_search()
            .and_then(|s| s.results.error.as_ref())
            .or(self.all.error.as_ref())
    }

    pub fn is_stale(&self) -> bool {
        match self.covering_search() {
            Some(s) if s.results.data.is_some() => s.results.stale,
            _ => self.all.stale,
        }
    }

    pub fn has_data(&self) -> bool {
        self.all.data.is_some() || self.active_search().is_some()
    }

    pub fn row(&self, index: usize) -> Option<&ModelSummary> {
        self.visible.get(index).and_then(|&i| self.base().get(i))
    }

    pub fn selected(&self) -> Option<&ModelSummary> {
        self.row(self.cursor.selected)
    }

    /// A screen whose list (and counts) `request` loads.
    pub fn loading(request: RequestId) -> Self {
        let mut screen = ModelsScreen::default();
        screen.start_load(request);
        screen
    }

    /// `request` reads the list and its counts again; what is shown stays until it answers.
    pub fn start_load(&mut self, request: RequestId) {
        self.all.start(request);
        self.counts.start(request);
        self.fill = Vec::new();
    }

    /// One page of a list on its way: shown at once on a first load, else kept aside.
    pub fn page_arrived(&mut self, rows: Vec<ModelSummary>) {
        let rows = self.with_counts(rows);
        match self.all.data.as_mut() {
            Some(shown) if self.filling => shown.extend(rows),
            None => {
                self.filling = true;
                self.all.data = Some(rows);
            }
            Some(_) => self.fill.extend(rows),
        }
    }

    /// The last page: the whole list, to resolve the load with.
    pub fn last_page(&mut self, rows: Vec<ModelSummary>) -> Vec<ModelSummary> {
        let rows = self.with_counts(rows);
        let mut all = if self.filling {
            self.all.data.take().unwrap_or_default()
        } else {
            std::mem::take(&mut self.fill)
        };
        all.extend(rows);
        all
    }

    /// A load ended (answered or failed): nothing is being filled any more.
    pub fn fill_ended(&mut self) {
        self.filling = false;
        self.fill = Vec::new();
    }

    /// The counts arrived: every row of the list takes its count.
    pub fn apply_counts(&mut self) {
        let Some(counts) = self.counts.data.clone() else {
            return;
        };
        if let Some(all) = self.all.data.as_mut() {
            for m in all.iter_mut() {
                m.version_count = Some(counts.get(&m.name).copied().unwrap_or(0));
            }
        }
    }

    /// Rows with the counts known so far (none before the first count).
    fn with_counts(&self, mut rows: Vec<ModelSummary>) -> Vec<ModelSummary> {
        if let Some(counts) = self.counts.data.as_deref() {
            for m in rows.iter_mut().filter(|m| m.version_count.is_none()) {
                m.version_count = counts.get(&m.name).copied();
            }
        }
        rows
    }

    /// The counts are being read (the VERSIONS column says so rather than `?`).
    pub fn counting(&self) -> bool {
        self.counts.is_loading()
    }

    /// Re-filter and re-sort, keeping the selected model selected when it is still shown.
    pub fn recompute(&mut self, rows: usize) {
        let keep = self.selected().map(|m| m.name.clone());
        let needle = self.filter.to_lowercase();
        let base = self.base();
        let mut visible: Vec<usize> = (0..base.len())
            .filter(|&i| matches(&base[i].name, &needle))
            .collect();
        let sort = self.sort;
        visible.sort_by(|&a, &b| sort.compare(&base[a], &base[b]));
        let position = keep.and_then(|name| visible.iter().position(|&i| base[i].name == name));
        self.visible = visible;
        match position {
            Some(p) => self.cursor.select(p, self.visible.len(), rows),
            None => self.cursor.follow(self.visible.len(), rows),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str, updated: i64, versions: usize) -> ModelSummary {
        ModelSummary {
            name: name.into(),
            description: None,
            version_count: Some(versions),
            latest_versions: Default::default(),
            aliases: Default::default(),
            tags: Default::default(),
            creation_timestamp: None,
            last_updated_timestamp: Some(updated),
        }
    }

    fn names(s: &ModelsScreen) -> Vec<String> {
        (0..s.visible.len())
            .map(|i| s.row(i).unwrap().name.clone())
            .collect()
    }

    #[test]
    fn sort_cycles_through_columns() {
        let mut s = ModelsScreen {
            all: Remote::loaded(vec![model("b", 1, 9), model("A", 3, 1), model("c", 2, 5)]),
            ..Default::default()
        };
        s.recompute(10);
        assert_eq!(names(&s), ["A", "b", "c"]);
        s.sort = s.sort.cycled();
        s.recompute(10);
        assert_eq!(names(&s), ["A", "c", "b"], "newest update first");
        s.sort = s.sort.cycled();
        s.recompute(10);
        assert_eq!(names(&s), ["b", "c", "A"], "most versions first");
        s.sort = s.sort.cycled();
        assert_eq!(s.sort, ModelSort::default());
    }

    #[test]
    fn search_results_serve_filters_that_extend_them() {
        let mut s = ModelsScreen {
            all: Remote::loaded(vec![model("fraud-a", 1, 1), model("churn", 1, 1)]),
            ..Default::default()
        };
        s.search = Some(ServerSearch {
            text: "fraud".into(),
            results: Remote::loaded(vec![model("fraud-a", 1, 1), model("fraud-new", 1, 1)]),
        });
        s.filter = "FRAUD-".into();
        s.recompute(10);
        assert!(s.is_search_active());
        assert_eq!(names(&s), ["fraud-a", "fraud-new"]);
        s.filter = "chu".into();
        s.recompute(10);
        assert!(
            !s.is_search_active(),
            "a filter the search does not cover uses the full list"
        );
        assert_eq!(names(&s), ["churn"]);
    }
}
