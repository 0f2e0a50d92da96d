//! Entry point of the interactive cockpit (issue 3). Until it lands, say so plainly.

use crate::cli::{CliError, GlobalArgs};

pub async fn run(_global: &GlobalArgs) -> Result<(), CliError> {
    Err(CliError::Usage(
        "the interactive cockpit is not built yet; use a command: models, versions, show, doctor (see --help)".into(),
    ))
}
