//! [`LoadedPlugin`]: one plugin, compiled once, described, checked, and ready to call.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use extism::{CompiledPlugin, Manifest, PTR, PluginBuilder, UserData, Wasm};
use medplug_pdk::{ABI_VERSION, Capability, DESCRIBE_FUNCTION, HOST_FUNCTION_MODULE, PluginInfo};

use crate::call_error::classify;
use crate::host_functions::{CallScope, host_function};
use crate::instance_pool::InstancePool;
use crate::schema_guard::FunctionSchemas;
use crate::{CallSite, HostError, Limits, ModuleInterface, sha256_hex};

/// A loaded plugin: its description, digest, limits and compiled module.
pub struct LoadedPlugin {
    info: PluginInfo,
    origin: String,
    sha256: String,
    size: usize,
    limits: Limits,
    interface: ModuleInterface,
    pool: InstancePool,
    /// Each function's compiled schemas; empty when the host validates nothing.
    schemas: BTreeMap<String, FunctionSchemas>,
}

/// What one call into the module returned, and the fuel it burned.
pub(crate) struct RawCall {
    /// The output bytes, or the typed failure.
    pub result: Result<Vec<u8>, HostError>,
    /// Fuel consumed, when metering is on.
    pub fuel_used: Option<u64>,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("id", &self.info.id())
            .field("origin", &self.origin)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

/// Compiles `bytes` under `limits`, with every medplug host function linked (each checks the
/// calling tenant's grant on every call, and gives nothing outside a call).
pub(crate) fn compile(bytes: &[u8], limits: &Limits) -> Result<CompiledPlugin, extism::Error> {
    let manifest = Manifest::new([Wasm::data(bytes.to_vec())])
        .with_memory_max(limits.max_memory_pages)
        .with_timeout(limits.timeout);
    let mut builder = PluginBuilder::new(manifest)
        .with_wasi(false)
        .with_cache_disabled();
    if let Some(fuel) = limits.fuel {
        builder = builder.with_fuel_limit(fuel);
    }
    for capability in Capability::ALL {
        builder = builder.with_function_in_namespace(
            HOST_FUNCTION_MODULE,
            capability.host_function(),
            [PTR],
            [PTR],
            UserData::new(capability),
            host_function,
        );
    }
    builder.compile()
}

impl LoadedPlugin {
    /// Compiles, describes and checks a module. `limits_for` picks the limits by the name the
    /// plugin describes itself with; `granted` says which capabilities it may use.
    pub(crate) fn load(
        origin: String,
        bytes: &[u8],
        default_limits: Limits,
        limits_for: impl Fn(&str) -> Limits,
        granted: impl FnOnce(&PluginInfo) -> Vec<Capability>,
    ) -> Result<Self, HostError> {
        let invalid = |reason: String| HostError::InvalidModule {
            origin: origin.clone(),
            reason,
        };
        let interface = ModuleInterface::parse(bytes).map_err(invalid)?;
        let compiled = compile(bytes, &default_limits)
            .map_err(|e| invalid(format!("does not compile: {e:#}")))?;
        let mut pool = InstancePool::new(compiled);
        let info = describe(&pool, &interface).map_err(invalid)?;
        if info.abi_version != ABI_VERSION {
            return Err(HostError::AbiMismatch {
                plugin: info.name,
                version: info.version,
                found: info.abi_version,
                expected: ABI_VERSION,
            });
        }
        info.validate()
            .map_err(|e| invalid(format!("its `describe` breaks abi v1: {e}")))?;
        interface
            .check(&info, &granted(&info))
            .map_err(|violation| HostError::ContractViolation {
                plugin: info.name.clone(),
                origin: origin.clone(),
                violation,
            })?;
        let limits = limits_for(&info.name);
        if limits != default_limits {
            let compiled =
                compile(bytes, &limits).map_err(|e| invalid(format!("does not compile: {e:#}")))?;
            pool = InstancePool::new(compiled);
        }
        Ok(Self {
            info,
            sha256: sha256_hex(bytes),
            size: bytes.len(),
            origin,
            limits,
            interface,
            pool,
            schemas: BTreeMap::new(),
        })
    }

