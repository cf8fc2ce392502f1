//! The audit trail's behaviour on both backends: one chain, several handles, every kind of
//! tampering named by `verify`, append-only, schema versions, checkpoints.

use std::sync::Arc;

use medplug_host::audit::{
    AuditError, AuditRecord, AuditTrail, BreakKind, GENESIS_HASH, Outcome, verify_against_of,
    write_checkpoint_of,
};
use medplug_host::signature::SigningKey;

use crate::backends::{Fixture, Kind, on_both};

on_both!(
    appends_chain_in_order_and_read_back_as_written,
    handles_on_threads_form_one_chain,
    verify_names_edits_deletions_reorders_and_a_cut_end,
    records_cannot_be_changed_or_deleted,
    an_absent_trail_is_missing_and_a_newer_schema_refused,
    checkpoints_hold_until_a_rewrite,
);

/// A record of a call by `actor` of tenant `tenant`.
pub fn record(tenant: &str, actor: &str) -> AuditRecord {
    AuditRecord {
        time: "2026-12-04T13:40:12.345Z".to_owned(),
        tenant: tenant.to_owned(),
        actor: actor.to_owned(),
        plugin: "lgpd-analyzer".to_owned(),
        plugin_version: "0.1.0".to_owned(),
        module_sha256: "ab".repeat(32),
        function: "analyze".to_owned(),
        input_sha256: "cd".repeat(32),
        input_bytes: 120,
        outcome: Outcome::Ok,
        error_kind: None,
        duration_us: 640,
        fuel_used: Some(1_234),
        host_calls: vec![],
        events: vec![],
        lifecycle: None,
        host_action: None,
    }
}

fn appends_chain_in_order_and_read_back_as_written(kind: Kind) {
    let fixture = Fixture::new(kind, "chain");
    let trail = fixture.trail();
    assert_eq!(trail.head().unwrap(), (0, GENESIS_HASH.to_owned()));
    for (n, actor) in ["dr-a", "dr-b", "Dra. Ção"].into_iter().enumerate() {
        assert_eq!(
            trail.append(&record("horizonte", actor)).unwrap(),
            n as u64 + 1
        );
    }
    let records = trail.records().unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].prev_hash, GENESIS_HASH);
    for pair in records.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    for chained in &records {
        assert_eq!(chained.compute_hash().unwrap(), chained.hash);
    }
    assert_eq!(records[2].record.actor, "Dra. Ção");
    assert_eq!(trail.head().unwrap(), (3, records[2].hash.clone()));
    assert_eq!(trail.count().unwrap(), 3);
    assert_eq!(trail.hash_at(2).unwrap(), Some(records[1].hash.clone()));
    assert_eq!(trail.hash_at(4).unwrap(), None);
    let mut export = Vec::new();
    assert_eq!(trail.export(&mut export).unwrap(), 3);
    let lines: Vec<String> = records
        .iter()
        .map(|r| r.to_json().unwrap() + "\n")
        .collect();
    assert_eq!(String::from_utf8(export).unwrap(), lines.concat());
    let report = trail.verify().unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(
        (report.records, report.head_hash),
        (3, records[2].hash.clone())
    );
    assert!(trail.check_writable().is_ok());
}

