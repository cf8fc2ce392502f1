//! [`HostError`]: every way loading or calling a plugin can fail, each naming what failed.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use medplug_pdk::ErrorCode;

use crate::ContractViolation;
use crate::audit::AuditError;
use crate::patients::PatientStoreError;
use crate::phi::PhiError;
use crate::policy::{Denial, PolicyError};
use crate::schema_guard::{SchemaError, SchemaViolation};
use crate::signature::SignatureError;

/// Which call failed: `plugin@version function`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// Plugin name.
    pub plugin: String,
    /// Plugin version.
    pub version: String,
    /// Function called.
    pub function: String,
}

impl fmt::Display for CallSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{} `{}`", self.plugin, self.version, self.function)
    }
}

/// Everything that can go wrong loading or calling a plugin.
///
/// Messages are lowercase, say what happened and, where the caller can act, what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// No plugin of that name is loaded.
    #[error("plugin `{plugin}` is not loaded (loaded: {loaded})")]
    PluginNotFound {
        /// The name asked for.
        plugin: String,
        /// The names that are loaded, comma-separated.
        loaded: String,
    },
    /// The plugin does not export that function.
    #[error("{site}: no such function (the plugin exports: {exported})")]
    FunctionNotFound {
        /// The call.
        site: CallSite,
        /// What the plugin does export, comma-separated.
        exported: String,
    },
    /// Reading a plugin file or directory failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The module is not valid wasm, does not compile, or its `describe` failed.
    #[error("cannot load plugin from {origin}: {reason}")]
    InvalidModule {
        /// Where the module came from (a path, or the name given with its bytes).
        origin: String,
        /// What was wrong.
        reason: String,
    },
    /// The plugin was built for another ABI.
    #[error(
        "plugin {plugin}@{version} speaks abi v{found}, this host speaks abi v{expected}: rebuild it against medplug-pdk {expected}"
    )]
    AbiMismatch {
        /// Plugin name.
        plugin: String,
        /// Plugin version.
        version: String,
        /// The plugin's ABI.
        found: u32,
        /// The host's ABI.
        expected: u32,
    },
    /// The module breaks the ABI v1 contract (an import it may not have, a missing export).
    #[error("plugin {plugin} from {origin} is refused: {violation}")]
    ContractViolation {
        /// Plugin name (from `describe`).
        plugin: String,
        /// Where the module came from.
        origin: String,
        /// The rule it breaks.
        violation: ContractViolation,
    },
    /// Two modules describe themselves with the same name.
    #[error("plugin `{plugin}` is loaded twice (from {first} and {second}): keep one")]
    DuplicatePlugin {
        /// The shared name.
        plugin: String,
        /// Where the first came from.
        first: String,
        /// Where the second came from.
        second: String,
    },
    /// The input was refused, by the host or by the plugin (`invalid_input`).
    #[error("{site}: invalid input: {message}")]
    InvalidInput {
        /// The call.
        site: CallSite,
        /// What was wrong with it, naming the field where known.
        message: String,
    },
    /// The input is larger than the plugin's `max_input_bytes`.
    #[error("{site}: input of {size} bytes exceeds the limit of {limit} bytes")]
    InputTooLarge {
        /// The call.
        site: CallSite,
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The call ran past its wall-clock limit and was interrupted.
    #[error("{site}: timed out after {limit:?}")]
    Timeout {
        /// The call.
        site: CallSite,
        /// The limit.
        limit: Duration,
    },
    /// The call used up its fuel (instructions) and was stopped.
    #[error("{site}: ran out of fuel (limit {limit} units)")]
    OutOfFuel {
        /// The call.
        site: CallSite,
        /// The limit.
        limit: u64,
    },
    /// The call tried to grow memory past the plugin's limit and was stopped.
    #[error("{site}: exceeded its memory limit of {max_pages} pages ({} MiB)", u64::from(*max_pages) * 64 / 1024)]
    MemoryLimit {
        /// The call.
        site: CallSite,
        /// The limit, in 64 KiB wasm pages.
        max_pages: u32,
    },
    /// The plugin failed the call with an error of its own (`unsupported`, `internal`).
    #[error("{site}: plugin error {code}: {message}")]
    Plugin {
        /// The call.
        site: CallSite,
        /// The plugin's error code.
        code: ErrorCode,
        /// The plugin's message.
        message: String,
    },
    /// The plugin trapped (a wasm fault) without reporting an error.
    #[error("{site}: trapped: {message}")]
    Trap {
        /// The call.
        site: CallSite,
        /// The runtime's description of the trap.
        message: String,
    },
    /// The plugin's output is not what its function promises (not JSON, or not the expected type).
    #[error("{site}: invalid output: {message}")]
    InvalidOutput {
        /// The call.
        site: CallSite,
        /// What was wrong.
        message: String,
    },
    /// The call names a tenant the policy does not know.
    #[error("tenant `{tenant}` is not in the policy (tenants: {known})")]
    UnknownTenant {
        /// The tenant asked for.
        tenant: String,
        /// The policy's tenants, comma-separated.
        known: String,
    },
    /// The call names no tenant and the policy has no `default_tenant`.
    #[error("the call names no tenant and the policy has no default_tenant: pass one")]
    NoTenant,
    /// The tenant may not call this plugin.
    #[error("tenant `{tenant}` may not call {site}: {denial}")]
    Denied {
        /// The calling tenant.
        tenant: String,
        /// The call.
        site: CallSite,
        /// Why not.
        denial: Denial,
    },
    /// The input does not match the function's input schema.
    #[error("{site}: invalid input: {violation}")]
    InputSchema {
        /// The call.
        site: CallSite,
        /// What does not match, with JSON pointers (boxed: it is large and rare).
        violation: Box<SchemaViolation>,
    },
    /// The plugin's output does not match the function's output schema.
    #[error("{site}: invalid output: {violation}")]
    OutputSchema {
        /// The call.
        site: CallSite,
        /// What does not match, with JSON pointers (boxed: it is large and rare).
        violation: Box<SchemaViolation>,
    },
    /// A function's schema is missing or does not compile.
    #[error("plugin {plugin}: {source}")]
    Schema {
        /// The plugin.
        plugin: String,
        /// What is wrong with the schema.
        source: SchemaError,
    },
    /// The policy does not list the plugin and admits no unlisted plugin.
    #[error("plugin {plugin} from {origin} is refused: the policy has no [plugins.{plugin}] table")]
    NotInPolicy {
        /// Plugin name (from `describe`).
        plugin: String,
        /// Where the module came from.
        origin: String,
    },
    /// The module's sha256 differs from the policy's pin.
    #[error(
        "plugin {plugin} from {origin} is refused: its sha256 is {found}, the policy pins {expected}"
    )]
    DigestMismatch {
        /// Plugin name (from `describe`).
        plugin: String,
        /// Where the module came from.
        origin: String,
        /// The pinned digest.
        expected: String,
        /// The module's digest.
        found: String,
    },
    /// The policy requires signatures and the module has none.
    #[error(
        "module {origin} is refused: the policy requires a signature and there is no {signature_file}"
    )]
    MissingSignature {
        /// Where the module came from.
        origin: String,
        /// The signature file looked for.
        signature_file: String,
    },
    /// The module's signature does not verify.
    #[error("module {origin} is refused: {source}")]
    Signature {
        /// Where the module came from.
        origin: String,
        /// Why it does not verify.
        source: SignatureError,
    },
    /// The policy cannot be read or does not hold together.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The audit trail could not be opened or written. A call whose record cannot be written
    /// fails with this error, and its output is withheld.
    #[error("audit trail: {0}")]
    Audit(#[from] AuditError),
    /// The patient store could not be opened.
    #[error("patient store: {0}")]
    PatientStore(#[from] PatientStoreError),
    /// The PHI key could not be read.
    #[error("phi key: {0}")]
    PhiKey(#[from] PhiError),
    /// The host was asked to open PHI but has no PHI key.
    #[error(
        "this host has no phi key: configure [phi_key] in the policy or give the builder a keyring"
    )]
    NoPhiKey,
    /// A typed call's input did not serialize to JSON.
    #[error("{site}: input did not serialize to json: {message}")]
    InputSerialization {
        /// The call.
        site: CallSite,
        /// serde's message.
        message: String,
    },
}

