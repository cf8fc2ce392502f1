//! The attacker's figures (issue 21), which the tests (`tests/all/attackers.rs`) never time:
//!
//! - after each attack of `tests/guests/attacker`, how long the host takes to serve the next
//!   normal call (a 64-byte `echo` of the same tenant, whose instance the attack may have cost),
//!   median over repetitions, beside the median of the same call on an idle host;
//! - the noisy neighbour: one tenant's 64-byte calls, p99 when the host is idle and while
//!   another tenant spins to its 200 ms timeout on every instance its pool may run
//!   (`max_instances` 1 and 2; goal: p99 within 3× the idle p99).
//!
//! It prints its own table and writes it to `target/bench-extra/attackers.json`. Run with
//! `cargo bench -p conformance --bench attackers` after `cargo xtask build-plugins` (`cargo
//! xtask bench` runs it).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use conformance::{policy, root, test_plugin};
use medplug_cli::demo_patients::seed_demo;
use medplug_host::patients::SqlitePatientStore;
use medplug_host::{CallContext, Host, Limits};
use serde_json::json;

/// Exactly 64 bytes of `echo` input.
const INPUT_64B: &[u8] = br#"{"note":"paciente em consulta, retorno em trinta dias, sem dor"}"#;

/// The attacks: name, function, input, repetitions.
const ATTACKS: [(&str, &str, &str, usize); 17] = [
    ("tight loop (timeout)", "spin", "{}", 10),
    ("memory to the limit", "grow", "{}", 10),
    ("unbounded recursion", "recurse", "{}", 20),
    ("100 MB output", "big_output", "{}", 10),
    ("output not UTF-8", "not_utf8", "{}", 30),
    ("output not JSON", "not_json", "{}", 30),
    ("a million host calls", "host_flood", "{}", 10),
    (
        "malformed host request",
        "raw_host",
        r#"{"request":"{x"}"#,
        30,
    ),
    ("10 MB host request", "raw_host", r#"{"fill":10000000}"#, 10),
    ("host call, foreign offset", "host_bad_offset", "{}", 30),
    (
        "another tenant's patient",
        "patient",
        r#"{"patient_id":"CS-0001"}"#,
        30,
    ),
    ("kernel load_u64 foreign", "kernel_load", "{}", 30),
    ("kernel store_u64 foreign", "kernel_store", "{}", 30),
    ("kernel free foreign", "kernel_free", "{}", 30),
    ("kernel alloc 2^64-1", "kernel_alloc", "{}", 10),
    ("var_set until full", "var_fill", "{}", 30),
    ("config_get probe", "config_probe", "{}", 30),
];

const TIMEOUT: Duration = Duration::from_millis(200);

fn host(max_instances: usize) -> Host {
    let text = format!(
        r#"
allow_unlisted_plugins = false
[quotas]
calls = 0
[plugins.attacker]
grants = ["audit_log", "read_patient"]
pool = {{ max_instances = {max_instances}, queue_timeout_ms = 1000 }}
[tenants.quiet]
specialties = ["testing"]
plugins = ["attacker"]
[tenants.noisy]
specialties = ["testing"]
plugins = ["attacker"]
"#
    );
    let patients = SqlitePatientStore::in_memory().expect("a patient store");
    seed_demo(&patients).expect("the demo patients");
    Host::builder()
        .policy(policy(&text).expect("the bench policy"))
        .patient_store(Arc::new(patients))
        .plugin_bytes(
            "attacker.wasm",
            test_plugin("attacker").expect("run `cargo xtask build-plugins` first"),
        )
        .plugin_limits(
            "attacker",
            Limits {
                timeout: TIMEOUT,
                fuel: None,
                ..Limits::default()
            },
        )
        .build()
        .expect("the host loads the attacker")
}

/// One 64-byte call, timed; it must succeed with its input as output.
fn timed_echo(host: &Host, context: &CallContext) -> Duration {
    let started = Instant::now();
    let output = host
        .call_json_as(context, "attacker", "echo", INPUT_64B)
        .expect("the next call succeeds");
    let took = started.elapsed();
    assert_eq!(output, INPUT_64B);
    took
}

fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    let at = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples[at]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The next call after each attack, and an idle call, as (name, median µs, repetitions).
fn next_calls() -> Vec<(String, f64, usize)> {
    let host = host(2);
    let context = CallContext::new("quiet", "bench");
    for _ in 0..50 {
        timed_echo(&host, &context);
    }
    let mut idle: Vec<Duration> = (0..200).map(|_| timed_echo(&host, &context)).collect();
    let mut rows = vec![(
        "idle host (no attack)".to_owned(),
        micros(quantile(&mut idle, 0.5)),
        idle.len(),
    )];
    for (name, function, input, repetitions) in ATTACKS {
        let mut next = Vec::with_capacity(repetitions);
        for _ in 0..repetitions {
            // The attack (its result is the tests' business), then the timed next call.
            let _ = host.call_json_as(&context, "attacker", function, input.as_bytes());
            next.push(timed_echo(&host, &context));
        }
        rows.push((
            format!("{name} ({function})"),
            micros(quantile(&mut next, 0.5)),
            repetitions,
        ));
    }
    rows
}

/// The quiet tenant's p99 and p50 over `calls` calls, with `spinners` threads of the noisy
/// tenant spinning to their timeout meanwhile.
fn neighbour(max_instances: usize, spinners: usize, calls: usize) -> (f64, f64) {
    let host = host(max_instances);
    let quiet = CallContext::new("quiet", "bench");
    let noisy = CallContext::new("noisy", "bench");
    for _ in 0..50 {
        timed_echo(&host, &quiet);
    }
    let stop = AtomicBool::new(false);
    let mut samples = std::thread::scope(|threads| {
        for _ in 0..spinners {
            threads.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let _ = host.call_json_as(&noisy, "attacker", "spin", b"{}");
                }
            });
        }
        let plugin = host.plugin("attacker").expect("the attacker");
        while plugin.running_instances() < spinners {
            std::thread::yield_now();
        }
        let samples: Vec<Duration> = (0..calls).map(|_| timed_echo(&host, &quiet)).collect();
        stop.store(true, Ordering::Relaxed);
        samples
    });
    let p50 = micros(quantile(&mut samples, 0.5));
    (micros(quantile(&mut samples, 0.99)), p50)
}

