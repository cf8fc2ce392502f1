//! [`PostgresAuditTrail`]: the audit trail in PostgreSQL, one hash chain that several replicas
//! append to.
//!
//! # One chain, several writers
//!
//! The chain's end lives in one row, `audit_head`. An append's transaction first locks that row
//! (`SELECT … FOR UPDATE`), reads the sequence and hash it names, inserts its records chained to
//! them, moves the head to the last one and commits. Any other append — from this replica or
//! another — blocks on the row lock until that commit, and then (PostgreSQL re-reads a row
//! locked `FOR UPDATE` once its locker commits, even under `READ COMMITTED`) sees the new head.
//! So appends are serialised in the order they take the lock, each record's `prev_hash` is the
//! hash of the record committed just before it, and the sequences have no gaps. An append that
//! fails, or whose replica is killed before `COMMIT`, is rolled back with its lock released.
//!
//! The database enforces the rest, whoever writes: the primary key refuses a second record at a
//! sequence; triggers refuse `UPDATE`, `DELETE` and `TRUNCATE` on the records and on the head;
//! the head only moves forward, over records that exist, and must name the last one's hash.
//! Grants do what triggers cannot against the table's owner: the service's role should be
//! another role, given only [`PostgresAuditTrail::SERVICE_GRANTS`] (`medplug audit grant`).
//!
//! # Durability
//!
//! An append returns its sequence after `COMMIT` returned, which with `synchronous_commit = on`
//! (PostgreSQL's default) means the commit's WAL is flushed to disk. As on SQLite, appends that
//! arrive on one handle while a transaction is in flight are written together by the next one
//! ([group commit](super::group_commit)).

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use super::group_commit::GroupCommit;
use super::record::canonical_bytes;
use super::verify::{ChainSource, SELECT_ROWS, StoredRow, walk};
use super::{AuditError, AuditRecord, AuditSink, ChainedRecord, VerifyReport};
use crate::policy::PostgresUrl;
use crate::services::postgres::{self, Migration, OpenError, Pool, PostgresError};

/// The audit trail's schema version this build writes and reads (`medplug_schema`, component
/// `audit`).
pub const POSTGRES_SCHEMA_VERSION: i32 = 1;

/// The component name of the audit trail in `medplug_schema`.
const COMPONENT: &str = "audit";

/// The schema, by version. Columns as in SQLite; `record` is `TEXT`, never `jsonb`, which
/// would reorder keys and lose the canonical bytes the hash covers.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    description: "create the audit trail",
    sql: "
CREATE TABLE audit_records (
    sequence BIGINT PRIMARY KEY CHECK (sequence >= 1),
    time TEXT NOT NULL,
    tenant TEXT NOT NULL,
    plugin TEXT NOT NULL,
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX audit_records_tenant_time ON audit_records (tenant, time);
CREATE INDEX audit_records_hash ON audit_records (hash);
CREATE FUNCTION medplug_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_records_no_change BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION medplug_audit_append_only();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION medplug_audit_append_only();
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sequence BIGINT NOT NULL,
    hash TEXT NOT NULL
);
CREATE FUNCTION medplug_audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'the audit head cannot be deleted (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id <> OLD.id OR NEW.sequence <= OLD.sequence THEN
        RAISE EXCEPTION 'the audit head only moves forward'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (SELECT count(*) FROM audit_records
            WHERE sequence > OLD.sequence AND sequence <= NEW.sequence)
            <> NEW.sequence - OLD.sequence
        OR NOT EXISTS (SELECT 1 FROM audit_records
            WHERE sequence = NEW.sequence AND hash = NEW.hash) THEN
        RAISE EXCEPTION 'the audit head must move over appended records to the last one''s hash'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION medplug_audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION medplug_audit_head_forward_only();
