//! [`AuditTrail`]: a durable trail that can be read back and verified, whichever database holds
//! it, and [`open_trail`] / [`open_existing_trail`] to open one by its [`StoreLocation`].

use std::io::Write;

use super::{AuditError, AuditSink, ChainedRecord, SqliteAuditTrail, VerifyReport};
use crate::policy::StoreLocation;

/// A durable, hash-chained audit trail: what `medplug audit` and the checkpoints need of
/// SQLite's and PostgreSQL's alike.
pub trait AuditTrail: AuditSink {
    /// Where it is: a file's path or a database URL (which holds no password).
    fn location(&self) -> String;

    /// The head row: the sequence and hash of the last record (0 and 64 zeros when empty).
    fn head(&self) -> Result<(u64, String), AuditError>;

    /// How many records the trail holds.
    fn count(&self) -> Result<u64, AuditError>;

    /// The hash of the record at `sequence`, if there is one.
    fn hash_at(&self, sequence: u64) -> Result<Option<String>, AuditError>;

    /// All records, in sequence order.
    fn records(&self) -> Result<Vec<ChainedRecord>, AuditError>;

    /// Every record's stored JSON as one line, in sequence order; returns how many.
    fn export(&self, out: &mut dyn Write) -> Result<u64, AuditError>;

    /// Walks the chain and reports its first break (see
    /// [`SqliteAuditTrail::verify`](super::SqliteAuditTrail::verify)).
    fn verify(&self) -> Result<VerifyReport, AuditError>;
}

impl AuditTrail for SqliteAuditTrail {
    fn location(&self) -> String {
        self.path().to_owned()
    }

    fn head(&self) -> Result<(u64, String), AuditError> {
        SqliteAuditTrail::head(self)
    }

    fn count(&self) -> Result<u64, AuditError> {
        SqliteAuditTrail::count(self)
    }

    fn hash_at(&self, sequence: u64) -> Result<Option<String>, AuditError> {
        SqliteAuditTrail::hash_at(self, sequence)
    }

    fn records(&self) -> Result<Vec<ChainedRecord>, AuditError> {
        SqliteAuditTrail::records(self)
    }

    fn export(&self, mut out: &mut dyn Write) -> Result<u64, AuditError> {
        SqliteAuditTrail::export(self, &mut out)
    }

    fn verify(&self) -> Result<VerifyReport, AuditError> {
        SqliteAuditTrail::verify(self)
    }
}

#[cfg(feature = "postgres")]
impl AuditTrail for super::PostgresAuditTrail {
    fn location(&self) -> String {
        self.url().to_string()
    }

    fn head(&self) -> Result<(u64, String), AuditError> {
        super::PostgresAuditTrail::head(self)
    }

    fn count(&self) -> Result<u64, AuditError> {
        super::PostgresAuditTrail::count(self)
    }

    fn hash_at(&self, sequence: u64) -> Result<Option<String>, AuditError> {
        super::PostgresAuditTrail::hash_at(self, sequence)
    }

    fn records(&self) -> Result<Vec<ChainedRecord>, AuditError> {
        super::PostgresAuditTrail::records(self)
    }

    fn export(&self, out: &mut dyn Write) -> Result<u64, AuditError> {
        super::PostgresAuditTrail::export(self, out)
    }

    fn verify(&self) -> Result<VerifyReport, AuditError> {
        super::PostgresAuditTrail::verify(self)
    }
}

/// Opens the trail at `location`, creating it (the file, or the schema in the database) if
/// absent.
pub fn open_trail(location: &StoreLocation) -> Result<Box<dyn AuditTrail>, AuditError> {
    match location {
        StoreLocation::Sqlite(path) => Ok(Box::new(SqliteAuditTrail::open(path)?)),
        StoreLocation::Postgres(url) => postgres_trail(url, true),
    }
}

/// Opens the trail at `location` without creating anything: a missing file, or a database with
/// no trail, is [`AuditError::Missing`]. For verifying, exporting and checkpointing.
pub fn open_existing_trail(location: &StoreLocation) -> Result<Box<dyn AuditTrail>, AuditError> {
    match location {
        StoreLocation::Sqlite(path) => Ok(Box::new(SqliteAuditTrail::open_existing(path)?)),
        StoreLocation::Postgres(url) => postgres_trail(url, false),
    }
}

#[cfg(feature = "postgres")]
fn postgres_trail(
    url: &crate::policy::PostgresUrl,
    create: bool,
) -> Result<Box<dyn AuditTrail>, AuditError> {
    Ok(Box::new(if create {
        super::PostgresAuditTrail::connect(url)?
    } else {
        super::PostgresAuditTrail::connect_existing(url)?
    }))
}

#[cfg(not(feature = "postgres"))]
fn postgres_trail(
    url: &crate::policy::PostgresUrl,
    _create: bool,
) -> Result<Box<dyn AuditTrail>, AuditError> {
    Err(AuditError::Corrupt {
        path: url.to_string(),
        detail: "this build has no PostgreSQL support (medplug-host's `postgres` feature)"
            .to_owned(),
    })
}
