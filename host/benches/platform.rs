//! The live platform's benchmarks (criterion), run and tabulated by `cargo xtask bench`:
//!
//! - `throughput_64b/{1_thread,2_threads}`: the time per 64-byte `analyze` call of one tenant
//!   when one thread calls, and when two threads call at once (goal on the 2-core machine: two
//!   threads serve ≥ 1.8× the calls of one);
//! - `first_call/{cold,prewarmed}`: a tenant's first call, on a host without pre-warming (it
//!   instantiates the module and pays the analyzer's lazy initialisation) and with `min_idle = 1`
//!   (an instance created and warmed up with `warm_up` at install is waiting);
//! - `reload/lgpd_file_to_answer`: from writing a changed `lgpd-analyzer.wasm` into a watched
//!   directory to the new module answering a call (goal ≤ 1 s). Meanwhile a second thread calls
//!   continuously; the latency of its calls that started during a swap, against the median of
//!   all its calls, is written to `target/bench-extra/reload_calls.json` for `cargo xtask bench`
//!   (goal: none slower than 2× the median).
//!
//! They need `cargo xtask build-plugins` first (`cargo xtask bench` does it).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use medplug_host::{CallContext, Host, Policy, WatchOptions};

/// Exactly 64 bytes of `analyze` input.
const INPUT_64B: &[u8] = br#"{"content":"Paciente em consulta, CPF 529.982.247-25, retorno."}"#;

/// Tenants of the first-call benchmark: each first call needs a tenant that never called.
const FRESH_TENANTS: usize = 64;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn lgpd_module() -> Vec<u8> {
    std::fs::read(root().join("target/plugins/lgpd-analyzer.wasm"))
        .expect("target/plugins/lgpd-analyzer.wasm: run `cargo xtask build-plugins` first")
}

/// A policy of `tenants` tenants `t0`, `t1`, … that may call every plugin, with `pool`.
fn policy(tenants: usize, pool: &str) -> Policy {
    let mut text = format!("allow_unlisted_plugins = true\n[pool]\n{pool}\n");
    for t in 0..tenants {
        text.push_str(&format!(
            "[tenants.t{t}]\nspecialties = [\"*\"]\nplugins = [\"*\"]\n"
        ));
    }
    Policy::parse(&text, "bench policy", Path::new(".")).expect("the bench policy")
}

fn host(policy: Policy) -> Host {
    Host::builder()
        .policy(policy)
        .plugin_bytes("lgpd-analyzer.wasm", lgpd_module())
        .build()
        .expect("the host loads the analyzer")
}

fn call(host: &Host, context: &CallContext) -> String {
    host.call_json_receipt(context, "lgpd-analyzer", "analyze", black_box(INPUT_64B))
        .expect("call")
        .module_sha256
}

fn throughput(c: &mut Criterion) {
    let host = host(policy(1, ""));
    let context = CallContext::new("t0", "bench");
    call(&host, &context);
    let mut group = c.benchmark_group("throughput_64b");
    group.bench_function("1_thread", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                call(&host, &context);
            }
            started.elapsed()
        });
    });
    group.bench_function("2_threads", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            std::thread::scope(|scope| {
                for half in [iters / 2, iters - iters / 2] {
                    let (host, context) = (&host, &context);
                    scope.spawn(move || {
                        for _ in 0..half {
                            call(host, context);
                        }
                    });
                }
            });
            started.elapsed()
        });
    });
    group.finish();
}

fn first_call(c: &mut Criterion) {
    let mut group = c.benchmark_group("first_call");
    // Every measured call needs a tenant that never called: few, flat samples.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(20));
    for (name, pool) in [
        ("cold", "min_idle = 0"),
        ("prewarmed", "min_idle = 1\nmax_idle_total = 128"),
    ] {
        let host = host(policy(FRESH_TENANTS, pool));
        let mut next = 0;
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut took = Duration::ZERO;
                for _ in 0..iters {
                    assert!(next < FRESH_TENANTS, "more first calls than fresh tenants");
                    let context = CallContext::new(format!("t{next}"), "bench");
                    next += 1;
                    let started = Instant::now();
                    call(&host, &context);
                    took += started.elapsed();
                }
                took
            });
        });
    }
    group.finish();
}

