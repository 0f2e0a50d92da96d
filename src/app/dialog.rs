//! The decision dialog (`p` request, `a` approve, `x` reject, `b` roll back): plain data that
//! `update` changes and `ui::dialog` draws. What the decider sees comes from
//! `registry::decide::prepare` (or the roll back's plan), loaded in the background; the
//! answers are checked by the same validation the headless commands use.

use super::action::RequestId;
use super::prompt::LineInput;
use crate::governance::decision::Decision;
use crate::governance::{Stage, Target};
use crate::registry::decide::{DecisionInputs, Prepared, RollbackPlan};

/// The targets the target field cycles through; any other alias can be typed.
pub const TARGET_PRESETS: [&str; 4] = ["Staging", "Production", "@champion", "@challenger"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    Request,
    Approve,
    Reject,
    Rollback,
}

impl DialogKind {
    pub fn title(self) -> &'static str {
        match self {
            DialogKind::Request => "Request promotion",
            DialogKind::Approve => "Approve",
            DialogKind::Reject => "Reject",
            DialogKind::Rollback => "Roll back",
        }
    }

    /// The recorded decision (roll backs are planned differently).
    pub fn decision(self) -> Decision {
        match self {
            DialogKind::Request => Decision::Requested,
            DialogKind::Approve => Decision::Approved,
            DialogKind::Reject => Decision::Rejected,
            DialogKind::Rollback => Decision::RolledBack,
        }
    }
}

/// One input of the dialog, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Target,
    Comment,
    Archive,
    Justification,
    ConfirmName,
}

/// What the decider is shown, loaded for the current target.
#[derive(Debug, Clone, PartialEq)]
pub enum Review {
    Loading {
        request: RequestId,
        target: Target,
    },
    Decision(Box<Prepared>),
    Rollback(RollbackPlan),
    /// A rejection with no policy configured: turning a promotion down needs no gate, so it is
    /// recorded without a gate report (as `tollgate reject` does).
    RejectWithoutPolicy(Target),
    /// Nothing to decide on: no policy, an unknown actor, a bad target, a read error, no
    /// version to roll back to. Submit is disabled.
    Unavailable(String),
}

/// Where the submission stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Editing,
    Submitting {
        request: RequestId,
    },
    Done(String),
    /// The write did not happen (or only in part): why, typed (a stale report, a lost race, a
    /// refusal, a partial write), for the view to word.
    Failed(crate::app::action::LoadError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionDialog {
    pub kind: DialogKind,
    pub model: String,
    /// The version decided on (for a roll back, the version the dialog was opened on).
    pub version: String,
    pub target: LineInput,
    pub comment: LineInput,
    pub justification: LineInput,
    pub confirm_name: LineInput,
    pub archive: bool,
    /// The user set the archive choice; until then it follows the target (on for Production).
    pub archive_touched: bool,
    pub focus: Field,
    pub review: Review,
    pub progress: Progress,
    /// Why the last submit was not accepted (a missing comment, an unconfirmed name).
    pub error: Option<String>,
}

impl DecisionDialog {
    pub fn new(kind: DialogKind, model: &str, version: &str, review: Review) -> Self {
        let target = match kind {
            DialogKind::Rollback => "Production",
            _ => "Staging",
        };
        let mut dialog = DecisionDialog {
            kind,
            model: model.to_string(),
            version: version.to_string(),
            target: LineInput::new(target),
            comment: LineInput::default(),
            justification: LineInput::default(),
            confirm_name: LineInput::default(),
            archive: false,
            archive_touched: false,
            focus: Field::Target,
            review,
            progress: Progress::Editing,
            error: None,
        };
        dialog.follow_target();
        dialog
    }

    /// The target typed or picked, if it parses.
    pub fn parsed_target(&self) -> Result<Target, String> {
        self.target
            .text
            .trim()
            .parse::<Target>()
            .map_err(|e| e.to_string())
    }

    /// The target the review on screen was made for.
    pub fn reviewed_target(&self) -> Option<&Target> {
        match &self.review {
            Review::Loading { target, .. } => Some(target),
            Review::Decision(p) => Some(&p.target),
            Review::Rollback(plan) => Some(&plan.target),
            Review::RejectWithoutPolicy(target) => Some(target),
            Review::Unavailable(_) => None,
        }
    }

    /// Step the target through the presets (`forward` or back); a typed alias starts over.
    pub fn cycle_target(&mut self, forward: bool) {
        let n = TARGET_PRESETS.len();
        let now = TARGET_PRESETS
            .iter()
            .position(|p| p.eq_ignore_ascii_case(self.target.text.trim()));
        let next = match (now, forward) {
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
            (None, true) => 0,
            (None, false) => n - 1,
        };
        self.target = LineInput::new(TARGET_PRESETS[next]);
        self.follow_target();
    }

    /// Archive defaults to on for Production, unless the user chose.
    pub fn follow_target(&mut self) {
        if !self.archive_touched {
            self.archive = self.parsed_target() == Ok(Target::Stage(Stage::Production));
        }
    }

    fn is_stage_target(&self) -> bool {
        matches!(self.parsed_target(), Ok(Target::Stage(_)))
    }

    /// The fields shown, in Tab order.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields = vec![Field::Target, Field::Comment];
        let moves = matches!(self.kind, DialogKind::Approve | DialogKind::Rollback);
        if moves && self.is_stage_target() {
            fields.push(Field::Archive);
        }
        if let Review::Decision(p) = &self.review {
            if p.needs_justification() {
                fields.push(Field::Justification);
            }
        }
        let guarded = self.parsed_target().is_ok_and(|t| t.is_guarded());
        if moves && guarded {
            fields.push(Field::ConfirmName);
        }
        fields
    }

    /// Move the focus by one field (Tab / Shift-Tab), wrapping.
    pub fn move_focus(&mut self, forward: bool) {
        let fields = self.fields();
        let n = fields.len();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        self.focus = fields[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    /// The line being edited in the focused field (the archive choice has none).
    pub fn focused_input(&mut self) -> Option<&mut LineInput> {
        match self.focus {
            Field::Target => Some(&mut self.target),
            Field::Comment => Some(&mut self.comment),
            Field::Justification => Some(&mut self.justification),
            Field::ConfirmName => Some(&mut self.confirm_name),
            Field::Archive => None,
        }
    }

    /// The answers as the shared validation takes them.
    pub fn inputs(&self) -> DecisionInputs {
        let justification = self.fields().contains(&Field::Justification);
        DecisionInputs {
            comment: self.comment.text.clone(),
            justification: justification.then(|| self.justification.text.clone()),
            typed_name: Some(self.confirm_name.text.clone()),
            archive: self.is_stage_target().then_some(self.archive),
        }
    }

    /// Why submitting cannot work whatever is typed (shown in the dialog), if so.
    pub fn refusal(&self) -> Option<String> {
        match &self.review {
            Review::Decision(p) => p.blocker().map(|b| p.blocker_message(&b)),
            Review::Unavailable(reason) => Some(reason.clone()),
            _ => None,
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(self.review, Review::Loading { .. })
            || matches!(self.progress, Progress::Submitting { .. })
    }
}
