//! [`PatientStoreError`]: why the patient store refused or failed.

use std::path::PathBuf;

/// Everything that can go wrong reading or writing patients.
///
/// Messages are lowercase and name what failed; values that failed validation are quoted with
/// escapes and cut to 64 characters. Names never appear in them (LGPD Art. 46).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PatientStoreError {
    /// A field of a record (or a consent's specialty) is not acceptable.
    #[error("invalid patient record: {field}: {message}")]
    InvalidRecord {
        /// Which field: `patient_id`, `tenant`, `name`, `birth_date`, `consents`, `specialty`.
        field: &'static str,
        /// What is wrong, naming the value.
        message: String,
    },
    /// No patient has that id.
    #[error("no patient with id {patient_id}")]
    NotFound {
        /// The id asked for, quoted.
        patient_id: String,
    },
    /// The database was written by a newer medplug.
    #[error(
        "patient database schema version {found} is newer than version {known}, the newest this \
         medplug knows: upgrade medplug to open it"
    )]
    SchemaTooNew {
        /// The database's `user_version`.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A migration step failed; the database stays at the version before it.
    #[error(
        "patient database migration to schema version {version} ({description}) failed: {source}"
    )]
    Migration {
        /// The version the step would have reached.
        version: i64,
        /// What the step does.
        description: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The database file cannot be opened.
    #[error("cannot open patient database {}: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A query failed.
    #[error("patient database failed to {operation}: {source}")]
    Database {
        /// What was being done (`read patient "HZ-0001"`).
        operation: String,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// PostgreSQL refused an operation on the store, or could not be reached.
    #[cfg(feature = "postgres")]
    #[error("patient database failed to {operation}: {source}")]
    Postgres {
        /// What was being done.
        operation: String,
        /// The server's or the client's error.
        source: crate::services::postgres::PostgresError,
    },
    /// A stored row holds a value no valid record has.
    #[error("patient database holds an invalid row for patient {patient_id}: {message}")]
    CorruptRow {
        /// The patient, quoted.
        patient_id: String,
        /// What is wrong.
        message: String,
    },
}

pub(super) use crate::ids::quote;

/// Wraps a SQLite error with what was being done.
pub(super) fn db(
    operation: impl Into<String>,
) -> impl FnOnce(rusqlite::Error) -> PatientStoreError {
    let operation = operation.into();
    move |source| PatientStoreError::Database { operation, source }
}
