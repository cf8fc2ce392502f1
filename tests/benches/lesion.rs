//! The lesion risk scorer on 1,000 lesions in one call: natively, and in wasm through the host
//! end to end (serialising the input, the call, deserialising the report). The lesions cycle
//! through every ABCD combination and every 7-point checklist, with a patient history.
//!
//! `cargo xtask bench` reports the medians and the wasm/native ratio.

use std::hint::black_box;

use conformance::reference_host;
use criterion::{Criterion, criterion_group, criterion_main};
use medplug_pdk::lesion::{self, ScoreInput, ScoreOutput};

fn benches(c: &mut Criterion) {
    let input = lesion_risk::examples::thousand_lesions();
    let host = reference_host().expect("the host loads the plugins");
    let call = |input: &ScoreInput| -> ScoreOutput {
        host.call(lesion::PLUGIN_NAME, lesion::SCORE, input)
            .expect("scores")
    };
    let native = lesion_risk::score(input.clone()).expect("scores");
    assert_eq!(call(&input), native, "both paths must do the same work");

    let mut group = c.benchmark_group("lesion_1000");
    group.sample_size(30);
    group.bench_function("native", |b| {
        b.iter(|| lesion_risk::score(black_box(input.clone())).expect("scores"));
    });
    group.bench_function("wasm", |b| b.iter(|| call(black_box(&input))));
    group.finish();
}

criterion_group! {
    name = lesion_bench;
    // Sized for a 2-core machine: a few seconds.
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(4));
    targets = benches
}
criterion_main!(lesion_bench);
