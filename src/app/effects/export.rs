//! The evidence pack: gather over the network, then draw and write off the async threads.

use std::path::PathBuf;

use super::EffectRunner;
use crate::app::action::Action;
use crate::export::ExportError;
use crate::mlflow::MlflowError;

/// Why an evidence pack was not written.
#[derive(Debug, thiserror::Error)]
enum ExportFailed {
    #[error(transparent)]
    Gather(#[from] MlflowError),
    #[error(transparent)]
    Write(#[from] ExportError),
    #[error(transparent)]
    Task(#[from] tokio::task::JoinError),
}

impl From<ExportFailed> for crate::app::action::LoadError {
    fn from(e: ExportFailed) -> Self {
        match e {
            ExportFailed::Gather(e) => e.into(),
            other => Self::other(other),
        }
    }
}

impl EffectRunner {
    /// Write a version's evidence pack into `dir`; the answer says where and how many files.
    pub(super) fn export(&self, model: String, version: String, dir: PathBuf) {
        let registry = self.registry();
        self.spawn_answer(
            async move {
                let data = crate::export::gather(&registry, &model, &version).await?;
                // Drawing charts is CPU work: keep it off the runtime's threads.
                let written = tokio::task::spawn_blocking(move || {
                    crate::export::write_pack(&data, &dir).map(|files| (dir, files.len()))
                });
                Ok::<_, ExportFailed>(written.await??)
            },
            |result| Action::ExportDone { result },
        );
    }
}
