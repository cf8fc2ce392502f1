//! [`Policy`]: which tenants (clinics) may call which plugins, with which grants and limits.
//!
//! A policy is a TOML file (format in [`file`]; `medplug.toml` at the repository root is the
//! documented default that serves the demo and the `medplug` binary). It answers the questions of the host's data flow (DESIGN.md):
//!
//! - *may this module load?* — it must be listed (unless the policy admits unlisted plugins),
//!   its sha256 must equal the pin when one is given, its signature must verify when
//!   signatures are required, and its host-function imports must be covered by its grants;
//! - *may this tenant call it?* — the tenant must exist, have the plugin enabled and serve the
//!   plugin's specialty; *which version?* — the tenant's pin, when it has one;
//! - *may this call use that host function?* — the tenant's grant for the plugin, checked again
//!   by the host function on every call.
//!
//! Without a policy a host runs [`Policy::open`]: one tenant, `local`, that may call every plugin
//! of every specialty, and no grants.

mod file;
mod storage;
mod tenant;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use medplug_pdk::Capability;

pub use file::PolicyError;
pub use storage::{PASSWORD_ENV, PostgresUrl, StoreLocation};
pub use tenant::{Denial, Tenant};

use crate::Limits;
use crate::instances::{DEFAULT_MAX_IDLE_TOTAL, PoolLimits};
use crate::quota::CallQuota;
use crate::signature::TrustedKey;

/// The tenant of [`Policy::open`].
pub const LOCAL_TENANT: &str = "local";

/// What the policy says about one plugin (every version of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginPolicy {
    /// The digests (sha256, lowercase hex) its modules may have; empty when not pinned. A
    /// module with another digest is refused. Versions side by side need one digest each.
    pub sha256: Vec<String>,
    /// The capabilities granted to the plugin; its imports must be covered by them.
    pub grants: BTreeSet<Capability>,
    /// The limits its calls run under.
    pub limits: Limits,
    /// The bounds of each tenant's pool of each of its versions.
    pub pool: PoolLimits,
    /// How often each tenant may call it, and how often it may use host functions.
    pub quota: CallQuota,
}

/// Where the PHI key comes from (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhiKeySource {
    /// A file holding the key as 64 hex characters.
    File(PathBuf),
    /// An environment variable holding the key as 64 hex characters.
    Env(String),
}

/// The PHI key: its id and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhiKeyConfig {
    /// The key id written into every envelope.
    pub id: String,
    /// Where the key is read from.
    pub source: PhiKeySource,
}

/// Where a policy was read from, for the audit trail's `policy_in_force` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySource {
    /// The file (or the name given to [`Policy::parse`]).
    pub origin: String,
    /// Lowercase hex SHA-256 of the policy's text.
    pub sha256: String,
}

/// The `[audit]` table: signed checkpoints of the audit trail's head, written by the HTTP
/// service on a schedule (`medplug audit checkpoint` writes one by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheckpoints {
    /// The ed25519 signing key file (`medplug signing-key new`), 64 hex digits of seed.
    pub key: PathBuf,
    /// The directory the `checkpoint-<sequence>.json` files go to: keep it off the database's
    /// disk, or copy it elsewhere (write-once storage, another machine).
    pub dir: PathBuf,
    /// How often the service checkpoints (only when records were appended since the last one).
    pub interval: std::time::Duration,
}

/// A host's policy: tenants, plugins, grants, limits, trust and storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The tenant of calls that name none (`Host::call`, `medplug call` without `--tenant`).
    pub default_tenant: Option<String>,
    /// Tenants by id.
    pub tenants: BTreeMap<String, Tenant>,
    /// Plugins by name.
    pub plugins: BTreeMap<String, PluginPolicy>,
    /// Whether a plugin missing from `plugins` may load (with no grants and the default limits).
    pub allow_unlisted_plugins: bool,
    /// The limits of plugins the policy lists without limits of their own.
    pub default_limits: Limits,
    /// The pool bounds of plugins without bounds of their own.
    pub default_pool: PoolLimits,
    /// The quotas of plugins without quotas of their own.
    pub default_quota: CallQuota,
    /// Idle instances kept over every tenant and version; past it, the least recently used
    /// goes.
    pub max_idle_total: usize,
    /// Keys whose signatures are trusted.
    pub trusted_keys: Vec<TrustedKey>,
    /// Whether every module must carry a signature by a trusted key.
    pub require_signatures: bool,
    /// Whether every module must be validated against JSON Schemas: embedded in it (the
    /// `medplug.schemas` section `cargo xtask build-plugins` writes) or in the builder's schemas
    /// directory. Without it, a module with neither loads with no schema checks.
    pub require_schemas: bool,
    /// The durable audit trail (`[storage] audit_db`, a SQLite file, or `audit`, a PostgreSQL
    /// URL); `None` keeps it in memory.
    pub audit: Option<StoreLocation>,
    /// The patient store (`[storage] patients_db` or `patients`); `None` means no patient store
    /// (`get_patient` answers `internal`).
    pub patients: Option<StoreLocation>,
    /// Where the quotas' windows live when replicas share them (`[storage] quotas`, a
    /// PostgreSQL URL); `None` keeps them in this process.
    pub quotas: Option<PostgresUrl>,
    /// The PHI key for `encrypt_phi`.
    pub phi_key: Option<PhiKeyConfig>,
    /// Where the HTTP service keeps its API keys' hashes (`medplug tenant-key` writes them).
    pub api_keys: Option<PathBuf>,
    /// Signed checkpoints of the audit trail's head (`[audit]`), if configured.
    pub audit_checkpoints: Option<AuditCheckpoints>,
    /// Where the policy was read from and the SHA-256 of its text; `None` for [`Policy::open`].
    pub source: Option<PolicySource>,
}

