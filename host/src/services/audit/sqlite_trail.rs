//! [`SqliteAuditTrail`]: the durable, append-only, hash-chained audit trail.

use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};

use super::record::{canonical_bytes, sha256_hex};
use super::{AuditError, AuditRecord, AuditSink, ChainedRecord};

/// The schema version this build writes and reads (SQLite's `PRAGMA user_version`).
pub const SCHEMA_VERSION: i32 = 1;

/// How long an append waits for another connection (or process) holding the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Schema version 1. `STRICT` keeps every column the type it says.
const SCHEMA: &str = "
CREATE TABLE audit_records (
    sequence INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    tenant TEXT NOT NULL,
    plugin TEXT NOT NULL,
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    record TEXT NOT NULL
) STRICT;
CREATE INDEX audit_records_tenant_time ON audit_records (tenant, time);
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward, one record at a time'); END;
INSERT INTO audit_head (id, sequence, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
PRAGMA user_version = 1;
";

/// How hard each append works to survive a crash. The database runs in WAL mode either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: every append is fsynced before it returns, so a committed record
    /// survives power loss and an operating-system crash.
    #[default]
    Full,
    /// `synchronous=NORMAL`: a committed record survives the process crashing or being killed,
    /// but the last appends before a power loss may be lost (the chain stays verifiable).
    Normal,
}

impl Durability {
    fn synchronous(self) -> &'static str {
        match self {
            Self::Full => "FULL",
            Self::Normal => "NORMAL",
        }
    }
}

/// The durable audit trail: a SQLite database, append-only, each record chained to the one before
/// by SHA-256 (see the [module documentation](super) for the exact rule).
///
/// Each [`append`](AuditSink::append) is one `BEGIN IMMEDIATE` transaction that reads the head
/// from the database, inserts the record and moves the head, so several handles, in one process
/// or several, can append to one file and still form one chain. A process killed during an
/// append loses at most that uncommitted append.
pub struct SqliteAuditTrail {
    conn: Mutex<Connection>,
    path: String,
    durability: Durability,
}

impl std::fmt::Debug for SqliteAuditTrail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteAuditTrail")
            .field("path", &self.path)
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}

/// Maps a SQLite error to [`AuditError::Database`] naming `path`.
pub(super) fn db(path: &str) -> impl FnOnce(rusqlite::Error) -> AuditError + '_ {
    move |source| AuditError::Database {
        path: path.to_owned(),
        source,
    }
}

impl SqliteAuditTrail {
    /// Opens the trail at `path` with [`Durability::Full`], creating the file and its schema if
    /// absent.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AuditError> {
        Self::open_with(path, Durability::Full)
    }

    /// Opens the trail at `path`, creating the file and its schema if absent.
    ///
    /// Fails with [`AuditError::NewerSchema`] on a database from a newer build, and with
    /// [`AuditError::Corrupt`] on a SQLite database that holds other tables.
    pub fn open_with(path: impl AsRef<Path>, durability: Durability) -> Result<Self, AuditError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let conn = Connection::open(path).map_err(db(&name))?;
        Self::init(conn, name, durability, true)
    }

    /// A trail in memory, for tests: chained and verifiable, gone when dropped.
    pub fn in_memory() -> Result<Self, AuditError> {
        let name = ":memory:".to_owned();
        let conn = Connection::open_in_memory().map_err(db(&name))?;
        Self::init(conn, name, Durability::Full, true)
    }

    /// Opens an existing trail without creating anything: for verifying.
    pub(super) fn open_existing(path: &Path) -> Result<Self, AuditError> {
        let name = path.display().to_string();
        if !path.is_file() {
            return Err(AuditError::Missing { path: name });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(db(&name))?;
        Self::init(conn, name, Durability::Full, false)
    }

    fn init(
        mut conn: Connection,
        path: String,
        durability: Durability,
        create: bool,
    ) -> Result<Self, AuditError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db(&path))?;
        enable_wal(&conn, &path)?;
        conn.pragma_update(None, "synchronous", durability.synchronous())
            .map_err(db(&path))?;
        let behavior = if create {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        };
        let tx = conn
            .transaction_with_behavior(behavior)
            .map_err(db(&path))?;
        let found: i32 = tx
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(db(&path))?;
        if found > SCHEMA_VERSION {
            return Err(AuditError::NewerSchema {
                path,
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            let tables: i64 = tx
                .query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
                    [],
                    |row| row.get(0),
                )
                .map_err(db(&path))?;
            if !create || tables > 0 {
                let detail = format!(
                    "it is not an audit trail: schema version {found} with {tables} other objects"
                );
                return Err(AuditError::Corrupt { path, detail });
            }
            tx.execute_batch(SCHEMA).map_err(db(&path))?;
        }
        tx.commit().map_err(db(&path))?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
            durability,
        })
    }

    /// The database file (`:memory:` for an in-memory trail).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The durability this handle appends with.
    pub fn durability(&self) -> Durability {
        self.durability
    }

    /// The connection. A panic during a transaction rolls it back, so a poisoned lock is safe.
    pub(super) fn connection(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The head: the sequence and hash of the last record appended (0 and 64 zeros when empty).
    pub fn head(&self) -> Result<(u64, String), AuditError> {
        read_head(&self.connection(), &self.path)
    }

    /// How many records the trail holds.
    pub fn count(&self) -> Result<u64, AuditError> {
        let count: i64 = self
            .connection()
            .query_row("SELECT count(*) FROM audit_records", [], |row| row.get(0))
            .map_err(db(&self.path))?;
        Ok(count.unsigned_abs())
    }

    /// All records, in sequence order. Fails with [`AuditError::Corrupt`] on a record whose JSON
    /// does not parse; [`verify`](Self::verify) says more.
    pub fn records(&self) -> Result<Vec<ChainedRecord>, AuditError> {
        let conn = self.connection();
        let mut stmt = conn
            .prepare("SELECT sequence, record FROM audit_records ORDER BY sequence")
            .map_err(db(&self.path))?;
        let mut rows = stmt.query([]).map_err(db(&self.path))?;
        let mut records = Vec::new();
        while let Some(row) = rows.next().map_err(db(&self.path))? {
            let sequence: i64 = row.get(0).map_err(db(&self.path))?;
            let json: String = row.get(1).map_err(db(&self.path))?;
            let record = serde_json::from_str(&json).map_err(|e| AuditError::Corrupt {
                path: self.path.clone(),
                detail: format!("record {sequence} is unreadable: {e}"),
            })?;
            records.push(record);
        }
        Ok(records)
    }

    /// Writes every record as JSON lines, in sequence order: each line is the stored JSON of one
    /// [`ChainedRecord`], byte for byte, then `\n`. Returns how many records were written.
    ///
    /// The export is one consistent snapshot even while other handles append.
    pub fn export(&self, out: &mut impl Write) -> Result<u64, AuditError> {
        let conn = self.connection();
        let mut stmt = conn
            .prepare("SELECT sequence, record FROM audit_records ORDER BY sequence")
            .map_err(db(&self.path))?;
        let mut rows = stmt.query([]).map_err(db(&self.path))?;
        let mut count = 0;
        while let Some(row) = rows.next().map_err(db(&self.path))? {
            let sequence: i64 = row.get(0).map_err(db(&self.path))?;
            let json: String = row.get(1).map_err(db(&self.path))?;
            if json.contains(['\n', '\r']) {
                return Err(AuditError::Corrupt {
                    path: self.path.clone(),
                    detail: format!("record {sequence} holds a line break outside a string"),
                });
            }
            out.write_all(json.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|source| AuditError::Io {
                    path: self.path.clone(),
                    source,
                })?;
            count += 1;
        }
        Ok(count)
    }
}

