//! Errors of the audit trail.

/// Why an audit operation failed.
///
/// A failure to append must fail the plugin call it records: a call that cannot be audited must
/// not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// SQLite refused an operation on the trail's database.
    #[error("audit trail {path}: {source}")]
    Database {
        /// The database file (`:memory:` for an in-memory trail).
        path: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The trail is full: SQLite's `SQLITE_FULL`, from a disk with no space left or from the
    /// database's page limit (`max_page_count`). The append's transaction was rolled back whole:
    /// nothing of it is in the trail. Appends work again once there is space.
    #[error(
        "audit trail {path} is full (no space left on its disk, or its page limit is reached): nothing was written"
    )]
    Full {
        /// The database file.
        path: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The trail cannot be written: SQLite's `SQLITE_READONLY`, from a file, directory or
    /// connection that is read-only. Nothing was written.
    #[error("audit trail {path} is read-only: nothing was written")]
    ReadOnly {
        /// The database file.
        path: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// PostgreSQL refused an operation on the trail, or could not be reached. A failed append
    /// wrote nothing: its transaction was rolled back (by the server, when the connection
    /// dropped).
    #[cfg(feature = "postgres")]
    #[error("audit trail {location}: {source}")]
    Postgres {
        /// The database's URL (it holds no password).
        location: String,
        /// The server's or the client's error.
        #[source]
        source: crate::services::postgres::PostgresError,
    },
    /// The trail's database file does not exist, or the database holds no audit trail (only
    /// verifying refuses to create one).
    #[error("audit trail {path} does not exist")]
    Missing {
        /// The path that was asked for.
        path: String,
    },
    /// Writing an export failed.
    #[error("cannot write the export of audit trail {path}: {source}")]
    Io {
        /// The database file being exported.
        path: String,
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
    /// The database was written by a newer version of this software.
    #[error(
        "audit trail {path} has schema version {found}, newer than version {supported} which \
         this build supports: upgrade the host"
    )]
    NewerSchema {
        /// The database file.
        path: String,
        /// The database's `user_version`.
        found: i32,
        /// The newest version this build understands.
        supported: i32,
    },
    /// The database is not a readable audit trail (as opposed to a broken chain, which
    /// [`verify`](super::SqliteAuditTrail::verify) reports without failing).
    #[error("audit trail {path} is corrupt: {detail}")]
    Corrupt {
        /// The database file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// A record could not be serialised to JSON.
    #[error("cannot serialise an audit record: {0}")]
    Serialize(#[from] serde_json::Error),
}
