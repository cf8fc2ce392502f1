//! A scratch directory for the targets whose parser reads files (WFDB signals, the audit
//! database): one per process and thread, on `/dev/shm` where there is one (no disk writes at
//! thousands of executions a second), emptied before each execution and removed after it.

use std::path::{Path, PathBuf};

/// A fresh, empty directory for one execution; removed when dropped.
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    pub(crate) fn new(target: &str) -> Self {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_owned()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!(
            "medplug-fuzz-{target}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Self(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
