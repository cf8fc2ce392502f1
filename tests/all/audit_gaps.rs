//! What the audit trail records besides plugin calls and installs (issue 21): PHI opened by an
//! embedder, modules refused while a host is built, the policy a host starts under, and plugin
//! events with people's names — each record exactly, and none holding PHI.

use std::sync::Arc;

use anyhow::{Context, Result};
use conformance::{SECURITY_POLICY, plugin, security_policy, test_plugin};
use medplug_host::audit::{ChainedRecord, SqliteAuditTrail};
use medplug_host::phi::{PhiError, PhiKey, PhiKeyring};
use medplug_host::{CallContext, Host, Policy, sha256_hex};
use medplug_pdk::host_fns::EncryptedPhi;
use serde_json::{Value, json};

const KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// A stored record as JSON, with what changes from run to run (time, duration, hashes) set to
/// `"…"`, for exact comparison.
fn stable(record: &ChainedRecord) -> Result<Value> {
    let mut value: Value = serde_json::from_str(&record.to_json()?)?;
    for field in ["time", "prev_hash", "hash", "duration_us"] {
        value[field] = json!("…");
    }
    Ok(value)
}

fn host_with_phi(audit: &Arc<SqliteAuditTrail>) -> Result<Host> {
    Ok(Host::builder()
        .policy(security_policy()?)
        .audit_sink(Arc::clone(audit) as _)
        .phi_keyring(PhiKeyring::new(PhiKey::from_hex("test-key", KEY_HEX)?))
        .plugin_bytes("host-caller.wasm", test_plugin("host-caller")?)
        .build()?)
}

#[test]
fn opening_phi_writes_one_record_with_the_key_id_and_never_the_text() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = host_with_phi(&audit)?;
    let plaintext = "Ana Beatriz Fictícia, CPF 529.982.247-25";
    let sealed: Value = host.call_as(
        &CallContext::new("clinica-horizonte", "dr.teste"),
        "host-caller",
        "encrypt",
        &json!({ "plaintext": plaintext }),
    )?;
    let envelope: EncryptedPhi = serde_json::from_value(sealed["ok"].clone())?;
    let opened =
        host.decrypt_phi_as(&CallContext::new("clinica-horizonte", "dr.ana"), &envelope)?;
    assert_eq!(opened, plaintext.as_bytes());
    assert!(matches!(
        host.decrypt_phi("cardio-sul", &envelope),
        Err(PhiError::Tampered)
    ));
    let mut unknown = envelope.clone();
    unknown.key_id = "retired-2025".to_owned();
    assert!(matches!(
        host.decrypt_phi_as(&CallContext::new("clinica-horizonte", "dr.ana"), &unknown),
        Err(PhiError::UnknownKey { .. })
    ));

    let records = audit.records()?;
    assert_eq!(records.len(), 4, "the encrypt call, then three openings");
    let record = |tenant: &str, actor: &str, key_id: &str, outcome: &str, kind: Value| {
        json!({
            "sequence": 0, "prev_hash": "…", "time": "…", "tenant": tenant, "actor": actor,
            "plugin": "", "plugin_version": "", "module_sha256": "", "function": "",
            "input_sha256": sha256_hex(envelope.ciphertext.as_bytes()),
            "input_bytes": envelope.ciphertext.len(),
            "outcome": outcome, "error_kind": kind, "duration_us": "…", "fuel_used": null,
            "host_calls": [], "events": [],
            "host_action": { "action": "decrypt_phi", "key_id": key_id },
            "hash": "…",
        })
    };
    let expected = [
        record("clinica-horizonte", "dr.ana", "test-key", "ok", Value::Null),
        record(
            "cardio-sul",
            "unnamed",
            "test-key",
            "denied",
            json!("tampered"),
        ),
        record(
            "clinica-horizonte",
            "dr.ana",
            "retired-2025",
            "denied",
            json!("unknown_key"),
        ),
    ];
    for (n, (stored, mut expected)) in records[1..].iter().zip(expected).enumerate() {
        expected["sequence"] = json!(n + 2);
        assert_eq!(stable(stored)?, expected);
    }
    // Never the plaintext, never the ciphertext.
    for stored in &records {
        let json = stored.to_json()?;
        assert!(
            !json.contains("529.982") && !json.contains("Fictícia"),
            "{json}"
        );
        assert!(!json.contains(&envelope.ciphertext), "{json}");
    }
    // A call record has no `host_action`: its canonical form is what it always was.
    assert!(!records[0].to_json()?.contains("host_action"));
    assert!(audit.verify()?.is_intact());

    // A host without a PHI key refuses, and says so in the trail.
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = Host::builder()
        .audit_sink(Arc::clone(&audit) as _)
        .build()?;
    assert!(matches!(
        host.decrypt_phi("local", &envelope),
        Err(PhiError::NoKeyring)
    ));
    let stored = &audit.records()?[0].record;
    assert_eq!(
        (stored.outcome.as_str(), stored.error_kind.as_deref()),
        ("host_failure", Some("no_keyring"))
    );
    Ok(())
}

