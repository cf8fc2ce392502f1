//! `medplug conformance`'s checks (crate medplug-conformance, one implementation) on every
//! module this repository builds: each reference plugin passes every check with its fixtures and
//! published schemas; each test plugin that breaks a rule of ABI v1 fails exactly the checks of
//! the rules it breaks; and a plugin written in another language — `cns-check`, AssemblyScript
//! with Extism's as-pdk, built from source by `cargo xtask test` — passes every check and runs
//! through the host like any other.

use std::collections::BTreeSet;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use conformance::{index, plugin, root, test_plugin};
use medplug_conformance::{Options, Status, check_module};
use medplug_host::audit::MemoryAuditSink;
use medplug_host::policy::{LOCAL_TENANT, PluginPolicy};
use medplug_host::{
    CallError, ContractViolation, EmbeddedFunction, EmbeddedSchemas, Host, LoadError, Policy,
};
use medplug_pdk::{Capability, ErrorCode};
use serde_json::{Value, json};

#[test]
fn every_reference_plugin_passes_every_check() -> Result<()> {
    for entry in index()?.plugins {
        let options = Options {
            fixtures: Some(root().join("tests/fixtures").join(&entry.name)),
            schemas: Some(root().join("schemas")),
        };
        let report = check_module(&entry.name, &plugin(&entry.name)?, &options);
        let not_passed: Vec<_> = report
            .checks
            .iter()
            .filter(|c| c.status != Status::Passed)
            .collect();
        assert!(not_passed.is_empty(), "{}", report.table());
        assert_eq!(
            report.plugin.as_deref(),
            Some(format!("{}@{}", entry.name, entry.version).as_str())
        );
        assert_eq!(
            report.check("schemas").map(|c| c.detail.as_str()),
            Some(
                "embedded, equal to the published ones; every fixture's input and output validate"
            ),
            "{}",
            entry.name
        );
    }
    Ok(())
}

#[test]
fn embedded_schemas_must_equal_the_published_ones() -> Result<()> {
    // state-leak with schemas of its own, against a directory that publishes others.
    let mut own = EmbeddedSchemas::default();
    own.functions.insert(
        "remember".to_owned(),
        EmbeddedFunction {
            input: json!({"type": "object"}),
            output: json!({"type": "object"}),
        },
    );
    let module = own
        .embed(&test_plugin("state-leak")?)
        .map_err(anyhow::Error::msg)?;
    let dir = tempfile::tempdir()?;
    std::fs::create_dir(dir.path().join("state-leak"))?;
    std::fs::write(
        dir.path().join("state-leak/remember.input.json"),
        r#"{"type": "object"}"#,
    )?;
    std::fs::write(
        dir.path().join("state-leak/remember.output.json"),
        r#"{"type": "array"}"#,
    )?;
    let options = Options {
        fixtures: None,
        schemas: Some(dir.path().to_owned()),
    };
    let report = check_module("state-leak.wasm", &module, &options);
    assert_eq!(report.failed(), ["schemas"], "{}", report.table());
    assert_eq!(
        report.check("schemas").map(|c| c.detail.clone()),
        Some(format!(
            "the module's state-leak/remember.output differs from the published {}",
            dir.path().join("state-leak/remember.output.json").display()
        ))
    );
    // Without a directory the section alone counts; the plugin's own answers are still judged.
    let report = check_module("state-leak.wasm", &module, &Options::default());
    assert_eq!(report.failed(), Vec::<&str>::new(), "{}", report.table());
    assert_eq!(
        report.check("schemas").map(|c| c.detail.as_str()),
        Some("embedded (no fixtures to validate)")
    );
    Ok(())
}

#[test]
fn each_test_plugin_fails_exactly_the_checks_of_the_rules_it_breaks() -> Result<()> {
    let expected: [(&str, &[&str]); 6] = [
        // Says it speaks ABI v2.
        ("abi-two", &["describe"]),
        // `peek` reads a patient whatever its input: a number is not refused as invalid.
        ("forbidden-import", &["invalid_input"]),
        // `echo` takes any JSON; `spin`, `burn`, `bomb`, `panic` and `fail` misbehave on any
        // input, and `spin` runs into the default time limit.
        ("misbehave", &["invalid_input", "limits"]),
        // `echo` takes any JSON.
        ("versioned-v1", &["invalid_input"]),
        // Honours ABI v1: its static state is the host's business (per-tenant instances).
        ("state-leak", &[]),
        // Requests every capability it imports, and checks its input.
        ("host-caller", &[]),
    ];
    for (name, failing) in expected {
        let report = check_module(name, &test_plugin(name)?, &Options::default());
        assert_eq!(report.failed(), failing, "{}", report.table());
    }
    Ok(())
}

