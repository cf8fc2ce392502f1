//! Quotas (policy `[quotas]`): calls per tenant × plugin per period, refused before any instance
//! is taken and audited as `quota_exceeded`; host functions per call and per period, refused to
//! the plugin with the `quota_exceeded` code. And the host's metrics count what happened.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use conformance::{policy, test_plugin, versioned_module};
use medplug_cli::demo_patients::seed_demo;
use medplug_host::audit::{MemoryAuditSink, Outcome};
use medplug_host::patients::SqlitePatientStore;
use medplug_host::phi::{PhiKey, PhiKeyring};
use medplug_host::{CallContext, CallError, Host};
use serde_json::{Value, json};

fn versioned_host(quotas: &str, audit: Arc<MemoryAuditSink>) -> Result<Host> {
    Ok(Host::builder()
        .policy(policy(&format!(
            "allow_unlisted_plugins = true\n[quotas]\n{quotas}\n\
             [tenants.a]\nspecialties = [\"testing\"]\nplugins = [\"versioned\"]\n\
             [tenants.b]\nspecialties = [\"testing\"]\nplugins = [\"versioned\"]\n"
        ))?)
        .audit_sink(audit)
        .plugin_bytes("versioned-v1.wasm", versioned_module(1)?)
        .build()?)
}

#[test]
fn replicas_sharing_their_quota_windows_admit_the_limit_between_them() -> Result<()> {
    use medplug_host::PostgresQuotas;
    use medplug_host::policy::PostgresUrl;
    use medplug_testdb::TestPostgres;

    let server = TestPostgres::shared();
    let url = PostgresUrl::parse(&server.create_database("quotas")).map_err(anyhow::Error::msg)?;
    let audit = Arc::new(MemoryAuditSink::new());
    // Three replicas, each with its own windows in memory unless shared: 7 calls an hour.
    let replica = |shared: bool| -> Result<Host> {
        let mut builder = Host::builder()
            .policy(policy(
                "allow_unlisted_plugins = true\n[quotas]\ncalls = 7\nperiod_seconds = 3600\n\
                 [tenants.a]\nspecialties = [\"testing\"]\nplugins = [\"versioned\"]\n\
                 [tenants.b]\nspecialties = [\"testing\"]\nplugins = [\"versioned\"]\n",
            )?)
            .audit_sink(audit.clone())
            .plugin_bytes("versioned-v1.wasm", versioned_module(1)?);
        if shared {
            builder = builder.shared_quotas(PostgresQuotas::connect_with_password(
                &url,
                server.password(),
            )?);
        }
        Ok(builder.build()?)
    };
    let admitted = |hosts: &[Host]| -> usize {
        std::thread::scope(|scope| {
            let callers: Vec<_> = (0..hosts.len() * 2)
                .map(|n| {
                    let host = &hosts[n % hosts.len()];
                    scope.spawn(move || (0..4).filter(|_| echo(host, "a").is_ok()).count())
                })
                .collect();
            callers.into_iter().map(|c| c.join().expect("caller")).sum()
        })
    };
    // Apart, each replica admits its own 7: 21 of the 24 calls.
    let apart = [replica(false)?, replica(false)?, replica(false)?];
    assert_eq!(admitted(&apart), 21);
    // Shared, the three admit 7 between them, and refuse the rest with the window's wait.
    let shared = [replica(true)?, replica(true)?, replica(true)?];
    assert_eq!(admitted(&shared), 7);
    let error = echo(&shared[1], "a").unwrap_err();
    let CallError::QuotaExceeded {
        limit, retry_after, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*limit, 7);
    // The slice of the first calls (one minute of the database's clock) leaves at 61 slices.
    assert!(
        *retry_after > Duration::from_secs(3530) && *retry_after <= Duration::from_secs(3660),
        "{retry_after:?}"
    );
    // Another tenant has its own window.
    echo(&shared[2], "b")?;
    // The database gone: calls are not admitted, typed, and do not run.
    let gone = TestPostgres::start()?;
    let gone_url =
        PostgresUrl::parse(&gone.create_database("quotas_gone")).map_err(anyhow::Error::msg)?;
    let host = Host::builder()
        .policy(policy(
            "allow_unlisted_plugins = true\n[quotas]\ncalls = 7\nperiod_seconds = 3600\n\
             [tenants.a]\nspecialties = [\"testing\"]\nplugins = [\"versioned\"]\n",
        )?)
        .audit_sink(audit.clone())
        .plugin_bytes("versioned-v1.wasm", versioned_module(1)?)
        .shared_quotas(PostgresQuotas::connect_with_password(
            &gone_url,
            gone.password(),
        )?)
        .build()?;
    gone.stop();
    let error = echo(&host, "a").unwrap_err();
    assert_eq!(error.kind(), "quota_unavailable", "{error}");
    assert!(!error.is_retryable());
    assert_eq!(
        audit.records().last().map(|r| r.outcome),
        Some(Outcome::HostFailure)
    );
    Ok(())
}

