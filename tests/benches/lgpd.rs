//! The LGPD analyzer's throughput on a 1 MB document, natively and in wasm through the host.
//!
//! - `lgpd_1mb/{native,wasm,wasm_no_fuel}`: the labelled corpus (realistic clinical Portuguese,
//!   dense with personal data: over 10,000 findings) repeated to exactly 1,000,000 bytes; natively,
//!   through the host under default limits, and through a host without fuel metering;
//! - `lgpd_clean/{native,wasm}`: 1,000,000 bytes of medical text without personal data — reading
//!   without reporting.
//!
//! `cargo xtask bench` turns the medians into MB/s and the wasm/native ratio.

use std::hint::black_box;

#[path = "support/boundary.rs"]
mod boundary_support;

use conformance::{lgpd_corpus, plugins_dir, reference_host};
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
/// same input and output bytes (`support/boundary.rs`).
fn bench_boundary(c: &mut Criterion, group: &str, host: &Host, input: &AnalyzeInput) {
    let json = serde_json::to_vec(input).expect("serialises");
    let output_bytes = host
        .call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, &json)
        .expect("analyzes")
        .len();
    let mut boundary = boundary_support::Boundary::for_call(json.len(), output_bytes);
    println!("{group}: {} bytes in, {output_bytes} bytes out", json.len());
    let mut group = c.benchmark_group(group);
    group.sample_size(10);
    group.bench_function("wasm_json", |b| {
        b.iter(|| {
            host.call_json(lgpd::PLUGIN_NAME, lgpd::ANALYZE, black_box(&json))
                .expect("analyzes")
        });
    });
    group.bench_function("boundary", |b| b.iter(|| boundary.through_host()));
    group.bench_function("boundary_bare_extism", |b| {
        b.iter(|| boundary.through_bare_extism());
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let host = reference_host().expect("the host loads the plugins");
    let unmetered = Host::builder()
        .plugins_dir(plugins_dir())
        .default_limits(medplug_host::Limits {
            fuel: None,
            ..medplug_host::Limits::default()
        })
        .build()
        .expect("loads");
    let corpus: Vec<String> = lgpd_corpus()
        .expect("the corpus is readable")
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    let input = exactly_one_megabyte(&corpus);
    let wasm = analyze_in(&host, &input);
    let native = lgpd_analyzer::analyze(input.clone()).expect("analyzes");
    assert_eq!(wasm, native, "both paths must do the same work");
    assert!(
        native.findings.len() > 10_000,
        "{} findings",
        native.findings.len()
    );
    bench_group(
        c,
        "lgpd_1mb",
        &input,
        &[("wasm", &host), ("wasm_no_fuel", &unmetered)],
    );
    bench_boundary(c, "lgpd_1mb", &host, &input);

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
