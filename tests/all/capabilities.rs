//! Capabilities and host functions: denial at load and at call, patients only of the calling
//! tenant and only with consent, PHI encryption that only the host opens.

use std::sync::Arc;

use anyhow::Result;
use conformance::{security_policy, test_plugin};
use medplug_cli::demo_patients::seed_demo;
use medplug_host::audit::{HostCallRecord, PluginEvent, SqliteAuditTrail};
use medplug_host::patients::SqlitePatientStore;
use medplug_host::phi::{PhiError, PhiKey, PhiKeyring};
use medplug_host::{CallContext, ContractViolation, Host, LoadError};
use medplug_pdk::Capability;
use medplug_pdk::host_fns::EncryptedPhi;
use serde_json::{Value, json};

const KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn keyring() -> Result<PhiKeyring> {
    Ok(PhiKeyring::new(PhiKey::from_hex("test-key", KEY_HEX)?))
}

struct Fixture {
    host: Host,
    audit: Arc<SqliteAuditTrail>,
}

fn fixture() -> Result<Fixture> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let patients = SqlitePatientStore::in_memory()?;
    seed_demo(&patients)?;
    let host = Host::builder()
        .policy(security_policy()?)
        .audit_sink(Arc::clone(&audit) as _)
        .patient_store(Arc::new(patients))
        .phi_keyring(keyring()?)
        .plugin_bytes("host-caller.wasm", test_plugin("host-caller")?)
        .build()?;
    Ok(Fixture { host, audit })
}

fn call(host: &Host, tenant: &str, function: &str, input: Value) -> Result<Value> {
    Ok(host.call_as(
        &CallContext::new(tenant, "dr.teste"),
        "host-caller",
        function,
        &input,
    )?)
}

fn patient(host: &Host, tenant: &str, id: &str) -> Result<Value> {
    call(host, tenant, "patient", json!({ "patient_id": id }))
}

#[test]
fn an_import_without_a_grant_is_refused_at_load_naming_import_and_grant() -> Result<()> {
    let mut policy = security_policy()?;
    if let Some(plugin) = policy.plugins.get_mut("host-caller") {
        plugin.grants.remove(&Capability::ReadPatient);
    }
    for tenant in policy.tenants.values_mut() {
        tenant.grants.clear();
    }
    let error = Host::builder()
        .policy(policy)
        .phi_keyring(keyring()?)
        .plugin_bytes("host-caller.wasm", test_plugin("host-caller")?)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            &error,
            LoadError::ContractViolation {
                violation: ContractViolation::UngrantedCapability {
                    capability: Capability::ReadPatient,
                    ..
                },
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "plugin host-caller from host-caller.wasm is refused: it imports `extism:host/user::get_patient`, \
         which needs the `read_patient` capability, and that is not granted"
    );
    Ok(())
}

#[test]
fn a_host_function_checks_the_tenants_grant_on_every_call() -> Result<()> {
    let Fixture { host, audit } = fixture()?;
    // clinica-restrita narrowed host-caller to audit_log: the module loaded, the call runs, and
    // get_patient answers `denied` from inside the sandbox.
    assert_eq!(
        patient(&host, "clinica-restrita", "HZ-0001")?,
        json!({ "error": {
            "code": "denied",
            "message": "the `read_patient` capability is not granted to this plugin for tenant `clinica-restrita`"
        }})
    );
    let reply = call(
        &host,
        "clinica-restrita",
        "encrypt",
        json!({ "plaintext": "x" }),
    )?;
    assert_eq!(reply["error"]["code"], "denied");
    // audit_log is granted to both clinics.
    let ack = call(
        &host,
        "clinica-restrita",
        "log",
        json!({ "event": "ran", "message": "ok" }),
    )?;
    assert_eq!(ack, json!({ "ok": { "sequence": 0 } }));
    let records = audit.records()?;
    let host_calls: Vec<Vec<HostCallRecord>> = records
        .iter()
        .map(|r| r.record.host_calls.clone())
        .collect();
    let one = |function: &str, outcome: &str| {
        vec![HostCallRecord {
            function: function.to_owned(),
            outcome: outcome.to_owned(),
        }]
    };
    assert_eq!(
        host_calls,
        [
            one("get_patient", "denied"),
            one("encrypt_phi", "denied"),
            one("audit_log", "ok")
        ]
    );
    Ok(())
}

