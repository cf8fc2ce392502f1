//! [`HostBuilder`]: where plugins come from, the policy they run under, and the host's services.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use medplug_pdk::Capability;

use crate::audit::{AuditSink, AuditTrail, MemoryAuditSink, open_trail};
use crate::instances::IdleLedger;
use crate::patients::{PatientStore, open_store};
use crate::phi::{PhiKey, PhiKeyring};
use crate::policy::{PhiKeySource, Policy, StoreLocation};
use crate::quota::QuotaLedger;
use crate::reaper::Reaper;
use crate::registry::{
    CompileCache, DEFAULT_COMPILE_CACHE_BYTES, LoadSettings, ModuleSource, Registry, Snapshot,
    VersionStatus, load, load_failed_record,
};
use crate::services::Services;
use crate::{Host, Limits, LoadError};

/// Audit records a host without storage keeps in memory: the most recent ones (about 4 MB), so
/// that a host left running does not grow without bound.
pub const MEMORY_AUDIT_RECORDS: usize = 10_000;

/// The actor of the `load_failed` records of modules refused while a host is built.
pub const START_ACTOR: &str = "host-start";

/// Where one module comes from.
#[derive(Debug)]
enum Source {
    Dir(PathBuf),
    File(PathBuf),
    Bytes { origin: String, bytes: Vec<u8> },
}

/// Builds a [`Host`]: add plugin sources, a policy and services, then [`build`](Self::build).
///
/// Nothing is read or compiled until `build`, which loads every source or fails as a whole.
/// Without a policy the host runs [`Policy::open`]; without an audit sink, the policy's
/// `audit_db`, or — with no storage configured — a [`MemoryAuditSink`] of the last
/// [`MEMORY_AUDIT_RECORDS`] records.
#[derive(Debug, Default)]
pub struct HostBuilder {
    sources: Vec<Source>,
    policy: Option<Policy>,
    limits: Option<Limits>,
    plugin_limits: HashMap<String, Limits>,
    audit: Option<Arc<dyn AuditSink>>,
    patients: Option<Arc<dyn PatientStore>>,
    quotas: Option<QuotaLedger>,
    keyring: Option<PhiKeyring>,
    schemas_dir: Option<PathBuf>,
    no_prewarming: bool,
    compile_cache_bytes: Option<usize>,
}

