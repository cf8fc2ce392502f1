//! Finding PostgreSQL's programs: an `initdb` on `PATH` (followed through symlinks to the
//! directory of its installation), else the highest version under `/usr/lib/postgresql`, where
//! Debian's packages put them (not on `PATH`).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::StartError;

/// Where Debian and Ubuntu install each major version's programs: `<root>/<version>/bin`.
pub(crate) const LIB_ROOT: &str = "/usr/lib/postgresql";

/// The programs a test server needs, from one installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Binaries {
    /// Creates the data directory.
    pub(crate) initdb: PathBuf,
    /// Starts and stops the server (and finds `postgres` beside itself).
    pub(crate) pg_ctl: PathBuf,
    /// Runs SQL as the superuser; the tests' client for the password check.
    pub(crate) psql: PathBuf,
    /// Asks whether the server accepts connections.
    pub(crate) pg_isready: PathBuf,
}

impl Binaries {
    /// The programs of this machine's installation, or [`StartError::NotInstalled`].
    pub(crate) fn find() -> Result<Binaries, StartError> {
        let path: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect())
            .unwrap_or_default();
        Binaries::find_in(&path, Path::new(LIB_ROOT)).ok_or(StartError::NotInstalled)
    }

    /// The programs of the first installation with `initdb`, `pg_ctl` and `postgres`: one of the
    /// `path` directories' `initdb` (the directory it links to, then the directory itself), else
    /// `lib_root/<highest version>/bin`. `psql` and `pg_isready` come from the same directory
    /// when it has them, else from `path`.
    pub(crate) fn find_in(path: &[PathBuf], lib_root: &Path) -> Option<Binaries> {
        let mut candidates = Vec::new();
        for dir in path {
            let initdb = dir.join("initdb");
            if is_executable(&initdb) {
                if let Some(real) = std::fs::canonicalize(&initdb)
                    .ok()
                    .and_then(|real| real.parent().map(Path::to_path_buf))
                {
                    candidates.push(real);
                }
                candidates.push(dir.clone());
            }
        }
        candidates.extend(
            versions_under(lib_root)
                .into_iter()
                .map(|dir| dir.join("bin")),
        );
        let dir = candidates.into_iter().find(|dir| {
            ["initdb", "pg_ctl", "postgres"]
                .iter()
                .all(|name| is_executable(&dir.join(name)))
        })?;
        let client = |name: &str| {
            let beside = dir.join(name);
            if is_executable(&beside) {
                Some(beside)
            } else {
                path.iter()
                    .map(|dir| dir.join(name))
                    .find(|candidate| is_executable(candidate))
            }
        };
        Some(Binaries {
            initdb: dir.join("initdb"),
            pg_ctl: dir.join("pg_ctl"),
            psql: client("psql")?,
            pg_isready: client("pg_isready")?,
        })
    }
}

/// `root`'s version directories (`15`, `16`, `9.6`), highest first; other names are skipped.
fn versions_under(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(|part| part.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            Some((version, entry.path()))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, path)| path).collect()
}

/// A file (or a link to one) that someone may execute.
fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}
