//! The cockpit's whole state: plain data, changed only by `update`, read by `ui::draw`.

use super::action::RequestId;
use super::effect::Effect;
use super::keymap::{InputMode, KeyContext, KeyMap};
use super::prompt::Prompt;
use super::screens::{
    Ctx, DetailScreen, InboxScreen, ModelsScreen, Opening, Screen, VersionsScreen,
};
use super::settings::UiSettings;

/// Which server the cockpit talks to, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerContext {
    pub profile: Option<String>,
    pub url: String,
    pub read_only: bool,
    /// Who decisions are recorded as (`None`: nobody could be named).
    pub actor: Option<crate::governance::decision::Actor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusLevel {
    Info,
    Warning,
    Error,
}

/// The status line's message (server text inside: sanitize before drawing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub level: StatusLevel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub width: u16,
    pub height: u16,
}

/// Where the cockpit opens (`tollgate`, `tollgate open MODEL [VERSION]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StartAt {
    #[default]
    Models,
    Model(String),
    Version(String, String),
}

/// Rows of chrome around a list: header, breadcrumb, the block's borders, the table header,
/// status line, footer. The UI lays out the same; it also clamps, so a mismatch is harmless.
pub const LIST_CHROME_ROWS: u16 = 7;
/// The detail view adds its tab bar.
pub const DETAIL_CHROME_ROWS: u16 = 9;

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub server: ServerContext,
    /// Profile names from the config file, for `:profile` completion.
    pub profiles: Vec<String>,
    /// Theme names (built-in and the user's), for `:theme` completion.
    pub themes: Vec<String>,
    pub theme: String,
    pub settings: UiSettings,
    pub keymap: KeyMap,
    /// The breadcrumb: `[0]` is always the models list.
    pub screens: Vec<Screen>,
    pub prompt: Option<Prompt>,
    /// The help overlay, with its scroll position.
    pub help: Option<usize>,
    pub status: Option<Status>,
    pub viewport: Viewport,
    /// Spinner frame, advanced by ticks that run only while something loads.
    pub spinner: usize,
    /// `:profile NAME` in progress.
    pub switching_profile: Option<String>,
    pub quit: bool,
    /// Bounds on `fairness.*` metrics from the configured policy; `None` without a policy
    /// (the Fairness tab then shows no verdicts).
    pub fairness_bounds:
        Option<std::collections::BTreeMap<String, crate::evidence::bounds::Bounds>>,
    /// The configured policy (`--policy`, the profile's, or the config directory's), for the
    /// Gate tab and the decision dialogs; `None` when none is configured.
    pub policy: Option<std::sync::Arc<crate::governance::Policy>>,
    /// The decision dialog, open over the view.
    pub dialog: Option<super::dialog::DecisionDialog>,
    next_request: RequestId,
}

impl State {
    pub fn new(server: ServerContext, settings: UiSettings, keymap: KeyMap) -> Self {
        State {
            server,
            profiles: Vec::new(),
            themes: Vec::new(),
            theme: "dark".to_string(),
            settings,
            keymap,
            screens: vec![Screen::Models(ModelsScreen::default())],
            prompt: None,
            help: None,
            status: None,
            viewport: Viewport {
                width: 80,
                height: 24,
            },
            spinner: 0,
            switching_profile: None,
            quit: false,
            fairness_bounds: None,
            policy: None,
            dialog: None,
            next_request: 1,
        }
    }

    /// Open at `target`, asking for its data (the models list always loads, for going back).
    pub fn start(&mut self, target: StartAt) -> Vec<Effect> {
        let request = self.new_request();
        self.screens = vec![Screen::Models(ModelsScreen::loading(request))];
        let mut effects = vec![Effect::LoadModels { request }];
        match target {
            StartAt::Models => {}
            StartAt::Model(model) => effects.push(self.push_versions(&model, None)),
            StartAt::Version(model, version) => {
                effects.push(self.push_versions(&model, Some(&version)));
                effects.push(self.push_detail(&model, &version));
            }
        }
        effects
    }

    pub fn new_request(&mut self) -> RequestId {
        let id = self.next_request;
        self.next_request += 1;
        id
    }