    /// Reads and compiles the input and output schema of every function from `dir`
    /// (`<dir>/<plugin>/<function>.input.json`, as `describe` names them); from then on every
    /// call's input and output are validated.
    pub(crate) fn with_schemas(mut self, dir: &Path) -> Result<Self, HostError> {
        for function in &self.info.functions {
            let schemas = FunctionSchemas::load(
                dir,
                function.input_schema.as_str(),
                function.output_schema.as_str(),
            )
            .map_err(|source| HostError::Schema {
                plugin: self.info.name.clone(),
                source,
            })?;
            self.schemas.insert(function.name.clone(), schemas);
        }
        Ok(self)
    }

    /// The compiled schemas of `function`, when the host validates.
    pub(crate) fn schemas(&self, function: &str) -> Option<&FunctionSchemas> {
        self.schemas.get(function)
    }

    /// What the plugin said about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.info
    }

    /// Where the module came from (a path, or the name given with its bytes).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The module's sha256, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The module's size in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The module's imports and exports.
    pub fn interface(&self) -> &ModuleInterface {
        &self.interface
    }

    /// Instances waiting for the next call, over all tenants.
    pub fn idle_instances(&self) -> usize {
        self.pool.idle()
    }

    /// Instances of `tenant` waiting for its next call.
    pub fn idle_instances_of(&self, tenant: &str) -> usize {
        self.pool.idle_of(tenant)
    }

    pub(crate) fn site(&self, function: &str) -> CallSite {
        CallSite {
            plugin: self.info.name.clone(),
            version: self.info.version.clone(),
            function: function.to_owned(),
        }
    }

    /// Checks that `function` exists and that `input` fits the size limit.
    pub(crate) fn admit(&self, function: &str, input: &[u8]) -> Result<(), HostError> {
        let site = self.site(function);
        if function != DESCRIBE_FUNCTION && self.info.function(function).is_none() {
            let exported = self
                .info
                .functions
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(HostError::FunctionNotFound { site, exported });
        }
        if input.len() > self.limits.max_input_bytes {
            return Err(HostError::InputTooLarge {
                site,
                size: input.len(),
                limit: self.limits.max_input_bytes,
            });
        }
        Ok(())
    }

    /// Runs `function` on an instance of the scope's tenant with raw input bytes.
    pub(crate) fn call_raw(&self, function: &str, input: &[u8], scope: Arc<CallScope>) -> RawCall {
        let site = self.site(function);
        let tenant = scope.tenant.clone();
        let mut instance = match self.pool.checkout(&tenant) {
            Ok(instance) => instance,
            Err(e) => {
                return RawCall {
                    result: Err(HostError::Trap {
                        site,
                        message: format!("could not instantiate: {e:#}"),
                    }),
                    fuel_used: None,
                };
            }
        };
        let result = instance.call_with_host_context::<&[u8], Vec<u8>, _>(function, input, scope);
        let fuel_used = instance.fuel_consumed();
        let result = match result {
            Ok(output) => {
                self.pool.checkin(&tenant, instance);
                Ok(output)
            }
            Err(error) => {
                let failure = classify(&error, site, &self.limits);
                if failure.instance_reusable {
                    self.pool.checkin(&tenant, instance);
                }
                Err(failure.error)
            }
        };
        RawCall { result, fuel_used }
    }
}

/// Runs `describe` on a fresh instance and parses its answer.
fn describe(pool: &InstancePool, interface: &ModuleInterface) -> Result<PluginInfo, String> {
    if !interface.exports(DESCRIBE_FUNCTION) {
        return Err("it does not export `describe`: is it a medplug plugin?".to_owned());
    }
    // A fresh instance that no tenant will ever get: `describe` runs plugin code too.
    let mut instance = pool
        .fresh()
        .map_err(|e| format!("does not instantiate: {e:#}"))?;
    let output = instance
        .call::<&[u8], Vec<u8>>(DESCRIBE_FUNCTION, &[])
        .map_err(|e| format!("`describe` failed: {e:#}"))?;
    serde_json::from_slice(&output)
        .map_err(|e| format!("`describe` returned no valid plugin info: {e}"))
}