fn echo(host: &Host, tenant: &str) -> Result<Value, CallError> {
    host.call_as(
        &CallContext::new(tenant, "dr.teste"),
        "versioned",
        "echo",
        &json!(1),
    )
}

#[test]
fn a_call_past_the_quota_is_refused_before_it_takes_an_instance() -> Result<()> {
    let audit = Arc::new(MemoryAuditSink::new());
    let host = versioned_host("calls = 3\nperiod_seconds = 3600", audit.clone())?;
    for _ in 0..3 {
        echo(&host, "a")?;
    }
    let plugin = host.plugin("versioned")?;
    let idle = plugin.idle_instances_of("a");
    let error = echo(&host, "a").unwrap_err();
    let CallError::QuotaExceeded {
        limit,
        period,
        retry_after,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!((*limit, *period), (3, Duration::from_secs(3600)));
    // The window has room again when the first calls' slice (one minute) has left it.
    assert!(
        *retry_after > Duration::from_secs(3530) && *retry_after <= Duration::from_secs(3660),
        "{retry_after:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(error.retry_after(), Some(*retry_after));
    assert!(
        error.to_string().starts_with(
            "versioned@1.0.0 `echo`: quota exceeded: 3 calls per 3600 s for this tenant; retry in 3"
        ),
        "{error}"
    );
    assert_eq!(plugin.idle_instances_of("a"), idle, "no instance was taken");
    assert_eq!(plugin.running_instances(), 0);
    // Another tenant's quota is its own.
    echo(&host, "b")?;
    let outcomes: Vec<(Outcome, Option<String>)> = audit
        .records()
        .into_iter()
        .map(|r| (r.outcome, r.error_kind))
        .collect();
    assert_eq!(
        outcomes[3],
        (Outcome::QuotaExceeded, Some("quota_exceeded".to_owned()))
    );
    assert_eq!(outcomes.len(), 5);
    Ok(())
}

/// `host-caller` under a dermatology clinic with demo patients, with `quotas`.
fn caller_host(quotas: &str) -> Result<Host> {
    let patients = Arc::new(SqlitePatientStore::in_memory()?);
    seed_demo(&*patients)?;
    Ok(Host::builder()
        .policy(policy(&format!(
            "[phi_key]\nid = \"k\"\nenv = \"MEDPLUG_TEST_PHI_KEY_UNUSED\"\n\
             [quotas]\n{quotas}\n\
             [plugins.host-caller]\ngrants = [\"audit_log\", \"read_patient\", \"encrypt_phi\"]\n\
             [tenants.clinica-horizonte]\nspecialties = [\"dermatology\"]\nplugins = [\"host-caller\"]\n"
        ))?)
        .patient_store(patients)
        .phi_keyring(PhiKeyring::new(PhiKey::generate("k")?))
        .plugin_bytes("host-caller.wasm", test_plugin("host-caller")?)
        .build()?)
}

fn patients(host: &Host, ids: &[&str]) -> Result<Vec<String>> {
    let replies: Value = host.call_as(
        &CallContext::new("clinica-horizonte", "dr.ana"),
        "host-caller",
        "patients",
        &json!({ "patient_ids": ids }),
    )?;
    Ok(replies
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| match &r["error"]["code"] {
                    Value::String(code) => code.clone(),
                    _ => "ok".to_owned(),
                })
                .collect()
        })
        .unwrap_or_default())
}

