//! PostgreSQL for the storage tests: `cargo xtask test` installs Debian's `postgresql` package
//! when no server is installed. The tests start servers of their own with it (crate
//! `medplug-testdb`, which looks for the programs the same way): the package's own cluster is
//! not used.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Where Debian and Ubuntu install each major version's programs: `<root>/<version>/bin`.
const LIB_ROOT: &str = "/usr/lib/postgresql";

/// The command that installs the server by hand.
const BY_HAND: &str = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
                       --no-install-recommends postgresql";

/// Does nothing when `initdb` is found (on `PATH` or under `/usr/lib/postgresql/*/bin`); else
/// installs Debian's `postgresql` with apt-get and checks again.
pub fn ensure_postgres() -> Result<()> {
    if let Some(initdb) = installed() {
        println!("xtask test: PostgreSQL's initdb: {}", initdb.display());
        return Ok(());
    }
    println!(
        "installing PostgreSQL from Debian's packages (the storage tests start their own server)…"
    );
    if !Path::new("/usr/bin/apt-get").exists() {
        bail!(
            "PostgreSQL's server is not installed (initdb not found on PATH or under \
             {LIB_ROOT}/*/bin) and this machine has no apt-get: install PostgreSQL's server \
             programs (initdb, pg_ctl, postgres, psql, pg_isready) and put them on PATH"
        );
    }
    let run = |args: &[&str]| -> Result<()> {
        let status = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .with_context(|| format!("starting `apt-get {}`", args.join(" ")))?;
        if !status.success() {
            bail!(
                "`apt-get {}` failed ({status}); as root, run `{BY_HAND}` by hand",
                args.join(" ")
            );
        }
        Ok(())
    };
    run(&["update"])?;
    run(&["install", "-y", "--no-install-recommends", "postgresql"])?;
    match installed() {
        Some(initdb) => {
            println!("xtask test: installed PostgreSQL: {}", initdb.display());
            Ok(())
        }
        None => bail!(
            "apt-get installed `postgresql` but no initdb is on PATH or under {LIB_ROOT}/*/bin; \
             run `{BY_HAND}` by hand and check `ls {LIB_ROOT}/*/bin/initdb`"
        ),
    }
}

/// This machine's `initdb`.
fn installed() -> Option<PathBuf> {
    let path: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    find_initdb(&path, Path::new(LIB_ROOT))
}

/// The first `initdb` in the `path` directories, else `lib_root/<highest version>/bin/initdb`
/// (versions as `15`, `16`, `9.6`; other names are skipped).
fn find_initdb(path: &[PathBuf], lib_root: &Path) -> Option<PathBuf> {
    if let Some(found) = path
        .iter()
        .map(|dir| dir.join("initdb"))
        .find(|candidate| is_executable(candidate))
    {
        return Some(found);
    }
    let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir(lib_root)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(|part| part.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            Some((version, entry.path().join("bin/initdb")))
        })
        .filter(|(_, initdb)| is_executable(initdb))
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().next().map(|(_, initdb)| initdb)
}

/// A file (or a link to one) that someone may execute.
fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};

    use super::find_initdb;

    fn executable(path: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(path.parent().expect("in a directory"))?;
        std::fs::write(path, "#!/bin/sh\n")?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
        Ok(())
    }

    #[test]
    fn postgres_initdb_is_found_on_path_else_under_the_highest_version() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let lib = dir.path().join("lib");
        for version in ["9.6", "15", "16"] {
            executable(&lib.join(version).join("bin/initdb"))?;
        }
        // 17 has no initdb (a client-only package); `common` is not a version.
        std::fs::create_dir_all(lib.join("17/bin"))?;
        executable(&lib.join("common/bin/initdb"))?;
        // Not executable: not a program.
        std::fs::create_dir_all(dir.path().join("bin"))?;
        std::fs::write(dir.path().join("bin/initdb"), "")?;
        let bin = vec![dir.path().join("bin")];
        assert_eq!(find_initdb(&bin, &lib), Some(lib.join("16/bin/initdb")));

        executable(&dir.path().join("local/initdb"))?;
        let path: Vec<PathBuf> = vec![dir.path().join("bin"), dir.path().join("local")];
        assert_eq!(
            find_initdb(&path, &lib),
            Some(dir.path().join("local/initdb"))
        );

        assert_eq!(find_initdb(&[], &dir.path().join("nothing")), None);
        Ok(())
    }
}
