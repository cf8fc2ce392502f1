//! Versions side by side, tenants' pins, and the lifecycle of a running host — install, enable,
//! disable, uninstall — with its events and audit records, on two real builds of the
//! `versioned` test plugin (1.0.0 and 2.0.0).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use conformance::{policy, test_plugin, versioned_module};
use medplug_host::audit::{AuditSink, MemoryAuditSink, Outcome, SqliteAuditTrail};
use medplug_host::{CallContext, CallError, Host, LifecycleEvent, LoadError};
use serde_json::{Value, json};

/// Three clinics of the `testing` specialty: `a` pinned to exactly 1.0.0, `b` to any 2.x, `c`
/// unpinned.
const PINNED: &str = r#"
allow_unlisted_plugins = true
[limits]
fuel = 0
[tenants.a]
specialties = ["testing"]
plugins = ["versioned"]
pins = { versioned = "1.0.0" }
[tenants.b]
specialties = ["testing"]
plugins = ["versioned"]
pins = { versioned = "^2" }
[tenants.c]
specialties = ["testing"]
plugins = ["versioned"]
"#;

/// Two clinics, no pins.
const UNPINNED: &str = r#"
allow_unlisted_plugins = true
[limits]
fuel = 0
[tenants.a]
specialties = ["testing"]
plugins = ["versioned"]
[tenants.c]
specialties = ["testing"]
plugins = ["versioned"]
"#;

/// A host with both builds under `policy`, recording into `audit`.
fn host(policy_text: &str, audit: Arc<dyn AuditSink>) -> Result<Host> {
    Ok(Host::builder()
        .policy(policy(policy_text)?)
        .audit_sink(audit)
        .plugin_bytes("versioned-v1.wasm", versioned_module(1)?)
        .plugin_bytes("versioned-v2.wasm", versioned_module(2)?)
        .build()?)
}

/// The version that answered `echo` for `tenant`, by the plugin's own output.
fn echo_version(host: &Host, tenant: &str, target: &str) -> Result<String, CallError> {
    let context = CallContext::new(tenant, "dr.teste");
    let output: Value = host.call_as(&context, target, "echo", &json!("oi"))?;
    Ok(output["version"].as_str().unwrap_or_default().to_owned())
}

#[test]
fn tenants_pinned_to_different_versions_get_their_own() -> Result<()> {
    let audit = Arc::new(MemoryAuditSink::new());
    let host = host(PINNED, audit.clone())?;
    assert_eq!(echo_version(&host, "a", "versioned")?, "1.0.0");
    assert_eq!(echo_version(&host, "b", "versioned")?, "2.0.0");
    assert_eq!(
        echo_version(&host, "c", "versioned")?,
        "2.0.0",
        "the highest"
    );
    // A call may name a version or a requirement, within its tenant's pin.
    assert_eq!(echo_version(&host, "c", "versioned@1.0.0")?, "1.0.0");
    assert_eq!(echo_version(&host, "c", "versioned@^1")?, "1.0.0");
    assert_eq!(echo_version(&host, "b", "versioned@>=1")?, "2.0.0");
    let error = echo_version(&host, "b", "versioned@1.0.0").unwrap_err();
    assert_eq!(
        error.to_string(),
        "no installed version of `versioned` matches `1.0.0` within this tenant's pin `^2`"
    );
    assert_eq!(error.kind(), "no_matching_version");
    // The receipt and the audit record name the version that answered.
    let receipt = host.call_json_receipt(
        &CallContext::new("a", "dr.teste"),
        "versioned",
        "echo",
        b"1",
    )?;
    assert_eq!(
        (receipt.plugin.as_str(), receipt.version.as_str()),
        ("versioned", "1.0.0")
    );
    assert_eq!(
        receipt.module_sha256,
        host.plugin("versioned@1.0.0")?.sha256()
    );
    let records = audit.records();
    assert_eq!(receipt.audit_sequence, records.len() as u64);
    let versions: Vec<&str> = records.iter().map(|r| r.plugin_version.as_str()).collect();
    assert_eq!(
        versions,
        [
            "1.0.0", "2.0.0", "2.0.0", "1.0.0", "1.0.0", "2.0.0", "", "1.0.0"
        ]
    );
    // `medplug list`'s view: which tenants each version serves by default.
    let listing: Vec<(String, Vec<String>)> = host
        .versions()
        .into_iter()
        .map(|v| (v.plugin.id(), v.default_for))
        .collect();
    assert_eq!(
        listing,
        [
            ("versioned@1.0.0".to_owned(), vec!["a".to_owned()]),
            (
                "versioned@2.0.0".to_owned(),
                vec!["b".to_owned(), "c".to_owned()]
            ),
        ]
    );
    Ok(())
}

