//! The host's limits stop real misbehaving wasm (`tests/guests/misbehave`) with the right typed
//! error, and the host serves the next call — to the same plugin and to a well-behaved one.

use std::time::{Duration, Instant};

use anyhow::Result;
use conformance::{plugin, test_plugin};
use medplug_host::{CallError, Host, Limits};
use medplug_pdk::ErrorCode;
use medplug_pdk::lgpd::{AnalyzeInput, AnalyzeOutput};
use serde_json::{Value, json};

/// A host with the misbehaving plugin under `limits` and the LGPD analyzer under the defaults.
fn host(limits: Limits) -> Result<Host> {
    Ok(Host::builder()
        .plugin_bytes("misbehave.wasm", test_plugin("misbehave")?)
        .plugin_bytes("lgpd-analyzer.wasm", plugin("lgpd-analyzer")?)
        .plugin_limits("misbehave", limits)
        .build()?)
}

/// After a failure, both plugins still answer.
fn still_serves(host: &Host) -> Result<()> {
    let echoed: Value = host.call("misbehave", "echo", &json!({"still": "alive"}))?;
    assert_eq!(echoed, json!({"still": "alive"}));
    let report: AnalyzeOutput = host.call(
        "lgpd-analyzer",
        "analyze",
        &AnalyzeInput::new("CPF 529.982.247-25"),
    )?;
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].checksum_valid, Some(true));
    Ok(())
}

#[test]
fn an_infinite_loop_times_out_within_one_and_a_half_times_the_limit() -> Result<()> {
    let timeout = Duration::from_millis(800);
    let host = host(Limits {
        timeout,
        fuel: None,
        ..Limits::default()
    })?;
    host.call::<_, Value>("misbehave", "echo", &json!(1))?;
    assert_eq!(host.plugin("misbehave")?.idle_instances(), 1);
    let started = Instant::now();
    let error = host
        .call::<_, Value>("misbehave", "spin", &json!({}))
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(error, CallError::Timeout { limit, .. } if limit == timeout),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "misbehave@0.1.0 `spin`: timed out after 800ms"
    );
    assert!(
        took >= timeout && took <= timeout * 3 / 2,
        "took {took:?} for a {timeout:?} limit"
    );
    // The interrupted instance is dropped, not pooled.
    assert_eq!(host.plugin("misbehave")?.idle_instances(), 0);
    still_serves(&host)
}

#[test]
fn a_fuel_hungry_call_runs_out_of_fuel() -> Result<()> {
    let host = host(Limits {
        fuel: Some(50_000_000),
        timeout: Duration::from_secs(60),
        ..Limits::default()
    })?;
    let error = host
        .call::<_, Value>("misbehave", "burn", &json!({}))
        .unwrap_err();
    assert!(
        matches!(
            error,
            CallError::OutOfFuel {
                limit: 50_000_000,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "misbehave@0.1.0 `burn`: ran out of fuel (limit 50000000 units)"
    );
    // The same function with little work fits in the same fuel.
    let done: Value = host.call("misbehave", "burn", &json!({"iterations": 1000}))?;
    assert!(done.is_u64());
    still_serves(&host)
}

#[test]
fn a_memory_bomb_hits_the_memory_limit() -> Result<()> {
    let host = host(Limits {
        max_memory_pages: 160,
        ..Limits::default()
    })?;
    let error = host
        .call::<_, Value>("misbehave", "bomb", &json!({}))
        .unwrap_err();
    assert!(
        matches!(error, CallError::MemoryLimit { max_pages: 160, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "misbehave@0.1.0 `bomb`: exceeded its memory limit of 160 pages (10 MiB)"
    );
    still_serves(&host)
}

#[test]
fn a_panic_is_an_internal_plugin_error_with_its_message() -> Result<()> {
    let host = host(Limits::default())?;
    match host
        .call::<_, Value>("misbehave", "panic", &json!({}))
        .unwrap_err()
    {
        CallError::Plugin {
            site,
            code,
            message,
        } => {
            assert_eq!(
                (
                    site.plugin.as_str(),
                    site.version.as_str(),
                    site.function.as_str()
                ),
                ("misbehave", "0.1.0", "panic")
            );
            assert_eq!(code, ErrorCode::Internal);
            assert!(
                message.starts_with("plugin panicked at tests/guests/misbehave/src/lib.rs"),
                "{message}"
            );
            assert!(
                message.ends_with("misbehave was asked to panic"),
                "{message}"
            );
        }
        other => panic!("expected a plugin error, got {other:?}"),
    }
    still_serves(&host)
}

#[test]
fn a_plugin_error_keeps_its_code_and_the_instance() -> Result<()> {
    let host = host(Limits::default())?;
    host.call::<_, Value>("misbehave", "echo", &json!(1))?;
    assert_eq!(host.plugin("misbehave")?.idle_instances(), 1);
    let error = host
        .call::<_, Value>("misbehave", "fail", &json!({}))
        .unwrap_err();
    assert!(
        matches!(&error, CallError::Plugin { code: ErrorCode::Unsupported, message, .. } if message == "misbehave does not support this"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "misbehave@0.1.0 `fail`: plugin error unsupported: misbehave does not support this"
    );
    // A clean error return leaves the instance healthy: it goes back to the pool.
    assert_eq!(host.plugin("misbehave")?.idle_instances(), 1);
    still_serves(&host)
}

#[test]
fn oversized_input_is_refused_before_the_plugin_runs() -> Result<()> {
    let host = host(Limits {
        max_input_bytes: 64,
        ..Limits::default()
    })?;
    let big = json!({"padding": "x".repeat(100)});
    let error = host
        .call::<_, Value>("misbehave", "echo", &big)
        .unwrap_err();
    assert!(
        matches!(
            error,
            CallError::InputTooLarge {
                size: 114,
                limit: 64,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "misbehave@0.1.0 `echo`: input of 114 bytes exceeds the limit of 64 bytes"
    );
    // Refused before running: no instance was ever created.
    assert_eq!(host.plugin("misbehave")?.idle_instances(), 0);
    still_serves(&host)
}

#[test]
fn unknown_plugins_and_functions_are_named() -> Result<()> {
    let host = host(Limits::default())?;
    let error = host.call_json("ecg", "analyze", b"{}").unwrap_err();
    assert_eq!(error.to_string(), "plugin `ecg` is not installed");
    let error = host
        .call_json("lgpd-analyzer", "anonymize", b"{}")
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "lgpd-analyzer@0.1.0 `anonymize`: no such function (the plugin exports: analyze, \
         redact, analyze_lgpd_compliance)"
    );
    Ok(())
}
