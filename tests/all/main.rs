//! medplug's conformance suite: one test binary, one module per topic (as wasmtime's
//! `tests/all`). It checks what `cargo xtask build-plugins` built: every reference plugin honours
//! ABI v1, and the host enforces every limit and rule it promises — capabilities, tenants,
//! schemas, pins, signatures, the audit chain, versions, pools, hot reload — with real wasm, some
//! misbehaving on purpose.

mod any_module;
mod attackers;
mod audit;
mod audit_gaps;
mod boundary_plugin;
mod capabilities;
mod claims;
mod contract;
mod design_contracts;
mod ecg;
mod fixtures;
mod integrity;
mod lesion;
mod lgpd;
mod limits;
mod loading;
mod pools;
mod quotas;
mod second_host;
mod tenants;
mod versions;
mod watch;