impl Policy {
    /// The policy of a host built without one: tenant `local` may call every plugin, every
    /// plugin loads with no grants and default limits, no quota applies, audit records stay in
    /// memory.
    pub fn open() -> Self {
        let local = Tenant {
            id: LOCAL_TENANT.to_owned(),
            name: "this machine".to_owned(),
            specialties: BTreeSet::from([tenant::ANY.to_owned()]),
            plugins: BTreeSet::from([tenant::ANY.to_owned()]),
            grants: BTreeMap::new(),
            pins: BTreeMap::new(),
        };
        Self {
            default_tenant: Some(LOCAL_TENANT.to_owned()),
            tenants: BTreeMap::from([(LOCAL_TENANT.to_owned(), local)]),
            plugins: BTreeMap::new(),
            allow_unlisted_plugins: true,
            default_limits: Limits::default(),
            default_pool: PoolLimits::default(),
            default_quota: CallQuota::unlimited(),
            max_idle_total: DEFAULT_MAX_IDLE_TOTAL,
            trusted_keys: Vec::new(),
            require_signatures: false,
            require_schemas: false,
            audit: None,
            patients: None,
            quotas: None,
            phi_key: None,
            api_keys: None,
            audit_checkpoints: None,
            source: None,
        }
    }

    /// Reads and checks a policy file; relative paths in it are relative to its directory.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, PolicyError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
            path: path.to_owned(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, &path.display().to_string(), base)
    }

    /// Parses and checks policy text; `origin` names it in errors, relative paths are joined
    /// to `base`.
    pub fn parse(text: &str, origin: &str, base: &Path) -> Result<Self, PolicyError> {
        file::parse(text, origin, base)
    }

    /// The tenant with that id.
    pub fn tenant(&self, id: &str) -> Option<&Tenant> {
        self.tenants.get(id)
    }

    /// What the policy says about a plugin, or `None` if it is not listed.
    pub fn plugin(&self, name: &str) -> Option<&PluginPolicy> {
        self.plugins.get(name)
    }

    /// The capabilities granted to `plugin` (empty for an unlisted one).
    pub fn plugin_grants(&self, plugin: &str) -> BTreeSet<Capability> {
        self.plugins
            .get(plugin)
            .map(|p| p.grants.clone())
            .unwrap_or_default()
    }

    /// The limits `plugin` runs under.
    pub fn limits(&self, plugin: &str) -> Limits {
        self.plugins
            .get(plugin)
            .map_or(self.default_limits, |p| p.limits)
    }

    /// The bounds of each tenant's pool of `plugin`.
    pub fn pool_limits(&self, plugin: &str) -> PoolLimits {
        self.plugins
            .get(plugin)
            .map_or(self.default_pool, |p| p.pool)
    }

    /// The quotas of `plugin`.
    pub fn quota(&self, plugin: &str) -> CallQuota {
        self.plugins
            .get(plugin)
            .map_or_else(|| self.default_quota.clone(), |p| p.quota.clone())
    }

    /// The capabilities `tenant` grants `plugin`: the tenant's own list when it has one for the
    /// plugin, else the plugin's grants.
    pub fn tenant_grants(&self, tenant: &Tenant, plugin: &str) -> BTreeSet<Capability> {
        tenant
            .grants
            .get(plugin)
            .cloned()
            .unwrap_or_else(|| self.plugin_grants(plugin))
    }
}
