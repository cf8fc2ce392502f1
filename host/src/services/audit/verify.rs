//! Verifying a trail's hash chain: [`SqliteAuditTrail::verify`] and [`verify_file`].

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::record::GENESIS_HASH;
use super::sqlite_trail::db;
use super::{AuditError, ChainedRecord, SqliteAuditTrail};

/// What [`SqliteAuditTrail::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// How many records, from record 1, were verified before the first break (all of them when
    /// the chain is intact).
    pub records: u64,
    /// The hash of the last verified record (64 zeros for none). When the chain is intact,
    /// anchor this value outside the database: a later verify must reach it again.
    pub head_hash: String,
    /// The first thing wrong, if any.
    pub first_break: Option<ChainBreak>,
}

impl VerifyReport {
    /// Whether the whole chain, head included, verified.
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

impl std::fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.first_break {
            None => write!(
                f,
                "{} records intact, head {}",
                self.records, self.head_hash
            ),
            Some(brk) => write!(f, "chain broken after {} good records: {brk}", self.records),
        }
    }
}

/// The first place a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The record concerned (for [`BreakKind::HeadMismatch`], the sequence the head names).
    pub sequence: u64,
    /// What kind of break.
    pub kind: BreakKind,
    /// What exactly is wrong, in words.
    pub detail: String,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (seq, detail) = (self.sequence, &self.detail);
        match self.kind {
            BreakKind::Edited => write!(f, "record {seq} was edited: {detail}"),
            BreakKind::Deleted => write!(f, "record {seq} is missing: {detail}"),
            BreakKind::Reordered => write!(f, "record {seq} is out of place: {detail}"),
            BreakKind::HeadMismatch => f.write_str(detail),
            BreakKind::Unreadable => write!(f, "record {seq} is unreadable: {detail}"),
        }
    }
}

/// The kinds of chain break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// A record's content, hash or columns were changed.
    Edited,
    /// A record is missing from the sequence.
    Deleted,
    /// A record sits at the wrong position.
    Reordered,
    /// The head row does not match the last record (typically: records deleted from the end).
    HeadMismatch,
    /// A record cannot be read at all.
    Unreadable,
}

impl std::fmt::Display for BreakKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Edited => "edited",
            Self::Deleted => "deleted",
            Self::Reordered => "reordered",
            Self::HeadMismatch => "head mismatch",
            Self::Unreadable => "unreadable",
        })
    }
}

/// Verifies the trail at `path` without creating anything: a missing file is an error naming
/// the path, and so is a database that is not an audit trail.
pub fn verify_file(path: impl AsRef<Path>) -> Result<VerifyReport, AuditError> {
    SqliteAuditTrail::open_existing(path.as_ref())?.verify()
}

impl SqliteAuditTrail {
    /// Walks the records in sequence order, checks each one and its link to the one before,
    /// then the head row, and reports the first break.
    ///
    /// For each record: its sequence must follow the previous one ([`BreakKind::Deleted`]);
    /// its JSON must parse ([`BreakKind::Unreadable`]) and name the same sequence
    /// ([`BreakKind::Reordered`]); its hash must match its content, its JSON must be canonical
    /// and its columns must match its JSON ([`BreakKind::Edited`]); its `prev_hash` must be the
    /// previous record's hash ([`BreakKind::Reordered`] when it is the hash of another record in
    /// the table, else [`BreakKind::Edited`]). Finally the head row must name the last record
    /// and its hash ([`BreakKind::HeadMismatch`]).
    ///
    /// Runs in one read transaction, so appends from other connections do not disturb it; the
    /// handle's own appends wait until it is done. A broken chain is a report, not an error;
    /// errors are for a database that cannot be read.
    pub fn verify(&self) -> Result<VerifyReport, AuditError> {
        let path = self.path();
        let mut conn = self.connection();
        let tx = conn.transaction().map_err(db(path))?;
        walk(&mut SqliteRows { conn: &tx, path })
    }
}

/// One row of `audit_records`, text columns `None` when they are not text.
pub(super) struct StoredRow {
    pub(super) sequence: i64,
    pub(super) time: Option<String>,
    pub(super) tenant: Option<String>,
    pub(super) plugin: Option<String>,
    pub(super) outcome: Option<String>,
    pub(super) prev_hash: Option<String>,
    pub(super) hash: Option<String>,
    pub(super) record: Option<String>,
}

