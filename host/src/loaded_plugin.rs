//! [`LoadedPlugin`]: one plugin, compiled once, described, checked, and ready to call.

use extism::{CompiledPlugin, CurrentPlugin, Manifest, PTR, PluginBuilder, UserData, Val, Wasm};
use medplug_pdk::host_fns::{HostFnError, HostFnErrorCode, HostReply};
use medplug_pdk::{ABI_VERSION, Capability, DESCRIBE_FUNCTION, HOST_FUNCTION_MODULE, PluginInfo};

use crate::call_error::classify;
use crate::instance_pool::InstancePool;
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

/// Compiles `bytes` under `limits`, with every medplug host function linked to a stub that
/// denies it: the module instantiates (so `describe` can run) but gets nothing it was not granted.
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
            deny_host_function,
        );
    }
    builder.compile()
}

/// A host function the plugin has no grant for: replies `denied`, and the plugin sees an error.
fn deny_host_function(
    plugin: &mut CurrentPlugin,
    _inputs: &[Val],
    outputs: &mut [Val],
    capability: UserData<Capability>,
) -> Result<(), extism::Error> {
    let capability = *capability
        .get()?
        .lock()
        .map_err(|_| extism::Error::msg("poisoned capability"))?;
    let reply: HostReply<()> = HostReply::Error(HostFnError {
        code: HostFnErrorCode::Denied,
        message: format!("the `{capability}` capability is not granted to this plugin"),
    });
    let handle = plugin.memory_new(serde_json::to_string(&reply)?)?;
    outputs[0] = plugin.memory_to_val(handle);
    Ok(())
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
        })
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

    /// Instances waiting for the next call.
    pub fn idle_instances(&self) -> usize {
        self.pool.idle()
    }

    pub(crate) fn site(&self, function: &str) -> CallSite {
        CallSite {
            plugin: self.info.name.clone(),
            version: self.info.version.clone(),
            function: function.to_owned(),
        }
    }

    /// Calls `function` with raw input bytes and returns its raw output.
    pub(crate) fn call_raw(&self, function: &str, input: &[u8]) -> Result<Vec<u8>, HostError> {
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
        let mut instance = self.pool.checkout().map_err(|e| HostError::Trap {
            site: site.clone(),
            message: format!("could not instantiate: {e:#}"),
        })?;
        let result = instance.call::<&[u8], Vec<u8>>(function, input);
        match result {
            Ok(output) => {
                self.pool.checkin(instance);
                Ok(output)
            }
            Err(error) => {
                let failure = classify(&error, site, &self.limits);
                if failure.instance_reusable {
                    self.pool.checkin(instance);
                }
                Err(failure.error)
            }
        }
    }
}

/// Runs `describe` on a fresh instance and parses its answer.
fn describe(pool: &InstancePool, interface: &ModuleInterface) -> Result<PluginInfo, String> {
    if !interface.exports(DESCRIBE_FUNCTION) {
        return Err("it does not export `describe`: is it a medplug plugin?".to_owned());
    }
    let mut instance = pool
        .checkout()
        .map_err(|e| format!("does not instantiate: {e:#}"))?;
    let output = instance
        .call::<&[u8], Vec<u8>>(DESCRIBE_FUNCTION, &[])
        .map_err(|e| format!("`describe` failed: {e:#}"))?;
    pool.checkin(instance);
    serde_json::from_slice(&output)
        .map_err(|e| format!("`describe` returned no valid plugin info: {e}"))
}