fn handles_on_threads_form_one_chain(kind: Kind) {
    const HANDLES: usize = 3;
    const THREADS_PER_HANDLE: usize = 3;
    const APPENDS: usize = 40;
    let fixture = Fixture::new(kind, "writers");
    let handles: Vec<Arc<dyn AuditTrail>> =
        (0..HANDLES).map(|_| Arc::from(fixture.trail())).collect();
    let mut sequences: Vec<u64> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..HANDLES * THREADS_PER_HANDLE)
            .map(|n| {
                let trail = Arc::clone(&handles[n % HANDLES]);
                scope.spawn(move || {
                    (0..APPENDS)
                        .map(|i| trail.append(&record("t", &format!("w{n}-{i}"))).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let total = (HANDLES * THREADS_PER_HANDLE * APPENDS) as u64;
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=total).collect::<Vec<_>>());
    let records = handles[0].records().unwrap();
    assert_eq!(records.len() as u64, total);
    // Each caller's sequence names its own record.
    let report = handles[1].verify().unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.records, total);
}

fn verify_names_edits_deletions_reorders_and_a_cut_end(kind: Kind) {
    let cases: [(&str, &str, u64, BreakKind); 5] = [
        (
            "edited",
            "UPDATE audit_records SET record = replace(record, '\"actor\":\"a2\"', '\"actor\":\"xx\"') WHERE sequence = 2",
            2,
            BreakKind::Edited,
        ),
        (
            "deleted",
            "DELETE FROM audit_records WHERE sequence = 2",
            2,
            BreakKind::Deleted,
        ),
        (
            "reordered",
            "UPDATE audit_records SET sequence = 100 WHERE sequence = 2;
             UPDATE audit_records SET sequence = 2 WHERE sequence = 3;
             UPDATE audit_records SET sequence = 3 WHERE sequence = 100",
            2,
            BreakKind::Reordered,
        ),
        (
            "cut",
            "DELETE FROM audit_records WHERE sequence = 4",
            4,
            BreakKind::HeadMismatch,
        ),
        (
            "column",
            "UPDATE audit_records SET tenant = 'other' WHERE sequence = 3",
            3,
            BreakKind::Edited,
        ),
    ];
    for (name, sql, sequence, kind_of_break) in cases {
        let fixture = Fixture::new(kind, name);
        let trail = fixture.trail();
        for actor in ["a1", "a2", "a3", "a4"] {
            trail.append(&record("t", actor)).unwrap();
        }
        fixture.tamper(sql);
        let report = fixture.existing_trail().unwrap().verify().unwrap();
        let found = report
            .first_break
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: intact"));
        assert_eq!(
            (found.sequence, found.kind),
            (sequence, kind_of_break),
            "{name}: {found}"
        );
    }
}

fn records_cannot_be_changed_or_deleted(kind: Kind) {
    let fixture = Fixture::new(kind, "append_only");
    let trail = fixture.trail();
    trail.append(&record("t", "a")).unwrap();
    let refused = |sql: &str| match kind {
        Kind::Sqlite => {
            let conn = rusqlite::Connection::open(std::path::Path::new(&trail.location())).unwrap();
            conn.execute_batch(sql).unwrap_err().to_string()
        }
        Kind::Postgres => {
            let mut client = crate::backends::client(fixture.url(), "medplug");
            client.batch_execute(sql).unwrap_err().to_string()
        }
    };
    for sql in [
        "UPDATE audit_records SET tenant = 'x'",
        "DELETE FROM audit_records",
        "DELETE FROM audit_head",
        "UPDATE audit_head SET sequence = 0",
    ] {
        let error = refused(sql);
        assert!(
            error.contains("append-only")
                || error.contains("audit head")
                || error.contains("cannot be deleted"),
            "{sql}: {error}"
        );
    }
    let report = trail.verify().unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.records, 1);
}

fn an_absent_trail_is_missing_and_a_newer_schema_refused(kind: Kind) {
    let fixture = Fixture::new(kind, "versions");
    assert!(matches!(
        fixture.existing_trail().map(drop),
        Err(AuditError::Missing { .. })
    ));
    drop(fixture.trail());
    fixture.set_schema_version("audit", 99);
    let error = fixture.existing_trail().map(drop).unwrap_err();
    assert!(
        matches!(
            error,
            AuditError::NewerSchema {
                found: 99,
                supported: 1,
                ..
            }
        ),
        "{error}"
    );
}

fn checkpoints_hold_until_a_rewrite(kind: Kind) {
    let fixture = Fixture::new(kind, "checkpoints");
    let trail = fixture.trail();
    for actor in ["a", "b", "c"] {
        trail.append(&record("t", actor)).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::write_new(&dir.path().join("key")).unwrap();
    let (checkpoint, _) = write_checkpoint_of(trail.as_ref(), &key, dir.path()).unwrap();
    assert_eq!(
        (checkpoint.sequence, checkpoint.hash.clone()),
        trail.head().unwrap()
    );
    trail.append(&record("t", "d")).unwrap();
    assert!(
        verify_against_of(trail.as_ref(), &checkpoint)
            .unwrap()
            .is_intact()
    );
    // Rewrite record 2 and every hash after it, as an attacker who can write the database.
    let records = trail.records().unwrap();
    let mut forged = records.clone();
    forged[1].record.actor = "forged".to_owned();
    for i in 1..forged.len() {
        forged[i].prev_hash = forged[i - 1].hash.clone();
        forged[i].hash = forged[i].compute_hash().unwrap();
    }
    let mut sql = String::new();
    for r in &forged[1..] {
        sql.push_str(&format!(
            "UPDATE audit_records SET prev_hash = '{}', hash = '{}', record = '{}' WHERE sequence = {};\n",
            r.prev_hash,
            r.hash,
            r.to_json().unwrap().replace('\'', "''"),
            r.sequence
        ));
    }
    sql.push_str(&format!(
        "UPDATE audit_head SET hash = '{}' WHERE id = 1;",
        forged.last().unwrap().hash
    ));
    fixture.tamper(&sql);
    let trail = fixture.existing_trail().unwrap();
    assert!(
        trail.verify().unwrap().is_intact(),
        "the forgery verifies on its own"
    );
    let report = verify_against_of(trail.as_ref(), &checkpoint).unwrap();
    assert!(!report.verdict.holds());
    assert!(
        report.verdict.to_string().starts_with("record 3 has hash"),
        "{}",
        report.verdict
    );
}