/// `module` with a custom section appended: another module (another sha256) of the same plugin
/// and version, as a rebuild would be.
fn variant(module: &[u8], n: u8) -> Vec<u8> {
    let name = b"medplug-bench";
    let payload = [n; 8];
    let mut out = module.to_vec();
    out.push(0); // custom section
    out.push((1 + name.len() + payload.len()) as u8); // size, one LEB128 byte
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    out.extend_from_slice(&payload);
    out
}

/// One call of the caller thread: when it started and how long it took.
struct Timed {
    started: Instant,
    took: Duration,
}

fn reload(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let module = dir.path().join("lgpd-analyzer.wasm");
    let base = lgpd_module();
    let variants = [variant(&base, 1), variant(&base, 2)];
    std::fs::write(&module, &variants[0]).expect("module written");
    let host = Host::builder()
        .policy(policy(1, "min_idle = 1"))
        .plugins_dir(dir.path())
        .build()
        .expect("the host loads the analyzer");
    let _watcher = host
        .watch(dir.path(), WatchOptions::default())
        .expect("the directory is watched");
    let context = CallContext::new("t0", "bench");

    let stop = Arc::new(AtomicBool::new(false));
    let timings = Arc::new(Mutex::new(Vec::<Timed>::new()));
    let swaps = Arc::new(Mutex::new(Vec::<(Instant, Instant)>::new()));
    let caller = {
        let (host, context, stop, timings) =
            (host.clone(), context.clone(), stop.clone(), timings.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                call(&host, &context);
                let took = started.elapsed();
                timings.lock().unwrap().push(Timed { started, took });
                // A steady load, not a saturating one: the other core compiles.
                std::thread::sleep(Duration::from_micros(200));
            }
        })
    };

    let mut group = c.benchmark_group("reload");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(20));
    let mut round = 0usize;
    group.bench_function("lgpd_file_to_answer", |b| {
        b.iter_custom(|iters| {
            let mut took = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let next = &variants[round % 2];
                let want = medplug_host::sha256_hex(next);
                let staged = dir.path().join("lgpd-analyzer.tmp");
                std::fs::write(&staged, next).expect("staged");
                let started = Instant::now();
                std::fs::rename(&staged, &module).expect("renamed into place");
                while call(&host, &context) != want {
                    std::thread::sleep(Duration::from_millis(1));
                }
                let answered = Instant::now();
                swaps.lock().unwrap().push((started, answered));
                took += answered - started;
            }
            took
        });
    });
    group.finish();
    stop.store(true, Ordering::Relaxed);
    caller.join().expect("caller thread");
    write_swap_calls(&timings.lock().unwrap(), &swaps.lock().unwrap());
}

/// The caller's latencies: the median of all its calls, and the calls that started during a
/// swap, for `cargo xtask bench`.
fn write_swap_calls(timings: &[Timed], swaps: &[(Instant, Instant)]) {
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let mut all: Vec<f64> = timings.iter().map(|t| micros(t.took)).collect();
    all.sort_by(f64::total_cmp);
    let mut during: Vec<f64> = timings
        .iter()
        .filter(|t| {
            swaps
                .iter()
                .any(|(a, b)| t.started >= *a && t.started <= *b)
        })
        .map(|t| micros(t.took))
        .collect();
    during.sort_by(f64::total_cmp);
    let median = all.get(all.len() / 2).copied().unwrap_or_default();
    let report = serde_json::json!({
        "calls": all.len(),
        "median_us": median,
        "swaps": swaps.len(),
        "calls_during_swaps": during.len(),
        "max_during_swaps_us": during.last().copied().unwrap_or_default(),
        "p99_during_swaps_us": during.get(during.len() * 99 / 100).copied().unwrap_or_default(),
        "slower_than_2x_median": during.iter().filter(|&&d| d > 2.0 * median).count(),
    });
    let dir = root().join("target/bench-extra");
    std::fs::create_dir_all(&dir).expect("target/bench-extra");
    std::fs::write(
        dir.join("reload_calls.json"),
        serde_json::to_vec_pretty(&report).expect("json"),
    )
    .expect("reload_calls.json written");
    eprintln!("calls during reloads: {report}");
}

criterion_group! {
    name = platform;
    // Sized for a 2-core machine.
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3));
    targets = throughput, first_call, reload
}
criterion_main!(platform);
