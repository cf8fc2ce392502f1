//! Guards and integrity: inputs and outputs against the functions' schemas (with JSON pointers)
//! — the module's own (its `medplug.schemas` section) or a schemas directory's — modules pinned
//! by sha256, ed25519 signatures.

use std::sync::Arc;

use anyhow::Result;
use conformance::{plugin, policy, test_plugin};
use medplug_host::signature::{ModuleSignature, SigningKey, TrustedKey};
use medplug_host::{
    CallError, EmbeddedFunction, EmbeddedSchemas, EmbeddedSchemasProblem, Host, LoadError, Policy,
    SchemaError, sha256_hex,
};
use medplug_pdk::lgpd;
use serde_json::json;

#[test]
fn inputs_are_checked_against_the_schema_before_the_plugin_runs() -> Result<()> {
    // No schemas directory: the schemas the module embeds are checked by default.
    let audit = Arc::new(medplug_host::audit::SqliteAuditTrail::in_memory()?);
    let host = Host::builder()
        .audit_sink(Arc::clone(&audit) as _)
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

/// `module` with one more custom section (`\0`, size, name, payload), as a third party might
/// write it.
fn with_custom_section(module: &[u8], name: &str, payload: &[u8]) -> Vec<u8> {
    fn leb128(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            out.push(if n == 0 { byte } else { byte | 0x80 });
            if n == 0 {
                break;
            }
        }
    }
    let mut contents = Vec::new();
    leb128(name.len(), &mut contents);
    contents.extend(name.as_bytes());
    contents.extend(payload);
    let mut out = module.to_vec();
    out.push(0);
    leb128(contents.len(), &mut out);
    out.extend(contents);
    out
}

#[test]
fn the_module_s_own_schemas_win_and_a_directory_serves_modules_without_them() -> Result<()> {
    // An empty schemas directory: the analyzer still loads (its schemas are its own) and still
    // refuses a bad input; the test plugin, which embeds none, is refused for want of files.
    let empty = tempfile::tempdir()?;
    let host = Host::builder()
        .schemas_dir(empty.path())
        .plugin_bytes("lgpd-analyzer.wasm", plugin("lgpd-analyzer")?)
        .build()?;
    let error = host
        .call_json(lgpd::PLUGIN_NAME, lgpd::REDACT, br#"{"content":"x"}"#)
        .unwrap_err();
    assert_eq!(error.kind(), "input_schema");
    assert!(host.plugins()[0].interface().schema_sections.len() == 1);
    let error = Host::builder()
        .schemas_dir(empty.path())
        .plugin_bytes("state-leak.wasm", test_plugin("state-leak")?)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), "schema");
    // Without a directory a module that embeds no schemas loads unchecked, unless the policy
    // requires schemas.
    let state_leak = test_plugin("state-leak")?;
    Host::builder()
        .plugin_bytes("state-leak.wasm", state_leak.clone())
        .build()?;
    let requiring = policy(
        "default_tenant = \"t\"\nallow_unlisted_plugins = true\n[schemas]\nrequire = true\n\
         [tenants.t]\nspecialties = [\"testing\"]\nplugins = [\"state-leak\"]",
    )?;
    let error = Host::builder()
        .policy(requiring.clone())
        .plugin_bytes("state-leak.wasm", state_leak.clone())
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "plugin state-leak: the policy requires schemas, the module embeds none (no \
         `medplug.schemas` section) and the host has no schemas directory: build it with \
         `cargo xtask build-plugins`"
    );
    // The same module with schemas of its own loads under that policy, and they are checked.
    let mut own = EmbeddedSchemas::default();
    own.functions.insert(
        "remember".to_owned(),
        EmbeddedFunction {
            input: json!({"type": "object", "required": ["secret"]}),
            output: json!({"type": "object"}),
        },
    );
    let host = Host::builder()
        .policy(requiring)
        .plugin_bytes(
            "state-leak.wasm",
            own.embed(&state_leak).map_err(anyhow::Error::msg)?,
        )
        .build()?;
    let error = host
        .call_json("state-leak", "remember", br#"{"other":"s"}"#)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "state-leak@0.1.0 `remember`: invalid input: does not match schema \
         state-leak/remember.input: at (root): \"secret\" is a required property"
    );
    Ok(())
}

#[test]
fn a_module_whose_embedded_schemas_are_malformed_is_refused_at_load() -> Result<()> {
    let state_leak = test_plugin("state-leak")?;
    let load = |bytes: Vec<u8>| {
        Host::builder()
            .plugin_bytes("state-leak.wasm", bytes)
            .build()
            .unwrap_err()
    };
    let error = load(with_custom_section(
        &state_leak,
        "medplug.schemas",
        b"{\"version\":1,\"functions\":{",
    ));
    assert!(
        matches!(
            &error,
            LoadError::Schema {
                plugin,
                source: SchemaError::Embedded {
                    problem: EmbeddedSchemasProblem::Unreadable(_)
                },
            } if plugin == "state-leak"
        ),
        "{error:?}"
    );
    assert_eq!(error.kind(), "schema");
    assert_eq!(
        error.to_string(),
        "plugin state-leak: the module's embedded schemas are refused: its `medplug.schemas` \
         section is unreadable: EOF while parsing an object at line 1 column 26; rebuild it \
         with `cargo xtask build-plugins`"
    );
    // Valid JSON, but schemas for a function `describe` does not list.
    let mut other = EmbeddedSchemas::default();
    other.functions.insert(
        "forget".to_owned(),
        EmbeddedFunction {
            input: json!({}),
            output: json!({}),
        },
    );
    let error = load(other.embed(&state_leak).map_err(anyhow::Error::msg)?);
    assert!(
        error.to_string().contains(
            "its `medplug.schemas` section has schemas for `forget`, which `describe` does not list"
        ),
        "{error}"
    );
    // Two sections: which one would count?
    let once = other.embed(&state_leak).map_err(anyhow::Error::msg)?;
    let twice = with_custom_section(&once, "medplug.schemas", &other.to_payload());
    assert!(
        load(twice)
            .to_string()
            .contains("the module has 2 `medplug.schemas` sections"),
    );
    // A schema that is not a JSON Schema.
    let mut invalid = EmbeddedSchemas::default();
    invalid.functions.insert(
        "remember".to_owned(),
        EmbeddedFunction {
            input: json!({"type": 12}),
            output: json!({}),
        },
    );
    let error = load(invalid.embed(&state_leak).map_err(anyhow::Error::msg)?);
    assert!(
        matches!(&error, LoadError::Schema { source: SchemaError::Invalid { schema_id, .. }, .. } if schema_id == "state-leak/remember.input"),
        "{error:?}"
    );
    Ok(())
}
