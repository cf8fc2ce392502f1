//! Loading a module: every check, in order, off to the side — nothing joins a host until all of
//! them pass.
//!
//! signature (`<module>.sig`, when present or required) → wasmparser validates and reads the
//! imports and exports → `extism::CompiledPlugin` (with the three host functions linked; each
//! answers `denied` outside a call or without the tenant's grant, so instantiation never fails on
//! an import) → `describe` on a fresh instance no tenant will get → ABI and `PluginInfo` rules →
//! import check against the policy's grants → listed in the policy? sha256 among its pins? →
//! recompiled only if its limits differ from the ones guessed for the first compile → schemas
//! (the module's `medplug.schemas` section, read with the imports and compiled in [`examine`];
//! else the builder's schemas directory) →
//! pre-warmed instances for every tenant that may call it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use extism::{CompiledPlugin, Plugin};
use medplug_pdk::{ABI_VERSION, Capability, DESCRIBE_FUNCTION, PluginInfo, PluginInfoError};
use rayon::prelude::*;
use semver::Version;

use super::ModuleInterface;
use super::compile::compile;
use super::compile_cache::CompileCache;
use super::embedded_schemas::EmbeddedSchemas;
use super::plugin_version::PluginVersion;
use super::schema_guard::{FunctionSchemas, SchemaError};
use super::signature::{ModuleSignature, verify_module};
use crate::instances::{IdleLedger, TenantPools};
use crate::policy::Policy;
use crate::{Limits, LoadError, ModuleProblem, sha256_hex};

/// One module, read from its source, with where its detached signature would be.
#[derive(Debug, Clone)]
pub(crate) struct ModuleSource {
    /// A path, or the name given with the bytes.
    pub origin: String,
    /// The module.
    pub bytes: Vec<u8>,
    /// The file it was read from, absolute when it could be made so.
    pub path: Option<PathBuf>,
    /// The `.sig` file looked for (none for modules given as bytes).
    pub signature_file: Option<PathBuf>,
}

impl ModuleSource {
    /// A module given as bytes; it has no signature file.
    pub fn bytes(origin: String, bytes: Vec<u8>) -> Self {
        Self {
            origin,
            bytes,
            path: None,
            signature_file: None,
        }
    }

    /// Reads a module file.
    pub fn read_file(path: &Path) -> Result<Self, LoadError> {
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self {
            origin: path.display().to_string(),
            bytes,
            path: Some(std::path::absolute(path).unwrap_or_else(|_| path.to_owned())),
            signature_file: Some(ModuleSignature::signature_path(path)),
        })
    }

    /// Reads every `*.wasm` file of `dir` (not recursive), in name order.
    pub fn read_dir(dir: &Path) -> Result<Vec<Self>, LoadError> {
        let io = |source| LoadError::Io {
            path: dir.to_owned(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if is_module_file(&path) && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        paths.iter().map(|p| Self::read_file(p)).collect()
    }
}

/// Whether `path` names a module file (`*.wasm`).
pub(crate) fn is_module_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "wasm")
}

/// What a load needs besides the module: the policy, the builder's overrides, the schemas, and
/// the host's idle-instance ledger.
#[derive(Debug)]
pub(crate) struct LoadSettings {
    pub policy: Policy,
    /// Per-plugin limits set on the builder, over the policy's.
    pub plugin_limits: HashMap<String, Limits>,
    /// Where each plugin's schemas are, when the host validates.
    pub schemas_dir: Option<PathBuf>,
    pub ledger: Arc<IdleLedger>,
    /// Whether `min_idle` instances are created at install.
    pub prewarm: bool,
    /// Functions compiled by earlier loads, when the host keeps them.
    pub compile_cache: Option<Arc<CompileCache>>,
}

impl LoadSettings {
    /// The limits `plugin`'s calls run under.
    pub fn limits_for(&self, plugin: &str) -> Limits {
        self.plugin_limits
            .get(plugin)
            .copied()
            .unwrap_or_else(|| self.policy.limits(plugin))
    }

