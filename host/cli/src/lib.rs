//! # medplug-cli — the `medplug` binary, and what it ships for demos
//!
//! The binary (`src/main.rs`, one file per command under `src/commands/`) is how a clinic's
//! operator calls, lists and inspects plugins, checks the audit trail and makes keys. This
//! library holds what the binary, the demo (`cargo xtask demo`) and the conformance suite
//! share, none of which belongs in the host library an embedder links:
//! - [`default_policy`]: `medplug.toml`, the documented default policy, compiled in;
//! - [`demo_patients`]: the fictional patients of the two demo clinics.

pub mod default_policy;
pub mod demo_patients;
