//! # medplug-host — run untrusted medical plugins safely, all day
//!
//! A [`Host`] loads medplug plugins (standard Extism wasm modules speaking ABI v1), compiles each
//! module once, asks it to `describe` itself, and calls its functions with JSON under per-plugin
//! [`Limits`]: memory pages, wall-clock timeout, fuel and input size. Plugins get no WASI, no
//! network and no filesystem; a module that imports anything beyond Extism's kernel and the host
//! functions it was granted is refused at load with a message naming the import.
//!
//! ```no_run
//! use medplug_host::Host;
//! use medplug_pdk::lgpd::{AnalyzeInput, AnalyzeOutput};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let host = Host::builder().plugins_dir("target/plugins").build()?;
//! let report: AnalyzeOutput = host.call(
//!     "lgpd-analyzer",            // or "lgpd-analyzer@0.1.0", "lgpd-analyzer@^0.1"
//!     "analyze",
//!     &AnalyzeInput::new("CPF 529.982.247-25"),
//! )?;
//! # Ok(()) }
//! ```
//!
//! The host is a live platform: several versions of a plugin run side by side (a tenant may pin
//! one), versions are installed, enabled, disabled and uninstalled while calls run, a watched
//! directory is hot-reloaded ([`Host::watch`]), and every change is a [`LifecycleEvent`] and an
//! audit record. Each tenant × plugin@version has a bounded pool of instances ([`PoolLimits`]),
//! optionally pre-warmed, under one host-wide cap on idle instances.
//!
//! Building a host or changing its plugins fails with a [`LoadError`]; a call fails with a
//! [`CallError`] that names the plugin, the version that answered and the function — and nothing
//! else the host holds.
//!
//! The parts (see ARCHITECTURE.md):
//! - the call path: [`CallContext`], [`Target`], the pipeline, [`Receipt`];
//! - instances: [`Limits`], [`PoolLimits`];
//! - the registry: [`PluginVersion`], versions and requirements, loading, lifecycle, hot reload;
//! - the [`policy`]: tenants, pins, grants, limits, pools, trust, storage;
//! - the services host functions reach: the hash-chained [`audit`] trail, [`patients`], [`phi`].

mod builder;
mod call;
mod digest;
mod error;
mod host;
mod ids;
mod instances;
mod metrics;
pub mod policy;
mod quota;
mod reaper;
mod registry;
mod secret_file;
mod services;

pub use builder::{HostBuilder, MEMORY_AUDIT_RECORDS};
pub use call::{CallContext, Receipt, Target, TargetProblem, UNNAMED_ACTOR};
pub use digest::sha256_hex;
pub use error::{CallError, CallSite, LoadError, ModuleProblem};
pub use host::Host;
pub use instances::{DEFAULT_MAX_IDLE_TOTAL, Limits, PoolLimits};
pub use metrics::METRICS_CONTENT_TYPE;
pub use policy::Policy;
pub use quota::{CallQuota, HostFunctionQuota};
#[cfg(feature = "postgres")]
pub use quota::{PostgresQuotas, QuotaStoreError};
pub use registry::{
    ContractViolation, DEFAULT_COMPILE_CACHE_BYTES, EmbeddedFunction, EmbeddedSchemas,
    EmbeddedSchemasProblem, FunctionSchemas, Import, Inspection, LifecycleEvent, ModuleInterface,
    PluginVersion, PluginWatcher, SCHEMAS_SECTION, SchemaError, SchemaViolation,
    SchemaViolationItem, VersionListing, VersionRequirement, VersionStatus, WatchOptions, inspect,
    signature,
};
pub use services::{MAX_AUDIT_EVENTS_PER_CALL, MAX_HOST_REQUEST_BYTES, audit, patients, phi};
