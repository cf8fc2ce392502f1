//! Guards and integrity: inputs and outputs against the functions' schemas (with JSON pointers),
//! modules pinned by sha256, ed25519 signatures.

use std::sync::Arc;

use anyhow::Result;
use conformance::{plugin, plugins_dir, policy, test_plugin};
use medplug_host::signature::{ModuleSignature, SigningKey, TrustedKey};
use medplug_host::{CallError, Host, Policy, sha256_hex};
use medplug_pdk::lgpd;
use serde_json::json;

#[test]
fn inputs_are_checked_against_the_schema_before_the_plugin_runs() -> Result<()> {
    let audit = Arc::new(medplug_host::audit::SqliteAuditTrail::in_memory()?);
    let host = Host::builder()
        .audit_sink(Arc::clone(&audit) as _)
        .schemas_dir(plugins_dir().join("schemas"))
        .plugin_bytes("lgpd-analyzer.wasm", plugin("lgpd-analyzer")?)
        .build()?;
    let error = host
        .call_json(
            lgpd::PLUGIN_NAME,
            lgpd::REDACT,
            br#"{"content":"x","mode":"shout"}"#,
        )
        .unwrap_err();
    let CallError::InputSchema { violation, .. } = &error else {
        panic!("expected a schema violation, got {error:?}");
    };
    assert_eq!(violation.schema_id, "lgpd-analyzer/redact.input");
    assert_eq!(violation.errors[0].pointer, "/mode");
    assert!(error.to_string().starts_with(
        "lgpd-analyzer@0.1.0 `redact`: invalid input: does not match schema lgpd-analyzer/redact.input: at /mode:"
    ), "{error}");
    let error = host
        .call_json(
            lgpd::PLUGIN_NAME,
            lgpd::ANALYZE,
            br#"{"content": 5, "colour": 1}"#,
        )
        .unwrap_err();
    assert_eq!(error.kind(), "input_schema");
    let error = host
        .call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, b"not json")
        .unwrap_err();
    assert!(
        error.to_string().contains("invalid input: not json"),
        "{error}"
    );
    // Nothing ran: the plugin used no fuel, and the records say why each call was refused.
    let records = audit.records()?;
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r.record.fuel_used.is_none()));
    // A valid call passes both schemas.
    let out = host.call_json(
        lgpd::PLUGIN_NAME,
        lgpd::ANALYZE,
        br#"{"content":"CPF 529.982.247-25"}"#,
    )?;
    assert!(!out.is_empty());
    Ok(())
}

#[test]
fn an_output_that_breaks_its_schema_is_refused() -> Result<()> {
    // state-leak's output has `previous` and `calls`; this schema insists on a string.
    let dir = tempfile::tempdir()?;
    let schemas = dir.path().join("state-leak");
    std::fs::create_dir_all(&schemas)?;
    std::fs::write(schemas.join("remember.input.json"), r#"{"type": "object"}"#)?;
    std::fs::write(
        schemas.join("remember.output.json"),
        r#"{"type": "string"}"#,
    )?;
    let host = Host::builder()
        .schemas_dir(dir.path())
        .plugin_bytes("state-leak.wasm", test_plugin("state-leak")?)
        .build()?;
    let error = host
        .call_json("state-leak", "remember", br#"{"secret":"s"}"#)
        .unwrap_err();
    assert_eq!(error.kind(), "output_schema");
    assert!(
        error.to_string().starts_with("state-leak@0.1.0 `remember`: invalid output: does not match schema state-leak/remember.output"),
        "{error}"
    );
    // A plugin whose schema file is missing does not load, and the error names the file.
    let error = Host::builder()
        .schemas_dir(dir.path())
        .plugin_bytes("misbehave.wasm", test_plugin("misbehave")?)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), "schema");
    assert!(
        error.to_string().contains("misbehave/echo.input.json"),
        "{error}"
    );
    Ok(())
}

#[test]
fn a_module_whose_digest_differs_from_its_pin_is_refused() -> Result<()> {
    let bytes = test_plugin("state-leak")?;
    let digest = sha256_hex(&bytes);
    let pinned = |sha: &str| {
        policy(&format!(
            "default_tenant = \"t\"\n[plugins.state-leak]\nsha256 = \"{sha}\"\n[tenants.t]\nspecialties = [\"testing\"]\nplugins = [\"state-leak\"]"
        ))
    };
    Host::builder()
        .policy(pinned(&digest)?)
        .plugin_bytes("state-leak.wasm", bytes.clone())
        .build()?;
    let other = "0".repeat(64);
    let error = Host::builder()
        .policy(pinned(&other)?)
        .plugin_bytes("state-leak.wasm", bytes)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "plugin state-leak from state-leak.wasm is refused: its sha256 is {digest}, the policy pins {other}"
        )
    );
    Ok(())
}

#[test]
fn signatures_verify_against_trusted_keys_only() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let module = dir.path().join("state-leak.wasm");
    let bytes = test_plugin("state-leak")?;
    std::fs::write(&module, &bytes)?;
    let key = SigningKey::write_new(&dir.path().join("signing.key"))?;
    let stranger = SigningKey::generate();
    let trusting = |keys: &[TrustedKey], require: bool| {
        let keys: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
        policy(&format!(
            "allow_unlisted_plugins = true\n[signatures]\nrequire = {require}\ntrusted_keys = [{}]",
            keys.join(", ")
        ))
    };
    let load = |policy: Policy| Host::builder().policy(policy).plugin_file(&module).build();
    // Unsigned, signatures required: refused, naming the file looked for.
    let error = load(trusting(&[key.public_key()], true)?).unwrap_err();
    assert_eq!(error.kind(), "missing_signature");
    assert!(error.to_string().contains("state-leak.wasm.sig"), "{error}");
    // Signed by the trusted key: loads.
    let signature_path = ModuleSignature::signature_path(&module);
    std::fs::write(&signature_path, key.sign(&bytes).to_file_contents())?;
    load(trusting(&[key.public_key()], true)?)?;
    // Signed by a key the policy does not trust: refused, even when signatures are optional.
    std::fs::write(&signature_path, stranger.sign(&bytes).to_file_contents())?;
    let error = load(trusting(&[key.public_key()], false)?).unwrap_err();
    assert_eq!(error.kind(), "signature");
    assert!(
        error
            .to_string()
            .contains(&stranger.public_key().to_string()),
        "{error}"
    );
    // The module changed after signing: refused.
    std::fs::write(&signature_path, key.sign(&bytes).to_file_contents())?;
    let mut changed = bytes.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    std::fs::write(&module, &changed)?;
    let error = load(trusting(&[key.public_key()], true)?).unwrap_err();
    assert_eq!(error.kind(), "signature");
    assert!(
        error.to_string().contains("does not match the module"),
        "{error}"
    );
    let _ = json!(null);
    Ok(())
}
