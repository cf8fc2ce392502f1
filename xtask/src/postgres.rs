//! PostgreSQL for the storage tests: `cargo xtask test` installs Debian's `postgresql` package
//! when the programs the tests need are missing. The tests start servers of their own with it
//! (crate `medplug-testdb`, whose search this uses): the package's own cluster is not used.

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

/// This machine's `initdb`, found as the tests will find it (crate `medplug-testdb`).
fn installed() -> Option<PathBuf> {
    medplug_testdb::installed_initdb().ok()
}
