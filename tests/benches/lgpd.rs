//! The LGPD analyzer's throughput on 1 MB documents, natively and in wasm through the host.
//!
//! - `lgpd_1mb/{native,wasm,wasm_no_fuel}` ("dense"): the labelled corpus (realistic clinical
//!   Portuguese, dense with personal data: over 10,000 findings) repeated to exactly 1,000,000
//!   bytes, the same identifiers in every repetition; natively, through the host under default
//!   limits, and through a host without fuel metering;
//! - `lgpd_clinical/{native,wasm}` ("clinical", issue 20 decision 2): the same notes at their own
//!   density of findings with fresh identifiers in every repetition, valid check digits where
//!   the labels say so (`support/clinical.rs`): no identifier repeats across repetitions;
//! - `{lgpd_1mb,lgpd_clinical}/{wasm_json,boundary,boundary_bare_extism}`: the call with JSON
//!   bytes in and out, and the Extism boundary alone for the same bytes;
//! - `lgpd_clean/{native,wasm}`: 1,000,000 bytes of medical text without personal data — reading
//!   without reporting.
//!
//! With `MEDPLUG_BENCH_LGPD_BASELINE=<module.wasm>` (another build of the analyzer, e.g. before a
//! change), both groups add `wasm_json_baseline`: that module's call on the same JSON, measured
//! in the same run. `MEDPLUG_BENCH_LGPD_MODULE=<module.wasm>` benchmarks that build instead of
//! `target/plugins`' (a copy no other build overwrites meanwhile); it must answer as the
//! native crate compiled into this benchmark.
//!
//! With `MEDPLUG_BENCH_LGPD_CPU=<rounds>`, both documents' calls are also timed in CPU time of
//! the calling thread, every variant once per round in turn (`cpu_medians`): figures that stay
//! comparable when other work shares the cores.
//!
//! `cargo xtask bench` turns the medians into MB/s and the wasm/native ratio.

use std::hint::black_box;

#[path = "support/boundary.rs"]
mod boundary_support;
#[path = "support/clinical.rs"]
mod clinical;

use conformance::{lgpd_corpus, plugins_dir};
use criterion::{Criterion, criterion_group, criterion_main};
use medplug_host::Host;
use medplug_pdk::lgpd::{self, AnalyzeInput, AnalyzeOutput};

/// The document's size in bytes.
const SIZE: usize = 1_000_000;

/// Whole texts from `texts`, cycled and separated by blank lines, padded with spaces to exactly
/// [`SIZE`] bytes.
fn exactly_one_megabyte(texts: &[String]) -> AnalyzeInput {
    let mut doc = String::with_capacity(SIZE);
    'fill: loop {
        for text in texts {
            if doc.len() + text.len() + 2 > SIZE {
                break 'fill;
            }
            doc.push_str(text);
            doc.push_str("\n\n");
        }
    }
    doc.extend(std::iter::repeat_n(' ', SIZE - doc.len()));
    assert_eq!(doc.len(), SIZE);
    AnalyzeInput::new(doc)
}

/// One benchmark group: `native`, and one wasm benchmark per named host.
fn bench_group(c: &mut Criterion, name: &str, input: &AnalyzeInput, hosts: &[(&str, &Host)]) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.bench_function("native", |b| {
        b.iter(|| lgpd_analyzer::analyze(black_box(input.clone())).expect("analyzes"));
    });
    for (id, host) in hosts {
        group.bench_function(*id, |b| b.iter(|| analyze_in(host, black_box(input))));
    }
    group.finish();
}

/// `analyze` through a host: the wasm path.
fn analyze_in(host: &Host, input: &AnalyzeInput) -> AnalyzeOutput {
    host.call(lgpd::PLUGIN_NAME, lgpd::ANALYZE, input)
        .expect("analyzes")
}

