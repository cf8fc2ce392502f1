//! [`mitdb_dir`]: where tests find the MIT-BIH Arrhythmia Database records.
//!
//! The records are not part of the repository. Tests look in `MEDPLUG_MITDB_DIR`, then in
//! `<workspace root>/../shared/data/mitdb`; where neither exists they say so in one line and
//! pass, except under `CI=true`, where missing data is a failure.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::WfdbError;

/// The environment variable naming a directory of MIT-BIH records (`100.hea`, `100.dat`, ...).
pub const MITDB_DIR_ENV: &str = "MEDPLUG_MITDB_DIR";

/// How to get the records, for messages.
pub const MITDB_HOWTO: &str =
    "set MEDPLUG_MITDB_DIR to a directory holding them, or run `cargo xtask fetch-mitdb`";

/// The directory of MIT-BIH Arrhythmia Database records: `$MEDPLUG_MITDB_DIR` if set, else
/// `<workspace_root>/../shared/data/mitdb` if it exists.
///
/// Returns `Ok(None)` when neither is there, so that a test can say so in one line and pass;
/// but an error when `MEDPLUG_MITDB_DIR` names a directory that does not exist, and when the
/// environment has `CI=true`, where missing data must fail the run. Crates call it with their
/// workspace root, e.g. `Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")` from a plugin.
pub fn mitdb_dir(workspace_root: &Path) -> Result<Option<PathBuf>, WfdbError> {
    let ci = std::env::var_os("CI").is_some_and(|v| v == "true");
    locate(std::env::var_os(MITDB_DIR_ENV), ci, workspace_root)
}

fn locate(
    env_dir: Option<OsString>,
    ci: bool,
    workspace_root: &Path,
) -> Result<Option<PathBuf>, WfdbError> {
    if let Some(dir) = env_dir.filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if dir.is_dir() {
            return Ok(Some(dir));
        }
        return Err(WfdbError::MitdbNotFound {
            reason: format!("{MITDB_DIR_ENV}={} is not a directory", dir.display()),
        });
    }
    let shared = workspace_root.join("../shared/data/mitdb");
    if shared.is_dir() {
        return Ok(Some(shared));
    }
    if ci {
        return Err(WfdbError::MitdbNotFound {
            reason: format!(
                "{MITDB_DIR_ENV} is not set and {} does not exist (CI=true: missing data is a failure)",
                shared.display()
            ),
        });
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_wins_then_the_shared_directory() -> anyhow::Result<()> {
        let root = tempfile::tempdir()?;
        let workspace = root.path().join("repo");
        let shared = root.path().join("shared/data/mitdb");
        let own = root.path().join("own");
        std::fs::create_dir_all(&workspace)?;
        std::fs::create_dir_all(&own)?;

        assert_eq!(locate(None, false, &workspace)?, None);
        let e = locate(None, true, &workspace).unwrap_err();
        assert!(
            e.to_string().contains("CI=true: missing data is a failure"),
            "{e}"
        );
        assert!(e.to_string().ends_with(MITDB_HOWTO), "{e}");

        std::fs::create_dir_all(&shared)?;
        assert_eq!(
            locate(None, true, &workspace)?,
            Some(workspace.join("../shared/data/mitdb"))
        );
        assert_eq!(
            locate(Some(own.clone().into()), true, &workspace)?,
            Some(own)
        );

        let e = locate(Some(root.path().join("nowhere").into()), false, &workspace).unwrap_err();
        assert!(e.to_string().contains("nowhere is not a directory"), "{e}");
        Ok(())
    }
}