#[test]
fn get_patient_returns_only_the_callers_patients_with_consent_for_the_specialty() -> Result<()> {
    let Fixture { host, audit } = fixture()?;
    assert_eq!(
        patient(&host, "clinica-horizonte", "HZ-0001")?,
        json!({ "ok": {
            "patient_id": "HZ-0001",
            "name": "Ana Beatriz Fictícia",
            "birth_date": "1980-04-12",
            "sex": "female"
        }})
    );
    // Another clinic's patient: exactly as a patient that does not exist.
    assert_eq!(
        patient(&host, "clinica-horizonte", "CS-0001")?,
        json!({ "error": { "code": "not_found", "message": "no patient `CS-0001`" }})
    );
    // A patient of this clinic without consent for dermatology.
    assert_eq!(
        patient(&host, "clinica-horizonte", "HZ-0003")?,
        json!({ "error": {
            "code": "denied",
            "message": "patient `HZ-0003` has no consent on record for `dermatology` (LGPD Art. 11 I)"
        }})
    );
    assert_eq!(
        patient(&host, "clinica-horizonte", "XX-9999")?,
        json!({ "error": { "code": "not_found", "message": "no patient `XX-9999`" }})
    );
    let outcomes: Vec<String> = audit
        .records()?
        .iter()
        .flat_map(|r| r.record.host_calls.iter().map(|c| c.outcome.clone()))
        .collect();
    // The trail, unlike the plugin, tells another clinic's patient from a missing one.
    assert_eq!(outcomes, ["ok", "other_tenant", "denied", "not_found"]);
    Ok(())
}

#[test]
fn encrypt_phi_seals_for_the_calling_tenant_and_the_host_detects_tampering() -> Result<()> {
    let Fixture { host, .. } = fixture()?;
    let plaintext = "Ana Beatriz Fictícia, CPF 529.982.247-25, melanoma in situ";
    let reply = call(
        &host,
        "clinica-horizonte",
        "encrypt",
        json!({ "plaintext": plaintext }),
    )?;
    let envelope: EncryptedPhi = serde_json::from_value(reply["ok"].clone())?;
    assert_eq!(envelope.algorithm, "AES-256-GCM");
    assert_eq!(envelope.key_id, "test-key");
    assert!(!envelope.ciphertext.contains("529"), "{envelope:?}");
    assert_eq!(
        host.decrypt_phi("clinica-horizonte", &envelope)?,
        plaintext.as_bytes()
    );
    assert!(matches!(
        host.decrypt_phi("cardio-sul", &envelope),
        Err(PhiError::Tampered)
    ));
    let keyring = keyring()?;
    // Sealed for one clinic, it does not open for another.
    assert!(matches!(
        keyring.open("cardio-sul", &envelope),
        Err(PhiError::Tampered)
    ));
    // One changed character of the ciphertext is detected.
    let mut edited = envelope.clone();
    let first = edited.ciphertext.remove(0);
    edited
        .ciphertext
        .insert(0, if first == 'A' { 'B' } else { 'A' });
    assert!(matches!(
        keyring.open("clinica-horizonte", &edited),
        Err(PhiError::Tampered)
    ));
    // Two seals of one text differ (random nonces).
    let again = call(
        &host,
        "clinica-horizonte",
        "encrypt",
        json!({ "plaintext": plaintext }),
    )?;
    assert_ne!(again["ok"]["nonce"], reply["ok"]["nonce"]);
    Ok(())
}

#[test]
fn logged_events_are_masked_capped_and_counted() -> Result<()> {
    let Fixture { host, audit } = fixture()?;
    call(
        &host,
        "clinica-horizonte",
        "log",
        json!({ "event": "findings", "message": "CPF 529.982.247-25 de maria@x.com.br: 3 achados" }),
    )?;
    let bad = call(
        &host,
        "clinica-horizonte",
        "log",
        json!({ "event": "Bad Name", "message": "" }),
    )?;
    assert_eq!(bad["error"]["code"], "invalid_request");
    let long = "é".repeat(2000);
    call(
        &host,
        "clinica-horizonte",
        "log",
        json!({ "event": "long", "message": long }),
    )?;
    let records = audit.records()?;
    assert_eq!(
        records[0].record.events,
        [PluginEvent {
            event: "findings".into(),
            message: "CPF ###.###.###-## de [email]: 3 achados".into()
        }]
    );
    assert!(records[1].record.events.is_empty());
    let message = &records[2].record.events[0].message;
    assert!(
        message.len() <= medplug_pdk::host_fns::MAX_AUDIT_MESSAGE_BYTES,
        "{}",
        message.len()
    );
    assert!(message.ends_with('…'), "{message}");
    Ok(())
}
