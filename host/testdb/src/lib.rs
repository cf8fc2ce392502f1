//! A real PostgreSQL server for tests: [`TestPostgres`].
//!
//! Each server is PostgreSQL's own `postgres`, set up with `initdb` on a temporary directory under
//! [`std::env::temp_dir`], listening on 127.0.0.1 only, on a free port, with durable commits
//! (`fsync` and `synchronous_commit` on: the storage benchmarks measure them). Three roles:
//!
//! - `medplug_admin`, the superuser, trusted on loopback without a password
//!   ([`TestPostgres::superuser_url`], [`TestPostgres::psql`]);
//! - `medplug`, which owns the databases [`TestPostgres::create_database`] makes and must give
//!   its password ([`TestPostgres::password`]; scram-sha-256);
//! - `medplug_service`, same password, owner of nothing: tests grant it what they check.
//!
//! The server programs come from `PATH` or `/usr/lib/postgresql/*/bin` (the highest version);
//! `cargo xtask test` installs Debian's `postgresql` package when neither has them. PostgreSQL
//! refuses to run as root, so as root (sessions and CI) the server runs as the user `postgres`
//! (or `nobody`) through `runuser`.
//!
//! No server outlives its test process: each is started by a guardian shell that waits for the
//! process to end and then stops the server and removes its directory, which covers
//! [`TestPostgres::shared`] (a static, never dropped) and tests killed mid-way. `stop` and `Drop`
//! stop a server earlier.
//!
//! ```no_run
//! use medplug_testdb::TestPostgres;
//!
//! let server = TestPostgres::shared();
//! let url = server.create_database("audit");
//! // postgres://medplug@127.0.0.1:PORT/audit_0_PID; the client passes server.password().
//! assert_eq!(server.psql("postgres", "SELECT 1").trim(), "1");
//! # let _ = url;
//! ```

mod account;
mod binaries;
mod error;
mod guardian;
mod server;
#[cfg(test)]
mod tests;

pub use error::StartError;
pub use server::TestPostgres;

/// The `initdb` of the installation [`TestPostgres::start`] would use, or why there is none:
/// what `cargo xtask test` checks before it installs PostgreSQL.
pub fn installed_initdb() -> Result<std::path::PathBuf, StartError> {
    binaries::Binaries::find().map(|found| found.initdb)
}