INSERT INTO audit_head (id, sequence, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
REVOKE ALL ON audit_records, audit_head FROM PUBLIC;
-- Appends a batch after the head, in the caller's transaction: locks the head row, chains each
-- record (`tails[i]`: its canonical JSON after `prev_hash`, see write_batch) exactly as the
-- Rust code would (`verify` recomputes every hash in Rust), moves the head, returns the first
-- sequence. One round trip while the head is locked, instead of three.
CREATE FUNCTION medplug_audit_append(
    tails TEXT[], times TEXT[], tenants TEXT[], plugins TEXT[], outcomes TEXT[]
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    head_sequence BIGINT;
    head_hash TEXT;
    first_sequence BIGINT;
    canonical TEXT;
    record_hash TEXT;
BEGIN
    SELECT h.sequence, h.hash INTO head_sequence, head_hash
        FROM audit_head h WHERE h.id = 1 FOR UPDATE;
    first_sequence := head_sequence + 1;
    FOR i IN 1 .. coalesce(array_length(tails, 1), 0) LOOP
        head_sequence := head_sequence + 1;
        canonical := '{\"sequence\":' || head_sequence || ',\"prev_hash\":\"' || head_hash
            || '\",' || tails[i];
        record_hash := encode(sha256(convert_to(canonical, 'UTF8')), 'hex');
        INSERT INTO audit_records
            (sequence, time, tenant, plugin, outcome, prev_hash, hash, record)
            VALUES (head_sequence, times[i], tenants[i], plugins[i], outcomes[i], head_hash,
                    record_hash, left(canonical, -2) || record_hash || '\"}');
        head_hash := record_hash;
    END LOOP;
    UPDATE audit_head SET sequence = head_sequence, hash = head_hash WHERE id = 1;
    RETURN first_sequence;
END $$;
REVOKE ALL ON FUNCTION medplug_audit_append(TEXT[], TEXT[], TEXT[], TEXT[], TEXT[]) FROM PUBLIC;
",
}];

/// Connections per handle: one for the group commit's leader, one for a reader or a probe.
const POOL_SIZE: u32 = 2;

/// How long [`check_writable`](AuditSink::check_writable) waits for a connection.
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// The durable audit trail in PostgreSQL (see the [module documentation](self)).
pub struct PostgresAuditTrail {
    pool: Pool,
    /// `None`: one transaction per append (for measuring group commit against it).
    group: Option<GroupCommit>,
    commits: AtomicU64,
    url: PostgresUrl,
}

impl std::fmt::Debug for PostgresAuditTrail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresAuditTrail")
            .field("url", &self.url.as_str())
            .field("group_commit", &self.group.is_some())
            .finish_non_exhaustive()
    }
}

impl PostgresAuditTrail {
    /// The rights the service's role needs, and no more: read and append records, read and move
    /// the head, read the schema version. Granted by [`grant_service`](Self::grant_service).
    pub const SERVICE_GRANTS: &'static str = "GRANT SELECT ON medplug_schema TO {role};
GRANT SELECT, INSERT ON audit_records TO {role};
GRANT SELECT, UPDATE ON audit_head TO {role};
GRANT EXECUTE ON FUNCTION medplug_audit_append(TEXT[], TEXT[], TEXT[], TEXT[], TEXT[]) TO {role};";

    /// Connects to the database at `url` (password from `PGPASSWORD`) and creates the trail's
    /// schema if it has none. Fails with [`AuditError::NewerSchema`] on a schema from a newer
    /// build.
    pub fn connect(url: &PostgresUrl) -> Result<Self, AuditError> {
        Self::open(url, None, true)
    }

    /// [`connect`](Self::connect) with this password instead of `PGPASSWORD`'s (for embedders
    /// that keep it elsewhere, and tests).
    pub fn connect_with_password(url: &PostgresUrl, password: &str) -> Result<Self, AuditError> {
        Self::open(url, Some(password), true)
    }

    /// Connects to an existing trail without creating anything: for verifying and exporting.
    /// A database with no trail is [`AuditError::Missing`].
    pub fn connect_existing(url: &PostgresUrl) -> Result<Self, AuditError> {
        Self::open(url, None, false)
    }

    /// [`connect_existing`](Self::connect_existing) with this password.
    pub fn connect_existing_with_password(
        url: &PostgresUrl,
        password: &str,
    ) -> Result<Self, AuditError> {
        Self::open(url, Some(password), false)
    }

    fn open(url: &PostgresUrl, password: Option<&str>, create: bool) -> Result<Self, AuditError> {
        let pool = postgres::open_pool(
            url,
            password,
            POOL_SIZE,
            "medplug-audit",
            COMPONENT,
            MIGRATIONS,
            create,
        )
        .map_err(|e| match e {
            OpenError::Newer { found } => AuditError::NewerSchema {
                path: url.to_string(),
                found,
                supported: POSTGRES_SCHEMA_VERSION,
            },
            OpenError::Absent => AuditError::Missing {
                path: url.to_string(),
            },
            OpenError::Failed(source) => pg(url)(source),
        })?;
        Ok(Self {
            pool,
            group: Some(GroupCommit::default()),
            commits: AtomicU64::new(0),
            url: url.clone(),
        })
    }

