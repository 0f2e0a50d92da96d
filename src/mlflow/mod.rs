//! The wire: an async MLflow REST client (auth, TLS, retries, paging, typed errors).
//! It knows nothing of terminals, gates or tollgate's views.

mod client;
pub mod error;
pub mod filter;
pub mod http;
mod logged_artifacts;
pub mod settings;
pub mod types;

pub use client::{
    MlflowClient, RunBatch, RunSearch, ServerInfo, MAX_MODELS_PAGE, MAX_RUNS_PAGE,
    MAX_VERSIONS_PAGE,
};
pub use error::MlflowError;
pub use settings::{Auth, ConnectionSettings, CredentialSource, Secret};
pub use types::*;
