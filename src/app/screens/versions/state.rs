//! One model's versions: filter, cursor, which metrics get columns, and the champion.

use crate::app::cursor::ListCursor;
use crate::app::remote::Remote;
use crate::app::screens::matches;
use crate::registry::{ModelVersions, VersionRow};

/// Most metric columns ever shown; the screen width decides how many of them fit.
pub const MAX_METRIC_COLUMNS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct VersionsScreen {
    pub model: String,
    pub data: Remote<ModelVersions>,
    pub filter: String,
    /// Indices into `data.versions` of the rows shown (newest first, filtered).
    pub visible: Vec<usize>,
    pub cursor: ListCursor,
    /// The metrics shown as columns: the config's `[ui.metrics]` list for this model, else
    /// the registry's pick from what the runs hold.
    pub metric_columns: Vec<String>,
    /// The version that serves: the one holding `@champion`, else the newest in Production.
    pub champion: Option<String>,
    /// Version to select once the data arrives (`tollgate open MODEL VERSION`).
    pub select_on_load: Option<String>,
    /// Monitored versions -> whether their latest window drifted (one request per model,
    /// asked for when the list opens; `None` until then).
    pub drift: Option<Remote<std::collections::BTreeMap<String, bool>>>,
    /// Versions marked with Space for comparing.
    pub marked: std::collections::BTreeSet<String>,
    /// The compare view (`c`), when open.
    pub compare: Option<super::Compare>,
    /// Versions holding a target (or carrying a decision tag) the verified trail does not
    /// account for.
    pub unapproved: crate::app::screens::Unapproved,
}

impl VersionsScreen {
    pub fn new(model: &str, data: Remote<ModelVersions>) -> Self {
        VersionsScreen {
            model: model.to_string(),
            data,
            filter: String::new(),
            visible: Vec::new(),
            cursor: ListCursor::default(),
            metric_columns: Vec::new(),
            champion: None,
            select_on_load: None,
            drift: None,
            marked: Default::default(),
            compare: None,
            unapproved: Default::default(),
        }
    }

    /// A version's row by number.
    pub fn version_row(&self, version: &str) -> Option<&VersionRow> {
        self.data
            .data
            .as_ref()?
            .versions
            .iter()
            .find(|r| r.version.version == version)
    }

    pub fn row(&self, index: usize) -> Option<&VersionRow> {
        let data = self.data.data.as_ref()?;
        self.visible.get(index).and_then(|&i| data.versions.get(i))
    }

    pub fn selected(&self) -> Option<&VersionRow> {
        self.row(self.cursor.selected)
    }

    /// Whether the version's latest monitoring window drifted (`None`: not monitored / unknown).
    pub fn drifted(&self, version: &str) -> Option<bool> {
        self.drift.as_ref()?.data.as_ref()?.get(version).copied()
    }

    pub fn is_champion(&self, row: &VersionRow) -> bool {
        self.champion.as_deref() == Some(row.version.version.as_str())
    }

    /// After new data: pick metric columns and the champion, then filter.
    pub fn on_data(&mut self, configured_metrics: Option<&[String]>, rows: usize) {
        let Some(data) = self.data.data.as_ref() else {
            return;
        };
        self.metric_columns = match configured_metrics {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ => data.key_metrics(MAX_METRIC_COLUMNS),
        };
        self.champion = champion_of(data);
        self.recompute(rows);
        if let Some(version) = self.select_on_load.take() {
            if let Some(p) = self.position_of(&version) {
                self.cursor.select(p, self.visible.len(), rows);
            }
        }
    }

    fn position_of(&self, version: &str) -> Option<usize> {
        (0..self.visible.len()).find(|&i| self.row(i).is_some_and(|r| r.version.version == version))
    }

    pub fn recompute(&mut self, rows: usize) {
        let keep = self.selected().map(|r| r.version.version.clone());
        let needle = self.filter.to_lowercase();
        self.visible = match self.data.data.as_ref() {
            Some(data) => (0..data.versions.len())
                .filter(|&i| row_matches(&data.versions[i], &needle))
                .collect(),
            None => Vec::new(),
        };
        match keep.and_then(|v| self.position_of(&v)) {
            Some(p) => self.cursor.select(p, self.visible.len(), rows),
            None => self.cursor.follow(self.visible.len(), rows),
        }
    }
}

/// A version matches on its number, stage, aliases, status, creator or run name.
fn row_matches(row: &VersionRow, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let v = &row.version;
    let run_name = row.run.run().and_then(|r| r.info.run_name.as_deref());
    [
        Some(v.version.as_str()),
        v.stage(),
        v.status.as_deref(),
        crate::app::screens::creator(v, row.run.run()),
        run_name,
    ]
    .into_iter()
    .flatten()
    .any(|field| matches(field, needle))
        || v.aliases.iter().any(|a| matches(&format!("@{a}"), needle))
}

fn champion_of(data: &ModelVersions) -> Option<String> {
    let by_alias = data
        .versions
        .iter()
        .find(|r| r.version.aliases.iter().any(|a| a == "champion"));
    let by_stage = || {
        data.versions
            .iter()
            .filter(|r| r.version.stage() == Some("Production"))
            .max_by_key(|r| r.version.number())
    };
    by_alias
        .or_else(by_stage)
        .map(|r| r.version.version.clone())
}
