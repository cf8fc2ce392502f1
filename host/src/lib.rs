//! # medplug-host — run untrusted medical plugins safely
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
//! # fn main() -> Result<(), medplug_host::HostError> {
//! let host = Host::builder().plugins_dir("target/plugins").build()?;
//! let report: AnalyzeOutput = host.call(
//!     "lgpd-analyzer",
//!     "analyze",
//!     &AnalyzeInput::new("CPF 529.982.247-25"),
//! )?;
//! # Ok(()) }
//! ```
//!
//! Every failure is a [`HostError`] that names the plugin, its version and the function.
//!
//! Security and compliance (see ARCHITECTURE.md, "Host security"):
//! - a [`Policy`] (TOML) says which tenants (clinics) may call which plugins, of which
//!   specialties, with which capabilities; modules may be pinned by sha256 and signed
//!   ([`signature`]);
//! - every call runs on behalf of a [`CallContext`] (tenant, actor), on an instance of that
//!   tenant only;
//! - the host functions `audit_log`, `get_patient` ([`patients`]) and `encrypt_phi` ([`phi`])
//!   check the tenant's grant on every call;
//! - every call writes one record to the hash-chained [`audit`] trail, never the input.
//!
//! [`wfdb`] reads PhysioNet's WFDB records and annotations and scores beat detections against
//! them (ANSI/AAMI EC57): what the ECG analyzer is tested with.

pub mod audit;
mod builder;
mod call_context;
mod call_error;
mod call_record;
mod digest;
mod error;
mod host;
mod host_functions;
mod ids;
mod inspect;
mod instance_pool;
mod limits;
mod loaded_plugin;
mod module_interface;
pub mod patients;
pub mod phi;
mod plugin_index;
pub mod policy;
mod schema_guard;
mod secret_file;
pub mod signature;
pub mod wfdb;

pub use builder::HostBuilder;
pub use call_context::CallContext;
pub use digest::sha256_hex;
pub use error::{CallSite, HostError};
pub use host::{Host, UNNAMED_ACTOR};
pub use host_functions::MAX_AUDIT_EVENTS_PER_CALL;
pub use inspect::{Inspection, inspect};
pub use limits::Limits;
pub use loaded_plugin::LoadedPlugin;
pub use module_interface::{ContractViolation, Import, ModuleInterface};
pub use plugin_index::{PLUGIN_INDEX_FILE, PluginIndex, PluginIndexEntry};
pub use policy::Policy;
pub use schema_guard::{FunctionSchemas, SchemaError, SchemaViolation, SchemaViolationItem};