    /// This handle without group commit: one transaction per append. For measuring group commit
    /// against it; not for production.
    #[doc(hidden)]
    #[must_use]
    pub fn one_commit_per_append(mut self) -> Self {
        self.group = None;
        self
    }

    /// How many transactions this handle's appends have committed.
    #[doc(hidden)]
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// The database's URL.
    pub fn url(&self) -> &PostgresUrl {
        &self.url
    }

    /// Grants `role` exactly [`SERVICE_GRANTS`](Self::SERVICE_GRANTS): run as the tables' owner
    /// once, so that the service connects as `role` and cannot change or delete a record even by
    /// dropping the triggers (only the owner may).
    pub fn grant_service(&self, role: &str) -> Result<(), AuditError> {
        let mut conn = self.conn()?;
        postgres::grant(&mut conn, Self::SERVICE_GRANTS, role).map_err(pg(&self.url))
    }

    fn conn(&self) -> Result<postgres::Connection, AuditError> {
        self.pool.get().map_err(|e| pg(&self.url)(e.into()))
    }

    fn err(&self) -> impl FnOnce(::postgres::Error) -> AuditError + '_ {
        move |e| pg(&self.url)(e.into())
    }

    /// The head: the sequence and hash of the last record appended (0 and 64 zeros when empty).
    pub fn head(&self) -> Result<(u64, String), AuditError> {
        let row = self
            .conn()?
            .query_opt("SELECT sequence, hash FROM audit_head WHERE id = 1", &[])
            .map_err(self.err())?;
        let Some(row) = row else {
            return Err(AuditError::Corrupt {
                path: self.url.to_string(),
                detail: "the audit head row is missing".to_owned(),
            });
        };
        let sequence: i64 = row.get(0);
        Ok((sequence.unsigned_abs(), row.get(1)))
    }

    /// How many records the trail holds.
    pub fn count(&self) -> Result<u64, AuditError> {
        let count: i64 = self
            .conn()?
            .query_one("SELECT count(*) FROM audit_records", &[])
            .map_err(self.err())?
            .get(0);
        Ok(count.unsigned_abs())
    }

    /// The hash of the record at `sequence`, if there is one.
    pub fn hash_at(&self, sequence: u64) -> Result<Option<String>, AuditError> {
        let sequence = i64::try_from(sequence).unwrap_or(i64::MAX);
        Ok(self
            .conn()?
            .query_opt(
                "SELECT hash FROM audit_records WHERE sequence = $1",
                &[&sequence],
            )
            .map_err(self.err())?
            .map(|row| row.get(0)))
    }

    /// Calls `each` with every record's stored JSON in sequence order, from one snapshot.
    fn each_json(
        &self,
        mut each: impl FnMut(i64, String) -> Result<(), AuditError>,
    ) -> Result<u64, AuditError> {
        let mut conn = self.conn()?;
        let mut tx = conn
            .build_transaction()
            .isolation_level(::postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(self.err())?;
        let mut rows = tx
            .query_raw(
                "SELECT sequence, record FROM audit_records ORDER BY sequence",
                std::iter::empty::<i64>(),
            )
            .map_err(self.err())?;
        let mut count = 0;
        while let Some(row) =
            ::postgres::fallible_iterator::FallibleIterator::next(&mut rows).map_err(self.err())?
        {
            each(row.get(0), row.get(1))?;
            count += 1;
        }
        Ok(count)
    }

    /// All records, in sequence order.
    pub fn records(&self) -> Result<Vec<ChainedRecord>, AuditError> {
        let mut records = Vec::new();
        self.each_json(|sequence, json| {
            records.push(
                serde_json::from_str(&json).map_err(|e| AuditError::Corrupt {
                    path: self.url.to_string(),
                    detail: format!("record {sequence} is unreadable: {e}"),
                })?,
            );
            Ok(())
        })?;
        Ok(records)
    }

    /// Writes every record as JSON lines in sequence order, each the stored JSON byte for byte,
    /// from one snapshot; returns how many.
    pub fn export(&self, out: &mut dyn Write) -> Result<u64, AuditError> {
        self.each_json(|sequence, json| {
            if json.contains(['\n', '\r']) {
                return Err(AuditError::Corrupt {
                    path: self.url.to_string(),
                    detail: format!("record {sequence} holds a line break outside a string"),
                });
            }
            out.write_all(json.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|source| AuditError::Io {
                    path: self.url.to_string(),
                    source,
                })
        })
    }

    /// Verifies the chain exactly as [`SqliteAuditTrail::verify`](super::SqliteAuditTrail::verify)
    /// does, in one `REPEATABLE READ` snapshot: appends by replicas meanwhile do not disturb it.
    pub fn verify(&self) -> Result<VerifyReport, AuditError> {
        let mut conn = self.conn()?;
        let tx = conn
            .build_transaction()
            .isolation_level(::postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(self.err())?;
        walk(&mut PostgresRows { tx, url: &self.url })
    }

    /// Writes `records` in one transaction chained after the head, locked for the transaction;
    /// returns the first one's sequence.
    fn write_batch(&self, records: &[AuditRecord]) -> Result<u64, AuditError> {
        let mut conn = self.conn()?;
        // A connection the server dropped while idle in the pool (a restart, a failover, an
        // administrator) fails at `BEGIN`, before anything that could commit was sent: mark it
        // for the pool to discard, and take another.
        let mut attempts = 1;
        while let Err(e) = conn.batch_execute("BEGIN") {
            if !postgres::is_dropped(&e) || attempts > POOL_SIZE {
                return Err(self.err()(e));
            }
            conn.broken = true;
            attempts += 1;
            drop(conn);
            conn = self.conn()?;
        }
        let tx = Begun {
            conn: &mut conn,
            open: true,
        };
        let mut columns = Columns::with_capacity(records.len());
        for record in records {
            columns.push(record, tail(record, self.url.as_str())?);
        }
        let first: i64 = tx
            .conn
            .query_one(
                "SELECT medplug_audit_append($1, $2, $3, $4, $5)",
                &[
                    &columns.tail,
                    &columns.time,
                    &columns.tenant,
                    &columns.plugin,
                    &columns.outcome,
                ],
            )
            .map_err(self.err())?
            .get(0);
        tx.commit().map_err(self.err())?;
        self.commits.fetch_add(1, Ordering::Relaxed);
        Ok(first.unsigned_abs())
    }
}

/// A transaction begun by hand (so that `BEGIN` can be retried on a fresh connection): dropped
/// without [`commit`](Self::commit) — every `?` of an append — it rolls back, so the pooled
/// connection goes back clean.
struct Begun<'c> {
    conn: &'c mut ::postgres::Client,
    open: bool,
}

