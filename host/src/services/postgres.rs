//! Connections to PostgreSQL, shared by the audit trail and the patient store on it: pools,
//! session settings, schema versions, and errors that can be handed to several callers.
//!
//! Each store keeps an r2d2 pool of synchronous `postgres` clients. A connection that breaks
//! (the server restarted, the network dropped it) is discarded by the pool and the next
//! operation opens a new one, so a store outlives a database failover; the operation that met
//! the failure returns its error. Every session bounds how long anything may wait: a statement
//! (`statement_timeout`), a lock (`lock_timeout`), and a transaction left idle by a replica that
//! froze while holding the audit head's lock (`idle_in_transaction_session_timeout`, enforced by
//! the server, which then releases the lock).

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::time::Duration;

use postgres::NoTls;

use crate::policy::{PASSWORD_ENV, PostgresUrl};

/// A pool of connections to one database.
pub(crate) type Pool = r2d2::Pool<Manager>;

/// A connection taken from a [`Pool`].
pub(crate) type Connection = r2d2::PooledConnection<Manager>;

/// Opens connections for the pool, and tells it which to discard.
#[derive(Debug)]
pub(crate) struct Manager {
    config: postgres::Config,
}

/// A pooled client, and whether its user saw it fail as a connection (not a statement) fails.
///
/// The synchronous client only notices that the server closed its socket when it is next used,
/// so `is_closed` alone would let the pool hand the same dead connection out again and again;
/// a user that meets a dropped connection marks it [`broken`](Self::broken) and the pool drops
/// it when it comes back.
pub(crate) struct Client {
    client: postgres::Client,
    /// Set by the user when the connection was found dropped.
    pub(crate) broken: bool,
}

impl Deref for Client {
    type Target = postgres::Client;

    fn deref(&self) -> &postgres::Client {
        &self.client
    }
}

impl DerefMut for Client {
    fn deref_mut(&mut self) -> &mut postgres::Client {
        &mut self.client
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Client;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Client, postgres::Error> {
        Ok(Client {
            client: self.config.connect(NoTls)?,
            broken: false,
        })
    }

    fn is_valid(&self, conn: &mut Client) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(drop)
    }

    fn has_broken(&self, conn: &mut Client) -> bool {
        conn.broken || conn.client.is_closed()
    }
}

/// Whether `error` means the connection itself is gone — not the server's answer to a statement
/// (the socket closed or reset), or the server's notice that it ended the session (SQLSTATE
/// class 57P) or lost the connection (class 08) — so that the pool must not hand it out again.
pub(crate) fn is_dropped(error: &postgres::Error) -> bool {
    error.as_db_error().is_none_or(|db| {
        let code = db.code().code();
        code.starts_with("08") || code.starts_with("57P")
    })
}

/// How long opening a connection, or waiting for a free one, may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The session settings of every connection: see the module documentation.
const SESSION_OPTIONS: &str = "-c statement_timeout=10000 -c lock_timeout=10000 \
                               -c idle_in_transaction_session_timeout=10000";

/// A PostgreSQL failure, as text that can be cloned to every caller of a group commit: the
/// server's SQLSTATE code when it sent one, and its message (with detail and hint), or the
/// client's description of a connection failure. Never holds the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PostgresError {
    /// The SQLSTATE code (`23505`, `42501`, …), when the server answered with an error.
    pub code: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl PostgresError {
    /// A failure that is not the server's (a pool or configuration problem).
    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self {
            code: None,
            message: message.into(),
        }
    }
}

