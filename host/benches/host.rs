//! Host benchmarks (criterion), run and tabulated by `cargo xtask bench`:
//!
//! - `call_64b/{medplug_host,raw_extism}`: a 64-byte `analyze` call through the host (on a warm
//!   instance of its tenant's pool) and through a bare `extism::Plugin` built from the same
//!   module under the same limits — the host's per-call overhead with its default audit sink, a
//!   `MemoryAuditSink` (goal: ≤ 1.3×); `call_64b/medplug_host_sqlite_memory` the same with the
//!   trail in an in-memory SQLite database (the default before the host kept records in memory);
//!   `call_64b/medplug_host_guarded` with every guard a production host runs: input and output
//!   schemas, and the audit trail in a SQLite file with synchronous=FULL;
//! - `instantiate/from_compiled`: a fresh instance from the compiled module (what the pool saves).
//!
//! The plugins' own throughput benchmarks live with the conformance suite (`tests/benches/`).
//!
//! They need `cargo xtask build-plugins` first (`cargo xtask bench` does it).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use extism::{Manifest, Plugin, PluginBuilder, Wasm};
use medplug_host::{Host, Limits};

/// Exactly 64 bytes of `analyze` input.
const INPUT_64B: &[u8] = br#"{"content":"Paciente em consulta, CPF 529.982.247-25, retorno."}"#;

fn plugin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/plugins/lgpd-analyzer.wasm")
}

fn module() -> Vec<u8> {
    std::fs::read(plugin_path())
        .expect("target/plugins/lgpd-analyzer.wasm: run `cargo xtask build-plugins` first")
}

/// A bare Extism plugin under the same limits as the host's defaults.
fn raw_builder(bytes: Vec<u8>) -> PluginBuilder<'static> {
    let limits = Limits::default();
    let manifest = Manifest::new([Wasm::data(bytes)])
        .with_memory_max(limits.max_memory_pages)
        .with_timeout(limits.timeout);
    let builder = PluginBuilder::new(manifest)
        .with_wasi(false)
        .with_cache_disabled();
    match limits.fuel {
        Some(fuel) => builder.with_fuel_limit(fuel),
        None => builder,
    }
}

fn benches(c: &mut Criterion) {
    assert_eq!(INPUT_64B.len(), 64);
    let host = Host::builder()
        .plugin_file(plugin_path())
        .build()
        .expect("the host loads the plugin");
    let mut raw = raw_builder(module())
        .build()
        .expect("extism loads the plugin");
    assert_eq!(
        host.call_json("lgpd-analyzer", "analyze", INPUT_64B)
            .expect("host call"),
        raw.call::<&[u8], Vec<u8>>("analyze", INPUT_64B)
            .expect("raw call"),
        "both paths must do the same work"
    );

    let dir = tempfile::tempdir().expect("temporary directory");
    let trail = medplug_host::audit::SqliteAuditTrail::open(dir.path().join("audit.db"))
        .expect("audit trail");
    let guarded = Host::builder()
        .plugin_file(plugin_path())
        .schemas_dir(plugin_path().with_file_name("schemas"))
        .audit_sink(std::sync::Arc::new(trail))
        .build()
        .expect("the guarded host loads the plugin");

    let sqlite_memory = Host::builder()
        .plugin_file(plugin_path())
        .audit_sink(std::sync::Arc::new(
            medplug_host::audit::SqliteAuditTrail::in_memory().expect("audit trail"),
        ))
        .build()
        .expect("the host loads the plugin");

    let mut group = c.benchmark_group("call_64b");
    group.bench_function("medplug_host_sqlite_memory", |b| {
        b.iter(|| {
            sqlite_memory
                .call_json("lgpd-analyzer", "analyze", black_box(INPUT_64B))
                .expect("call")
        });
    });
    group.bench_function("medplug_host_guarded", |b| {
        b.iter(|| {
            guarded
                .call_json("lgpd-analyzer", "analyze", black_box(INPUT_64B))
                .expect("call")
        });
    });
    group.bench_function("medplug_host", |b| {
        b.iter(|| {
            host.call_json("lgpd-analyzer", "analyze", black_box(INPUT_64B))
                .expect("call")
        });
    });
    group.bench_function("raw_extism", |b| {
        b.iter(|| {
            raw.call::<&[u8], Vec<u8>>("analyze", black_box(INPUT_64B))
                .expect("call")
        });
    });
    group.finish();

    let compiled = raw_builder(module()).compile().expect("compiles");
    c.benchmark_group("instantiate")
        .bench_function("from_compiled", |b| {
            b.iter(|| Plugin::new_from_compiled(black_box(&compiled)).expect("instantiates"));
        });
}

criterion_group! {
    name = host;
    // Sized for a 2-core machine: the whole file runs in about half a minute.
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = benches
}
criterion_main!(host);
