//! # medplug-pdk — the plugin development kit
//!
//! The wire types of medplug's plugin ABI v1, shared by the host and by every plugin, and (inside
//! wasm only) the glue a plugin needs to honour that ABI:
//!
//! - [`PluginInfo`], [`FunctionInfo`], [`Capability`] and [`ABI_VERSION`]: what `describe` returns;
//! - [`PluginError`] and [`ErrorCode`]: how a plugin fails a call;
//! - [`host_fns`]: the payloads of the host functions (`audit_log`, `get_patient`, `encrypt_phi`);
//! - [`lgpd`], [`ecg`], [`lesion`], [`claims`]: the wire types of the reference plugins' functions,
//!   including the adapters that answer the design documents' own contracts
//!   (`docs/design-contracts.md`), with [`ContentId`], [`UnreadObject`] and [`UnreadValue`]
//!   shared by them;
//! - [`schema`] (feature `schema`): the catalogue of JSON Schemas that `cargo xtask schemas` writes;
//! - `export_plugin!` (wasm32 only): export `describe` and the plugin's functions with one
//!   declaration;
//! - `host`: call host functions — the host's inside wasm, natively a [`mock::MockHost`]'s, so
//!   that a plugin's functions are unit-tested unchanged with `cargo test`.
//!
//! A plugin keeps its algorithm in plain Rust and touches this crate's guest glue in one file,
//! `exports.rs`:
//!
//! ```text
//! medplug_pdk::export_plugin! {
//!     describe: crate::plugin_info,
//!     analyze: crate::analyze,
//! }
//! ```

mod abi;
mod capability;
pub mod claims;
mod content_id;
pub mod ecg;
mod error;
#[cfg(target_arch = "wasm32")]
mod guest;
pub mod host_fns;
pub mod lesion;
pub mod lgpd;
#[cfg(not(target_arch = "wasm32"))]
pub mod mock;
#[cfg(feature = "schema")]
pub mod schema;
mod schema_id;
mod unread;
mod wire_name;

pub use abi::{
    ABI_VERSION, DESCRIBE_FUNCTION, FunctionInfo, PluginInfo, PluginInfoError, WARM_UP_FUNCTION,
    is_plugin_name,
};
pub use capability::{Capability, EXTISM_ENV_MODULE, HOST_FUNCTION_MODULE};
pub use content_id::ContentId;
pub use error::{ErrorCode, PluginError};
#[cfg(target_arch = "wasm32")]
pub use guest::{host, run_describe, run_function, run_warm_up};
/// Natively the host functions are served by a [`mock::MockHost`], for a plugin's unit tests.
#[cfg(not(target_arch = "wasm32"))]
pub use mock::host;
pub use schema_id::SchemaId;
pub use unread::{UnreadObject, UnreadValue};
pub use wire_name::wire_name;

/// Re-exported for `export_plugin!`, so that plugins need not name `extism-pdk` themselves.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub use extism_pdk as __extism_pdk;