#[test]
fn a_pin_no_loaded_version_matches_is_a_load_error() -> Result<()> {
    let error = Host::builder()
        .policy(policy(PINNED)?)
        .plugin_bytes("versioned-v2.wasm", versioned_module(2)?)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "tenant `a` pins versioned to `1.0.0`, and no installed version would match it: install a matching version or change the pin"
    );
    assert!(matches!(error, LoadError::PinUnmatched { .. }));
    Ok(())
}

#[test]
fn errors_a_caller_sees_never_list_other_tenants_or_plugins() -> Result<()> {
    let host = host(PINNED, Arc::new(MemoryAuditSink::new()))?;
    let unknown = echo_version(&host, "clinica-fantasma", "versioned").unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "tenant `clinica-fantasma` is not known to this host"
    );
    let missing = echo_version(&host, "a", "lgpd-analyzer").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "tenant `a` has not enabled plugin `lgpd-analyzer`"
    );
    let bad = echo_version(&host, "a", "Versioned").unwrap_err();
    assert_eq!(bad.kind(), "invalid_target");
    Ok(())
}

#[test]
fn disable_enable_and_uninstall_change_what_answers_and_are_audited() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = host(PINNED, audit.clone())?;
    let events = host.subscribe();

    // Disabled for everyone: the unpinned tenant falls back to the highest enabled version; the
    // tenant pinned to 2.x is told which version is disabled.
    host.disable("versioned@2.0.0", None, "admin")?;
    assert_eq!(echo_version(&host, "c", "versioned")?, "1.0.0");
    let error = echo_version(&host, "b", "versioned").unwrap_err();
    assert_eq!(error.to_string(), "versioned@2.0.0 is disabled");
    // Enabled again for one tenant only.
    host.enable("versioned@2.0.0", Some("b"), "admin")?;
    assert_eq!(echo_version(&host, "b", "versioned")?, "2.0.0");
    assert_eq!(echo_version(&host, "c", "versioned")?, "1.0.0");
    // Disabled for one tenant while enabled for the others.
    host.enable("versioned@2.0.0", None, "admin")?;
    host.disable("versioned@2.0.0", Some("c"), "admin")?;
    assert_eq!(echo_version(&host, "c", "versioned")?, "1.0.0");
    let error = echo_version(&host, "c", "versioned@2.0.0").unwrap_err();
    assert_eq!(
        error.to_string(),
        "versioned@2.0.0 is disabled for this tenant"
    );

    // Uninstalling a version a pin needs is refused, and changes nothing.
    let error = host.uninstall("versioned@1.0.0", "admin").unwrap_err();
    assert_eq!(error.kind(), "pin_unmatched");
    assert_eq!(echo_version(&host, "a", "versioned")?, "1.0.0");
    // Unknown versions and tenants are named.
    assert_eq!(
        host.disable("versioned@3.0.0", None, "admin")
            .unwrap_err()
            .to_string(),
        "versioned@3.0.0 is not installed"
    );
    assert_eq!(
        host.disable("versioned@2.0.0", Some("z"), "admin")
            .unwrap_err()
            .to_string(),
        "tenant `z` is not in the policy"
    );

    let kinds: Vec<&str> = events.try_iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, ["disabled", "enabled", "enabled", "disabled"]);
    let report = audit.verify()?;
    assert!(report.is_intact(), "{report:?}");
    let lifecycle: Vec<(String, String, String)> = audit
        .records()?
        .into_iter()
        .filter_map(|r| {
            let entry = r.record.lifecycle?;
            Some((entry.event, r.record.tenant, r.record.actor))
        })
        .collect();
    let expected = [
        ("disabled", "*"),
        ("enabled", "b"),
        ("enabled", "*"),
        ("disabled", "c"),
    ];
    assert_eq!(lifecycle.len(), expected.len());
    for ((event, tenant, actor), (want_event, want_tenant)) in lifecycle.iter().zip(expected) {
        assert_eq!(
            (event.as_str(), tenant.as_str(), actor.as_str()),
            (want_event, want_tenant, "admin")
        );
    }
    Ok(())
}

