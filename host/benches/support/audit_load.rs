//! What the audit benchmarks share (`audit.rs`, `replicas.rs`): the record they append, their
//! sizing from the environment, and medians. Included with `#[path]`: each bench is a crate.

use medplug_host::audit::AuditRecord;

/// A call record as the host writes one (about 700 bytes stored).
pub fn record() -> AuditRecord {
    serde_json::from_value(serde_json::json!({
        "time": "2026-12-04T10:40:12.345Z",
        "tenant": "clinica-horizonte",
        "actor": "dr-ana",
        "plugin": "lgpd-analyzer",
        "plugin_version": "0.1.0",
        "module_sha256": "ab".repeat(32),
        "function": "analyze",
        "input_sha256": "cd".repeat(32),
        "input_bytes": 2048,
        "outcome": "ok",
        "error_kind": null,
        "duration_us": 1834,
        "fuel_used": 5_123_456,
        "host_calls": [],
        "events": [{"event": "finding", "message": "3 achados"}],
    }))
    .expect("an audit record")
}

/// A number from the environment, or `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The median (sorts `values`).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}
