//! [`Host`]: the loaded plugins, the policy, and the calls into them.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::audit::AuditSink;
use crate::call_record::CallRecord;
use crate::host_functions::{CallScope, Services};
use crate::policy::Policy;
use crate::{CallContext, HostBuilder, HostError, LoadedPlugin};

/// The actor recorded for calls made without a [`CallContext`].
pub const UNNAMED_ACTOR: &str = "unnamed";

/// A set of loaded plugins under a policy, callable by name. Cheap to share: calls take `&self`.
///
/// Every call — success, plugin error, limit hit, denial — writes one audit record; a call
/// whose record cannot be written fails with [`HostError::Audit`].
#[derive(Debug)]
pub struct Host {
    plugins: BTreeMap<String, LoadedPlugin>,
    policy: Policy,
    services: Arc<Services>,
}

impl Host {
    /// Starts building a host.
    pub fn builder() -> HostBuilder {
        HostBuilder::default()
    }

    pub(crate) fn new(
        plugins: BTreeMap<String, LoadedPlugin>,
        policy: Policy,
        services: Services,
    ) -> Self {
        Self {
            plugins,
            policy,
            services: Arc::new(services),
        }
    }

    /// The loaded plugins, by name.
    pub fn plugins(&self) -> impl Iterator<Item = &LoadedPlugin> {
        self.plugins.values()
    }

    /// The policy the host runs under.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Where the host writes its audit records.
    pub fn audit_sink(&self) -> &Arc<dyn AuditSink> {
        &self.services.audit
    }

    /// Opens an `encrypt_phi` envelope that a plugin sealed for `tenant`. A changed byte, an
    /// envelope of another tenant or of an unknown key is an error ([`HostError::PhiKey`]);
    /// a host without a PHI key answers [`HostError::NoPhiKey`].
    pub fn decrypt_phi(
        &self,
        tenant: &str,
        envelope: &medplug_pdk::host_fns::EncryptedPhi,
    ) -> Result<Vec<u8>, HostError> {
        let keyring = self.services.keyring.as_ref().ok_or(HostError::NoPhiKey)?;
        Ok(keyring.open(tenant, envelope)?)
    }

    /// The plugin of that name.
    pub fn plugin(&self, name: &str) -> Result<&LoadedPlugin, HostError> {
        self.plugins
            .get(name)
            .ok_or_else(|| HostError::PluginNotFound {
                plugin: name.to_owned(),
                loaded: self.plugins.keys().cloned().collect::<Vec<_>>().join(", "),
            })
    }

    /// The context of calls that name none: the policy's default tenant, an unnamed actor.
    pub fn default_context(&self) -> Result<CallContext, HostError> {
        let tenant = self
            .policy
            .default_tenant
            .as_ref()
            .ok_or(HostError::NoTenant)?;
        Ok(CallContext::new(tenant.clone(), UNNAMED_ACTOR))
    }

    /// Calls `function` of `plugin` with JSON bytes, as the policy's default tenant.
    pub fn call_json(
        &self,
        plugin: &str,
        function: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, HostError> {
        let context = self.default_context()?;
        self.call_json_as(&context, plugin, function, input)
    }

    /// Calls `function` of `plugin` with a typed input, as the policy's default tenant.
    pub fn call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        plugin: &str,
        function: &str,
        input: &I,
    ) -> Result<O, HostError> {
        let context = self.default_context()?;
        self.call_as(&context, plugin, function, input)
    }

    /// Calls `function` of `plugin` with a typed input on behalf of `context`, and
    /// deserializes its output.
    pub fn call_as<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        context: &CallContext,
        plugin: &str,
        function: &str,
        input: &I,
    ) -> Result<O, HostError> {
        let site = || crate::CallSite {
            plugin: plugin.to_owned(),
            version: self
                .plugins
                .get(plugin)
                .map(|p| p.info().version.clone())
                .unwrap_or_default(),
            function: function.to_owned(),
        };
        let json = match serde_json::to_vec(input) {
            Ok(json) => json,
            Err(e) => {
                let result: Result<O, HostError> = Err(HostError::InputSerialization {
                    site: site(),
                    message: e.to_string(),
                });
                let record = CallRecord::start(context, plugin, function, &[]).finish(&result);
                self.services.audit.append(&record)?;
                return result;
            }
        };
        let output = self.call_json_as(context, plugin, function, &json)?;
        serde_json::from_slice(&output).map_err(|e| HostError::InvalidOutput {
            site: site(),
            message: format!("does not match the expected type: {e}"),
        })
    }

    /// Calls `function` of `plugin` with JSON bytes on behalf of `context`; returns the
    /// plugin's JSON output, checked against the function's output schema when the host has
    /// schemas, else checked to be JSON.
    ///
    /// In order: the tenant must exist and admit the plugin (enabled, specialty served), the
    /// function must exist, the input must fit the size limit and the input schema; the call
    /// runs on an instance of that tenant; then the output is checked and the audit record
    /// written.
    pub fn call_json_as(
        &self,
        context: &CallContext,
        plugin: &str,
        function: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, HostError> {
        let mut record = CallRecord::start(context, plugin, function, input);
        let result = self.run(context, plugin, function, input, &mut record);
        self.services.audit.append(&record.finish(&result))?;
        result
    }

    fn run(
        &self,
        context: &CallContext,
        plugin: &str,
        function: &str,
        input: &[u8],
        record: &mut CallRecord,
    ) -> Result<Vec<u8>, HostError> {
        let tenant =
            self.policy
                .tenant(&context.tenant)
                .ok_or_else(|| HostError::UnknownTenant {
                    tenant: context.tenant.clone(),
                    known: self
                        .policy
                        .tenants
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
        let loaded = self.plugin(plugin)?;
        let info = loaded.info();
        record.plugin(&info.version, loaded.sha256());
        let site = || loaded.site(function);
        tenant.admits(info).map_err(|denial| HostError::Denied {
            tenant: tenant.id.clone(),
            site: site(),
            denial,
        })?;
        loaded.admit(function, input)?;
        let schemas = loaded.schemas(function);
        if let Some(schemas) = schemas {
            let value: serde_json::Value =
                serde_json::from_slice(input).map_err(|e| HostError::InvalidInput {
                    site: site(),
                    message: format!("not json: {e}"),
                })?;
            schemas
                .check_input(&value)
                .map_err(|violation| HostError::InputSchema {
                    site: site(),
                    violation: Box::new(violation),
                })?;
        }
        let scope = Arc::new(CallScope {
            tenant: tenant.id.clone(),
            specialty: info.specialty.clone(),
            granted: self.policy.tenant_grants(tenant, &info.name),
            services: Arc::clone(&self.services),
            log: Default::default(),
        });
        let raw = loaded.call_raw(function, input, Arc::clone(&scope));
        record.ran(raw.fuel_used, scope.take_log());
        let output = raw.result?;
        let not_json = |e: serde_json::Error| HostError::InvalidOutput {
            site: site(),
            message: format!("not json: {e}"),
        };
        match schemas {
            Some(schemas) => {
                let value: serde_json::Value = serde_json::from_slice(&output).map_err(not_json)?;
                schemas
                    .check_output(&value)
                    .map_err(|violation| HostError::OutputSchema {
                        site: site(),
                        violation: Box::new(violation),
                    })?;
            }
            None => {
                serde_json::from_slice::<IgnoredAny>(&output).map_err(not_json)?;
            }
        }
        Ok(output)
    }
}

#[cfg(test)]
mod tests {
    /// Embedders share one host across threads (an HTTP server's workers).
    #[test]
    fn a_host_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::Host>();
    }
}
