//! A private temporary file, removed when dropped: `ssh-keygen` reads keys and signatures from
//! files only.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// A new file holding `bytes`, readable by its owner only.
    pub fn with(bytes: &[u8]) -> std::io::Result<TempFile> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("tollgate-sig-{}-{n}-{nanos}", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path)?;
        let file = TempFile { path }.keep_open(&mut file, bytes)?;
        Ok(file)
    }

    fn keep_open(self, file: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<TempFile> {
        file.write_all(bytes)?;
        Ok(self)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
