//! Tab 4, Drift: the version's monitoring evidence (drift and performance histories, Evidently
//! reports, histograms), asked for on the first visit and kept until refresh.

use std::sync::Arc;

use super::DetailScreen;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::remote::Remote;
use crate::app::screens::behaviour::failure;
use crate::app::screens::Ctx;
use crate::app::state::StatusLevel;
use crate::evidence::drift::{DriftHistory, Histograms};

/// A version's monitoring evidence, ready to draw (built off the UI thread).
#[derive(Debug, Clone, PartialEq)]
pub struct Monitored {
    pub run_id: String,
    pub run_name: Option<String>,
    /// How many monitoring runs the version has (the newest is shown).
    pub runs: usize,
    pub history: DriftHistory,
    /// Evidently reports among the run's JSON artifacts (the latest window when the run logged
    /// no drift metrics).
    pub reports: Vec<crate::evidence::drift::ReadReport>,
    /// The histogram artifact: absent, or parsed, or why it could not be.
    pub histograms: Option<Result<Histograms, String>>,
}

/// The Drift tab's data: `None` inside when the version is not monitored.
pub type Monitoring = Option<Arc<Monitored>>;

/// The Drift tab's lower panels. The selected one is drawn first; as many of the others as
/// the width allows follow it in this order, so on a narrow terminal (one panel at 80 columns)
/// the cycle key reaches each in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DriftPanel {
    /// The selected feature's deciding statistic over the windows, with threshold and onset.
    #[default]
    Trend,
    /// Reference vs current histogram of the selected feature.
    Histogram,
    /// The live performance metrics (`perf.*`) over the windows.
    Perf,
}

impl DriftPanel {
    pub const ALL: [DriftPanel; 3] = [DriftPanel::Trend, DriftPanel::Histogram, DriftPanel::Perf];

    pub fn next(self) -> DriftPanel {
        match self {
            DriftPanel::Trend => DriftPanel::Histogram,
            DriftPanel::Histogram => DriftPanel::Perf,
            DriftPanel::Perf => DriftPanel::Trend,
        }
    }

    /// The selected panel, then the others in cycle order: the order the panes are drawn in.
    pub fn order(self) -> [DriftPanel; 3] {
        [self, self.next(), self.next().next()]
    }

    pub fn label(self) -> &'static str {
        match self {
            DriftPanel::Trend => "trend",
            DriftPanel::Histogram => "histogram",
            DriftPanel::Perf => "perf.*",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DriftTab {
    /// Asked for on first visit (`None` until then), kept until refresh.
    pub monitoring: Option<Remote<Monitoring>>,
    /// The lower panel shown first (kept across refreshes and feature changes).
    pub panel: DriftPanel,
}

impl DriftTab {
    pub fn is_loading(&self) -> bool {
        self.monitoring.as_ref().is_some_and(Remote::is_loading)
    }

    pub fn ensure_loaded(&mut self, model: &str, version: &str, ctx: &mut Ctx) {
        if self.monitoring.is_none() {
            let request = ctx.new_request();
            self.monitoring = Some(Remote::loading(request));
            self.load(request, model, version, ctx);
        }
    }

    /// `r`: read again what was read (what is shown stays until the answer).
    pub fn refresh(&mut self, model: &str, version: &str, ctx: &mut Ctx) {
        if let Some(m) = self.monitoring.as_mut() {
            let request = ctx.new_request();
            m.start(request);
            self.load(request, model, version, ctx);
        }
    }

    fn load(&self, request: crate::app::RequestId, model: &str, version: &str, ctx: &mut Ctx) {
        ctx.effect(Effect::LoadMonitoring {
            request,
            model: model.to_string(),
            version: version.to_string(),
            thresholds: ctx.settings.drift.clone(),
        });
    }

    /// The evidence this tab asked for; `about` names the version in a failure.
    pub fn answer(&mut self, action: Action, about: &str, ctx: &mut Ctx) -> Option<Action> {
        match action {
            Action::MonitoringLoaded { request, result }
                if self
                    .monitoring
                    .as_ref()
                    .is_some_and(|m| m.pending == Some(request)) =>
            {
                let error = result.as_ref().err().cloned();
                let remote = self.monitoring.as_mut()?;
                remote.resolve(request, result);
                if let Some(e) = error {
                    let text = failure(&format!("monitoring of {about}"), &e, remote.stale);
                    ctx.set_status(StatusLevel::Error, text);
                }
                None
            }
            other => Some(other),
        }
    }

    /// The monitored evidence, once loaded.
    pub fn monitored(&self) -> Option<&Monitored> {
        self.monitoring.as_ref()?.data.as_ref()?.as_deref()
    }

    /// The cycle key: the next lower panel comes first.
    pub fn cycle_panel(&mut self) {
        self.panel = self.panel.next();
    }
}

impl DetailScreen {
    /// The monitored evidence, once loaded.
    pub fn monitored(&self) -> Option<&Monitored> {
        self.drift.monitored()
    }

    /// The latest drift window, drifted features first (triage starts at the top), then by name.
    pub fn drift_table(&self) -> Option<crate::evidence::drift::WindowTable> {
        let m = self.monitored()?;
        let (mut t, _) = crate::evidence::drift::latest_table(&m.history, &m.reports)?;
        t.features.sort_by(|a, b| {
            b.drifted()
                .cmp(&a.drifted())
                .then(a.feature.cmp(&b.feature))
        });
        Some(t)
    }

    /// The features of the latest drift window, in the Drift tab's order.
    pub fn drift_features(&self) -> Vec<String> {
        self.drift_table()
            .map(|t| t.features.into_iter().map(|f| f.feature).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_reaches_every_panel_and_comes_back() {
        let mut tab = DriftTab::default();
        let mut seen = vec![tab.panel];
        for _ in 0..3 {
            tab.cycle_panel();
            seen.push(tab.panel);
        }
        assert_eq!(
            seen,
            [
                DriftPanel::Trend,
                DriftPanel::Histogram,
                DriftPanel::Perf,
                DriftPanel::Trend
            ]
        );
        for p in DriftPanel::ALL {
            let order = p.order();
            assert_eq!(order[0], p);
            assert!(DriftPanel::ALL.iter().all(|q| order.contains(q)));
        }
    }
}
