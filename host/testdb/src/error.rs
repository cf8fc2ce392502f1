//! Why a test server did not start: [`StartError`].

use std::fmt;

/// Why [`TestPostgres::start`](crate::TestPostgres::start) failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// No `initdb` (with `pg_ctl` and `postgres` beside it) on `PATH` or under
    /// `/usr/lib/postgresql/*/bin`.
    NotInstalled,
    /// A step before the server ran failed: preparing the directory, `initdb`, finding a user to
    /// run it as.
    Setup {
        /// What was being done.
        step: String,
        /// What went wrong (the program's output, the I/O error).
        detail: String,
    },
    /// The server did not start, or did not accept connections in time, or its roles could not
    /// be created.
    Server {
        /// What went wrong.
        reason: String,
        /// The last 30 lines of the server's log.
        log: String,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::NotInstalled => f.write_str(
                "PostgreSQL's server is not installed (initdb not found on PATH or under \
                 /usr/lib/postgresql/*/bin): `cargo xtask test` installs it from Debian's \
                 packages, or run `apt-get install postgresql`",
            ),
            StartError::Setup { step, detail } => {
                write!(f, "test PostgreSQL: {step} failed: {detail}")
            }
            StartError::Server { reason, log } => write!(
                f,
                "test PostgreSQL: {reason}; the server log's last lines:\n{log}"
            ),
        }
    }
}

impl std::error::Error for StartError {}