/// Reads the head row.
fn read_head(conn: &Connection, path: &str) -> Result<(u64, String), AuditError> {
    let (sequence, hash): (i64, String) = conn
        .prepare_cached("SELECT sequence, hash FROM audit_head WHERE id = 1")
        .and_then(|mut head| head.query_row([], |row| Ok((row.get(0)?, row.get(1)?))))
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => AuditError::Corrupt {
                path: path.to_owned(),
                detail: "the audit head row is missing".to_owned(),
            },
            source => db(path)(source),
        })?;
    let sequence = u64::try_from(sequence).map_err(|_| AuditError::Corrupt {
        path: path.to_owned(),
        detail: format!("the audit head says {sequence} records"),
    })?;
    Ok((sequence, hash))
}

impl AuditSink for SqliteAuditTrail {
    /// Takes the database's write lock and gives it back at once: the file is there, writable,
    /// and not held by another writer past the busy timeout.
    fn check_writable(&self) -> Result<(), AuditError> {
        let mut conn = self.connection();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db(&self.path))?;
        read_head(&tx, &self.path)?;
        tx.rollback().map_err(db(&self.path))
    }

    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        let mut conn = self.connection();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db(&self.path))?;
        let (head, prev_hash) = read_head(&tx, &self.path)?;
        let sequence = head + 1;
        let canonical = canonical_bytes(sequence, &prev_hash, record)?;
        let hash = sha256_hex(&canonical);
        let json = with_hash(canonical, &hash, &self.path)?;
        tx.prepare_cached(
            "INSERT INTO audit_records \
             (sequence, time, tenant, plugin, outcome, prev_hash, hash, record) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .and_then(|mut insert| {
            insert.execute(params![
                sequence,
                record.time,
                record.tenant,
                record.plugin,
                record.outcome.as_str(),
                prev_hash,
                hash,
                json,
            ])
        })
        .map_err(db(&self.path))?;
        tx.prepare_cached("UPDATE audit_head SET sequence = ?1, hash = ?2 WHERE id = 1")
            .and_then(|mut update| update.execute(params![sequence, hash]))
            .map_err(db(&self.path))?;
        tx.commit().map_err(db(&self.path))?;
        Ok(sequence)
    }
}

/// The stored JSON from the canonical bytes, which end with the empty hash (`"hash":""}`, the
/// last field): the hash goes between those quotes. One serialisation per append instead of two.
fn with_hash(canonical: Vec<u8>, hash: &str, path: &str) -> Result<String, AuditError> {
    const EMPTY_HASH_END: &[u8] = b"\"hash\":\"\"}";
    debug_assert!(canonical.ends_with(EMPTY_HASH_END));
    let mut json = canonical;
    json.truncate(json.len() - 2);
    json.extend_from_slice(hash.as_bytes());
    json.extend_from_slice(b"\"}");
    String::from_utf8(json).map_err(|_| AuditError::Corrupt {
        path: path.to_owned(),
        detail: "a record did not serialise to UTF-8".to_owned(),
    })
}

/// Puts the file in WAL mode (it stays so: the mode is stored in the file). Switching needs a
/// moment alone with the file and SQLite does not wait for it through the busy handler, so two
/// processes opening a new trail at once retry here until [`BUSY_TIMEOUT`].
fn enable_wal(conn: &Connection, path: &str) -> Result<(), AuditError> {
    let mode = |conn: &Connection| {
        conn.pragma_query_value(None, "journal_mode", |row| row.get::<_, String>(0))
    };
    // In memory, SQLite keeps journal_mode=memory.
    if matches!(mode(conn).map_err(db(path))?.as_str(), "wal" | "memory") {
        return Ok(());
    }
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
        {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(db(path)(e)),
        }
    }
}

#[cfg(test)]
mod tests;
