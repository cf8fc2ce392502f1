//! medplug's conformance suite: one test binary, one module per topic (as wasmtime's
//! `tests/all`). It checks what `cargo xtask build-plugins` built: every reference plugin honours
//! ABI v1, and the host enforces every limit it promises, with real misbehaving wasm.

mod claims;
mod contract;
mod ecg;
mod fixtures;
mod lesion;
mod lgpd;
mod limits;
mod loading;
mod malformed_input;
mod second_host;