impl From<postgres::Error> for PostgresError {
    fn from(error: postgres::Error) -> Self {
        match error.as_db_error() {
            Some(db) => {
                let mut message = format!("{}: {}", db.severity(), db.message());
                if let Some(detail) = db.detail() {
                    message.push_str(&format!(" ({detail})"));
                }
                if let Some(hint) = db.hint() {
                    message.push_str(&format!("; hint: {hint}"));
                }
                Self {
                    code: Some(db.code().code().to_owned()),
                    message,
                }
            }
            None => {
                let mut message = error.to_string();
                let mut source = std::error::Error::source(&error);
                while let Some(cause) = source {
                    let text = cause.to_string();
                    if !message.contains(&text) {
                        message.push_str(&format!(": {text}"));
                    }
                    source = cause.source();
                }
                Self {
                    code: None,
                    message,
                }
            }
        }
    }
}

impl From<r2d2::Error> for PostgresError {
    fn from(error: r2d2::Error) -> Self {
        Self::other(format!("no connection to the database: {error}"))
    }
}

/// A pool of at most `size` connections to `url`, with `password`, else the one in
/// [`PASSWORD_ENV`], named `application` in the server's `pg_stat_activity`. Opens one
/// connection before returning, so a wrong URL, password or unreachable server fails here,
/// within [`CONNECT_TIMEOUT`].
pub(crate) fn pool(
    url: &PostgresUrl,
    password: Option<&str>,
    size: u32,
    application: &str,
) -> Result<Pool, PostgresError> {
    let mut config = postgres::Config::from_str(url.as_str())
        .map_err(|e| PostgresError::other(format!("PostgreSQL URL {url} is not valid: {e}")))?;
    match password {
        Some(password) => {
            config.password(password);
        }
        None => {
            if let Ok(password) = std::env::var(PASSWORD_ENV) {
                config.password(password);
            }
        }
    }
    config
        .application_name(application)
        .connect_timeout(CONNECT_TIMEOUT)
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(30))
        .options(SESSION_OPTIONS);
    let manager = Manager { config };
    // Checking one connection first gives the server's own error (a wrong password, a missing
    // database) instead of the pool's timeout.
    r2d2::ManageConnection::connect(&manager).map_err(PostgresError::from)?;
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(CONNECT_TIMEOUT)
        // A broken connection is seen by `has_broken`; no round trip on every checkout.
        .test_on_check_out(false)
        .error_handler(Box::new(r2d2::NopErrorHandler))
        .build(manager)
        .map_err(PostgresError::from)
}

/// One schema step of a store: the version it reaches, what it does, its statements.
pub(crate) struct Migration {
    /// The version the step reaches.
    pub(crate) version: i32,
    /// What it does, for error messages.
    pub(crate) description: &'static str,
    /// The statements.
    pub(crate) sql: &'static str,
}

/// Why a store could not be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The database holds a newer version of this store's schema.
    Newer {
        /// Its version.
        found: i32,
    },
    /// The store's schema is absent and the caller asked not to create it.
    Absent,
    /// Connecting, reading the schema version or a migration step failed (the step named).
    Failed(PostgresError),
}

/// A store's pool on `url` (see [`pool`]), its schema brought up to date by [`migrate`]: what
/// every PostgreSQL store does when it opens.
#[allow(clippy::too_many_arguments)]
pub(crate) fn open_pool(
    url: &PostgresUrl,
    password: Option<&str>,
    size: u32,
    application: &str,
    component: &str,
    steps: &[Migration],
    create: bool,
) -> Result<Pool, OpenError> {
    let pool = pool(url, password, size, application).map_err(OpenError::Failed)?;
    let mut conn = pool
        .get()
        .map_err(|e| OpenError::Failed(PostgresError::from(e)))?;
    migrate(&mut conn, component, steps, create)?;
    drop(conn);
    Ok(pool)
}

/// The table of every store's schema version: PostgreSQL has no `user_version`, and the audit
/// trail and the patient store may share one database.
const SCHEMA_TABLE: &str = "CREATE TABLE IF NOT EXISTS medplug_schema (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL
)";