    /// The limits to compile an unknown module with before `describe` names it: those of the
    /// plugin it replaces, else of the plugin its file is named after (`lgpd-analyzer.wasm`),
    /// else the defaults. A right guess spares a second compilation.
    pub fn guess_limits(&self, source: &ModuleSource, replaces: Option<&str>) -> Limits {
        let stem = source
            .path
            .as_deref()
            .and_then(Path::file_stem)
            .and_then(|s| s.to_str());
        match replaces.or(stem) {
            Some(name) => self.limits_for(name),
            None => self.policy.default_limits,
        }
    }
}

/// A module compiled, described and checked against ABI v1 — before any policy is consulted.
pub(crate) struct Examined {
    pub info: PluginInfo,
    pub version: Version,
    pub interface: ModuleInterface,
    pub compiled: CompiledPlugin,
    pub limits: Limits,
    /// The schemas of its `medplug.schemas` section, compiled; `None` without one.
    pub schemas: Option<BTreeMap<String, FunctionSchemas>>,
}

/// Validates, compiles (under `limits`) and describes a module, then checks ABI v1 with
/// `granted` as the capabilities it may import.
pub(crate) fn examine(
    origin: &str,
    bytes: &[u8],
    limits: Limits,
    cache: Option<&Arc<CompileCache>>,
    granted: impl FnOnce(&PluginInfo) -> Vec<Capability>,
) -> Result<Examined, LoadError> {
    let invalid = |problem| LoadError::InvalidModule {
        origin: origin.to_owned(),
        problem,
    };
    let interface =
        ModuleInterface::parse(bytes).map_err(|e| invalid(ModuleProblem::NotWasm(e)))?;
    if !interface.exports(DESCRIBE_FUNCTION) {
        return Err(invalid(ModuleProblem::NoDescribe));
    }
    let compiled = compile(bytes, &limits, cache)
        .map_err(|e| invalid(ModuleProblem::DoesNotCompile(format!("{e:#}"))))?;
    let info = describe(&compiled, limits.timeout).map_err(invalid)?;
    if info.abi_version != ABI_VERSION {
        return Err(LoadError::AbiMismatch {
            plugin: info.name,
            version: info.version,
            found: info.abi_version,
            expected: ABI_VERSION,
        });
    }
    info.validate()
        .map_err(|e| invalid(ModuleProblem::BreaksAbi(e)))?;
    let version = Version::parse(&info.version).map_err(|_| {
        invalid(ModuleProblem::BreaksAbi(PluginInfoError::BadVersion(
            info.version.clone(),
        )))
    })?;
    interface
        .check(&info, &granted(&info))
        .map_err(|violation| LoadError::ContractViolation {
            plugin: info.name.clone(),
            origin: origin.to_owned(),
            violation,
        })?;
    let schemas = EmbeddedSchemas::from_sections(&interface.schema_sections)
        .map_err(|problem| SchemaError::Embedded { problem })
        .and_then(|embedded| embedded.map(|e| e.compile(&info)).transpose())
        .map_err(|source| LoadError::Schema {
            plugin: info.name.clone(),
            source,
        })?;
    Ok(Examined {
        info,
        version,
        interface,
        compiled,
        limits,
        schemas,
    })
}

