//! [`PluginVersion`]: one version of one plugin, compiled once, described, checked, and ready
//! to call on its tenants' pools.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use extism::{CompiledPlugin, Plugin};
use medplug_pdk::{DESCRIBE_FUNCTION, PluginInfo, WARM_UP_FUNCTION};
use semver::Version;

use super::ModuleInterface;
use super::schema_guard::FunctionSchemas;
use crate::call::classify;
use crate::instances::{PoolError, PoolLimits, TenantPools};
use crate::services::CallScope;
use crate::{CallError, CallSite, Limits, ModuleProblem};

/// A loaded plugin version: its description, digest, limits, compiled module and instances.
///
/// Shared as `Arc<PluginVersion>`: a call holds one for its whole length, so a version that is
/// replaced or uninstalled meanwhile finishes its in-flight calls and is freed after the last.
pub struct PluginVersion {
    pub(super) info: PluginInfo,
    pub(super) version: Version,
    pub(super) origin: String,
    pub(super) source_path: Option<PathBuf>,
    pub(super) sha256: String,
    pub(super) size: usize,
    pub(super) limits: Limits,
    pub(super) pool_limits: PoolLimits,
    pub(super) interface: ModuleInterface,
    pub(super) compiled: CompiledPlugin,
    /// Each function's compiled schemas; empty when the host validates nothing.
    pub(super) schemas: BTreeMap<String, FunctionSchemas>,
    pub(super) pools: TenantPools,
}

/// What one call into the module returned, and the fuel it burned.
pub(crate) struct Invocation {
    /// The output bytes, or the typed failure.
    pub result: Result<Vec<u8>, CallError>,
    /// Fuel consumed, when the plugin ran under metering.
    pub fuel_used: Option<u64>,
}

impl std::fmt::Debug for PluginVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginVersion")
            .field("id", &self.id())
            .field("origin", &self.origin)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

impl PluginVersion {
    /// What the plugin said about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.info
    }

    /// The plugin's name.
    pub fn name(&self) -> &str {
        &self.info.name
    }

    /// Its version.
    pub fn version(&self) -> &Version {
        &self.version
    }

    /// `name@version`.
    pub fn id(&self) -> String {
        self.info.id()
    }

    /// Where the module came from (a path, or the name given with its bytes).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The module file, when it was read from one (absolute).
    pub fn source_path(&self) -> Option<&Path> {
        self.source_path.as_deref()
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

    /// The bounds of each tenant's pool.
    pub fn pool_limits(&self) -> &PoolLimits {
        &self.pool_limits
    }

    /// The module's imports and exports.
    pub fn interface(&self) -> &ModuleInterface {
        &self.interface
    }

    /// Whether the module exports the optional `warm_up`.
    pub fn has_warm_up(&self) -> bool {
        self.interface.exports(WARM_UP_FUNCTION)
    }

    /// Instances waiting for the next call, over all tenants.
    pub fn idle_instances(&self) -> usize {
        self.pools.idle()
    }

    /// Instances of `tenant` waiting for its next call.
    pub fn idle_instances_of(&self, tenant: &str) -> usize {
        self.pools.idle_of(tenant)
    }

    /// Instances running a call now, over all tenants.
    pub fn running_instances(&self) -> usize {
        self.pools.running()
    }

    pub(crate) fn site(&self, function: &str) -> CallSite {
        CallSite {
            plugin: self.info.name.clone(),
            version: self.info.version.clone(),
            function: function.to_owned(),
        }
    }

    /// The schemas of `function`, when the host validates.
    pub fn schemas(&self, function: &str) -> Option<&FunctionSchemas> {
        self.schemas.get(function)
    }

    /// Checks that `function` exists and that `input` fits the size limit.
    pub(crate) fn admit(&self, function: &str, input: &[u8]) -> Result<(), CallError> {
        if function != DESCRIBE_FUNCTION && self.info.function(function).is_none() {
            return Err(CallError::FunctionNotFound {
                site: self.site(function),
                exported: self.info.functions.iter().map(|f| f.name.clone()).collect(),
            });
        }
        if input.len() > self.limits.max_input_bytes {
            return Err(CallError::InputTooLarge {
                site: self.site(function),
                size: input.len(),
                limit: self.limits.max_input_bytes,
            });
        }
        Ok(())
    }

    /// Runs `function` with raw input bytes on an instance of the scope's tenant: one from its
    /// pool, waiting for one when all `max_instances` are running.
    pub(crate) fn invoke(&self, function: &str, input: &[u8], scope: Arc<CallScope>) -> Invocation {
        let pool = self.pools.of(&scope.tenant);
        let mut lease = match pool.checkout(&self.compiled, &self.pool_limits) {
            Ok(lease) => lease,
            Err(error) => {
                let site = self.site(function);
                let error = match error {
                    PoolError::Busy { waited } => CallError::Busy {
                        site,
                        max_instances: self.pool_limits.max_instances,
                        waited,
                    },
                    PoolError::Instantiate(e) => CallError::Instantiation {
                        site,
                        message: format!("{e:#}"),
                    },
                };
                return Invocation {
                    result: Err(error),
                    fuel_used: None,
                };
            }
        };
        let instance = lease.instance();
        // Extism hands back a slice of the instance's memory: its length is checked before a
        // byte of it is copied.
        let limit = self.limits.max_output_bytes;
        let result = instance
            .call_with_host_context::<&[u8], &[u8], _>(function, input, scope)
            .map(|output| match output.len() {
                size if size > limit => Err(size),
                _ => Ok(output.to_vec()),
            });
        let fuel_used = instance.fuel_consumed();
        let result = match result {
            Ok(Ok(output)) => {
                lease.release(true);
                Ok(output)
            }
            Ok(Err(size)) => {
                // An instance that built an oversized output holds that much memory: dropped.
                lease.release(false);
                Err(CallError::OutputTooLarge {
                    site: self.site(function),
                    size: size as u64,
                    limit,
                })
            }
            Err(error) => {
                let failure = classify(&error, self.site(function), &self.limits);
                lease.release(failure.instance_reusable);
                Err(failure.error)
            }
        };
        Invocation { result, fuel_used }
    }

    /// A fresh instance that belongs to no tenant yet.
    pub(super) fn fresh_instance(&self) -> Result<Plugin, ModuleProblem> {
        Plugin::new_from_compiled(&self.compiled)
            .map_err(|e| ModuleProblem::DoesNotInstantiate(format!("{e:#}")))
    }

    /// Creates `min_idle` instances for `tenant`, each warmed up with the plugin's `warm_up`
    /// export when it has one, so that the tenant's first calls find them ready.
    pub(super) fn prewarm(&self, tenant: &str) -> Result<(), ModuleProblem> {
        let pool = self.pools.of(tenant);
        let warm_up = self.has_warm_up();
        for _ in pool.idle()..self.pool_limits.min_idle {
            let mut instance = self.fresh_instance()?;
            if warm_up {
                // No scope: the host functions answer `denied`, and no tenant data is near.
                instance
                    .call::<&[u8], Vec<u8>>(WARM_UP_FUNCTION, &[])
                    .map_err(|e| ModuleProblem::WarmUpFailed(format!("{e:#}")))?;
            }
            pool.put_idle(instance);
        }
        Ok(())
    }
}