/// The AssemblyScript plugin's sources, schemas (`schemas/cns-check/`) and fixtures
/// (`fixtures/validate/`).
const CNS_CHECK_DIR: &str = "tests/other-language/cns-check";

/// `target/test-plugins/cns-check.wasm`, which `cargo xtask test` compiles from
/// [`CNS_CHECK_DIR`] with the AssemblyScript compiler (never committed).
fn cns_check() -> Result<Vec<u8>> {
    let path = root().join("target/test-plugins/cns-check.wasm");
    std::fs::read(&path).with_context(|| {
        format!(
            "reading {}: `cargo xtask test` builds it from {CNS_CHECK_DIR} (needs node and npm)",
            path.display()
        )
    })
}

/// A host with `cns-check` alone, granted `audit_log` (which it imports), its audit records in
/// `audit`; validating both sides against its schemas when `schemas`.
fn cns_check_host(audit: &Arc<MemoryAuditSink>, schemas: bool) -> Result<Host> {
    cns_check_host_with(Policy::open(), audit, schemas)
}

fn cns_check_host_with(
    mut policy: Policy,
    audit: &Arc<MemoryAuditSink>,
    schemas: bool,
) -> Result<Host> {
    policy.plugins.insert(
        "cns-check".to_owned(),
        PluginPolicy {
            sha256: Vec::new(),
            grants: BTreeSet::from([Capability::AuditLog]),
            limits: policy.default_limits,
            pool: policy.default_pool,
            quota: policy.default_quota.clone(),
        },
    );
    let mut builder = Host::builder()
        .policy(policy)
        .audit_sink(Arc::clone(audit) as _)
        .plugin_bytes("cns-check.wasm", cns_check()?);
    if schemas {
        builder = builder.schemas_dir(root().join(CNS_CHECK_DIR).join("schemas"));
    }
    Ok(builder.build()?)
}

#[test]
fn a_plugin_written_in_assemblyscript_passes_every_check() -> Result<()> {
    let dir = root().join(CNS_CHECK_DIR);
    let options = Options {
        fixtures: Some(dir.join("fixtures")),
        schemas: Some(dir.join("schemas")),
    };
    let report = check_module("cns-check.wasm", &cns_check()?, &options);
    let passed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Passed)
        .map(|c| c.name)
        .collect();
    assert_eq!(
        passed,
        [
            "wasm",
            "imports",
            "describe",
            "deterministic",
            "exports",
            "loads",
            "invalid_input",
            "survives_errors",
            "schemas",
            "fixtures",
            "limits",
        ],
        "{}",
        report.table()
    );
    assert_eq!(report.plugin.as_deref(), Some("cns-check@0.1.0"));
    let detail = |name: &str| report.check(name).map(|c| c.detail.as_str());
    assert_eq!(detail("imports"), Some("host functions audit_log"));
    assert_eq!(
        detail("describe"),
        Some("cns-check@0.1.0 (general), ABI v1")
    );
    assert_eq!(detail("exports"), Some("functions validate"));
    assert_eq!(detail("fixtures"), Some("7 cases"));
    Ok(())
}

#[test]
fn the_assemblyscript_plugin_validates_cns_numbers_through_the_host() -> Result<()> {
    let audit = Arc::new(MemoryAuditSink::new());
    let host = cns_check_host(&audit, true)?;
    let valid = |kind: &str| json!({ "valid": true, "kind": kind, "reason": null });
    let invalid = |reason: &str| json!({ "valid": false, "kind": null, "reason": reason });
    // Numbers computed with the DATASUS routines (assembly/index.ts): 271643859200018 ends in
    // `001` + 8 because its first check digit came out as 10; the invalid ones change one digit
    // of a valid number, or add or drop one.
    let cases = [
        ("161803398870008", valid("definitive")),
        ("271643859200018", valid("definitive")),
        ("702135489621079", valid("provisional")),
        ("702135489621078", invalid("check_digit")),
        ("271643859200008", invalid("check_digit")),
        ("16180339887000", invalid("not_15_digits")),
        ("1618033988700080", invalid("not_15_digits")),
        ("16180339887000a", invalid("not_15_digits")),
        ("", invalid("not_15_digits")),
        ("061803398870008", invalid("unknown_first_digit")),
    ];
    for (cns, expected) in &cases {
        let output: Value = host.call("cns-check", "validate", &json!({ "cns": cns }))?;
        assert_eq!(&output, expected, "{cns}");
    }
    // One `audit_log` event per call, through the host function: the outcome, never the number.
    let events: Vec<(String, String)> = audit
        .records()
        .iter()
        .flat_map(|r| &r.events)
        .map(|e| (e.event.clone(), e.message.clone()))
        .collect();
    let messages = [
        "valid definitive number",
        "valid definitive number",
        "valid provisional number",
        "invalid number: check_digit",
        "invalid number: check_digit",
        "invalid number: not_15_digits",
        "invalid number: not_15_digits",
        "invalid number: not_15_digits",
        "invalid number: not_15_digits",
        "invalid number: unknown_first_digit",
    ];
    assert_eq!(
        events,
        messages.map(|m| ("cns_checked".to_owned(), m.to_owned()))
    );
    Ok(())
}

