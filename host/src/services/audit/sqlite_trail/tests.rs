//! Tests of the SQLite trail: chaining, tampering, concurrency, crashes, export.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use super::*;
use crate::audit::{
    BreakKind, ChainBreak, GENESIS_HASH, HostCallRecord, Outcome, PluginEvent, verify_file,
};

fn record(n: u64) -> AuditRecord {
    AuditRecord {
        time: format!("2026-11-28T15:40:{:02}.345Z", n % 60),
        tenant: format!("clinic-{}", n % 2),
        actor: format!("dr-{n}"),
        plugin: "lgpd-analyzer".to_owned(),
        plugin_version: "1.2.0".to_owned(),
        module_sha256: "ab".repeat(32),
        function: "analyze".to_owned(),
        input_sha256: "cd".repeat(32),
        input_bytes: 1000 + n,
        outcome: if n.is_multiple_of(3) {
            Outcome::LimitExceeded
        } else {
            Outcome::Ok
        },
        error_kind: n.is_multiple_of(3).then(|| "timeout".to_owned()),
        duration_us: 1234 + n,
        fuel_used: Some(5000 * n),
        host_calls: vec![HostCallRecord {
            function: "kv_get".to_owned(),
            outcome: "ok".to_owned(),
        }],
        events: vec![PluginEvent {
            event: "finding".to_owned(),
            message: "3 achados".to_owned(),
        }],
        lifecycle: None,
        host_action: None,
    }
}

/// A trail file holding records 1..=n.
fn trail_with(n: u64) -> (TempDir, PathBuf, SqliteAuditTrail) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.db");
    let trail = SqliteAuditTrail::open_with(&path, Durability::Normal).unwrap();
    for i in 1..=n {
        assert_eq!(trail.append(&record(i)).unwrap(), i);
    }
    (dir, path, trail)
}

/// A raw connection to the file, triggers dropped, as an attacker would.
fn attacker(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete;
         DROP TRIGGER audit_head_forward_only;",
    )
    .unwrap();
    conn
}

fn stored(conn: &Connection, sequence: i64) -> (String, String) {
    conn.query_row(
        "SELECT record, hash FROM audit_records WHERE sequence = ?1",
        [sequence],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .unwrap()
}

fn first_break(trail: &SqliteAuditTrail) -> ChainBreak {
    let report = trail.verify().unwrap();
    report.first_break.expect("a chain break")
}

#[test]
fn appended_records_chain_and_verify() {
    let (_dir, path, trail) = trail_with(5);
    let report = trail.verify().unwrap();
    let records = trail.records().unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.records, 5);
    assert_eq!(report.head_hash, records[4].hash);
    assert_eq!(trail.head().unwrap(), (5, records[4].hash.clone()));
    assert_eq!(trail.count().unwrap(), 5);
    assert_eq!(records[0].prev_hash, GENESIS_HASH);
    for (i, pair) in records.windows(2).enumerate() {
        assert_eq!(pair[0].sequence, i as u64 + 1);
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert_eq!(pair[0].record, record(i as u64 + 1));
    }
    assert_eq!(verify_file(&path).unwrap(), report);
}

#[test]
fn an_empty_trail_verifies() {
    let trail = SqliteAuditTrail::in_memory().unwrap();
    let report = trail.verify().unwrap();
    assert_eq!(
        (report.records, report.head_hash.as_str()),
        (0, GENESIS_HASH)
    );
    assert!(report.is_intact());
}

