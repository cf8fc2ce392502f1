//! What the audit benchmarks share (`audit.rs`, `replicas.rs`): the record they append, the
//! callers that append it for a window, their sizing from the environment, and medians. Included with `#[path]`: each bench is a crate.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use medplug_host::audit::{AuditRecord, AuditSink};

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

/// `callers` threads, caller `n` on `sinks[n % sinks.len()]`, append `record` as fast as they
/// can for `window`, all starting together; returns how many they appended, and the seconds
/// from the start to the stop signal.
pub fn append_for<S: AuditSink + ?Sized + 'static>(
    sinks: &[Arc<S>],
    callers: usize,
    record: &AuditRecord,
    window: Duration,
) -> (u64, f64) {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(callers + 1));
    let threads: Vec<_> = (0..callers)
        .map(|n| {
            let sink = Arc::clone(&sinks[n % sinks.len()]);
            let (stop, start, record) = (Arc::clone(&stop), Arc::clone(&start), record.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut appended = 0_u64;
                while !stop.load(Ordering::Relaxed) {
                    sink.append(&record).expect("append");
                    appended += 1;
                }
                appended
            })
        })
        .collect();
    start.wait();
    let started = Instant::now();
    std::thread::sleep(window);
    stop.store(true, Ordering::Relaxed);
    let appended = threads.into_iter().map(|t| t.join().expect("caller")).sum();
    (appended, started.elapsed().as_secs_f64())
}
