//! The live platform's benchmarks (criterion), run and tabulated by `cargo xtask bench`:
//!
//! - `throughput_64b/{1_thread,2_threads}`: the time per 64-byte `analyze` call of one tenant
//!   when one thread calls, and when two threads call at once (goal on the 2-core machine: two
//!   threads serve ≥ 1.8× the calls of one); `throughput_64b/raw_{1_thread,2_threads}` the same
//!   with bare `extism::Plugin`s, one per thread: the ceiling Extism itself sets;
//! - `first_call/{cold,prewarmed}`: a tenant's first call, on a host without pre-warming (it
//!   instantiates the module and pays the analyzer's lazy initialisation) and with `min_idle = 1`
//!   (an instance created and warmed up with `warm_up` at install is waiting);
//!   `first_call/cold_2kb` the cold one on a 2 KB clinical note (issue 20's goal: ≤ 15 ms);
//! - `reload/{lgpd_new_code,lgpd_rebuilt}`: from renaming a changed `lgpd-analyzer.wasm` into a
//!   watched directory to the new module answering a call (goal ≤ 1 s): with the compile cache
//!   off, every function is compiled as for new code; with it on, alternating two builds that
//!   share their functions, as a rollback does. During the first, a second thread calls
//!   continuously; the latency of its calls that started during a swap, against the median of
//!   its calls in three seconds before any reload (whose own outliers are the noise floor), is
//!   written to `target/bench-extra/reload_calls.json` for `cargo xtask bench` (goal: none
//!   slower than 2× the median).
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

/// A fictional 2,048-byte clinical note with the identifiers and health data of a real one: the
/// input of issue 20's first-call goal.
fn note_2kb() -> Vec<u8> {
    let note = "Evolução ambulatorial — Clínica Horizonte (fictícia). Paciente Helena Duarte \
        Cavalcanti, 58 anos, nascida em 14/03/1967, CPF 529.982.247-25, CNS 898000000043208, \
        telefone (81) 99876-5432, e-mail helena.cavalcanti@example.com.br, residente na Rua das \
        Acácias, 120, CEP 50050-000, Recife. Queixa: dor torácica atípica há três semanas, sem \
        irradiação, piora aos esforços moderados. Antecedentes: hipertensão arterial sistêmica \
        há dez anos, diabetes mellitus tipo 2, dislipidemia; ex-tabagista (20 maços-ano). \
        Medicações em uso: losartana 50 mg 12/12h, metformina 850 mg após as refeições, \
        sinvastatina 20 mg à noite. Exame físico: PA 148/92 mmHg, FC 84 bpm, IMC 29,4. \
        Ausculta cardíaca com ritmo regular em dois tempos, sem sopros. ECG de repouso com \
        alterações inespecíficas da repolarização ventricular. Hemoglobina glicada 7,8%, LDL \
        142 mg/dL. Hipótese diagnóstica: angina estável a esclarecer (CID-10 I20.8). Conduta: \
        solicitado teste ergométrico e ecocardiograma transtorácico; ajustada a dose de \
        losartana; orientada dieta hipossódica e caminhada. Retorno em 30 dias com exames. \
        Atendimento por Dra. Sofia Andrade, CRM-PE 27415. Paciente consente com o registro \
        das informações no prontuário eletrônico, conforme a LGPD.";
    let mut input = serde_json::to_vec(&serde_json::json!({ "content": note })).expect("json");
    assert!(input.len() <= 2048, "{} bytes", input.len());
    // Padded inside the string to exactly 2 KB.
    let closing = input.split_off(input.len() - 2);
    input.resize(2048 - closing.len(), b' ');
    input.extend_from_slice(&closing);
    input
}

/// Tenants of the first-call benchmark: each first call needs a tenant that never called. A
/// pre-warmed first call takes about 0.1 ms, and criterion then asks for some 120 of them.
const FRESH_TENANTS: usize = 256;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn lgpd_module() -> Vec<u8> {
    std::fs::read(root().join("target/plugins/lgpd-analyzer.wasm"))
        .expect("target/plugins/lgpd-analyzer.wasm: run `cargo xtask build-plugins` first")
}

/// A policy of `tenants` tenants `t0`, `t1`, … that may call every plugin, with `pool`.
fn policy(tenants: usize, pool: &str) -> Policy {
    let mut text = format!("allow_unlisted_plugins = true\n[quotas]\ncalls = 0\n[pool]\n{pool}\n");
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
    call_with(host, context, INPUT_64B)
}

fn call_with(host: &Host, context: &CallContext, input: &[u8]) -> String {
    host.call_json_receipt(context, "lgpd-analyzer", "analyze", black_box(input))
        .expect("call")
        .module_sha256
}

/// A bare Extism instance of the analyzer under the host's default limits.
fn raw_instance(compiled: &extism::CompiledPlugin) -> extism::Plugin {
    extism::Plugin::new_from_compiled(compiled).expect("extism instantiates the analyzer")
}

fn raw_call(plugin: &mut extism::Plugin) {
    plugin
        .call::<&[u8], Vec<u8>>("analyze", black_box(INPUT_64B))
        .expect("raw call");
}