/// In `group`: `wasm_json`, the end-to-end call with JSON bytes in and out (as `medplug serve`
/// makes it), and beside it `boundary` and `boundary_bare_extism`, the boundary alone for the
/// same input and output bytes (`support/boundary.rs`); `wasm_json_baseline` when `baseline`
/// holds another build of the analyzer.
fn bench_boundary(
    c: &mut Criterion,
    group: &str,
    host: &Host,
    baseline: Option<&Host>,
    input: &AnalyzeInput,
) {
    let json = serde_json::to_vec(input).expect("serialises");
    let output_bytes = host
        .call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, &json)
        .expect("analyzes")
        .len();
    let mut boundary = boundary_support::Boundary::for_call(json.len(), output_bytes);
    println!("{group}: {} bytes in, {output_bytes} bytes out", json.len());
    if let Some(baseline) = baseline {
        let before = baseline
            .call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, &json)
            .expect("the baseline analyzes")
            .len();
        println!("{group}: {before} bytes out from the baseline module");
    }
    let mut group = c.benchmark_group(group);
    group.sample_size(10);
    group.bench_function("wasm_json", |b| {
        b.iter(|| {
            host.call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, black_box(&json))
                .expect("analyzes")
        });
    });
    if let Some(baseline) = baseline {
        group.bench_function("wasm_json_baseline", |b| {
            b.iter(|| {
                baseline
                    .call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, black_box(&json))
                    .expect("the baseline analyzes")
            });
        });
    }
    group.bench_function("boundary", |b| b.iter(|| boundary.through_host()));
    group.bench_function("boundary_bare_extism", |b| {
        b.iter(|| boundary.through_bare_extism());
    });
    group.finish();
}

/// One variant of a call, named, for [`cpu_medians`].
type Variant<'a> = (&'static str, Box<dyn FnMut() + 'a>);

/// This thread's CPU time so far (Linux's `/proc/thread-self/schedstat`, in nanoseconds).
fn thread_cpu() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(std::time::Duration::from_nanos(nanos))
}

/// With `MEDPLUG_BENCH_LGPD_CPU=<rounds>`: each round calls every variant once, in turn, and the
/// median CPU time of the calling thread per call is printed for each — on cores shared with
/// other work, where criterion's wall-clock medians also count the time spent waiting. (The
/// host's audit digest of a large input runs on a second thread and is not counted.)
fn cpu_medians(group: &str, variants: &mut [Variant<'_>]) {
    let Some(rounds) = std::env::var("MEDPLUG_BENCH_LGPD_CPU")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return;
    };
    let mut times = vec![Vec::with_capacity(rounds); variants.len()];
    for _ in 0..rounds {
        for ((_, run), times) in variants.iter_mut().zip(&mut times) {
            let before = thread_cpu().expect("/proc/thread-self/schedstat");
            run();
            times.push(thread_cpu().expect("/proc/thread-self/schedstat") - before);
        }
    }
    for ((id, _), times) in variants.iter().zip(&mut times) {
        times.sort();
        println!(
            "cpu {group}/{id}: median {:.2} ms, min {:.2} ms ({rounds} calls)",
            times[rounds / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3
        );
    }
}

/// The CPU-time variants of a document's call: native, typed and JSON through the host, the
/// baseline module's JSON call, the boundary alone.
fn cpu_group(group: &str, host: &Host, baseline: Option<&Host>, input: &AnalyzeInput) {
    if std::env::var_os("MEDPLUG_BENCH_LGPD_CPU").is_none() {
        return;
    }
    let json = serde_json::to_vec(input).expect("serialises");
    let output_bytes = host
        .call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, &json)
        .expect("analyzes")
        .len();
    let boundary = boundary_support::Boundary::for_call(json.len(), output_bytes);
    let json_call = |host: &Host| {
        host.call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, black_box(&json))
            .expect("analyzes");
    };
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "native",
            Box::new(|| {
                lgpd_analyzer::analyze(black_box(input.clone())).expect("analyzes");
            }),
        ),
        (
            "wasm",
            Box::new(|| drop(analyze_in(host, black_box(input)))),
        ),
        ("wasm_json", Box::new(|| json_call(host))),
        ("boundary", Box::new(|| drop(boundary.through_host()))),
    ];
    if let Some(baseline) = baseline {
        variants.push(("wasm_json_baseline", Box::new(move || json_call(baseline))));
    }
    cpu_medians(group, &mut variants);
}

