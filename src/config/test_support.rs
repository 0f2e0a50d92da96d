//! Settings for tests: an environment from pairs, a config file from text.

use std::collections::HashMap;
use std::io::Write;

use super::Overrides;

/// An environment that holds only these variables.
pub(crate) fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

/// A config file holding `text`, removed when dropped.
pub(crate) fn config_file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

/// No flags but `--config PATH`.
pub(crate) fn overrides(path: &std::path::Path) -> Overrides {
    Overrides {
        config_path: Some(path.to_path_buf()),
        ..Overrides::default()
    }
}
