//! [`LoadError`]: every way building a host, or changing the plugins it runs, can fail.
//!
//! These go to whoever operates the host (an embedder at start-up, an administrator installing
//! a module, the hot-reload watcher's `load_failed` events), never to a tenant's caller.

use std::fmt;
use std::path::PathBuf;

use medplug_pdk::PluginInfoError;

use crate::audit::AuditError;
use crate::patients::PatientStoreError;
use crate::phi::PhiError;
use crate::policy::PolicyError;
use crate::registry::{ContractViolation, SchemaError, SignatureError};

/// What is wrong with a module that is not a loadable medplug plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModuleProblem {
    /// Not valid wasm (wasmparser's message: truncated, bad magic, invalid section…).
    NotWasm(String),
    /// Valid wasm that the runtime would not compile.
    DoesNotCompile(String),
    /// It does not export `describe`.
    NoDescribe,
    /// A fresh instance could not be created.
    DoesNotInstantiate(String),
    /// `describe` trapped or reported an error.
    DescribeFailed(String),
    /// `describe` answered something that is not a `PluginInfo`.
    DescribeUnreadable(String),
    /// `describe` ran past the module's time limit (`timeout_ms`) and was interrupted.
    DescribeTimedOut(std::time::Duration),
    /// `describe`, asked twice, answered differently: a module that cannot say the same thing
    /// twice about itself is not one a host can check.
    DescribeNotDeterministic,
    /// `describe`'s answer breaks ABI v1's rules (name, version, lists).
    BreaksAbi(PluginInfoError),
    /// The optional `warm_up` export trapped or reported an error while pre-warming.
    WarmUpFailed(String),
}

impl fmt::Display for ModuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotWasm(e) => write!(f, "it is not a valid wasm module: {e}"),
            Self::DoesNotCompile(e) => write!(f, "it does not compile: {e}"),
            Self::NoDescribe => {
                f.write_str("it does not export `describe`: is it a medplug plugin?")
            }
            Self::DoesNotInstantiate(e) => write!(f, "it does not instantiate: {e}"),
            Self::DescribeFailed(e) => write!(f, "`describe` failed: {e}"),
            Self::DescribeUnreadable(e) => {
                write!(f, "`describe` returned no valid plugin info: {e}")
            }
            Self::DescribeTimedOut(limit) => {
                write!(
                    f,
                    "`describe` did not return within its time limit of {limit:?}"
                )
            }
            Self::DescribeNotDeterministic => {
                f.write_str("`describe` answered differently when asked twice")
            }
            Self::BreaksAbi(e) => write!(f, "its `describe` breaks abi v1: {e}"),
            Self::WarmUpFailed(e) => write!(f, "`warm_up` failed: {e}"),
        }
    }
}

/// Everything that can go wrong loading plugins or changing the set a running host serves.
///
/// Nothing changes when one of these is returned: a module is checked whole, off to the side,
/// before it joins or replaces anything.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Reading a plugin file or directory failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The module is not valid wasm, does not compile, or its `describe` failed.
    #[error("cannot load plugin from {origin}: {problem}")]
    InvalidModule {
        /// Where the module came from (a path, or the name given with its bytes).
        origin: String,
        /// What is wrong.
        problem: ModuleProblem,
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
    /// Two modules describe themselves with the same name and version.
    #[error("{plugin}@{version} is loaded twice (from {first} and {second}): keep one")]
    VersionConflict {
        /// Plugin name.
        plugin: String,
        /// The shared version.
        version: String,
        /// Where the installed one came from.
        first: String,
        /// Where the new one came from.
        second: String,
    },
    /// The policy does not list the plugin and admits no unlisted plugin.
    #[error("plugin {plugin} from {origin} is refused: the policy has no [plugins.{plugin}] table")]
    NotInPolicy {
        /// Plugin name (from `describe`).
        plugin: String,
        /// Where the module came from.
        origin: String,
    },
    /// The module's sha256 is none of the digests the policy pins.
    #[error(
        "plugin {plugin} from {origin} is refused: its sha256 is {found}, the policy pins {}",
        expected.join(" or ")
    )]
    DigestMismatch {
        /// Plugin name (from `describe`).
        plugin: String,
        /// Where the module came from.
        origin: String,
        /// The pinned digests.
        expected: Vec<String>,
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
    /// A function's schema is missing or does not compile.
    #[error("plugin {plugin}: {source}")]
    Schema {
        /// The plugin.
        plugin: String,
        /// What is wrong with the schema.
        source: SchemaError,
    },
    /// A tenant's pin would match no installed version (at start, or after the change asked
    /// for): the change is refused.
    #[error(
        "tenant `{tenant}` pins {plugin} to `{pin}`, and no installed version would match it: install a matching version or change the pin"
    )]
    PinUnmatched {
        /// The tenant.
        tenant: String,
        /// The plugin.
        plugin: String,
        /// The pin.
        pin: String,
    },
    /// A lifecycle operation names a version that is not installed.
    #[error("{plugin}@{version} is not installed")]
    NotInstalled {
        /// The plugin.
        plugin: String,
        /// The version.
        version: String,
    },
    /// A lifecycle operation names `name@version` wrongly.
    #[error("`{id}` is not `plugin@version`: {reason}")]
    InvalidPluginId {
        /// What was given.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// A lifecycle operation names a tenant the policy does not have.
    #[error("tenant `{tenant}` is not in the policy")]
    UnknownTenant {
        /// The tenant.
        tenant: String,
    },
    /// The plugins directory cannot be watched.
    #[error("cannot watch {}: {message}", dir.display())]
    Watch {
        /// The directory.
        dir: PathBuf,
        /// The watcher's message.
        message: String,
    },
    /// The policy cannot be read or does not hold together.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The audit trail could not be opened, or a change's record could not be written (the
    /// change is then not made).
    #[error("audit trail: {0}")]
    Audit(#[from] AuditError),
    /// The patient store could not be opened.
    #[error("patient store: {0}")]
    PatientStore(#[from] PatientStoreError),
    /// The PHI key could not be read.
    #[error("phi key: {0}")]
    PhiKey(#[from] PhiError),
    /// The quota windows shared by the replicas (`[storage] quotas`) could not be opened.
    #[cfg(feature = "postgres")]
    #[error(transparent)]
    Quotas(#[from] crate::QuotaStoreError),
}

impl LoadError {
    /// A stable snake_case name of the error, as `load_failed` events and audit records give it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::InvalidModule { .. } => "invalid_module",
            Self::AbiMismatch { .. } => "abi_mismatch",
            Self::ContractViolation { .. } => "contract_violation",
            Self::VersionConflict { .. } => "version_conflict",
            Self::NotInPolicy { .. } => "not_in_policy",
            Self::DigestMismatch { .. } => "digest_mismatch",
            Self::MissingSignature { .. } => "missing_signature",
            Self::Signature { .. } => "signature",
            Self::Schema { .. } => "schema",
            Self::PinUnmatched { .. } => "pin_unmatched",
            Self::NotInstalled { .. } => "not_installed",
            Self::InvalidPluginId { .. } => "invalid_plugin_id",
            Self::UnknownTenant { .. } => "unknown_tenant",
            Self::Watch { .. } => "watch",
            Self::Policy(_) => "policy",
            Self::Audit(_) => "audit",
            Self::PatientStore(_) => "patient_store",
            Self::PhiKey(_) => "phi_key",
            #[cfg(feature = "postgres")]
            Self::Quotas(_) => "quotas",
        }
    }
}