#[test]
fn uninstall_then_install_again() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = host(UNPINNED, audit.clone())?;
    let events = host.subscribe();
    host.uninstall("versioned@1.0.0", "admin")?;
    let error = echo_version(&host, "a", "versioned@1.0.0").unwrap_err();
    assert_eq!(error.to_string(), "versioned@1.0.0 was uninstalled");
    assert_eq!(error.kind(), "uninstalled");
    assert_eq!(echo_version(&host, "a", "versioned")?, "2.0.0");
    let plugin = host.install_bytes("versioned-v1 again", versioned_module(1)?, "admin")?;
    assert_eq!(plugin.id(), "versioned@1.0.0");
    assert_eq!(echo_version(&host, "a", "versioned@1.0.0")?, "1.0.0");
    // The same version twice is refused, and announced.
    let error = host
        .install_bytes("versioned-v2 again", versioned_module(2)?, "admin")
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "versioned@2.0.0 is loaded twice (from versioned-v2.wasm and versioned-v2 again): keep one"
    );
    // Garbage is refused before anything changes.
    let error = host
        .install_bytes("junk", b"not wasm".to_vec(), "admin")
        .unwrap_err();
    assert_eq!(error.kind(), "invalid_module");
    let kinds: Vec<String> = events.try_iter().map(|e| e.kind().to_owned()).collect();
    assert_eq!(
        kinds,
        ["uninstalled", "installed", "load_failed", "load_failed"]
    );
    assert_eq!(host.plugins().len(), 2);
    let report = audit.verify()?;
    assert!(report.is_intact(), "{report:?}");
    let failed: Vec<(Outcome, Option<String>)> = audit
        .records()?
        .into_iter()
        .filter(|r| {
            r.record
                .lifecycle
                .as_ref()
                .is_some_and(|l| l.event == "load_failed")
        })
        .map(|r| (r.record.outcome, r.record.error_kind))
        .collect();
    assert_eq!(
        failed,
        [
            (Outcome::HostFailure, Some("version_conflict".to_owned())),
            (Outcome::HostFailure, Some("invalid_module".to_owned()))
        ]
    );
    Ok(())
}

/// Iterations of the `work` function that take about `target` on this machine.
pub fn iterations_for(host: &Host, tenant: &str, target: Duration) -> Result<u64> {
    let context = CallContext::new(tenant, "calibration");
    let probe = 2_000_000u64;
    let started = Instant::now();
    host.call_as::<_, Value>(
        &context,
        "versioned",
        "work",
        &json!({ "iterations": probe }),
    )?;
    let took = started.elapsed().max(Duration::from_micros(100));
    Ok((probe as f64 * target.as_secs_f64() / took.as_secs_f64()) as u64)
}

#[test]
fn in_flight_calls_finish_on_a_version_disabled_or_uninstalled_meanwhile() -> Result<()> {
    let host = host(UNPINNED, Arc::new(MemoryAuditSink::new()))?;
    let iterations = iterations_for(&host, "a", Duration::from_millis(600))?;
    for uninstall in [false, true] {
        let target = if uninstall {
            "versioned@1.0.0"
        } else {
            "versioned@2.0.0"
        };
        let call = {
            let host = host.clone();
            std::thread::spawn(move || {
                let context = CallContext::new("a", "dr.teste");
                host.call_as::<_, Value>(
                    &context,
                    target,
                    "work",
                    &json!({ "iterations": iterations }),
                )
            })
        };
        // Let the call start: it is running once its tenant's pool hands out an instance.
        let started = Instant::now();
        while host.plugin(target)?.running_instances() == 0 {
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(5),
                "the call did not start"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        let id = target.to_owned();
        if uninstall {
            host.uninstall(&id, "admin")?;
        } else {
            host.disable(&id, None, "admin")?;
        }
        let finished = call.join().expect("the calling thread")?;
        assert_eq!(
            finished["version"],
            json!(target.split('@').nth(1).context("version")?),
            "the in-flight call finished on its version"
        );
        let later = echo_version(&host, "a", target).unwrap_err();
        assert_eq!(
            later.kind(),
            if uninstall { "uninstalled" } else { "disabled" }
        );
    }
    Ok(())
}

#[test]
fn events_reach_callbacks_and_a_plugin_refused_at_install_changes_nothing() -> Result<()> {
    let host = Host::builder()
        .policy(policy(UNPINNED)?)
        .plugin_bytes("versioned-v1.wasm", versioned_module(1)?)
        .build()?;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    host.on_event(move |event| log.lock().unwrap().push(event.clone()));
    // A module importing a host function it is not granted.
    let error = host
        .install_bytes("host-caller.wasm", test_plugin("host-caller")?, "admin")
        .unwrap_err();
    assert_eq!(error.kind(), "contract_violation");
    let events = seen.lock().unwrap().clone();
    assert_eq!(events.len(), 1);
    let LifecycleEvent::LoadFailed {
        origin,
        error_kind,
        reason,
    } = &events[0]
    else {
        panic!("{events:?}");
    };
    assert_eq!(
        (origin.as_str(), error_kind.as_str()),
        ("host-caller.wasm", "contract_violation")
    );
    assert_eq!(reason, &error.to_string());
    assert_eq!(host.plugins().len(), 1);
    Ok(())
}
