//! A file in the temporary directory that is removed when dropped. Include with
//! `#[path = "support/temp_file.rs"] mod temp_file;`.

use std::path::{Path, PathBuf};

pub(crate) struct TempFile(PathBuf);

impl TempFile {
    /// Writes `content` to a file whose name holds the process id, `prefix` and `name`.
    pub(crate) fn new(prefix: &str, name: &str, content: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{name}", std::process::id()));
        std::fs::write(&path, content).unwrap();
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
