//! The audit trail: one record per call whatever its end, never the input, and a hash chain
//! that names the first edited, deleted or reordered record.

use std::sync::Arc;

use anyhow::{Context, Result};
use conformance::{plugin, security_policy, test_plugin};
use medplug_host::audit::{BreakKind, Outcome, SqliteAuditTrail};
use medplug_host::{CallContext, Host, Limits, sha256_hex};
use serde_json::json;

/// Opens the same file as an attacker would: straight SQLite, append-only triggers dropped.
fn tamper(path: &std::path::Path, sql: &str) -> Result<()> {
    let connection = rusqlite::Connection::open(path)?;
    let triggers: Vec<String> = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for trigger in triggers {
        connection.execute_batch(&format!("DROP TRIGGER \"{trigger}\""))?;
    }
    connection.execute_batch(sql)?;
    Ok(())
}

#[test]
fn every_call_writes_exactly_one_record_whatever_its_end() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let limits = Limits {
        fuel: Some(50_000_000),
        ..Limits::default()
    };
    let host = Host::builder()
        .audit_sink(Arc::clone(&audit) as _)
        .plugin_bytes("lgpd-analyzer.wasm", plugin("lgpd-analyzer")?)
        .plugin_bytes("misbehave.wasm", test_plugin("misbehave")?)
        .plugin_limits("misbehave", limits)
        .build()?;
    let context = CallContext::new("local", "auditor-test");
    let input = br#"{"content":"Paciente CPF 529.982.247-25"}"#;
    let calls: [(&str, &str, &[u8]); 6] = [
        ("lgpd-analyzer", "analyze", input),
        ("lgpd-analyzer", "analyze", br#"{"content": 5}"#),
        ("misbehave", "fail", br#"{}"#),
        ("misbehave", "spin", br#"{}"#),
        ("lgpd-analyzer", "no-such-function", b"{}"),
        ("no-such-plugin", "analyze", b"{}"),
    ];
    let mut errors = Vec::new();
    for (plugin, function, input) in calls {
        if let Err(e) = host.call_json_as(&context, plugin, function, input) {
            errors.push(e.kind());
        }
    }
    assert_eq!(
        errors,
        [
            // Refused by the host against the schema the module embeds, before the plugin runs.
            "input_schema",
            "unsupported",
            "out_of_fuel",
            "function_not_found",
            "plugin_not_found"
        ]
    );
    let records = audit.records()?;
    assert_eq!(records.len(), calls.len());
    let ends: Vec<(Outcome, Option<&str>)> = records
        .iter()
        .map(|r| (r.record.outcome, r.record.error_kind.as_deref()))
        .collect();
    assert_eq!(
        ends,
        [
            (Outcome::Ok, None),
            (Outcome::InvalidInput, Some("input_schema")),
            (Outcome::PluginError, Some("unsupported")),
            (Outcome::LimitExceeded, Some("out_of_fuel")),
            (Outcome::Denied, Some("function_not_found")),
            (Outcome::Denied, Some("plugin_not_found")),
        ]
    );
    let first = &records[0].record;
    let lgpd = host.plugin("lgpd-analyzer")?;
    assert_eq!(first.tenant, "local");
    assert_eq!(first.actor, "auditor-test");
    assert_eq!(first.plugin, "lgpd-analyzer");
    assert_eq!(first.plugin_version, lgpd.info().version);
    assert_eq!(first.module_sha256, lgpd.sha256());
    assert_eq!(first.function, "analyze");
    assert_eq!(first.input_sha256, sha256_hex(input));
    assert_eq!(first.input_bytes, input.len() as u64);
    assert!(first.fuel_used.is_some_and(|f| f > 0), "{first:?}");
    assert_eq!(records[3].record.fuel_used, Some(50_000_000));
    assert_eq!(records[5].record.plugin_version, "");
    // The input is never stored: the CPF appears nowhere in the trail.
    let mut export = Vec::new();
    audit.export(&mut export)?;
    let text = String::from_utf8(export)?;
    assert_eq!(text.lines().count(), calls.len());
    assert!(!text.contains("529.982.247-25") && !text.contains("52998224725"));
    assert!(audit.verify()?.first_break.is_none());
    Ok(())
}

fn trail_with_five_calls(dir: &tempfile::TempDir) -> Result<std::path::PathBuf> {
    let path = dir.path().join("audit.db");
    let host = Host::builder()
        .policy(security_policy()?)
        .audit_sink(Arc::new(SqliteAuditTrail::open(&path)?))
        .plugin_bytes("state-leak.wasm", test_plugin("state-leak")?)
        .build()?;
    for i in 0..5 {
        let context = CallContext::new("cardio-sul", "dr.x");
        let _: serde_json::Value = host.call_as(
            &context,
            "state-leak",
            "remember",
            &json!({ "secret": i.to_string() }),
        )?;
    }
    Ok(path)
}

#[test]
fn the_chain_names_the_first_edited_deleted_or_reordered_record() -> Result<()> {
    let check = |sql: &str, sequence: u64, kind: BreakKind| -> Result<String> {
        let dir = tempfile::tempdir()?;
        let path = trail_with_five_calls(&dir)?;
        let intact = medplug_host::audit::verify_file(&path)?;
        assert_eq!((intact.records, intact.first_break.is_none()), (5, true));
        tamper(&path, sql)?;
        let report = medplug_host::audit::verify_file(&path)?;
        let found = report.first_break.context("the tampering went unnoticed")?;
        assert_eq!((found.sequence, found.kind), (sequence, kind), "{found}");
        Ok(found.to_string())
    };
    // An auditor-visible field edited in place.
    let edited = check(
        "UPDATE audit_records SET record = replace(record, '\"actor\":\"dr.x\"', '\"actor\":\"dr.y\"') WHERE sequence = 3",
        3,
        BreakKind::Edited,
    )?;
    assert!(edited.contains("record 3"), "{edited}");
    let deleted = check(
        "DELETE FROM audit_records WHERE sequence = 2",
        2,
        BreakKind::Deleted,
    )?;
    assert!(deleted.contains("record 2"), "{deleted}");
    // Records 2 and 3 swapped (content and hashes), as if history were reordered.
    check(
        "UPDATE audit_records SET sequence = 100 WHERE sequence = 2;
         UPDATE audit_records SET sequence = 2 WHERE sequence = 3;
         UPDATE audit_records SET sequence = 3 WHERE sequence = 100;",
        2,
        BreakKind::Reordered,
    )?;
    check(
        "DELETE FROM audit_records WHERE sequence = 5",
        5,
        BreakKind::HeadMismatch,
    )?;
    Ok(())
}

/// Issue 21: a trail that cannot take a record fails the call closed with a typed error, keeps
/// nothing partial, and continues its chain once it can write again. Root ignores file modes,
/// so the read-only trail is SQLite's `query_only`, and the full disk SQLite's `max_page_count`
/// (the same `SQLITE_FULL` a disk with no space left gives).
#[test]
fn a_full_or_read_only_trail_fails_calls_closed_and_keeps_nothing_partial() -> Result<()> {
    use medplug_host::CallError;
    use medplug_host::audit::{AuditError, verify_file};

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("audit.db");
    let audit = Arc::new(SqliteAuditTrail::open(&path)?);
    let host = Host::builder()
        .audit_sink(Arc::clone(&audit) as _)
        .plugin_bytes("lgpd-analyzer.wasm", plugin("lgpd-analyzer")?)
        .build()?;
    let context = CallContext::new("local", "auditor-test");
    let input = br#"{"content":"Paciente CPF 529.982.247-25"}"#;
    let call = || host.call_json_receipt(&context, "lgpd-analyzer", "analyze", input);
    let intact = |records: u64| -> Result<()> {
        let report = verify_file(&path)?;
        assert!(report.is_intact() && report.records == records, "{report}");
        Ok(())
    };
    assert_eq!(call()?.audit_sequence, 1);
    host.ready().map_err(anyhow::Error::msg)?;

    // Full: no page left to grow into. The calls whose record still fits in the last pages
    // succeed; the first that needs a new page fails, and so does every one after it.
    audit.set_max_page_count(1)?;
    let not_ready = host.ready().unwrap_err();
    assert!(not_ready.contains("is full"), "{not_ready}");
    let mut appended = 1;
    let err = loop {
        match call() {
            Ok(receipt) => {
                appended += 1;
                assert_eq!(receipt.audit_sequence, appended);
                assert!(appended < 50, "the trail never filled");
            }
            Err(e) => break e,
        }
    };
    assert_eq!(err.kind(), "audit");
    assert!(
        matches!(err, CallError::Audit(AuditError::Full { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("is full"), "{err}");
    assert!(matches!(
        call(),
        Err(CallError::Audit(AuditError::Full { .. }))
    ));
    intact(appended)?;
    // Space again: the chain continues where it stopped.
    audit.set_max_page_count(1 << 30)?;
    host.ready().map_err(anyhow::Error::msg)?;
    appended += 1;
    assert_eq!(call()?.audit_sequence, appended);
    intact(appended)?;

    // Read-only.
    audit.set_query_only(true)?;
    let not_ready = host.ready().unwrap_err();
    assert!(not_ready.contains("is read-only"), "{not_ready}");
    let err = call().unwrap_err();
    assert!(
        matches!(err, CallError::Audit(AuditError::ReadOnly { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("is read-only: nothing was written"),
        "{err}"
    );
    intact(appended)?;
    audit.set_query_only(false)?;
    host.ready().map_err(anyhow::Error::msg)?;
    assert_eq!(call()?.audit_sequence, appended + 1);
    intact(appended + 1)?;
    Ok(())
}