impl HostError {
    /// The call a call-time error is about; `None` for load-time errors.
    pub fn call_site(&self) -> Option<&CallSite> {
        match self {
            Self::FunctionNotFound { site, .. }
            | Self::InvalidInput { site, .. }
            | Self::InputTooLarge { site, .. }
            | Self::Timeout { site, .. }
            | Self::OutOfFuel { site, .. }
            | Self::MemoryLimit { site, .. }
            | Self::Plugin { site, .. }
            | Self::Trap { site, .. }
            | Self::InvalidOutput { site, .. }
            | Self::InputSchema { site, .. }
            | Self::OutputSchema { site, .. }
            | Self::Denied { site, .. }
            | Self::InputSerialization { site, .. } => Some(site),
            _ => None,
        }
    }

    /// A stable snake_case name of the error, as audit records and metrics give it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PluginNotFound { .. } => "plugin_not_found",
            Self::FunctionNotFound { .. } => "function_not_found",
            Self::Io { .. } => "io",
            Self::InvalidModule { .. } => "invalid_module",
            Self::AbiMismatch { .. } => "abi_mismatch",
            Self::ContractViolation { .. } => "contract_violation",
            Self::DuplicatePlugin { .. } => "duplicate_plugin",
            Self::InvalidInput { .. } => "invalid_input",
            Self::InputTooLarge { .. } => "input_too_large",
            Self::Timeout { .. } => "timeout",
            Self::OutOfFuel { .. } => "out_of_fuel",
            Self::MemoryLimit { .. } => "memory_limit",
            Self::Plugin { code, .. } => match code {
                ErrorCode::InvalidInput => "invalid_input",
                ErrorCode::Unsupported => "unsupported",
                _ => "internal",
            },
            Self::Trap { .. } => "trap",
            Self::InvalidOutput { .. } => "invalid_output",
            Self::UnknownTenant { .. } => "unknown_tenant",
            Self::NoTenant => "no_tenant",
            Self::Denied { denial, .. } => denial.kind(),
            Self::InputSchema { .. } => "input_schema",
            Self::OutputSchema { .. } => "output_schema",
            Self::Schema { .. } => "schema",
            Self::NotInPolicy { .. } => "not_in_policy",
            Self::DigestMismatch { .. } => "digest_mismatch",
            Self::MissingSignature { .. } => "missing_signature",
            Self::Signature { .. } => "signature",
            Self::Policy(_) => "policy",
            Self::Audit(_) => "audit",
            Self::PatientStore(_) => "patient_store",
            Self::PhiKey(_) => "phi_key",
            Self::NoPhiKey => "no_phi_key",
            Self::InputSerialization { .. } => "input_serialization",
        }
    }
}