#[test]
fn the_hash_follows_the_documented_rule() {
    let trail = SqliteAuditTrail::in_memory().unwrap();
    let record = AuditRecord {
        time: "2026-11-28T15:40:12.345Z".to_owned(),
        tenant: "clinic-a".to_owned(),
        actor: "dr-ana".to_owned(),
        plugin: "lgpd-analyzer".to_owned(),
        plugin_version: "1.2.0".to_owned(),
        module_sha256: "ab".repeat(32),
        function: "analyze".to_owned(),
        input_sha256: "cd".repeat(32),
        input_bytes: 1024,
        outcome: Outcome::LimitExceeded,
        error_kind: Some("timeout".to_owned()),
        duration_us: 2_000_000,
        fuel_used: None,
        host_calls: vec![HostCallRecord {
            function: "kv_get".to_owned(),
            outcome: "denied".to_owned(),
        }],
        events: vec![PluginEvent {
            event: "finding".to_owned(),
            message: "São Paulo: 3 achados\t✓".to_owned(),
        }],
        lifecycle: None,
        host_action: None,
    };
    trail.append(&record).unwrap();
    trail.append(&record).unwrap();
    let canonical = format!(
        r#"{{"sequence":1,"prev_hash":"{GENESIS_HASH}","time":"2026-11-28T15:40:12.345Z","tenant":"clinic-a","actor":"dr-ana","plugin":"lgpd-analyzer","plugin_version":"1.2.0","module_sha256":"{}","function":"analyze","input_sha256":"{}","input_bytes":1024,"outcome":"limit_exceeded","error_kind":"timeout","duration_us":2000000,"fuel_used":null,"host_calls":[{{"function":"kv_get","outcome":"denied"}}],"events":[{{"event":"finding","message":"São Paulo: 3 achados\t✓"}}],"hash":""}}"#,
        "ab".repeat(32),
        "cd".repeat(32),
    );
    let expected = hex::encode(Sha256::digest(canonical.as_bytes()));
    // The same value from Python's hashlib over the same text.
    assert_eq!(
        expected,
        "8249e87c1f71fd228074f4019a63d360393039338c93276728e45778e640173a"
    );
    let stored = trail.records().unwrap();
    assert_eq!(stored[0].hash, expected);
    assert_eq!(stored[1].prev_hash, expected);
    let mut export = Vec::new();
    trail.export(&mut export).unwrap();
    let first_line = String::from_utf8(export)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let with_hash = format!(r#""hash":"{expected}"}}"#);
    assert_eq!(first_line, canonical.replace(r#""hash":""}"#, &with_hash));
}

#[test]
fn an_edited_record_is_detected() {
    let (_dir, path, trail) = trail_with(5);
    let conn = attacker(&path);
    let (json, _) = stored(&conn, 3);
    let edited = json.replace(r#""actor":"dr-3""#, r#""actor":"dr-x""#);
    assert_ne!(edited, json);
    conn.execute(
        "UPDATE audit_records SET record = ?1 WHERE sequence = 3",
        [edited],
    )
    .unwrap();
    let brk = first_break(&trail);
    assert_eq!((brk.kind, brk.sequence), (BreakKind::Edited, 3));
    assert_eq!(
        brk.to_string(),
        "record 3 was edited: its hash does not match its content"
    );
    assert_eq!(trail.verify().unwrap().records, 2);
}

#[test]
fn an_edited_column_is_detected() {
    let (_dir, path, trail) = trail_with(5);
    attacker(&path)
        .execute(
            "UPDATE audit_records SET tenant = 'other' WHERE sequence = 4",
            [],
        )
        .unwrap();
    let brk = first_break(&trail);
    assert_eq!((brk.kind, brk.sequence), (BreakKind::Edited, 4));
    assert!(brk.to_string().contains("tenant column"), "{brk}");
}

#[test]
fn a_deleted_record_is_detected() {
    let (_dir, path, trail) = trail_with(5);
    attacker(&path)
        .execute("DELETE FROM audit_records WHERE sequence = 3", [])
        .unwrap();
    let brk = first_break(&trail);
    assert_eq!((brk.kind, brk.sequence), (BreakKind::Deleted, 3));
    assert_eq!(
        brk.to_string(),
        "record 3 is missing: record 2 is followed by record 4"
    );
}

#[test]
fn swapped_records_are_detected() {
    let (_dir, path, trail) = trail_with(5);
    let conn = attacker(&path);
    let (two, three) = (stored(&conn, 2), stored(&conn, 3));
    for (sequence, (json, hash)) in [(2, three), (3, two)] {
        conn.execute(
            "UPDATE audit_records SET record = ?1, hash = ?2 WHERE sequence = ?3",
            rusqlite::params![json, hash, sequence],
        )
        .unwrap();
    }
    let brk = first_break(&trail);
    assert_eq!((brk.kind, brk.sequence), (BreakKind::Reordered, 2));
    assert_eq!(
        brk.to_string(),
        "record 2 is out of place: it says it is record 3"
    );
}

#[test]
fn an_inserted_record_is_detected() {
    // The attacker inserts a forged record 3 chained to record 2, renumbers the old record 3
    // to 4 with a fresh hash of its own, and moves the head: the old record's prev_hash still
    // names record 2.
    let (_dir, path, trail) = trail_with(3);
    let records = trail.records().unwrap();
    let mut forged = ChainedRecord {
        sequence: 3,
        prev_hash: records[1].hash.clone(),
        record: record(99),
        hash: String::new(),
    };
    forged.hash = forged.compute_hash().unwrap();
    let mut moved = records[2].clone();
    moved.sequence = 4;
    moved.hash = moved.compute_hash().unwrap();
    let conn = attacker(&path);
    conn.execute("DELETE FROM audit_records WHERE sequence = 3", [])
        .unwrap();
    for r in [&forged, &moved] {
        conn.execute(
            "INSERT INTO audit_records VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                r.sequence,
                r.record.time,
                r.record.tenant,
                r.record.plugin,
                r.record.outcome.as_str(),
                r.prev_hash,
                r.hash,
                r.to_json().unwrap()
            ],
        )
        .unwrap();
    }
    conn.execute(
        "UPDATE audit_head SET sequence = 4, hash = ?1",
        [&moved.hash],
    )
    .unwrap();
    let brk = first_break(&trail);
    assert_eq!((brk.kind, brk.sequence), (BreakKind::Reordered, 4));
    assert_eq!(
        brk.to_string(),
        "record 4 is out of place: it follows record 2, not record 3"
    );
}

#[test]
fn a_record_deleted_from_the_end_is_detected_by_the_head() {
    let (_dir, path, trail) = trail_with(5);
    let anchored = trail.verify().unwrap().head_hash;
    let conn = attacker(&path);
    conn.execute("DELETE FROM audit_records WHERE sequence = 5", [])
        .unwrap();
    let report = trail.verify().unwrap();
    let brk = report.first_break.clone().unwrap();
    assert_eq!((brk.kind, brk.sequence), (BreakKind::HeadMismatch, 5));
    assert_eq!(
        brk.to_string(),
        format!(
            "the head says 5 records ending in {}…, the table has 4",
            &anchored[..8]
        )
    );
    assert_eq!(report.records, 4);

    // Forging the head too hides the deletion from the database alone, but not from a head
    // hash anchored outside it.
    let (_, hash4) = stored(&conn, 4);
    conn.execute("UPDATE audit_head SET sequence = 4, hash = ?1", [&hash4])
        .unwrap();
    let report = trail.verify().unwrap();
    assert!(report.is_intact());
    assert_ne!(report.head_hash, anchored);
}

#[test]
fn triggers_refuse_update_and_delete() {
    let (_dir, path, trail) = trail_with(2);
    let conn = Connection::open(&path).unwrap();
    for sql in [
        "UPDATE audit_records SET tenant = 'x' WHERE sequence = 1",
        "DELETE FROM audit_records WHERE sequence = 2",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(
            err.to_string().contains("audit records are append-only"),
            "{err}"
        );
    }
    let err = conn.execute("DELETE FROM audit_head", []).unwrap_err();
    assert!(err.to_string().contains("cannot be deleted"), "{err}");
    let err = conn
        .execute("UPDATE audit_head SET sequence = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("only moves forward"), "{err}");
    assert!(trail.verify().unwrap().is_intact());
}

#[test]
fn two_handles_on_one_file_form_one_chain() {
    let (_dir, path, a) = trail_with(0);
    let b = SqliteAuditTrail::open(&path).unwrap();
    for i in 1..=10_u64 {
        let sink = if i.is_multiple_of(2) { &a } else { &b };
        assert_eq!(sink.append(&record(i)).unwrap(), i);
    }
    assert_eq!(a.verify().unwrap().records, 10);
    assert!(b.verify().unwrap().is_intact());
}

#[test]
fn threads_sharing_one_handle_form_one_chain() {
    let (_dir, _path, trail) = trail_with(0);
    let trail = Arc::new(trail);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let trail = Arc::clone(&trail);
            std::thread::spawn(move || {
                for i in 0..25 {
                    trail.append(&record(t * 100 + i)).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let report = trail.verify().unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.records, 100);
}

#[test]
fn reopening_continues_the_chain() {
    let (_dir, path, trail) = trail_with(3);
    drop(trail);
    let trail = SqliteAuditTrail::open(&path).unwrap();
    assert_eq!(trail.append(&record(4)).unwrap(), 4);
    assert_eq!(trail.append(&record(5)).unwrap(), 5);
    let report = trail.verify().unwrap();
    assert!(report.is_intact() && report.records == 5, "{report}");
}

#[test]
fn export_writes_one_parseable_line_per_record() {
    let (_dir, _path, trail) = trail_with(7);
    let mut out = Vec::new();
    assert_eq!(trail.export(&mut out).unwrap(), 7);
    let text = String::from_utf8(out).unwrap();
    assert!(text.ends_with('\n'));
    let parsed: Vec<ChainedRecord> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(parsed, trail.records().unwrap());
}

#[test]
fn newer_and_foreign_databases_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let newer = dir.path().join("newer.db");
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 2)
        .unwrap();
    let err = SqliteAuditTrail::open(&newer).unwrap_err();
    assert!(
        matches!(
            err,
            AuditError::NewerSchema {
                found: 2,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("newer.db has schema version 2"),
        "{err}"
    );

    let foreign = dir.path().join("foreign.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE patients (name TEXT)")
        .unwrap();
    let err = SqliteAuditTrail::open(&foreign).unwrap_err();
    assert!(err.to_string().contains("is not an audit trail"), "{err}");
    assert!(verify_file(&foreign).is_err());
}

#[test]
fn verify_file_does_not_create_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.db");
    let err = verify_file(&path).unwrap_err();
    assert!(matches!(err, AuditError::Missing { .. }), "{err:?}");
    assert!(
        err.to_string().contains("nowhere.db does not exist"),
        "{err}"
    );
    assert!(!path.exists());
}

#[test]
fn the_trail_is_send_and_sync() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<SqliteAuditTrail>();
    let sink: Box<dyn AuditSink> = Box::new(SqliteAuditTrail::in_memory().unwrap());
    assert_eq!(sink.append(&record(1)).unwrap(), 1);
}

const CRASH_CHILD: &str = "MEDPLUG_AUDIT_CRASH_CHILD";

/// Not a test on its own: the body of the process `a_killed_appender_leaves_a_verifiable_chain`
/// kills. Does nothing unless that test started it.
#[test]
fn crash_child() {
    let Some(path) = std::env::var_os(CRASH_CHILD) else {
        return;
    };
    let trail = SqliteAuditTrail::open_with(path, Durability::Normal).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    for n in 0.. {
        trail.append(&record(n)).unwrap();
        assert!(Instant::now() < deadline, "never killed");
    }
}

#[test]
fn a_killed_appender_leaves_a_verifiable_chain() {
    let (_dir, path, trail) = trail_with(1);
    let (_, module) = module_path!().split_once("::").unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &format!("{module}::crash_child"),
            "--test-threads=1",
        ])
        .env(CRASH_CHILD, &path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while trail.count().unwrap() < 200 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child exited early"
        );
        assert!(Instant::now() < deadline, "the child appends nothing");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let report = verify_file(&path).unwrap();
    assert!(report.is_intact(), "{report}");
    assert!(report.records >= 200, "{report}");
    assert_eq!(trail.append(&record(0)).unwrap(), report.records + 1);
}

/// `callers` threads appending `record(first + i)` to `trail` at once while the test holds the
/// connection: the first becomes the leader and waits for the connection, the others queue
/// behind it. Returns the threads once all are in place; the batch goes when the test lets the
/// connection go.
fn queued_appends(
    trail: &Arc<SqliteAuditTrail>,
    callers: u64,
    first: u64,
) -> Vec<std::thread::JoinHandle<(u64, Result<u64, AuditError>)>> {
    let threads: Vec<_> = (first..first + callers)
        .map(|n| {
            let trail = Arc::clone(trail);
            std::thread::spawn(move || (n, trail.append(&record(n))))
        })
        .collect();
    let group = trail.group.as_ref().expect("group commit");
    let deadline = Instant::now() + Duration::from_secs(30);
    while group.state() != (usize::try_from(callers).unwrap() - 1, true) {
        assert!(Instant::now() < deadline, "queue: {:?}", group.state());
        std::thread::sleep(Duration::from_millis(1));
    }
    threads
}

#[test]
fn concurrent_appends_share_one_commit_and_each_gets_its_own_sequence() {
    let (_dir, path, trail) = trail_with(0);
    let trail = Arc::new(trail);
    let held = trail.connection();
    let threads = queued_appends(&trail, 8, 100);
    drop(held);
    let mut sequences: Vec<(u64, u64)> = threads
        .into_iter()
        .map(|t| {
            let (n, appended) = t.join().unwrap();
            (appended.unwrap(), n)
        })
        .collect();
    sequences.sort_unstable();
    // The leader's record alone, then the seven that queued behind it in one transaction.
    assert_eq!(trail.commits(), 2);
    let records = trail.records().unwrap();
    assert_eq!(records.len(), 8);
    for (sequence, n) in &sequences {
        let stored = &records[usize::try_from(*sequence).unwrap() - 1];
        assert_eq!((stored.sequence, &stored.record), (*sequence, &record(*n)));
    }
    let report = verify_file(&path).unwrap();
    assert!(report.is_intact() && report.records == 8, "{report}");
    assert_eq!(trail.append(&record(200)).unwrap(), 9);
}

#[test]
fn threads_on_two_handles_with_group_commit_form_one_chain() {
    let (_dir, path, _trail) = trail_with(0);
    let handles = [
        Arc::new(SqliteAuditTrail::open(&path).unwrap()),
        Arc::new(SqliteAuditTrail::open(&path).unwrap()),
    ];
    let threads: Vec<_> = (0..8_u64)
        .map(|t| {
            let trail = Arc::clone(&handles[usize::try_from(t % 2).unwrap()]);
            std::thread::spawn(move || {
                (0..20)
                    .map(|i| (trail.append(&record(t * 100 + i)).unwrap(), t * 100 + i))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut appended: Vec<(u64, u64)> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    appended.sort_unstable();
    let sequences: Vec<u64> = appended.iter().map(|(s, _)| *s).collect();
    assert_eq!(sequences, (1..=160).collect::<Vec<_>>());
    let records = handles[0].records().unwrap();
    for ((_, n), stored) in appended.iter().zip(&records) {
        assert_eq!(stored.record, record(*n));
    }
    let report = verify_file(&path).unwrap();
    assert!(report.is_intact() && report.records == 160, "{report}");
    let commits = handles[0].commits() + handles[1].commits();
    assert!(commits <= 160, "{commits}");
}

#[test]
fn one_commit_per_append_still_chains() {
    let (_dir, path, trail) = trail_with(2);
    drop(trail);
    let trail = Arc::new(
        SqliteAuditTrail::open(&path)
            .unwrap()
            .one_commit_per_append(),
    );
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let trail = Arc::clone(&trail);
            std::thread::spawn(move || {
                for i in 0..10 {
                    trail.append(&record(t * 100 + i)).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(trail.commits(), 40);
    let report = verify_file(&path).unwrap();
    assert!(report.is_intact() && report.records == 42, "{report}");
}

#[test]
fn a_read_only_trail_fails_every_append_of_the_batch_and_keeps_nothing() {
    let (_dir, path, trail) = trail_with(3);
    let trail = Arc::new(trail);
    let commits = trail.commits();
    let held = trail.connection();
    let threads = queued_appends(&trail, 8, 10);
    // Root ignores file modes: SQLite's query_only refuses the writes instead.
    held.pragma_update(None, "query_only", true).unwrap();
    drop(held);
    for thread in threads {
        let (n, appended) = thread.join().unwrap();
        let err = appended.unwrap_err();
        assert!(matches!(err, AuditError::ReadOnly { .. }), "{n}: {err:?}");
        assert!(
            err.to_string()
                .ends_with("is read-only: nothing was written"),
            "{err}"
        );
    }
    let err = trail.check_writable().unwrap_err();
    assert!(matches!(err, AuditError::ReadOnly { .. }), "{err:?}");
    assert_eq!(trail.commits(), commits);
    let report = verify_file(&path).unwrap();
    assert!(report.is_intact() && report.records == 3, "{report}");

    trail.set_query_only(false).unwrap();
    trail.check_writable().unwrap();
    assert_eq!(trail.append(&record(4)).unwrap(), 4);
    let report = verify_file(&path).unwrap();
    assert!(report.is_intact() && report.records == 4, "{report}");
}

#[test]
fn a_full_trail_fails_the_batch_whole_and_continues_the_chain_once_there_is_room() {
    let (_dir, path, trail) = trail_with(3);
    let trail = Arc::new(trail);
    let size = trail.set_max_page_count(1).unwrap();
    assert!(size > 1, "{size}");
    let err = trail.check_writable().unwrap_err();
    assert!(matches!(err, AuditError::Full { .. }), "{err:?}");
    assert!(err.to_string().contains("is full"), "{err}");

    // Seven records need more than what is left of the last pages: the batch of seven fails
    // whole, even if some of its first records fit. The leader's own record may fit alone.
    let held = trail.connection();
    let threads = queued_appends(&trail, 8, 10);
    drop(held);
    let (mut appended, mut full) = (Vec::new(), 0);
    for thread in threads {
        match thread.join().unwrap() {
            (n, Ok(sequence)) => appended.push((sequence, n)),
            (_, Err(AuditError::Full { .. })) => full += 1,
            (n, Err(e)) => panic!("{n}: {e:?}"),
        }
    }
    assert!(full >= 7, "{full} full, appended {appended:?}");
    let records = trail.records().unwrap();
    assert_eq!(records.len(), 3 + appended.len());
    for (sequence, n) in &appended {
        assert_eq!(
            records[usize::try_from(*sequence).unwrap() - 1].record,
            record(*n)
        );
    }
    let report = verify_file(&path).unwrap();
    assert!(report.is_intact(), "{report}");

    // Space again: the chain goes on from where it stopped.
    trail.set_max_page_count(1 << 30).unwrap();
    trail.check_writable().unwrap();
    let next = u64::try_from(records.len()).unwrap() + 1;
    assert_eq!(trail.append(&record(50)).unwrap(), next);
    let report = verify_file(&path).unwrap();
    assert!(report.is_intact() && report.records == next, "{report}");
}

#[test]
fn a_batch_error_reaches_every_caller_with_its_kind_and_message() {
    let source = rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
        Some("database or disk is full".to_owned()),
    );
    let error = db("audit.db")(source);
    let again = crate::services::audit::group_commit::same_error(&error);
    assert!(matches!(again, AuditError::Full { .. }), "{again:?}");
    assert_eq!(again.to_string(), error.to_string());
    let source = |e: &AuditError| std::error::Error::source(e).map(ToString::to_string);
    assert_eq!(source(&again), source(&error));
}
