//! `cargo bench -p {{name}}`: the algorithm natively, on a typical input. Time the same call
//! through the host (`medplug call`) beside it to see what the wasm boundary adds.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use {{crate}}::wire::EvaluateInput;

fn evaluate(c: &mut Criterion) {
    let input = EvaluateInput {
        weight_kg: 70.0,
        height_m: 1.75,
    };
    c.bench_function("{{name}}/evaluate", |b| {
        b.iter_batched(
            || {{bench_setup}},
            |session| ({{crate}}::evaluate(black_box(input.clone())), session),
            BatchSize::SmallInput,
        );
    });
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