/// The rows of a trail as [`walk`] reads them, from one consistent snapshot: the same checks
/// run on SQLite and PostgreSQL.
pub(super) trait ChainSource {
    /// Calls `each` with every row of `audit_records` in sequence order, until it returns
    /// `false`.
    fn rows(&mut self, each: &mut dyn FnMut(StoredRow) -> bool) -> Result<(), AuditError>;

    /// The sequence of a record other than `except` whose hash is `hash`, if any.
    fn sequence_with_hash(&mut self, hash: &str, except: i64) -> Result<Option<i64>, AuditError>;

    /// The head row's sequence and hash; `None` when the row is missing.
    fn head_row(&mut self) -> Result<Option<(i64, String)>, AuditError>;
}

/// Every column of every record, in sequence order.
pub(super) const SELECT_ROWS: &str = "SELECT sequence, time, tenant, plugin, outcome, prev_hash, \
                                      hash, record FROM audit_records ORDER BY sequence";

struct SqliteRows<'c> {
    conn: &'c Connection,
    path: &'c str,
}

impl SqliteRows<'_> {
    fn read(row: &Row<'_>) -> rusqlite::Result<StoredRow> {
        let text = |i| -> rusqlite::Result<Option<String>> {
            Ok(match row.get_ref(i)? {
                ValueRef::Text(bytes) => String::from_utf8(bytes.to_vec()).ok(),
                _ => None,
            })
        };
        Ok(StoredRow {
            sequence: row.get(0)?,
            time: text(1)?,
            tenant: text(2)?,
            plugin: text(3)?,
            outcome: text(4)?,
            prev_hash: text(5)?,
            hash: text(6)?,
            record: text(7)?,
        })
    }
}

impl ChainSource for SqliteRows<'_> {
    fn rows(&mut self, each: &mut dyn FnMut(StoredRow) -> bool) -> Result<(), AuditError> {
        let path = self.path;
        let mut stmt = self.conn.prepare(SELECT_ROWS).map_err(db(path))?;
        let mut rows = stmt.query([]).map_err(db(path))?;
        while let Some(row) = rows.next().map_err(db(path))? {
            if !each(Self::read(row).map_err(db(path))?) {
                break;
            }
        }
        Ok(())
    }

    fn sequence_with_hash(&mut self, hash: &str, except: i64) -> Result<Option<i64>, AuditError> {
        self.conn
            .query_row(
                "SELECT sequence FROM audit_records WHERE hash = ?1 AND sequence <> ?2 LIMIT 1",
                params![hash, except],
                |r| r.get(0),
            )
            .optional()
            .map_err(db(self.path))
    }

    fn head_row(&mut self) -> Result<Option<(i64, String)>, AuditError> {
        self.conn
            .query_row(
                "SELECT sequence, hash FROM audit_head WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(db(self.path))
    }
}

/// What one row is, checked on its own and against the one before.
enum Step {
    /// A good record, with its hash.
    Good(String),
    /// The first break.
    Break(ChainBreak),
    /// A good record whose `prev_hash` is not the previous record's hash: whether that hash is
    /// another record's tells a reorder from an edit (asked once the walk has stopped).
    WrongLink {
        sequence: u64,
        row_sequence: i64,
        prev_hash: String,
    },
}

/// Checks every row of `source`, then its head row: the report of [`SqliteAuditTrail::verify`].
pub(super) fn walk(source: &mut dyn ChainSource) -> Result<VerifyReport, AuditError> {
    let mut records = 0;
    let mut head_hash = GENESIS_HASH.to_owned();
    let mut stop: Option<Result<Step, AuditError>> = None;
    source.rows(&mut |row| match check(&row, records, &head_hash) {
        Ok(Step::Good(hash)) => {
            records += 1;
            head_hash = hash;
            true
        }
        other => {
            stop = Some(other);
            false
        }
    })?;
    let first_break = match stop.transpose()? {
        None | Some(Step::Good(_)) => None,
        Some(Step::Break(brk)) => Some(brk),
        Some(Step::WrongLink {
            sequence,
            row_sequence,
            prev_hash,
        }) => Some(wrong_link(
            source.sequence_with_hash(&prev_hash, row_sequence)?,
            sequence,
            records,
        )),
    };
    if first_break.is_some() {
        return Ok(VerifyReport {
            records,
            head_hash,
            first_break,
        });
    }
    let Some((head_sequence, head_row_hash)) = source.head_row()? else {
        let detail = format!("the head row is missing, the table has {records} records");
        let sequence = records;
        return Ok(VerifyReport {
            records,
            head_hash,
            first_break: Some(ChainBreak {
                sequence,
                kind: BreakKind::HeadMismatch,
                detail,
            }),
        });
    };
    let first_break = if u64::try_from(head_sequence) != Ok(records) || head_row_hash != head_hash {
        let said = format!(
            "the head says {head_sequence} records ending in {}",
            short(&head_row_hash)
        );
        let detail = if u64::try_from(head_sequence) == Ok(records) {
            format!(
                "{said}, but record {records} has hash {}",
                short(&head_hash)
            )
        } else {
            format!("{said}, the table has {records}")
        };
        Some(ChainBreak {
            sequence: u64::try_from(head_sequence).unwrap_or(0),
            kind: BreakKind::HeadMismatch,
            detail,
        })
    } else {
        None
    };
    Ok(VerifyReport {
        records,
        head_hash,
        first_break,
    })
}