/// Every check a host makes before a module may serve, then the pre-warmed instances.
pub(crate) fn load(
    source: &ModuleSource,
    settings: &LoadSettings,
    limits_guess: Limits,
) -> Result<PluginVersion, LoadError> {
    let policy = &settings.policy;
    check_signature(source, policy)?;
    let granted = |info: &PluginInfo| policy.plugin_grants(&info.name).into_iter().collect();
    let cache = settings.compile_cache.as_ref();
    let examined = examine(&source.origin, &source.bytes, limits_guess, cache, granted)?;
    let name = examined.info.name.clone();
    let sha256 = sha256_hex(&source.bytes);
    match policy.plugin(&name) {
        None if !policy.allow_unlisted_plugins => {
            return Err(LoadError::NotInPolicy {
                plugin: name,
                origin: source.origin.clone(),
            });
        }
        Some(listed) if !listed.sha256.is_empty() && !listed.sha256.contains(&sha256) => {
            return Err(LoadError::DigestMismatch {
                plugin: name,
                origin: source.origin.clone(),
                expected: listed.sha256.clone(),
                found: sha256,
            });
        }
        _ => {}
    }
    let limits = settings.limits_for(&name);
    let compiled = if limits == examined.limits {
        examined.compiled
    } else {
        compile(&source.bytes, &limits, cache).map_err(|e| LoadError::InvalidModule {
            origin: source.origin.clone(),
            problem: ModuleProblem::DoesNotCompile(format!("{e:#}")),
        })?
    };
    // The module's own schemas first; a schemas directory serves modules that embed none.
    let mut schemas = examined.schemas.unwrap_or_default();
    if schemas.is_empty()
        && settings.schemas_dir.is_none()
        && policy.require_schemas
        && !examined.info.functions.is_empty()
    {
        return Err(LoadError::Schema {
            plugin: name,
            source: SchemaError::Required,
        });
    }
    if let (true, Some(dir)) = (schemas.is_empty(), &settings.schemas_dir) {
        for function in &examined.info.functions {
            let loaded = FunctionSchemas::load(
                dir,
                function.input_schema.as_str(),
                function.output_schema.as_str(),
            )
            .map_err(|source| LoadError::Schema {
                plugin: name.clone(),
                source,
            })?;
            schemas.insert(function.name.clone(), loaded);
        }
    }
    let plugin = PluginVersion {
        pool_limits: policy.pool_limits(&name),
        info: examined.info,
        version: examined.version,
        origin: source.origin.clone(),
        source_path: source.path.clone(),
        sha256,
        size: source.bytes.len(),
        limits,
        interface: examined.interface,
        compiled,
        schemas,
        pools: TenantPools::new(Arc::clone(&settings.ledger)),
    };
    if settings.prewarm && plugin.pool_limits.min_idle > 0 {
        // Every tenant that may call it, in parallel: a plugin's `warm_up` may take tens of
        // milliseconds, and a reload waits for all of them before it swaps.
        let tenants: Vec<&str> = policy
            .tenants
            .values()
            .filter(|tenant| tenant.admits(&plugin.info).is_ok())
            .map(|tenant| tenant.id.as_str())
            .collect();
        tenants
            .par_iter()
            .try_for_each(|tenant| plugin.prewarm(tenant))
            .map_err(|problem| LoadError::InvalidModule {
                origin: source.origin.clone(),
                problem,
            })?;
    }
    Ok(plugin)
}

/// Runs `describe` twice on a fresh instance — one that no tenant will ever get, since
/// `describe` runs plugin code too — under the module's limits (a loop ends at `timeout`), and
/// parses its answer, which must be the same both times.
fn describe(compiled: &CompiledPlugin, timeout: Duration) -> Result<PluginInfo, ModuleProblem> {
    let mut instance = Plugin::new_from_compiled(compiled)
        .map_err(|e| ModuleProblem::DoesNotInstantiate(format!("{e:#}")))?;
    let mut ask = || {
        instance
            .call::<&[u8], Vec<u8>>(DESCRIBE_FUNCTION, &[])
            .map_err(|e| match e.root_cause().to_string().as_str() {
                crate::call::TIMEOUT => ModuleProblem::DescribeTimedOut(timeout),
                _ => ModuleProblem::DescribeFailed(format!("{e:#}")),
            })
    };
    let output = ask()?;
    if ask()? != output {
        return Err(ModuleProblem::DescribeNotDeterministic);
    }
    serde_json::from_slice(&output).map_err(|e| ModuleProblem::DescribeUnreadable(e.to_string()))
}

/// A signed module must verify against the policy's trusted keys; when the policy requires
/// signatures, an unsigned module is refused.
fn check_signature(source: &ModuleSource, policy: &Policy) -> Result<(), LoadError> {
    let signature_file = source.signature_file.as_deref();
    let text =
        match signature_file {
            Some(path) if path.exists() => Some(std::fs::read_to_string(path).map_err(
                |error| LoadError::Io {
                    path: path.to_owned(),
                    source: error,
                },
            )?),
            _ => None,
        };
    let Some(text) = text else {
        if policy.require_signatures {
            return Err(LoadError::MissingSignature {
                origin: source.origin.clone(),
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
    let signature_error = |error| LoadError::Signature {
        origin: source.origin.clone(),
        source: error,
    };
    let signature = ModuleSignature::parse(&text).map_err(signature_error)?;
    verify_module(&source.bytes, &signature, &policy.trusted_keys).map_err(signature_error)?;
    Ok(())
}
