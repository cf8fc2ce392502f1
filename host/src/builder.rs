//! [`HostBuilder`]: where plugins come from, the policy they run under, and the host's services.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use medplug_pdk::Capability;

use crate::audit::{AuditSink, SqliteAuditTrail};
use crate::host_functions::Services;
use crate::patients::{PatientStore, SqlitePatientStore};
use crate::phi::{PhiKey, PhiKeyring};
use crate::policy::{PhiKeySource, Policy};
use crate::signature::{ModuleSignature, verify_module};
use crate::{Host, HostError, Limits, LoadedPlugin};

/// Where one module comes from.
#[derive(Debug)]
enum Source {
    Dir(PathBuf),
    File(PathBuf),
    Bytes { origin: String, bytes: Vec<u8> },
}

/// One module read from its source, with its detached signature when it has one.
struct Module {
    origin: String,
    bytes: Vec<u8>,
    /// The `.sig` file looked for (none for modules given as bytes).
    signature_file: Option<PathBuf>,
}

/// Builds a [`Host`]: add plugin sources, a policy and services, then [`build`](Self::build).
///
/// Nothing is read or compiled until `build`, which loads every source or fails as a whole.
/// Without a policy the host runs [`Policy::open`]; without an audit sink, the policy's
/// `audit_db` (or, without one, a SQLite trail in memory).
#[derive(Debug, Default)]
pub struct HostBuilder {
    sources: Vec<Source>,
    policy: Option<Policy>,
    limits: Option<Limits>,
    plugin_limits: HashMap<String, Limits>,
    audit: Option<Arc<dyn AuditSink>>,
    patients: Option<Arc<dyn PatientStore>>,
    keyring: Option<PhiKeyring>,
    schemas_dir: Option<PathBuf>,
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

    /// The policy: tenants, plugins, grants, pins, trusted keys, limits and storage.
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

    /// The keys `encrypt_phi` seals with, instead of the policy's `[phi_key]`.
    pub fn phi_keyring(mut self, keyring: PhiKeyring) -> Self {
        self.keyring = Some(keyring);
        self
    }

    /// Validates every call's input and output against the functions' JSON Schemas, read from
    /// `dir/<plugin>/<function>.{input,output}.json` (as `cargo xtask build-plugins` copies
    /// them next to the modules). A plugin whose schemas are missing is refused.
    pub fn schemas_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.schemas_dir = Some(dir.into());
        self
    }

    /// Opens the services, then reads, checks, compiles and describes every plugin.
    pub fn build(self) -> Result<Host, HostError> {
        let mut policy = self.policy.unwrap_or_else(Policy::open);
        if let Some(limits) = self.limits {
            policy.default_limits = limits;
        }
        let services = Services {
            audit: match self.audit {
                Some(sink) => sink,
                None => match &policy.audit_db {
                    Some(path) => {
                        create_parent(path)?;
                        Arc::new(SqliteAuditTrail::open(path)?)
                    }
                    None => Arc::new(SqliteAuditTrail::in_memory()?),
                },
            },
            patients: match self.patients {
                Some(store) => Some(store),
                None => match &policy.patients_db {
                    Some(path) => {
                        create_parent(path)?;
                        Some(Arc::new(SqlitePatientStore::open(path)?) as Arc<dyn PatientStore>)
                    }
                    None => None,
                },
            },
            keyring: match self.keyring {
                Some(keyring) => Some(keyring),
                None => policy_keyring(&policy)?,
            },
        };
        let mut modules = Vec::new();
        for source in self.sources {
            match source {
                Source::Dir(dir) => modules.extend(read_dir(&dir)?),
                Source::File(path) => modules.push(read_file(&path)?),
                Source::Bytes { origin, bytes } => modules.push(Module {
                    origin,
                    bytes,
                    signature_file: None,
                }),
            }
        }
        let limits_for = |name: &str| {
            self.plugin_limits
                .get(name)
                .copied()
                .unwrap_or_else(|| policy.limits(name))
        };
        let mut plugins: BTreeMap<String, LoadedPlugin> = BTreeMap::new();
        for module in modules {
            check_signature(&module, &policy)?;
            let granted = |info: &medplug_pdk::PluginInfo| -> Vec<Capability> {
                policy.plugin_grants(&info.name).into_iter().collect()
            };
            let plugin = LoadedPlugin::load(
                module.origin,
                &module.bytes,
                policy.default_limits,
                limits_for,
                granted,
            )?;
            let name = plugin.info().name.clone();
            match policy.plugin(&name) {
                None if !policy.allow_unlisted_plugins => {
                    return Err(HostError::NotInPolicy {
                        plugin: name,
                        origin: plugin.origin().to_owned(),
                    });
                }
                Some(listed) => {
                    if let Some(pin) = &listed.sha256
                        && pin != plugin.sha256()
                    {
                        return Err(HostError::DigestMismatch {
                            plugin: name,
                            origin: plugin.origin().to_owned(),
                            expected: pin.clone(),
                            found: plugin.sha256().to_owned(),
                        });
                    }
                }
                None => {}
            }
            let plugin = match &self.schemas_dir {
                Some(dir) => plugin.with_schemas(dir)?,
                None => plugin,
            };
            if let Some(first) = plugins.get(&name) {
                return Err(HostError::DuplicatePlugin {
                    plugin: name,
                    first: first.origin().to_owned(),
                    second: plugin.origin().to_owned(),
                });
            }
            plugins.insert(name, plugin);
        }
        Ok(Host::new(plugins, policy, services))
    }
}

/// The policy's PHI key, read only when some plugin is granted `encrypt_phi`.
fn policy_keyring(policy: &Policy) -> Result<Option<PhiKeyring>, HostError> {
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

/// A signed module must verify against the policy's trusted keys; when the policy requires
/// signatures, an unsigned module is refused.
fn check_signature(module: &Module, policy: &Policy) -> Result<(), HostError> {
    let signature_file = module.signature_file.as_deref();
    let text =
        match signature_file {
            Some(path) if path.exists() => Some(std::fs::read_to_string(path).map_err(
                |source| HostError::Io {
                    path: path.to_owned(),
                    source,
                },
            )?),
            _ => None,
        };
    let Some(text) = text else {
        if policy.require_signatures {
            return Err(HostError::MissingSignature {
                origin: module.origin.clone(),
                signature_file: signature_file.map_or_else(
                    || "signature (the module was given as bytes)".to_owned(),
                    |p| p.display().to_string(),
                ),
            });
        }
        return Ok(());
    };
    if policy.trusted_keys.is_empty() && !policy.require_signatures {
        // Nothing to check against: the policy trusts no key and requires none.
        return Ok(());
    }
    let signature_error = |source| HostError::Signature {
        origin: module.origin.clone(),
        source,
    };
    let signature = ModuleSignature::parse(&text).map_err(signature_error)?;
    verify_module(&module.bytes, &signature, &policy.trusted_keys).map_err(signature_error)?;
    Ok(())
}

fn create_parent(path: &Path) -> Result<(), HostError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| HostError::Io {
                path: dir.to_owned(),
                source,
            })
        }
        _ => Ok(()),
    }
}

fn read_file(path: &Path) -> Result<Module, HostError> {
    let bytes = std::fs::read(path).map_err(|source| HostError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(Module {
        origin: path.display().to_string(),
        bytes,
        signature_file: Some(ModuleSignature::signature_path(path)),
    })
}

fn read_dir(dir: &Path) -> Result<Vec<Module>, HostError> {
    let io = |source| HostError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "wasm") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    paths.iter().map(|p| read_file(p)).collect()
}
