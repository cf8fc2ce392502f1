//! The claims extractor on a 100 KB article: natively, and in wasm through the host end to end
//! (serialising the input, the call, deserialising the claims). The article is the claims
//! corpus (both sets) repeated to 100,000 bytes.
//!
//! `cargo xtask bench` reports the medians against issue 5's goal (≤ 20 ms through the host).

use std::hint::black_box;

use conformance::{claims_corpus, reference_host};
use criterion::{Criterion, criterion_group, criterion_main};
use medplug_pdk::claims::{self, ExtractInput, ExtractOutput};

/// The article's size, bytes.
const ARTICLE_BYTES: usize = 100_000;

fn article() -> String {
    let documents = claims_corpus().expect("the claims corpus reads");
    let mut text = String::with_capacity(ARTICLE_BYTES + 4096);
    'fill: loop {
        for (_, doc) in &documents {
            if text.len() + doc.len() + 2 > ARTICLE_BYTES {
                break 'fill;
            }
            text.push_str(doc);
            text.push_str("\n\n");
        }
    }
    text
}

fn benches(c: &mut Criterion) {
    let input = ExtractInput::new(article());
    let host = reference_host().expect("the host loads the plugins");
    let call = |input: &ExtractInput| -> ExtractOutput {
        host.call(claims::PLUGIN_NAME, claims::EXTRACT, input)
            .expect("extracts")
    };
    let native = claims_extractor::extract(input.clone()).expect("extracts");
    assert_eq!(call(&input), native, "both paths must do the same work");

    let mut group = c.benchmark_group("claims_100kb");
    group.sample_size(30);
    group.bench_function("native", |b| {
        b.iter(|| claims_extractor::extract(black_box(input.clone())).expect("extracts"));
    });
    group.bench_function("wasm", |b| b.iter(|| call(black_box(&input))));
    group.finish();
}

criterion_group! {
    name = claims_bench;
    // Sized for a 2-core machine: a few seconds.
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(4));
    targets = benches
}
criterion_main!(claims_bench);
