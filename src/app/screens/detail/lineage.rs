//! Tab 5, Lineage: where the version came from, as a tree that folds; Enter opens a node (another
//! version, a run). The tree is asked for on the first visit and kept until refresh.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{DetailScreen, DetailTab};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::remote::Remote;
use crate::app::screens::behaviour::failure;
use crate::app::screens::{Ctx, RunScreen};
use crate::app::state::StatusLevel;
use crate::evidence::lineage::{LineageNode, NodeRef};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineageTab {
    /// The tree, asked for on first visit, kept until refresh.
    pub tree: Option<Remote<Arc<LineageNode>>>,
    /// Paths of folded nodes.
    pub folded: BTreeSet<Vec<usize>>,
}

/// One line of the Lineage tab's tree: the node, its depth and its path of child indices.
#[derive(Debug, Clone, Copy)]
pub struct TreeLine<'a> {
    pub node: &'a LineageNode,
    pub depth: usize,
    pub expanded: bool,
    pub last: bool,
}

/// The tree's lines with folded nodes' descendants left out, depth first.
pub fn tree_lines<'a>(
    root: &'a LineageNode,
    folded: &BTreeSet<Vec<usize>>,
) -> Vec<(Vec<usize>, TreeLine<'a>)> {
    fn walk<'a>(
        node: &'a LineageNode,
        path: Vec<usize>,
        depth: usize,
        last: bool,
        folded: &BTreeSet<Vec<usize>>,
        out: &mut Vec<(Vec<usize>, TreeLine<'a>)>,
    ) {
        let expanded = !folded.contains(&path);
        out.push((
            path.clone(),
            TreeLine {
                node,
                depth,
                expanded,
                last,
            },
        ));
        if expanded {
            let n = node.children.len();
            for (i, c) in node.children.iter().enumerate() {
                let mut p = path.clone();
                p.push(i);
                walk(c, p, depth + 1, i + 1 == n, folded, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, Vec::new(), 0, true, folded, &mut out);
    out
}

impl LineageTab {
    pub fn is_loading(&self) -> bool {
        self.tree.as_ref().is_some_and(Remote::is_loading)
    }

    /// The tree, once loaded.
    pub fn root(&self) -> Option<&LineageNode> {
        self.tree.as_ref()?.data.as_deref()
    }

    /// Lines shown, folded nodes' descendants left out.
    pub fn lines_shown(&self) -> usize {
        self.root().map_or(0, |t| tree_lines(t, &self.folded).len())
    }

    pub fn ensure_loaded(&mut self, model: &str, version: &str, ctx: &mut Ctx) {
        if self.tree.is_none() {
            let request = ctx.new_request();
            self.tree = Some(Remote::loading(request));
            load(request, model, version, ctx);
        }
    }

    /// `r`: read again what was read (what is shown stays until the answer).
    pub fn refresh(&mut self, model: &str, version: &str, ctx: &mut Ctx) {
        if let Some(l) = self.tree.as_mut() {
            let request = ctx.new_request();
            l.start(request);
            load(request, model, version, ctx);
        }
    }

    /// The tree this tab asked for; `about` names the version in a failure.
    pub fn answer(&mut self, action: Action, about: &str, ctx: &mut Ctx) -> Option<Action> {
        match action {
            Action::LineageLoaded { request, result }
                if self
                    .tree
                    .as_ref()
                    .is_some_and(|t| t.pending == Some(request)) =>
            {
                let error = result.as_ref().err().cloned();
                let remote = self.tree.as_mut()?;
                remote.resolve(request, result);
                if let Some(e) = error {
                    let text = failure(&format!("lineage of {about}"), &e, remote.stale);
                    ctx.set_status(StatusLevel::Error, text);
                }
                None
            }
            other => Some(other),
        }
    }
}

fn load(request: crate::app::RequestId, model: &str, version: &str, ctx: &mut Ctx) {
    ctx.effect(Effect::LoadLineage {
        request,
        model: model.to_string(),
        version: version.to_string(),
    });
}

impl DetailScreen {
    /// The lineage tree, once loaded.
    pub fn lineage_tree(&self) -> Option<&LineageNode> {
        self.lineage.root()
    }

    /// The selected lineage node and its path.
    pub fn selected_node(&self) -> Option<(Vec<usize>, &LineageNode)> {
        let tree = self.lineage_tree()?;
        tree_lines(tree, &self.lineage.folded)
            .into_iter()
            .nth(self.cursor.selected)
            .map(|(p, l)| (p, l.node))
    }

    /// Fold or unfold the selected node (leaves stay as they are).
    pub(super) fn toggle_fold(&mut self, rows: usize) {
        let Some((path, node)) = self.selected_node() else {
            return;
        };
        let has_children = !node.children.is_empty();
        if has_children && !self.lineage.folded.remove(&path) {
            self.lineage.folded.insert(path);
        }
        let len = self.scroll_len();
        self.cursor.follow(len, rows);
    }
}

impl DetailScreen {
    /// Enter on a node: this version's own node or run shows its Overview or Metrics tab,
    /// another version or run opens on top; other nodes are named in the status line.
    pub(super) fn open_node(&mut self, ctx: &mut Ctx) {
        let Some((_, node)) = self.selected_node() else {
            return;
        };
        let (opens, label, missing) = (node.opens.clone(), node.label.clone(), node.missing);
        let own_run = self.run_id().map(str::to_string);
        match opens {
            Some(NodeRef::Version { model, version }) => {
                if model == self.model && version == self.version {
                    self.select_tab(DetailTab::Overview, ctx.rows);
                } else {
                    let request = ctx.new_request();
                    ctx.open(DetailScreen::opening(&model, &version, request));
                }
            }
            Some(NodeRef::Run { run_id }) if own_run.as_deref() == Some(run_id.as_str()) => {
                self.select_tab(DetailTab::Metrics, ctx.rows);
            }
            Some(NodeRef::Run { run_id }) => {
                let request = ctx.new_request();
                ctx.open(RunScreen::opening(&run_id, &label, request));
            }
            Some(NodeRef::Experiment { experiment_id }) => {
                ctx.set_status(StatusLevel::Info, format!("experiment {experiment_id}"))
            }
            Some(NodeRef::LoggedModel { model_id }) => {
                ctx.set_status(StatusLevel::Info, format!("logged model {model_id}"))
            }
            None if missing => ctx.set_status(
                StatusLevel::Warning,
                format!("{label}: missing (deleted or unreadable)"),
            ),
            None => {}
        }
    }
}