#[test]
fn a_module_refused_at_start_leaves_a_record_of_file_digest_and_reason() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    // Not listed in a policy that admits only listed plugins.
    let analyzer = plugin("lgpd-analyzer")?;
    let error = Host::builder()
        .policy(security_policy()?)
        .audit_sink(Arc::clone(&audit) as _)
        .plugin_bytes("lgpd-analyzer.wasm", analyzer.clone())
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), "not_in_policy");
    // Not wasm at all, from a file.
    let dir = tempfile::tempdir()?;
    let broken = dir.path().join("broken.wasm");
    std::fs::write(&broken, b"\0asm but not really")?;
    let error = Host::builder()
        .audit_sink(Arc::clone(&audit) as _)
        .plugin_file(&broken)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), "invalid_module");
    // A file that cannot be read: no digest.
    let missing = dir.path().join("missing.wasm");
    let error = Host::builder()
        .audit_sink(Arc::clone(&audit) as _)
        .plugin_file(&missing)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), "io");

    let records = audit.records()?;
    assert_eq!(records.len(), 3);
    let expected = |sequence: u64, origin: &str, sha256: String, kind: &str, message: String| {
        json!({
            "sequence": sequence, "prev_hash": "…", "time": "…", "tenant": "*",
            "actor": "host-start", "plugin": "", "plugin_version": "",
            "module_sha256": sha256, "function": "", "input_sha256": "", "input_bytes": 0,
            "outcome": "host_failure", "error_kind": kind, "duration_us": "…",
            "fuel_used": null, "host_calls": [], "events": [],
            "lifecycle": { "event": "load_failed", "detail": format!("{origin}: {message}") },
            "hash": "…",
        })
    };
    let reason = |n: usize| {
        records[n]
            .record
            .lifecycle
            .as_ref()
            .map_or(String::new(), |l| {
                l.detail
                    .split_once(": ")
                    .map(|(_, m)| m.to_owned())
                    .unwrap_or_default()
            })
    };
    assert_eq!(
        stable(&records[0])?,
        expected(
            1,
            "lgpd-analyzer.wasm",
            sha256_hex(&analyzer),
            "not_in_policy",
            reason(0)
        )
    );
    assert!(reason(0).contains("lgpd-analyzer"), "{}", reason(0));
    let broken_path = broken.display().to_string();
    assert_eq!(
        stable(&records[1])?,
        expected(
            2,
            &broken_path,
            sha256_hex(b"\0asm but not really"),
            "invalid_module",
            reason(1)
        )
    );
    assert!(
        reason(1).starts_with(&format!("cannot load plugin from {broken_path}: ")),
        "{}",
        reason(1)
    );
    let missing_path = missing.display().to_string();
    assert_eq!(
        stable(&records[2])?,
        expected(3, &missing_path, String::new(), "io", reason(2))
    );
    assert!(reason(2).starts_with(&format!("cannot read {missing_path}")));
    // The module's bytes are nowhere in the trail.
    let exported = records
        .iter()
        .map(ChainedRecord::to_json)
        .collect::<Result<Vec<_>, _>>()?
        .join("\n");
    assert!(!exported.contains("asm but not really"));
    assert!(audit.verify()?.is_intact());
    Ok(())
}

#[test]
fn a_module_refused_while_running_records_its_digest_too() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = host_with_phi(&audit)?;
    let analyzer = plugin("lgpd-analyzer")?;
    let error = host
        .install_bytes("uploaded.wasm", analyzer.clone(), "admin")
        .unwrap_err();
    assert_eq!(error.kind(), "not_in_policy");
    let records = audit.records()?;
    let stored = &records.last().context("a record")?.record;
    assert_eq!(stored.actor, "admin");
    assert_eq!(stored.module_sha256, sha256_hex(&analyzer));
    let lifecycle = stored.lifecycle.as_ref().context("a lifecycle record")?;
    assert_eq!(lifecycle.event, "load_failed");
    assert_eq!(lifecycle.detail, format!("uploaded.wasm: {error}"));
    Ok(())
}

#[test]
fn the_policy_in_force_is_recorded_with_its_source_and_digest() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = host_with_phi(&audit)?;
    assert_eq!(host.record_policy("medplug-serve")?, 1);
    let open = Host::builder()
        .policy(Policy::open())
        .audit_sink(Arc::clone(&audit) as _)
        .build()?;
    assert_eq!(open.record_policy("embedder")?, 2);
    let records = audit.records()?;
    let expected = |sequence: u64, actor: &str, source: &str, sha256: String| {
        json!({
            "sequence": sequence, "prev_hash": "…", "time": "…", "tenant": "*", "actor": actor,
            "plugin": "", "plugin_version": "", "module_sha256": "", "function": "",
            "input_sha256": "", "input_bytes": 0, "outcome": "ok", "error_kind": null,
            "duration_us": "…", "fuel_used": null, "host_calls": [], "events": [],
            "host_action": { "action": "policy_in_force", "source": source, "sha256": sha256 },
            "hash": "…",
        })
    };
    assert_eq!(
        stable(&records[0])?,
        expected(
            1,
            "medplug-serve",
            "SECURITY_POLICY",
            sha256_hex(SECURITY_POLICY.as_bytes())
        )
    );
    assert_eq!(
        stable(&records[1])?,
        expected(2, "embedder", "built-in open policy", String::new())
    );
    assert!(audit.verify()?.is_intact());
    Ok(())
}

#[test]
fn names_in_plugin_events_are_masked() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = host_with_phi(&audit)?;
    let _: Value = host.call_as(
        &CallContext::new("clinica-horizonte", "dr.teste"),
        "host-caller",
        "log",
        &json!({
            "event": "findings",
            "message": "paciente Ana, mãe Maria das Dores Souza: HEALTH_DATA em 2 trechos (LGPD)"
        }),
    )?;
    let events = &audit.records()?[0].record.events;
    assert_eq!(
        events[0].message,
        "paciente [name], mãe [name]: HEALTH_DATA em 2 trechos (LGPD)"
    );
    Ok(())
}
