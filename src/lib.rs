//! tollgate: a terminal governance cockpit for MLflow-compatible model registries.
//!
//! Layers, bottom up: `mlflow` (the wire), `registry` (what tollgate asks of a registry),
//! `config` (profiles and settings), `session` (settings resolved, registry connected, policy
//! found), `text` (making server text safe to show), `cli` (headless commands). The cockpit's `app` and `ui` build on the same layers.

pub mod app;
pub mod cli;
pub mod cockpit;
pub mod config;
pub mod evidence;
pub mod export;
pub mod governance;
pub mod logging;
pub mod mlflow;
pub mod registry;
pub mod session;
pub mod signing;
pub mod text;
pub mod ui;