/// Brings `component`'s schema to the last of `steps` (which are numbered 1, 2, … in order),
/// each step in its own transaction that also records the version. A transaction-scoped
/// advisory lock makes replicas that start together apply each step once. With `create`
/// false, an absent schema is [`OpenError::Absent`] and nothing is written.
fn migrate(
    conn: &mut postgres::Client,
    component: &str,
    steps: &[Migration],
    create: bool,
) -> Result<(), OpenError> {
    let newest = steps.last().map_or(0, |s| s.version);
    let current = current_version(conn, component)
        .map_err(|e| OpenError::Failed(step_failed(0, "read the schema version", e)))?;
    if current > newest {
        return Err(OpenError::Newer { found: current });
    }
    if current == newest {
        return Ok(());
    }
    if !create {
        return Err(OpenError::Absent);
    }
    for step in steps {
        match apply(conn, component, step) {
            Ok(found) if found > newest => return Err(OpenError::Newer { found }),
            Ok(_) => {}
            Err(e) => {
                return Err(OpenError::Failed(step_failed(
                    step.version,
                    step.description,
                    e,
                )));
            }
        }
    }
    Ok(())
}

/// The server's error, naming the schema step it failed (version 0: reading the version).
fn step_failed(version: i32, description: &str, error: postgres::Error) -> PostgresError {
    let error = PostgresError::from(error);
    PostgresError {
        code: error.code,
        message: format!(
            "schema version {version} ({description}) failed: {}",
            error.message
        ),
    }
}

/// Applies `step` unless the schema already has it, under the advisory lock; returns the
/// version found before.
fn apply(
    conn: &mut postgres::Client,
    component: &str,
    step: &Migration,
) -> Result<i32, postgres::Error> {
    let mut tx = conn.transaction()?;
    // Any constant works, as long as every medplug uses the same one: "medplug" in ASCII.
    tx.execute("SELECT pg_advisory_xact_lock(30792254518752615)", &[])?;
    tx.batch_execute(SCHEMA_TABLE)?;
    let found: i32 = tx
        .query_opt(
            "SELECT version FROM medplug_schema WHERE component = $1",
            &[&component],
        )?
        .map_or(0, |row| row.get(0));
    if found >= step.version {
        return Ok(found);
    }
    tx.batch_execute(step.sql)?;
    tx.execute(
        "INSERT INTO medplug_schema (component, version) VALUES ($1, $2)
         ON CONFLICT (component) DO UPDATE SET version = excluded.version",
        &[&component, &step.version],
    )?;
    tx.commit()?;
    Ok(found)
}

/// `component`'s schema version, 0 when it has none (or no store was ever created here).
pub(crate) fn current_version(
    conn: &mut postgres::Client,
    component: &str,
) -> Result<i32, postgres::Error> {
    let table: Option<String> = conn
        .query_one("SELECT to_regclass('medplug_schema')::text", &[])?
        .get(0);
    if table.is_none() {
        return Ok(0);
    }
    Ok(conn
        .query_opt(
            "SELECT version FROM medplug_schema WHERE component = $1",
            &[&component],
        )?
        .map_or(0, |row| row.get(0)))
}

/// Whether `role` is a plain PostgreSQL role name (lowercase ASCII letters, digits and `_`, at
/// most 63 bytes, not starting with a digit): the only names [`grant`] writes into SQL.
pub(crate) fn is_plain_role(role: &str) -> bool {
    !role.is_empty()
        && role.len() <= 63
        && !role.starts_with(|c: char| c.is_ascii_digit())
        && role
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Runs `grants` (statements with `{role}` for the role) for `role`, in one transaction.
pub(crate) fn grant(
    conn: &mut postgres::Client,
    grants: &str,
    role: &str,
) -> Result<(), PostgresError> {
    if !is_plain_role(role) {
        return Err(PostgresError::other(format!(
            "role {} is not a plain role name (lowercase letters, digits, _)",
            crate::ids::quote(role)
        )));
    }
    let mut tx = conn.transaction()?;
    tx.batch_execute(&grants.replace("{role}", role))?;
    Ok(tx.commit()?)
}