#[test]
fn a_host_function_has_a_quota_per_call_and_per_period() -> Result<()> {
    let per_call = caller_host("get_patient_per_call = 2\nget_patient_per_period = 0")?;
    assert_eq!(
        patients(&per_call, &["HZ-0001", "HZ-0001", "HZ-0001"])?,
        ["ok", "ok", "quota_exceeded"]
    );
    // The next call starts its own count.
    assert_eq!(patients(&per_call, &["HZ-0001"])?, ["ok"]);

    let per_period =
        caller_host("period_seconds = 3600\nget_patient_per_call = 0\nget_patient_per_period = 3")?;
    assert_eq!(
        patients(&per_period, &["HZ-0001", "HZ-0002"])?,
        ["ok", "ok"]
    );
    assert_eq!(
        patients(&per_period, &["HZ-0001", "HZ-0001"])?,
        ["ok", "quota_exceeded"]
    );
    Ok(())
}

/// `name{labels} value` lines of an OpenMetrics text, by `name{labels}`.
fn samples(text: &str) -> std::collections::BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let (key, value) = l.rsplit_once(' ')?;
            Some((key.to_owned(), value.parse().ok()?))
        })
        .collect()
}

#[test]
fn metrics_count_calls_errors_quota_rejections_and_instances() -> Result<()> {
    let host = versioned_host("calls = 2\nperiod_seconds = 3600", Arc::default())?;
    echo(&host, "a")?;
    echo(&host, "a")?;
    echo(&host, "a").unwrap_err();
    host.call_json_as(&CallContext::new("a", "x"), "versioned", "nope", b"1")
        .unwrap_err();
    host.call_json_as(&CallContext::new("a", "x"), "nothing", "echo", b"1")
        .unwrap_err();
    let text = host.encode_metrics();
    assert!(text.ends_with("# EOF\n"), "{text}");
    let samples = samples(&text);
    let get = |key: &str| samples.get(key).copied().unwrap_or_default();
    assert_eq!(
        get(
            r#"medplug_plugin_calls_total{tenant="a",plugin="versioned",version="1.0.0",function="echo",outcome="ok"}"#
        ),
        2.0
    );
    assert_eq!(
        get(
            r#"medplug_plugin_calls_total{tenant="a",plugin="versioned",version="1.0.0",function="echo",outcome="quota_exceeded"}"#
        ),
        1.0
    );
    // A function or plugin that does not exist is never a label value.
    assert_eq!(
        get(
            r#"medplug_plugin_calls_total{tenant="a",plugin="versioned",version="1.0.0",function="-",outcome="denied"}"#
        ),
        1.0
    );
    assert_eq!(
        get(
            r#"medplug_plugin_calls_total{tenant="a",plugin="-",version="-",function="-",outcome="denied"}"#
        ),
        1.0
    );
    assert!(
        !text.contains("nope") && !text.contains("nothing"),
        "{text}"
    );
    assert_eq!(
        get(r#"medplug_quota_rejections_total{tenant="a",plugin="versioned"}"#),
        1.0
    );
    assert_eq!(
        get(r#"medplug_plugin_errors_total{plugin="versioned",kind="quota_exceeded"}"#),
        1.0
    );
    assert_eq!(
        get(
            r#"medplug_plugin_call_duration_seconds_count{plugin="versioned",version="1.0.0",function="echo"}"#
        ),
        3.0
    );
    assert_eq!(
        get(r#"medplug_instances{plugin="versioned",version="1.0.0",state="idle"}"#),
        1.0
    );
    assert_eq!(get("medplug_audit_append_duration_seconds_count"), 5.0);
    assert_eq!(host.ready(), Ok(()));
    Ok(())
}