fn main() {
    // `cargo bench` passes `--bench`; a test run (`cargo test --benches`) only checks it builds.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rows = next_calls();
    println!();
    println!("next call after an attack (64-byte echo, same tenant), median");
    println!("{:<52} {:>10} {:>6}", "attack", "µs", "runs");
    for (name, median, runs) in &rows {
        println!("{name:<52} {median:>10.1} {runs:>6}");
    }
    println!();
    println!(
        "noisy neighbour: 500 64-byte calls of one tenant while another spins to its {} ms \
         timeout on every instance it may run",
        TIMEOUT.as_millis()
    );
    println!(
        "{:<16} {:>12} {:>12} {:>12} {:>12} {:>8}",
        "max_instances", "idle p50 µs", "idle p99 µs", "noisy p50", "noisy p99", "ratio"
    );
    let mut neighbours = Vec::new();
    for max_instances in [1, 2] {
        let (idle_p99, idle_p50) = neighbour(max_instances, 0, 500);
        let (noisy_p99, noisy_p50) = neighbour(max_instances, max_instances, 500);
        let ratio = noisy_p99 / idle_p99;
        println!(
            "{max_instances:<16} {idle_p50:>12.1} {idle_p99:>12.1} {noisy_p50:>12.1} \
             {noisy_p99:>12.1} {ratio:>7.2}× {}",
            if ratio <= 3.0 {
                "✓ ≤ 3×"
            } else {
                "✗ > 3×"
            }
        );
        neighbours.push(json!({
            "max_instances": max_instances,
            "idle_p50_us": idle_p50,
            "idle_p99_us": idle_p99,
            "noisy_p50_us": noisy_p50,
            "noisy_p99_us": noisy_p99,
            "ratio_p99": ratio,
        }));
    }
    let report = json!({
        "next_call_median_us": rows
            .iter()
            .map(|(name, median, runs)| json!({"attack": name, "median_us": median, "runs": runs}))
            .collect::<Vec<_>>(),
        "noisy_neighbour": neighbours,
    });
    let dir = root().join("target/bench-extra");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::write(
            dir.join("attackers.json"),
            serde_json::to_vec_pretty(&report).unwrap_or_default(),
        )
    });
    if let Err(e) = written {
        eprintln!("could not write target/bench-extra/attackers.json: {e}");
    }
}