#[test]
fn the_assemblyscript_plugin_refuses_bad_input_as_invalid_input_and_keeps_serving() -> Result<()> {
    let audit = Arc::new(MemoryAuditSink::new());
    // Without schemas: the plugin's own checks, not the host's schema guard.
    let host = cns_check_host(&audit, false)?;
    let cases: [(&[u8], &str); 8] = [
        (b"", "is not valid json: the input is empty"),
        (
            b"{\"cns\": ",
            "is not valid json: unexpected end of input at character 9",
        ),
        (
            b"{\"cns\": \"1\"",
            "is not valid json: expected `,` or `}` at character 12",
        ),
        (
            b"{\"cns\":\"\xff\"}",
            "is not valid json: the input is not utf-8",
        ),
        (
            b"42",
            r#"has the wrong shape: expected an object {"cns": "..."}"#,
        ),
        (
            b"{\"cns\": 42}",
            "has the wrong shape: `cns` must be a string",
        ),
        (
            b"{\"cns\": \"1\", \"name\": \"Maria\"}",
            "has the wrong shape: unknown field, expected only `cns`",
        ),
        (b"{}", "has the wrong shape: missing field `cns`"),
    ];
    for (input, expected) in cases {
        match host.call_json("cns-check", "validate", input) {
            Err(CallError::InvalidInput { message, .. }) => {
                assert_eq!(message, format!("input of `validate` {expected}"));
            }
            other => bail!("{}: {other:?}", String::from_utf8_lossy(input)),
        }
    }
    assert_eq!(
        host.call_json("cns-check", "validate", br#"{"cns": "898000000043208"}"#)?,
        br#"{"valid":true,"kind":"provisional","reason":null}"#
    );
    let plugin = host.plugin("cns-check")?;
    assert_eq!(plugin.idle_instances_of(LOCAL_TENANT), 1);
    Ok(())
}

#[test]
fn the_assemblyscript_plugin_really_imports_audit_log_and_fails_closed_without_it() -> Result<()> {
    let audit = Arc::new(MemoryAuditSink::new());
    let refused = Host::builder()
        .audit_sink(Arc::clone(&audit) as _)
        .plugin_bytes("cns-check.wasm", cns_check()?)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            LoadError::ContractViolation {
                violation: ContractViolation::UngrantedCapability {
                    capability: Capability::AuditLog,
                    ..
                },
                ..
            }
        ),
        "{refused}"
    );
    // Granted to the plugin, but not by this tenant: the host refuses the event, and the plugin
    // gives no answer it could not record.
    let mut policy = Policy::open();
    policy
        .tenants
        .get_mut(LOCAL_TENANT)
        .context("the open policy's tenant")?
        .grants
        .insert("cns-check".to_owned(), BTreeSet::new());
    let host = cns_check_host_with(policy, &audit, true)?;
    match host.call_json("cns-check", "validate", br#"{"cns": "161803398870008"}"#) {
        Err(CallError::Plugin { code, message, .. }) => {
            assert_eq!(code, ErrorCode::Internal);
            assert_eq!(
                message,
                "the host refused `audit_log`: the check was not recorded"
            );
        }
        other => bail!("{other:?}"),
    }
    let record = audit.records().pop().context("the call's audit record")?;
    assert_eq!(
        record
            .host_calls
            .iter()
            .map(|c| (c.function.as_str(), c.outcome.as_str()))
            .collect::<Vec<_>>(),
        [("audit_log", "denied")]
    );
    assert!(record.events.is_empty());
    Ok(())
}