/// The first 8 characters of a hash, then `…`.
fn short(hash: &str) -> String {
    let mut s: String = hash.chars().take(8).collect();
    s.push('…');
    s
}

/// Checks one row after `verified` good records ending in `prev`.
fn check(row: &StoredRow, verified: u64, prev: &str) -> Result<Step, AuditError> {
    let expected = verified + 1;
    let brk = |sequence, kind, detail: String| {
        Ok(Step::Break(ChainBreak {
            sequence,
            kind,
            detail,
        }))
    };
    let Ok(sequence) = u64::try_from(row.sequence) else {
        let detail = format!(
            "its row is numbered {}, and sequences start at 1",
            row.sequence
        );
        return brk(0, BreakKind::Reordered, detail);
    };
    if sequence != expected {
        if sequence < expected {
            let detail = "sequences start at 1".to_owned();
            return brk(sequence, BreakKind::Reordered, detail);
        }
        let detail = if verified == 0 {
            format!("the table starts at record {sequence}")
        } else {
            format!("record {verified} is followed by record {sequence}")
        };
        return brk(expected, BreakKind::Deleted, detail);
    }
    let Some(json) = &row.record else {
        return brk(
            sequence,
            BreakKind::Unreadable,
            "its record is not text".to_owned(),
        );
    };
    let record: ChainedRecord = match serde_json::from_str(json) {
        Ok(record) => record,
        Err(e) => return brk(sequence, BreakKind::Unreadable, format!("its json: {e}")),
    };
    if record.sequence != sequence {
        let detail = format!("it says it is record {}", record.sequence);
        return brk(sequence, BreakKind::Reordered, detail);
    }
    if record.compute_hash()? != record.hash {
        let detail = "its hash does not match its content".to_owned();
        return brk(sequence, BreakKind::Edited, detail);
    }
    if record.to_json()? != *json {
        let detail = "its stored json is not in canonical form".to_owned();
        return brk(sequence, BreakKind::Edited, detail);
    }
    let columns = [
        ("hash", &row.hash, record.hash.as_str()),
        ("prev_hash", &row.prev_hash, &record.prev_hash),
        ("time", &row.time, &record.record.time),
        ("tenant", &row.tenant, &record.record.tenant),
        ("plugin", &row.plugin, &record.record.plugin),
        ("outcome", &row.outcome, record.record.outcome.as_str()),
    ];
    for (name, column, content) in columns {
        if column.as_deref() != Some(content) {
            let detail = format!("its {name} column does not match its content");
            return brk(sequence, BreakKind::Edited, detail);
        }
    }
    if record.prev_hash != prev {
        return Ok(Step::WrongLink {
            sequence,
            row_sequence: row.sequence,
            prev_hash: record.prev_hash,
        });
    }
    Ok(Step::Good(record.hash))
}

/// The break of record `sequence`, after `verified` good records, whose `prev_hash` is the
/// hash of record `other` (or of none).
fn wrong_link(other: Option<i64>, sequence: u64, verified: u64) -> ChainBreak {
    let (kind, detail) = match other {
        Some(other) if verified == 0 => (
            BreakKind::Reordered,
            format!("it follows record {other}, but it comes first"),
        ),
        Some(other) => (
            BreakKind::Reordered,
            format!("it follows record {other}, not record {verified}"),
        ),
        None if verified == 0 => (
            BreakKind::Edited,
            "its prev_hash is not the genesis hash (64 zeros)".to_owned(),
        ),
        None => (
            BreakKind::Edited,
            format!(
                "its prev_hash is not the hash of record {verified} (one of the two was \
                 rewritten)"
            ),
        ),
    };
    ChainBreak {
        sequence,
        kind,
        detail,
    }
}
