//! The ECG analyzer on MIT-BIH record 100 whole (30 minutes at 360 Hz, 650,000 samples of lead
//! MLII): natively, and in wasm through the host with the signal as `samples_i16` (base64) and
//! as `samples_mv` (JSON numbers). Each wasm figure is end to end: serialising the input,
//! the call, and deserialising the report.
//!
//! Without the record (see `medplug_wfdb::mitdb_dir`) the benchmark says so and does
//! nothing. `cargo xtask bench` reports the medians and the wasm/native ratio.

use std::hint::black_box;

#[path = "support/boundary.rs"]
mod boundary_support;

use conformance::{reference_host, root};
use criterion::{Criterion, criterion_group, criterion_main};
use medplug_pdk::ecg::{self, AnalyzeInput, AnalyzeOutput};
use medplug_wfdb::{MITDB_HOWTO, Record, mitdb_dir};

fn benches(c: &mut Criterion) {
    let Some(dir) = mitdb_dir(&root()).expect("the MIT-BIH directory is readable") else {
        println!("ecg benchmark skipped: MIT-BIH record 100 not found ({MITDB_HOWTO})");
        return;
    };
    let record = Record::open(dir.join("100")).expect("record 100 reads");
    let spec = &record.header.signals[0];
    let rate = record.header.sampling_frequency;
    let compact = AnalyzeInput::from_adc(rate, &record.signals[0], spec.gain, spec.baseline);
    let mv = AnalyzeInput::from_mv(rate, record.physical(0).expect("lead 0"));
    let host = reference_host().expect("the host loads the plugins");
    let call = |input: &AnalyzeInput| -> AnalyzeOutput {
        host.call(ecg::PLUGIN_NAME, ecg::ANALYZE, input)
            .expect("analyzes")
    };
    let native = ecg_analyzer::analyze(compact.clone()).expect("analyzes");
    assert_eq!(call(&compact), native, "both paths must do the same work");
    assert_eq!(call(&mv).r_peaks, native.r_peaks);

    let mut group = c.benchmark_group("ecg_record_100");
    group.sample_size(20);
    group.bench_function("native", |b| {
        b.iter(|| ecg_analyzer::analyze(black_box(compact.clone())).expect("analyzes"));
    });
    group.bench_function("wasm_samples_i16", |b| b.iter(|| call(black_box(&compact))));
    group.bench_function("wasm_samples_mv", |b| b.iter(|| call(black_box(&mv))));
    // JSON bytes in and out, as `medplug serve` calls; and the boundary alone for the same
    // bytes (`support/boundary.rs`).
    let json = serde_json::to_vec(&compact).expect("serialises");
    let output_bytes = host
        .call_json(ecg::PLUGIN_NAME, ecg::ANALYZE, &json)
        .expect("analyzes")
        .len();
    println!(
        "ecg_record_100: {} bytes in, {output_bytes} bytes out",
        json.len()
    );
    let mut boundary = boundary_support::Boundary::for_call(json.len(), output_bytes);
    group.bench_function("wasm_json", |b| {
        b.iter(|| {
            host.call_json(ecg::PLUGIN_NAME, ecg::ANALYZE, black_box(&json))
                .expect("analyzes")
        });
    });
    group.bench_function("boundary", |b| b.iter(|| boundary.through_host()));
    group.bench_function("boundary_bare_extism", |b| {
        b.iter(|| boundary.through_bare_extism());
    });
    group.finish();
}

criterion_group! {
    name = ecg_bench;
    // Sized for a 2-core machine: about half a minute.
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(6));
    targets = benches
}
criterion_main!(ecg_bench);