    fn push(&mut self, opening: Opening) -> Effect {
        self.screens.push(opening.screen);
        opening.load
    }

    pub(crate) fn push_versions(&mut self, model: &str, select: Option<&str>) -> Effect {
        let request = self.new_request();
        self.push(VersionsScreen::opening(model, select, request))
    }

    pub(crate) fn push_detail(&mut self, model: &str, version: &str) -> Effect {
        let request = self.new_request();
        self.push(DetailScreen::opening(model, version, request))
    }

    /// `:inbox`: the pending requests, above the models list.
    pub(crate) fn push_inbox(&mut self) -> Effect {
        let request = self.new_request();
        self.screens.truncate(1);
        self.push(InboxScreen::opening(request))
    }

    pub fn top(&self) -> &Screen {
        self.screens
            .last()
            .expect("the models screen is never popped")
    }

    pub fn top_mut(&mut self) -> &mut Screen {
        self.screens
            .last_mut()
            .expect("the models screen is never popped")
    }

    pub fn models(&self) -> &ModelsScreen {
        self.screens[0]
            .as_models()
            .expect("screens[0] is the models list")
    }

    pub fn models_mut(&mut self) -> &mut ModelsScreen {
        self.screens[0]
            .as_models_mut()
            .expect("screens[0] is the models list")
    }

    pub fn context(&self) -> KeyContext {
        self.top().behaviour().key_context()
    }

    pub fn input_mode(&self) -> InputMode {
        if self.dialog.is_some() {
            InputMode::Dialog
        } else if self.prompt.is_some() {
            InputMode::Prompt
        } else if self.help.is_some() {
            InputMode::Help(self.context())
        } else {
            InputMode::View(self.context())
        }
    }

    /// Whether a spinner should turn (and ticks run).
    pub fn is_loading(&self) -> bool {
        self.switching_profile.is_some()
            || self.screens.iter().any(Screen::is_loading)
            || self.dialog.as_ref().is_some_and(|d| d.is_busy())
    }

    /// Use `policy` for the Gate tab and the dialogs, and its bounds on `fairness.*` metrics for
    /// the Fairness tab's verdicts (`None`: no gates, no verdicts).
    pub fn set_policy(&mut self, policy: Option<crate::governance::Policy>) {
        self.fairness_bounds = policy.as_ref().map(|p| {
            p.metric_bounds(None)
                .into_iter()
                .filter(|(key, _)| key.starts_with("fairness."))
                .collect()
        });
        self.policy = policy.map(std::sync::Arc::new);
    }

    /// Rows a list shows at the current size.
    pub fn list_rows(&self) -> usize {
        let chrome = self.top().behaviour().chrome_rows();
        self.viewport.height.saturating_sub(chrome).max(1) as usize
    }

    /// The screens, and what they may use of the rest of the state while they act (effects
    /// go to `fx`).
    pub(crate) fn split<'a>(
        &'a mut self,
        fx: &'a mut Vec<Effect>,
    ) -> (&'a mut Vec<Screen>, Ctx<'a>) {
        let rows = self.list_rows();
        let ctx = Ctx::new(
            rows,
            &self.settings,
            self.policy.as_ref(),
            &mut self.next_request,
            &mut self.status,
            fx,
        );
        (&mut self.screens, ctx)
    }

    pub fn set_status(&mut self, level: StatusLevel, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level,
        });
    }
}

impl ServerContext {
    /// From resolved settings, with any `user:password@` left out of the URL shown.
    pub fn from_resolved(resolved: &crate::config::Resolved) -> Self {
        let uri = &resolved.connection.tracking_uri;
        let url = match url::Url::parse(uri) {
            Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
                let _ = u.set_username("");
                let _ = u.set_password(None);
                u.to_string().trim_end_matches('/').to_string()
            }
            _ => uri.clone(),
        };
        ServerContext {
            profile: resolved.profile.clone(),
            url,
            read_only: resolved.read_only,
            actor: crate::session::resolve_actor_for(resolved, &|k| std::env::var(k).ok()),
        }
    }
}