impl Begun<'_> {
    fn commit(mut self) -> Result<(), ::postgres::Error> {
        // A failed COMMIT ends the transaction too (rolled back by the server).
        self.open = false;
        self.conn.batch_execute("COMMIT")
    }
}

impl Drop for Begun<'_> {
    fn drop(&mut self) {
        if self.open && !self.conn.is_closed() {
            let _ = self.conn.batch_execute("ROLLBACK");
        }
    }
}

/// A batch's columns, each an array (`medplug_audit_append` takes them so).
struct Columns {
    tail: Vec<String>,
    time: Vec<String>,
    tenant: Vec<String>,
    plugin: Vec<String>,
    outcome: Vec<&'static str>,
}

impl Columns {
    fn with_capacity(n: usize) -> Self {
        Self {
            tail: Vec::with_capacity(n),
            time: Vec::with_capacity(n),
            tenant: Vec::with_capacity(n),
            plugin: Vec::with_capacity(n),
            outcome: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, record: &AuditRecord, tail: String) {
        self.tail.push(tail);
        self.time.push(record.time.clone());
        self.tenant.push(record.tenant.clone());
        self.plugin.push(record.plugin.clone());
        self.outcome.push(record.outcome.as_str());
    }
}

/// What the canonical JSON of `record` holds after its `sequence` and `prev_hash` — every
/// other field, then `"hash":""}` — which `medplug_audit_append` prefixes with the two once it
/// holds the head. The canonical form is serde_json's compact form with `sequence` and
/// `prev_hash` first ([module documentation](super)), so the prefix of a record serialised at
/// sequence 0 after an empty hash is exactly `{"sequence":0,"prev_hash":"",`.
fn tail(record: &AuditRecord, path: &str) -> Result<String, AuditError> {
    const PREFIX: &[u8] = b"{\"sequence\":0,\"prev_hash\":\"\",";
    let mut canonical = canonical_bytes(0, "", record)?;
    if !canonical.starts_with(PREFIX) {
        return Err(AuditError::Corrupt {
            path: path.to_owned(),
            detail: "a record's canonical JSON does not start with its sequence and prev_hash"
                .to_owned(),
        });
    }
    // In place: the record's bytes are copied once, into the statement.
    canonical.drain(..PREFIX.len());
    String::from_utf8(canonical).map_err(|_| AuditError::Corrupt {
        path: path.to_owned(),
        detail: "a record did not serialise to UTF-8".to_owned(),
    })
}

/// Maps a PostgreSQL failure to an [`AuditError`] naming the database.
fn pg(url: &PostgresUrl) -> impl FnOnce(PostgresError) -> AuditError + '_ {
    move |source| AuditError::Postgres {
        location: url.to_string(),
        source,
    }
}

