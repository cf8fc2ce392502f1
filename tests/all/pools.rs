//! Bounded pools: at most `max_instances` of a tenant × plugin@version run at once, a call
//! beyond waits up to `queue_timeout_ms` then fails `busy`; `min_idle` pre-warms instances (with
//! the plugin's `warm_up`); one host-wide cap on idle instances evicts the least recently used.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use conformance::{policy, versioned_module};
use medplug_host::audit::{MemoryAuditSink, Outcome};
use medplug_host::{CallContext, CallError, Host, LifecycleEvent};
use serde_json::{Value, json};

use crate::versions::iterations_for;

/// `versioned` 1.0.0 under a policy with `[pool]` `pool` and three `testing` clinics.
fn host(pool: &str, audit: Arc<MemoryAuditSink>) -> Result<Host> {
    let text = format!(
        "allow_unlisted_plugins = true\n[limits]\nfuel = 0\n[quotas]\ncalls = 0\n[pool]\n{pool}\n\
         [tenants.a]\nspecialties = [\"testing\"]\nplugins = [\"versioned\"]\n\
         [tenants.b]\nspecialties = [\"testing\"]\nplugins = [\"versioned\"]\n\
         [tenants.c]\nspecialties = [\"testing\"]\nplugins = [\"versioned\"]\n"
    );
    Ok(Host::builder()
        .policy(policy(&text)?)
        .audit_sink(audit)
        .plugin_bytes("versioned-v1.wasm", versioned_module(1)?)
        .build()?)
}

/// Starts `work` calls of `tenant` on `n` threads, each about `length` long, and waits until
/// they all hold an instance.
fn occupy(
    host: &Host,
    tenant: &str,
    n: usize,
    iterations: u64,
) -> Result<Vec<std::thread::JoinHandle<Result<Value, CallError>>>> {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let host = host.clone();
            let tenant = tenant.to_owned();
            std::thread::spawn(move || {
                let context = CallContext::new(tenant, "dr.teste");
                host.call_as(
                    &context,
                    "versioned",
                    "work",
                    &json!({ "iterations": iterations }),
                )
            })
        })
        .collect();
    let started = Instant::now();
    while host.plugin("versioned")?.running_instances() < n {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(10),
            "the calls did not start"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(calls)
}

fn echo(host: &Host, tenant: &str) -> Result<Value, CallError> {
    host.call_as(
        &CallContext::new(tenant, "dr.teste"),
        "versioned",
        "echo",
        &json!(0),
    )
}

#[test]
fn a_third_call_waits_for_a_free_instance_and_gets_it() -> Result<()> {
    let host = host(
        "max_instances = 2\nqueue_timeout_ms = 10000",
        Arc::default(),
    )?;
    let iterations = iterations_for(&host, "a", Duration::from_millis(500))?;
    let calls = occupy(&host, "a", 2, iterations)?;
    let started = Instant::now();
    let answer = echo(&host, "a")?;
    let waited = started.elapsed();
    assert_eq!(answer["version"], "1.0.0");
    // It ran on an instance one of the two calls gave back, not on a third one.
    assert!(answer["calls"].as_u64() >= Some(1), "{answer}");
    assert!(
        waited >= Duration::from_millis(100),
        "it did not wait: {waited:?}"
    );
    for call in calls {
        call.join().expect("thread")?;
    }
    // Another tenant is never held up by a's pool.
    let calls = occupy(&host, "a", 2, iterations)?;
    let started = Instant::now();
    echo(&host, "b")?;
    assert!(started.elapsed() < Duration::from_millis(100));
    for call in calls {
        call.join().expect("thread")?;
    }
    Ok(())
}

#[test]
fn with_every_instance_busy_past_the_queue_timeout_a_call_fails_busy() -> Result<()> {
    let audit = Arc::new(MemoryAuditSink::new());
    let host = host("max_instances = 2\nqueue_timeout_ms = 300", audit.clone())?;
    let events = host.subscribe();
    let iterations = iterations_for(&host, "a", Duration::from_millis(1500))?;
    let calls = occupy(&host, "a", 2, iterations)?;
    let started = Instant::now();
    let error = echo(&host, "a").unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took <= Duration::from_millis(450),
        "busy after {took:?}, not within 1.5× the 300 ms queue timeout"
    );
    let CallError::Busy {
        max_instances,
        waited,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*max_instances, 2);
    assert!(*waited >= Duration::from_millis(300));
    assert!(error.is_retryable());
    assert!(
        error.to_string().starts_with(
            "versioned@1.0.0 `echo`: busy: all 2 instances of this tenant were running for 3"
        ),
        "{error}"
    );
    for call in calls {
        call.join().expect("thread")?;
    }
    // Retried once an instance is free, it succeeds.
    echo(&host, "a")?;
    let record = audit
        .records()
        .into_iter()
        .find(|r| r.error_kind.as_deref() == Some("busy"))
        .expect("the busy call's record");
    assert_eq!(
        (record.outcome, record.function.as_str()),
        (Outcome::LimitExceeded, "echo")
    );
    let exceeded: Vec<LifecycleEvent> = events.try_iter().collect();
    assert_eq!(
        exceeded,
        [LifecycleEvent::ResourceExceeded {
            plugin: "versioned".into(),
            version: "1.0.0".into(),
            tenant: "a".into(),
            function: "echo".into(),
            limit: "busy".into(),
        }]
    );
    Ok(())
}

#[test]
fn pre_warmed_instances_wait_for_each_tenants_first_call() -> Result<()> {
    let cold = host("min_idle = 0", Arc::default())?;
    assert_eq!(cold.plugin("versioned")?.idle_instances(), 0);
    let first = echo(&cold, "a")?;
    assert_eq!(
        (first["warmed"].clone(), first["calls"].clone()),
        (json!(false), json!(0))
    );

    let warm = host("min_idle = 1", Arc::default())?;
    let plugin = warm.plugin("versioned")?;
    for tenant in ["a", "b", "c"] {
        assert_eq!(plugin.idle_instances_of(tenant), 1, "{tenant}");
    }
    let first = echo(&warm, "b")?;
    // `warm_up` ran on it, and no call before.
    assert_eq!(
        (first["warmed"].clone(), first["calls"].clone()),
        (json!(true), json!(0))
    );
    Ok(())
}

#[test]
fn past_the_host_wide_cap_the_least_recently_used_idle_instance_goes() -> Result<()> {
    let host = host("max_idle_total = 2", Arc::default())?;
    for tenant in ["a", "b", "c"] {
        echo(&host, tenant)?;
    }
    let plugin = host.plugin("versioned")?;
    assert_eq!(host.idle_instances(), (2, 2));
    assert_eq!(
        ["a", "b", "c"].map(|t| plugin.idle_instances_of(t)),
        [0, 1, 1],
        "a's instance, the least recently used, was dropped"
    );
    // a's next call instantiates afresh: its instance is new.
    assert_eq!(echo(&host, "a")?["calls"], 0);
    assert_eq!(
        ["a", "b", "c"].map(|t| plugin.idle_instances_of(t)),
        [1, 0, 1]
    );
    Ok(())
}