/// A host under `limits` with the built plugins (`target/plugins`), or with `module` alone.
fn analyzer_host(module: Option<&[u8]>, limits: medplug_host::Limits) -> Host {
    let builder = Host::builder().default_limits(limits);
    let builder = match module {
        Some(bytes) => builder.plugin_bytes("lgpd-analyzer.wasm", bytes),
        None => builder.plugins_dir(plugins_dir()),
    };
    builder.build().expect("the host loads the analyzer")
}

/// A host holding only the analyzer module named by `MEDPLUG_BENCH_LGPD_BASELINE`, if set.
fn baseline_host() -> Option<Host> {
    let path = std::env::var_os("MEDPLUG_BENCH_LGPD_BASELINE")?;
    let module = std::fs::read(&path).expect("the baseline module is readable");
    Some(analyzer_host(
        Some(&module),
        medplug_host::Limits::default(),
    ))
}

/// Both paths agree on `input`; its findings, for the checks and the log.
fn same_work(host: &Host, input: &AnalyzeInput) -> AnalyzeOutput {
    let wasm = analyze_in(host, input);
    let native = lgpd_analyzer::analyze(input.clone()).expect("analyzes");
    if wasm != native {
        let first = wasm
            .findings
            .iter()
            .zip(&native.findings)
            .position(|(w, n)| w != n);
        let at = |out: &AnalyzeOutput| first.and_then(|i| out.findings.get(i)).cloned();
        panic!(
            "both paths must do the same work: {} findings in wasm, {} native; first difference \
             {:?} against {:?} (rebuild the module: cargo xtask build-plugins)",
            wasm.findings.len(),
            native.findings.len(),
            at(&wasm),
            at(&native),
        );
    }
    native
}

fn benches(c: &mut Criterion) {
    let module = std::env::var_os("MEDPLUG_BENCH_LGPD_MODULE")
        .map(|path| std::fs::read(path).expect("the module under test is readable"));
    let host = analyzer_host(module.as_deref(), medplug_host::Limits::default());
    let unmetered = analyzer_host(
        module.as_deref(),
        medplug_host::Limits {
            fuel: None,
            ..medplug_host::Limits::default()
        },
    );
    let corpus: Vec<String> = lgpd_corpus()
        .expect("the corpus is readable")
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    let baseline = baseline_host();
    let input = exactly_one_megabyte(&corpus);
    let dense = same_work(&host, &input);
    assert!(
        dense.findings.len() > 10_000,
        "{} findings",
        dense.findings.len()
    );
    println!("lgpd_1mb: {} findings", dense.findings.len());
    bench_group(
        c,
        "lgpd_1mb",
        &input,
        &[("wasm", &host), ("wasm_no_fuel", &unmetered)],
    );
    bench_boundary(c, "lgpd_1mb", &host, baseline.as_ref(), &input);
    cpu_group("lgpd_1mb", &host, baseline.as_ref(), &input);

    // Realistic notes at their own density, no identifier repeated.
    let notes = AnalyzeInput::new(clinical::document(&conformance::root(), SIZE));
    assert_eq!(notes.content.len(), SIZE);
    let clinical = same_work(&host, &notes);
    let invalid = clinical
        .findings
        .iter()
        .filter(|f| f.checksum_valid == Some(false))
        .count();
    println!(
        "lgpd_clinical: {} findings, {invalid} with a failed check digit",
        clinical.findings.len()
    );
    bench_group(c, "lgpd_clinical", &notes, &[("wasm", &host)]);
    bench_boundary(c, "lgpd_clinical", &host, baseline.as_ref(), &notes);
    cpu_group("lgpd_clinical", &host, baseline.as_ref(), &notes);

    // The same size of medical text without personal data: the cost of reading, without the
    // cost of reporting.
    let clean = std::fs::read_to_string(
        conformance::root().join("tests/corpus/lgpd-analyzer/no-personal-data.txt"),
    )
    .expect("the corpus is readable");
    bench_group(
        c,
        "lgpd_clean",
        &exactly_one_megabyte(&[clean]),
        &[("wasm", &host)],
    );
}

criterion_group! {
    name = lgpd;
    // Sized for a 2-core machine: about half a minute.
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(8));
    targets = benches
}
criterion_main!(lgpd);