impl AuditSink for PostgresAuditTrail {
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        match &self.group {
            Some(group) => group.append(self.url.as_str(), record, |batch| self.write_batch(batch)),
            None => self.write_batch(std::slice::from_ref(record)),
        }
    }

    /// Reaches the server, and checks that this role may append: the server is not a read-only
    /// standby, the session is not read-only, and the role holds `INSERT` on the records and
    /// `UPDATE` on the head.
    fn check_writable(&self) -> Result<(), AuditError> {
        // A probe answers within seconds: it does not wait the pool's full connect timeout.
        let mut conn = self
            .pool
            .get_timeout(PROBE_TIMEOUT)
            .map_err(|e| pg(&self.url)(e.into()))?;
        let row = conn
            .query_one(
                "SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on', \
                 has_table_privilege('audit_records', 'INSERT') \
                 AND has_table_privilege('audit_head', 'UPDATE')",
                &[],
            )
            .map_err(|e| {
                conn.broken = postgres::is_dropped(&e);
                pg(&self.url)(e.into())
            })?;
        let (standby, read_only, granted): (bool, bool, bool) =
            (row.get(0), row.get(1), row.get(2));
        let refused = if standby {
            "the server is a read-only standby"
        } else if read_only {
            "the session is read-only"
        } else if !granted {
            "this role may not append (INSERT on audit_records, UPDATE on audit_head)"
        } else {
            return Ok(());
        };
        Err(pg(&self.url)(PostgresError {
            code: Some("25006".to_owned()),
            message: format!("cannot append: {refused}"),
        }))
    }
}

/// The rows of a trail in one read-only snapshot, for [`walk`].
struct PostgresRows<'u, 'c> {
    tx: ::postgres::Transaction<'c>,
    url: &'u PostgresUrl,
}

impl ChainSource for PostgresRows<'_, '_> {
    fn rows(&mut self, each: &mut dyn FnMut(StoredRow) -> bool) -> Result<(), AuditError> {
        let url = self.url;
        let mut rows = self
            .tx
            .query_raw(SELECT_ROWS, std::iter::empty::<i64>())
            .map_err(|e| pg(url)(e.into()))?;
        while let Some(row) = ::postgres::fallible_iterator::FallibleIterator::next(&mut rows)
            .map_err(|e| pg(url)(e.into()))?
        {
            let stored = StoredRow {
                sequence: row.get(0),
                time: row.get(1),
                tenant: row.get(2),
                plugin: row.get(3),
                outcome: row.get(4),
                prev_hash: row.get(5),
                hash: row.get(6),
                record: row.get(7),
            };
            if !each(stored) {
                break;
            }
        }
        Ok(())
    }

    fn sequence_with_hash(&mut self, hash: &str, except: i64) -> Result<Option<i64>, AuditError> {
        Ok(self
            .tx
            .query_opt(
                "SELECT sequence FROM audit_records WHERE hash = $1 AND sequence <> $2 LIMIT 1",
                &[&hash, &except],
            )
            .map_err(|e| pg(self.url)(e.into()))?
            .map(|row| row.get(0)))
    }

    fn head_row(&mut self) -> Result<Option<(i64, String)>, AuditError> {
        Ok(self
            .tx
            .query_opt("SELECT sequence, hash FROM audit_head WHERE id = 1", &[])
            .map_err(|e| pg(self.url)(e.into()))?
            .map(|row| (row.get(0), row.get(1))))
    }
}