impl HostBuilder {
    /// Loads every `*.wasm` file in `dir` (not recursive), in name order.
    pub fn plugins_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.sources.push(Source::Dir(dir.into()));
        self
    }

    /// Loads one module file.
    pub fn plugin_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.sources.push(Source::File(path.into()));
        self
    }

    /// Loads a module from memory; `origin` names it in errors. Such a module has no signature.
    pub fn plugin_bytes(mut self, origin: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        self.sources.push(Source::Bytes {
            origin: origin.into(),
            bytes: bytes.into(),
        });
        self
    }

    /// The policy: tenants, pins, plugins, grants, limits, pools, trusted keys and storage.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The limits of every plugin without limits of its own, over the policy's.
    pub fn default_limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// The limits of the plugin that describes itself as `plugin`, over the policy's.
    pub fn plugin_limits(mut self, plugin: impl Into<String>, limits: Limits) -> Self {
        self.plugin_limits.insert(plugin.into(), limits);
        self
    }

    /// Where audit records go, instead of the policy's `audit_db`.
    pub fn audit_sink(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.audit = Some(sink);
        self
    }

    /// The patient store `get_patient` reads, instead of the policy's `patients_db`.
    pub fn patient_store(mut self, store: Arc<dyn PatientStore>) -> Self {
        self.patients = Some(store);
        self
    }

    /// Quota windows shared with every host on this PostgreSQL database, instead of the
    /// policy's `[storage] quotas` (or windows of this process's own).
    #[cfg(feature = "postgres")]
    pub fn shared_quotas(mut self, quotas: crate::PostgresQuotas) -> Self {
        self.quotas = Some(QuotaLedger::shared(quotas));
        self
    }

    /// The keys `encrypt_phi` seals with, instead of the policy's `[phi_key]`.
    pub fn phi_keyring(mut self, keyring: PhiKeyring) -> Self {
        self.keyring = Some(keyring);
        self
    }

    /// Where the schemas of modules that embed none are: a module built by `cargo xtask
    /// build-plugins` carries its own (its `medplug.schemas` section), which the host checks
    /// every call against with or without this; a module without that section (built
    /// elsewhere, in another language) is checked against
    /// `dir/<plugin>/<function>.{input,output}.json`, and refused if they are missing. Without
    /// a directory such a module is not validated, unless the policy requires schemas
    /// (`[schemas] require = true`), which refuses it.
    pub fn schemas_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.schemas_dir = Some(dir.into());
        self
    }

    /// Creates no pre-warmed instances, whatever the policy's `min_idle`: for a process that
    /// makes one call and exits (the `medplug` CLI), where warming every tenant's instances
    /// would only delay it.
    pub fn without_prewarming(mut self) -> Self {
        self.no_prewarming = true;
        self
    }

    /// Keeps at most `bytes` of compiled functions for later loads to reuse (Cranelift's
    /// incremental cache: a reloaded module recompiles only the functions that changed); 0
    /// keeps none. Default [`DEFAULT_COMPILE_CACHE_BYTES`].
    pub fn compile_cache_bytes(mut self, bytes: usize) -> Self {
        self.compile_cache_bytes = Some(bytes);
        self
    }

    /// Opens the services, then reads, checks, compiles, describes and pre-warms every plugin;
    /// finally checks that every tenant's pin matches a loaded version.
    pub fn build(self) -> Result<Host, LoadError> {
        let mut policy = self.policy.unwrap_or_else(Policy::open);
        if let Some(limits) = self.limits {
            policy.default_limits = limits;
        }
        let services = Services {
            audit: match self.audit {
                Some(sink) => sink,
                None => match &policy.audit {
                    Some(location) => {
                        create_parent(location)?;
                        let trail: Arc<dyn AuditTrail> = Arc::from(open_trail(location)?);
                        trail
                    }
                    None => Arc::new(MemoryAuditSink::keeping_last(MEMORY_AUDIT_RECORDS)),
                },
            },
            patients: match self.patients {
                Some(store) => Some(store),
                None => match &policy.patients {
                    Some(location) => {
                        create_parent(location)?;
                        Some(open_store(location)?)
                    }
                    None => None,
                },
            },
            keyring: match self.keyring {
                Some(keyring) => Some(keyring),
                None => policy_keyring(&policy)?,
            },
            quotas: match self.quotas {
                Some(ledger) => ledger,
                None => policy_quotas(&policy)?,
            },
        };
        // A module refused at start leaves a `load_failed` record, like one refused later (best
        // effort: the error is what the embedder gets).
        let started = std::time::Instant::now();
        let refused = |origin: &str, bytes: Option<&[u8]>, error: LoadError| {
            let record = load_failed_record(origin, bytes, &error, START_ACTOR, started);
            let _ = services.audit.append(&record);
            error
        };
        let mut modules = Vec::new();
        for source in self.sources {
            match source {
                Source::Dir(dir) => modules.extend(
                    ModuleSource::read_dir(&dir)
                        .map_err(|e| refused(&dir.display().to_string(), None, e))?,
                ),
                Source::File(path) => modules.push(
                    ModuleSource::read_file(&path)
                        .map_err(|e| refused(&path.display().to_string(), None, e))?,
                ),
                Source::Bytes { origin, bytes } => modules.push(ModuleSource::bytes(origin, bytes)),
            }
        }
        let reaper = Arc::new(Reaper::new());
        let settings = LoadSettings {
            ledger: IdleLedger::new(policy.max_idle_total, Arc::clone(&reaper)),
            policy,
            plugin_limits: self.plugin_limits,
            schemas_dir: self.schemas_dir,
            prewarm: !self.no_prewarming,
            compile_cache: match self
                .compile_cache_bytes
                .unwrap_or(DEFAULT_COMPILE_CACHE_BYTES)
            {
                0 => None,
                bytes => Some(Arc::new(CompileCache::new(bytes))),
            },
        };
        let mut snapshot = Snapshot::default();
        for module in &modules {
            let guess = settings.guess_limits(module, None);
            let refuse_module = |e| refused(&module.origin, Some(&module.bytes), e);
            let plugin = load(module, &settings, guess).map_err(refuse_module)?;
            snapshot
                .insert(Arc::new(plugin), VersionStatus::default())
                .map_err(refuse_module)?;
        }
        snapshot
            .check_pins(&settings.policy)
            .map_err(|e| refused("the policy's pins", None, e))?;
        Ok(Host::new(
            Registry::new(snapshot),
            settings,
            services,
            reaper,
        ))
    }
}

/// The policy's PHI key, read only when some plugin is granted `encrypt_phi`.
fn policy_keyring(policy: &Policy) -> Result<Option<PhiKeyring>, LoadError> {
    let needed = policy
        .plugins
        .values()
        .any(|p| p.grants.contains(&Capability::EncryptPhi));
    let Some(config) = policy.phi_key.as_ref().filter(|_| needed) else {
        return Ok(None);
    };
    let key = match &config.source {
        PhiKeySource::File(path) => PhiKey::from_file(&config.id, path)?,
        PhiKeySource::Env(var) => PhiKey::from_env(&config.id, var)?,
    };
    Ok(Some(PhiKeyring::new(key)))
}

/// The policy's quota windows: shared in PostgreSQL when it names `[storage] quotas`.
fn policy_quotas(policy: &Policy) -> Result<QuotaLedger, LoadError> {
    match &policy.quotas {
        None => Ok(QuotaLedger::default()),
        #[cfg(feature = "postgres")]
        Some(url) => Ok(QuotaLedger::shared(crate::PostgresQuotas::connect(url)?)),
        #[cfg(not(feature = "postgres"))]
        Some(url) => Err(LoadError::Policy(
            crate::policy::PolicyError::Inconsistent {
                origin: "policy".to_owned(),
                message: format!("[storage] quotas = {url}: this build has no PostgreSQL support"),
            },
        )),
    }
}

/// Creates the directory of a SQLite store's file (a database URL needs none).
fn create_parent(location: &StoreLocation) -> Result<(), LoadError> {
    location
        .create_parent_dir()
        .map_err(|(path, source)| LoadError::Io { path, source })
}
