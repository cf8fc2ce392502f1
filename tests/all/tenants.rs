//! Tenants and specialties: who may call what, and no state crosses from one clinic to another.

use std::sync::Arc;

use anyhow::{Context, Result};
use conformance::{security_policy, test_plugin};
use medplug_host::audit::{Outcome, SqliteAuditTrail};
use medplug_host::{CallContext, CallError, Host};
use serde_json::{Value, json};

fn host(audit: Arc<SqliteAuditTrail>) -> Result<Host> {
    Ok(Host::builder()
        .policy(security_policy()?)
        .audit_sink(audit)
        .plugin_bytes("host-caller.wasm", test_plugin("host-caller")?)
        .plugin_bytes("state-leak.wasm", test_plugin("state-leak")?)
        .build()?)
}

fn remember(host: &Host, tenant: &str, secret: &str) -> Result<Value> {
    let context = CallContext::new(tenant, "dr.teste");
    Ok(host.call_as(
        &context,
        "state-leak",
        "remember",
        &json!({ "secret": secret }),
    )?)
}

#[test]
fn no_state_of_one_tenants_call_is_visible_in_anothers() -> Result<()> {
    let host = host(Arc::new(SqliteAuditTrail::in_memory()?))?;
    // The plugin's static memory is real: a second call of the same clinic sees the first.
    assert_eq!(
        remember(&host, "clinica-horizonte", "segredo-horizonte")?,
        json!({ "previous": null, "calls": 1 })
    );
    assert_eq!(
        remember(&host, "clinica-horizonte", "segredo-horizonte-2")?,
        json!({ "previous": "segredo-horizonte", "calls": 2 })
    );
    // Another clinic gets an instance of its own, which has never seen the first clinic's call.
    assert_eq!(
        remember(&host, "cardio-sul", "segredo-cardio")?,
        json!({ "previous": null, "calls": 1 })
    );
    assert_eq!(
        remember(&host, "clinica-horizonte", "segredo-horizonte-3")?,
        json!({ "previous": "segredo-horizonte-2", "calls": 3 })
    );
    let plugin = host.plugin("state-leak")?;
    assert_eq!(plugin.idle_instances_of("clinica-horizonte"), 1);
    assert_eq!(plugin.idle_instances_of("cardio-sul"), 1);
    Ok(())
}

#[test]
fn concurrent_calls_of_two_tenants_never_share_an_instance() -> Result<()> {
    let host = host(Arc::new(SqliteAuditTrail::in_memory()?))?;
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = ["clinica-horizonte", "cardio-sul"]
            .into_iter()
            .map(|tenant| {
                let host = &host;
                scope.spawn(move || -> Result<()> {
                    for i in 0..50 {
                        let secret = format!("{tenant}-{i}");
                        let seen = remember(host, tenant, &secret)?;
                        let previous = seen["previous"].as_str().unwrap_or(tenant);
                        assert!(
                            previous.starts_with(tenant),
                            "{tenant} saw another tenant's secret {previous}"
                        );
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("worker panicked"))??;
        }
        Ok(())
    })
}

#[test]
fn a_tenant_calls_only_its_enabled_plugins_of_its_specialties() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = host(Arc::clone(&audit))?;
    let cardio = CallContext::new("cardio-sul", "dr.cardio");
    // host-caller is a dermatology plugin, and cardio-sul has not enabled it.
    let error = host
        .call_json_as(
            &cardio,
            "host-caller",
            "log",
            br#"{"event":"x","message":"y"}"#,
        )
        .unwrap_err();
    assert!(
        matches!(&error, CallError::NotEnabled { tenant, plugin } if tenant == "cardio-sul" && plugin == "host-caller"),
        "{error:?}"
    );
    // The same words whether or not the plugin is installed: nothing about it leaks.
    assert_eq!(
        error.to_string(),
        "tenant `cardio-sul` has not enabled plugin `host-caller`"
    );
    let absent = host
        .call_json_as(&cardio, "ghost", "log", b"{}")
        .unwrap_err();
    assert_eq!(
        absent.to_string(),
        "tenant `cardio-sul` has not enabled plugin `ghost`"
    );
    let versioned = host
        .call_json_as(&cardio, "host-caller@9.9.9", "log", b"{}")
        .unwrap_err();
    assert_eq!(versioned.kind(), "plugin_not_enabled");
    // clinica-restrita enabled state-leak nowhere, and does not practise its specialty either.
    let restricted = CallContext::new("clinica-restrita", "dr.r");
    let error = host
        .call_json_as(&restricted, "state-leak", "remember", br#"{"secret":"s"}"#)
        .unwrap_err();
    assert_eq!(error.kind(), "plugin_not_enabled");
    // A policy where the tenant enables the plugin but lacks its specialty.
    let mut policy = security_policy()?;
    policy
        .tenants
        .get_mut("cardio-sul")
        .context("cardio-sul")?
        .plugins
        .insert("host-caller".to_owned());
    let host2 = Host::builder()
        .policy(policy)
        .plugin_bytes("host-caller.wasm", test_plugin("host-caller")?)
        .build()?;
    let error = host2
        .call_json_as(
            &cardio,
            "host-caller",
            "log",
            br#"{"event":"x","message":"y"}"#,
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "tenant `cardio-sul` may not call host-caller@0.1.0 `log`: the plugin's specialty `dermatology` is not one of this tenant's specialties"
    );
    // An unknown tenant.
    let error = host
        .call_json_as(
            &CallContext::new("clinica-fantasma", "x"),
            "state-leak",
            "remember",
            b"{}",
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "tenant `clinica-fantasma` is not known to this host"
    );
    // Each denial is in the audit trail, and no instance was made for it.
    let records = audit.records()?;
    let denials: Vec<(&str, Option<&str>)> = records
        .iter()
        .map(|r| (r.record.tenant.as_str(), r.record.error_kind.as_deref()))
        .collect();
    assert_eq!(
        denials,
        [
            ("cardio-sul", Some("plugin_not_enabled")),
            ("cardio-sul", Some("plugin_not_enabled")),
            ("cardio-sul", Some("plugin_not_enabled")),
            ("clinica-restrita", Some("plugin_not_enabled")),
            ("clinica-fantasma", Some("unknown_tenant")),
        ]
    );
    assert!(records.iter().all(|r| r.record.outcome == Outcome::Denied));
    assert_eq!(host.plugin("host-caller")?.idle_instances(), 0);
    Ok(())
}

#[test]
fn a_plugin_missing_from_a_strict_policy_does_not_load() -> Result<()> {
    let error = Host::builder()
        .policy(security_policy()?)
        .plugin_bytes("misbehave.wasm", test_plugin("misbehave")?)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "plugin misbehave from misbehave.wasm is refused: the policy has no [plugins.misbehave] table"
    );
    Ok(())
}
