//! [`SqliteAuditTrail`]: the durable, append-only, hash-chained audit trail.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior, ffi, params};

use super::group_commit::GroupCommit;

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
/// Appends are written in `BEGIN IMMEDIATE` transactions that read the head from the database,
/// insert each record chained to the one before and move the head one record at a time, so
/// several handles, in one process or several, can append to one file and still form one chain.
///
/// Group commit: appends that arrive on one handle while a transaction is being written wait,
/// and the next transaction writes them all, committed once (with [`Durability::Full`], one
/// fsync for the batch). An append returns its sequence only after the transaction holding its
/// record has committed; if the transaction fails, every append of the batch returns the error
/// and none of its records is in the trail. A process killed during an append loses at most the
/// batch that had not committed, whose appends had not returned.
pub struct SqliteAuditTrail {
    conn: Mutex<Connection>,
    /// `None`: one transaction per append (the path before group commit, kept for comparison).
    group: Option<GroupCommit>,
    /// Transactions committed by appends through this handle.
    commits: AtomicU64,
    path: String,
    durability: Durability,
}

impl std::fmt::Debug for SqliteAuditTrail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteAuditTrail")
            .field("path", &self.path)
            .field("durability", &self.durability)
            .field("group_commit", &self.group.is_some())
            .finish_non_exhaustive()
    }
}

/// Maps a SQLite error to an [`AuditError`] naming `path`: [`AuditError::Full`] for
/// `SQLITE_FULL`, [`AuditError::ReadOnly`] for `SQLITE_READONLY`, else [`AuditError::Database`].
pub(super) fn db(path: &str) -> impl FnOnce(rusqlite::Error) -> AuditError + '_ {
    move |source| {
        let path = path.to_owned();
        match source.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => AuditError::Full { path, source },
            Some(ErrorCode::ReadOnly) => AuditError::ReadOnly { path, source },
            _ => AuditError::Database { path, source },
        }
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
            group: Some(GroupCommit::default()),
            commits: AtomicU64::new(0),
            path,
            durability,
        })
    }

    /// This handle without group commit: one transaction, so one fsync, per append. For
    /// measuring group commit against it; not for production.
    #[doc(hidden)]
    #[must_use]
    pub fn one_commit_per_append(mut self) -> Self {
        self.group = None;
        self
    }

    /// How many transactions this handle's appends have committed (with group commit, fewer
    /// than its appends under concurrency).
    #[doc(hidden)]
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Caps the database at `pages` pages (SQLite's `max_page_count`, never below its size),
    /// for this handle; returns the cap in force. Fault injection: a cap at the database's size
    /// makes an append that needs a new page fail as on a full disk.
    #[doc(hidden)]
    pub fn set_max_page_count(&self, pages: u64) -> Result<u64, AuditError> {
        let conn = self.connection();
        conn.pragma_update_and_check(None, "max_page_count", pages, |row| row.get::<_, i64>(0))
            .map(i64::unsigned_abs)
            .map_err(db(&self.path))
    }

    /// Makes this handle's connection refuse to write (SQLite's `query_only`), or write again.
    /// Fault injection for a read-only trail, which file permissions cannot give a test that
    /// runs as root.
    #[doc(hidden)]
    pub fn set_query_only(&self, on: bool) -> Result<(), AuditError> {
        self.connection()
            .pragma_update(None, "query_only", on)
            .map_err(db(&self.path))
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

    /// The hash of the record at `sequence`, if there is one.
    pub fn hash_at(&self, sequence: u64) -> Result<Option<String>, AuditError> {
        use rusqlite::OptionalExtension;
        self.connection()
            .query_row(
                "SELECT hash FROM audit_records WHERE sequence = ?1",
                [i64::try_from(sequence).unwrap_or(i64::MAX)],
                |row| row.get(0),
            )
            .optional()
            .map_err(db(&self.path))
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

impl SqliteAuditTrail {
    /// Writes `records` in one transaction, in order, each chained to the one before and the
    /// head moved one record at a time (the `audit_head_forward_only` trigger allows no more);
    /// returns the first one's sequence. Any error rolls the whole transaction back.
    fn write_batch(&self, records: &[AuditRecord]) -> Result<u64, AuditError> {
        let path = self.path.as_str();
        let mut conn = self.connection();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db(path))?;
        let (head, mut prev_hash) = read_head(&tx, path)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO audit_records \
                     (sequence, time, tenant, plugin, outcome, prev_hash, hash, record) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(db(path))?;
            let mut update = tx
                .prepare_cached("UPDATE audit_head SET sequence = ?1, hash = ?2 WHERE id = 1")
                .map_err(db(path))?;
            for (sequence, record) in (head + 1..).zip(records) {
                let canonical = canonical_bytes(sequence, &prev_hash, record)?;
                let hash = sha256_hex(&canonical);
                let json = with_hash(canonical, &hash, path)?;
                insert
                    .execute(params![
                        sequence,
                        record.time,
                        record.tenant,
                        record.plugin,
                        record.outcome.as_str(),
                        prev_hash,
                        hash,
                        json,
                    ])
                    .map_err(db(path))?;
                update.execute(params![sequence, hash]).map_err(db(path))?;
                prev_hash = hash;
            }
        }
        // Dropping an unfinished transaction (every `?` above) rolls it back.
        tx.commit().map_err(db(path))?;
        self.commits.fetch_add(1, Ordering::Relaxed);
        Ok(head + 1)
    }
}

impl AuditSink for SqliteAuditTrail {
    /// Takes the database's write lock, writes a probe row and rolls it back: the file is there,
    /// not held by another writer past the busy timeout, and writable — a read-only file,
    /// directory or connection answers [`AuditError::ReadOnly`], and a database at its page
    /// limit (`max_page_count`) [`AuditError::Full`]. A disk that is full is only seen by the
    /// write that needs the space.
    fn check_writable(&self) -> Result<(), AuditError> {
        let path = self.path.as_str();
        let mut conn = self.connection();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db(path))?;
        let (head, _) = read_head(&tx, path)?;
        let pages = |pragma| tx.pragma_query_value(None, pragma, |row| row.get::<_, i64>(0));
        let (used, limit) = (
            pages("page_count").map_err(db(path))?,
            pages("max_page_count").map_err(db(path))?,
        );
        if used >= limit {
            return Err(AuditError::Full {
                path: path.to_owned(),
                source: rusqlite::Error::SqliteFailure(
                    ffi::Error::new(ffi::SQLITE_FULL),
                    Some(format!(
                        "{used} pages of at most {limit}: no page left to grow into"
                    )),
                ),
            });
        }
        tx.execute(
            "INSERT INTO audit_records VALUES (?1, '', '', '', '', '', '', '')",
            [head + 1],
        )
        .map_err(db(path))?;
        tx.rollback().map_err(db(path))
    }

    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        match &self.group {
            Some(group) => group.append(&self.path, record, |batch| self.write_batch(batch)),
            None => self.write_batch(std::slice::from_ref(record)),
        }
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
