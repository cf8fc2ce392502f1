//! The LGPD analyzer's throughput on a 1 MB document, natively and in wasm through the host.
//!
//! - `lgpd_1mb/{native,wasm,wasm_no_fuel}`: the labelled corpus (realistic clinical Portuguese,
//!   dense with personal data: over 10,000 findings) repeated to exactly 1,000,000 bytes; natively,
//!   through the host under default limits, and through a host without fuel metering;
//! - `lgpd_clean/{native,wasm}`: ~1 MB of medical text without personal data — reading without
//!   reporting.
//!
//! `cargo xtask bench` turns the medians into MB/s and the wasm/native ratio.

use std::hint::black_box;

use conformance::{lgpd_corpus, plugins_dir};
use criterion::{Criterion, criterion_group, criterion_main};
use medplug_host::Host;
use medplug_pdk::lgpd::{self, AnalyzeInput, AnalyzeOutput};

/// The document's size in bytes.
const SIZE: usize = 1_000_000;

fn document() -> String {
    let corpus: Vec<String> = lgpd_corpus()
        .expect("the corpus is readable")
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    let mut doc = String::with_capacity(SIZE + 4096);
    'fill: loop {
        for text in &corpus {
            if doc.len() + text.len() + 2 > SIZE {
                break 'fill;
            }
            doc.push_str(text);
            doc.push_str("\n\n");
        }
    }
    doc.extend(std::iter::repeat_n(' ', SIZE - doc.len()));
    assert_eq!(doc.len(), SIZE);
    doc
}

/// `analyze` through a host: the wasm path.
fn analyze_in(host: &Host, input: &AnalyzeInput) -> AnalyzeOutput {
    host.call(lgpd::PLUGIN_NAME, lgpd::ANALYZE, input)
        .expect("analyzes")
}

fn benches(c: &mut Criterion) {
    let host = Host::builder()
        .plugins_dir(plugins_dir())
        .build()
        .expect("the host loads the plugins: run `cargo xtask build-plugins`");
    let input = AnalyzeInput::new(document());
    let wasm = analyze_in(&host, &input);
    let native = lgpd_analyzer::analyze(input.clone()).expect("analyzes");
    assert_eq!(wasm, native, "both paths must do the same work");
    assert!(
        native.findings.len() > 10_000,
        "{} findings",
        native.findings.len()
    );

    let mut group = c.benchmark_group("lgpd_1mb");
    group.sample_size(10);
    group.bench_function("native", |b| {
        b.iter(|| lgpd_analyzer::analyze(black_box(input.clone())).expect("analyzes"));
    });
    group.bench_function("wasm", |b| {
        b.iter(|| analyze_in(&host, black_box(&input)));
    });
    let unmetered = Host::builder()
        .plugins_dir(plugins_dir())
        .default_limits(medplug_host::Limits {
            fuel: None,
            ..medplug_host::Limits::default()
        })
        .build()
        .expect("loads");
    group.bench_function("wasm_no_fuel", |b| {
        b.iter(|| analyze_in(&unmetered, black_box(&input)));
    });
    group.finish();

    // The same size of medical text without personal data: the cost of reading, without the
    // cost of reporting.
    let clean = std::fs::read_to_string(
        conformance::root().join("tests/corpus/lgpd-analyzer/no-personal-data.txt"),
    )
    .expect("the corpus is readable");
    let mut clean = clean.repeat(SIZE / clean.len());
    clean.extend(std::iter::repeat_n(' ', SIZE - clean.len()));
    assert_eq!(clean.len(), SIZE);
    let clean = AnalyzeInput::new(clean);
    let mut group = c.benchmark_group("lgpd_clean");
    group.sample_size(10);
    group.bench_function("native", |b| {
        b.iter(|| lgpd_analyzer::analyze(black_box(clean.clone())).expect("analyzes"));
    });
    group.bench_function("wasm", |b| {
        b.iter(|| analyze_in(&host, black_box(&clean)));
    });
    group.finish();
}

criterion_group! {
    name = lgpd;
    // Sized for a 2-core machine: about half a minute.
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(8));
    targets = benches
}
criterion_main!(lgpd);
