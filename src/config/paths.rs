//! Where tollgate keeps its files, from `directories` (XDG on Linux).

use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
    pub log_file: PathBuf,
    pub cache_dir: PathBuf,
}

impl Paths {
    pub fn discover(env: &dyn Fn(&str) -> Option<String>) -> Paths {
        let dirs = directories::ProjectDirs::from("dev", "tollgate", "tollgate");
        let fallback =
            || PathBuf::from(env("HOME").unwrap_or_else(|| ".".into())).join(".tollgate");
        let config_dir = dirs
            .as_ref()
            .map(|d| d.config_dir().to_path_buf())
            .unwrap_or_else(fallback);
        let data_dir = dirs
            .as_ref()
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(fallback);
        let cache_dir = dirs
            .as_ref()
            .map(|d| d.cache_dir().to_path_buf())
            .unwrap_or_else(fallback);
        Paths {
            config_file: config_dir.join("config.toml"),
            log_file: data_dir.join("tollgate.log"),
            config_dir,
            data_dir,
            cache_dir,
        }
    }
}