fn throughput(c: &mut Criterion) {
    let host = host(policy(1, ""));
    let context = CallContext::new("t0", "bench");
    call(&host, &context);
    let limits = medplug_host::Limits::default();
    let manifest = extism::Manifest::new([extism::Wasm::data(lgpd_module())])
        .with_memory_max(limits.max_memory_pages)
        .with_timeout(limits.timeout);
    let compiled = extism::PluginBuilder::new(manifest)
        .with_wasi(false)
        .with_cache_disabled()
        .with_fuel_limit(limits.fuel.expect("the default limits meter fuel"))
        .compile()
        .expect("extism compiles the analyzer");
    let mut raw = [raw_instance(&compiled), raw_instance(&compiled)];
    for plugin in &mut raw {
        raw_call(plugin);
    }
    let mut group = c.benchmark_group("throughput_64b");
    group.bench_function("raw_1_thread", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                raw_call(&mut raw[0]);
            }
            started.elapsed()
        });
    });
    group.bench_function("raw_2_threads", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            std::thread::scope(|scope| {
                let [first, second] = &mut raw;
                for (plugin, n) in [(first, iters / 2), (second, iters - iters / 2)] {
                    scope.spawn(move || {
                        for _ in 0..n {
                            raw_call(plugin);
                        }
                    });
                }
            });
            started.elapsed()
        });
    });
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
    let note = note_2kb();
    assert_eq!(note.len(), 2048);
    for (name, pool, input) in [
        ("cold", "min_idle = 0", INPUT_64B),
        ("cold_2kb", "min_idle = 0", note.as_slice()),
        ("prewarmed", "min_idle = 1\nmax_idle_total = 256", INPUT_64B),
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
                    call_with(&host, &context, input);
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
    let mut group = c.benchmark_group("reload");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(20));
    // Every function compiled afresh, as for a module of new code; its swaps are the ones the
    // calling thread's latencies are reported for.
    reload_bench(&mut group, "lgpd_new_code", 0, true);
    // Two builds with the same functions alternating, as a rollback (or a rebuild that changed
    // a few functions) is: the compile cache serves what was compiled before.
    reload_bench(
        &mut group,
        "lgpd_rebuilt",
        medplug_host::DEFAULT_COMPILE_CACHE_BYTES,
        false,
    );
    group.finish();
}

/// Reloads the analyzer's file in a watched directory, each iteration alternating two modules
/// that differ in a custom section, and times the new module's first answer.
fn reload_bench(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    compile_cache_bytes: usize,
    report_calls: bool,
) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let module = dir.path().join("lgpd-analyzer.wasm");
    let base = lgpd_module();
    let variants = [variant(&base, 1), variant(&base, 2)];
    std::fs::write(&module, &variants[0]).expect("module written");
    // t0 calls continuously; t1 is the benchmark's own tenant, which polls for the new module
    // (each has its pre-warmed instance).
    let host = Host::builder()
        .policy(policy(2, "min_idle = 1"))
        .compile_cache_bytes(compile_cache_bytes)
        .plugins_dir(dir.path())
        .build()
        .expect("the host loads the analyzer");
    let _watcher = host
        .watch(dir.path(), WatchOptions::default())
        .expect("the directory is watched");
    let context = CallContext::new("t0", "bench");
    let poller = CallContext::new("t1", "bench");

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

    // Three seconds of calls with no reload: the noise floor the swaps are compared with.
    std::thread::sleep(Duration::from_secs(3));
    let control_end = Instant::now();
    let mut round = 0usize;
    group.bench_function(name, |b| {
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
                while call(&host, &poller) != want {
                    std::thread::sleep(Duration::from_millis(1));
                }
                let answered = Instant::now();
                swaps.lock().unwrap().push((started, answered));
                took += answered - started;
            }
            took
        });
    });
    stop.store(true, Ordering::Relaxed);
    caller.join().expect("caller thread");
    if report_calls {
        write_swap_calls(
            &timings.lock().unwrap(),
            control_end,
            &swaps.lock().unwrap(),
        );
    }
}

/// The caller's latencies for `cargo xtask bench`: the median of its calls before any reload
/// (the control), and the calls that started during a swap against it — with the control's
/// own share of calls slower than twice its median, the noise floor.
fn write_swap_calls(timings: &[Timed], control_end: Instant, swaps: &[(Instant, Instant)]) {
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let sorted = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v
    };
    let control = sorted(
        timings
            .iter()
            .filter(|t| t.started < control_end)
            .map(|t| micros(t.took))
            .collect(),
    );
    let during = sorted(
        timings
            .iter()
            .filter(|t| {
                swaps
                    .iter()
                    .any(|(a, b)| t.started >= *a && t.started <= *b)
            })
            .map(|t| micros(t.took))
            .collect(),
    );
    let median = control.get(control.len() / 2).copied().unwrap_or_default();
    let slower = |v: &[f64]| v.iter().filter(|&&d| d > 2.0 * median).count();
    let percentile = |v: &[f64], p: usize| v.get(v.len() * p / 100).copied().unwrap_or_default();
    let report = serde_json::json!({
        "control_calls": control.len(),
        "median_us": median,
        "control_p99_us": percentile(&control, 99),
        "control_max_us": control.last().copied().unwrap_or_default(),
        "control_slower_than_2x_median": slower(&control),
        "swaps": swaps.len(),
        "calls_during_swaps": during.len(),
        "p99_during_swaps_us": percentile(&during, 99),
        "max_during_swaps_us": during.last().copied().unwrap_or_default(),
        "slower_than_2x_median": slower(&during),
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
