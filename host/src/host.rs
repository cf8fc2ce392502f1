//! [`Host`]: the loaded plugins, the policy, and the calls into them.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::error::Category;

use crate::audit::AuditSink;
use crate::call_record::CallRecord;
use crate::host_functions::{CallScope, Services};
use crate::policy::Policy;
use crate::{CallContext, CallSite, HostBuilder, HostError, LoadedPlugin};

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
        let json = match serde_json::to_vec(input) {
            Ok(json) => json,
            Err(e) => {
                let record = CallRecord::start(context, plugin, function, &[]);
                let error = HostError::InputSerialization {
                    site: self.site(plugin, function),
                    message: e.to_string(),
                };
                return self.audited(record, Err(error));
            }
        };
        // The output is parsed once: into `O`, straight from the schema check's value when
        // there was one.
        self.call_decoded(context, plugin, function, &json, |output, checked| {
            let typed = match checked {
                Some(value) => serde_json::from_value(value),
                None => serde_json::from_slice(&output),
            };
            typed.map_err(|e| match e.classify() {
                Category::Syntax | Category::Eof => format!("not json: {e}"),
                Category::Data | Category::Io => {
                    format!("does not match the expected type: {e}")
                }
            })
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
        self.call_decoded(context, plugin, function, input, |output, checked| {
            if checked.is_none() {
                serde_json::from_slice::<IgnoredAny>(&output)
                    .map_err(|e| format!("not json: {e}"))?;
            }
            Ok(output)
        })
    }

    /// Runs a call and decodes its output with `decode`, which gets the output bytes and, when
    /// the output schema was checked, the parsed value (a decoder's error message becomes
    /// [`HostError::InvalidOutput`]); then writes the call's audit record, whatever the end.
    fn call_decoded<T>(
        &self,
        context: &CallContext,
        plugin: &str,
        function: &str,
        input: &[u8],
        decode: impl FnOnce(Vec<u8>, Option<serde_json::Value>) -> Result<T, String>,
    ) -> Result<T, HostError> {
        let mut record = CallRecord::start(context, plugin, function, input);
        let result = self
            .run(context, plugin, function, input, &mut record)
            .and_then(|(output, checked)| {
                decode(output, checked).map_err(|message| HostError::InvalidOutput {
                    site: self.site(plugin, function),
                    message,
                })
            });
        self.audited(record, result)
    }

    /// `plugin@version function`; the version is empty for a plugin that is not loaded.
    fn site(&self, plugin: &str, function: &str) -> CallSite {
        match self.plugins.get(plugin) {
            Some(loaded) => loaded.site(function),
            None => CallSite {
                plugin: plugin.to_owned(),
                version: String::new(),
                function: function.to_owned(),
            },
        }
    }

    /// Writes the record of a call that ended with `result`, then returns `result`; a call
    /// whose record cannot be written fails.
    fn audited<T>(&self, record: CallRecord, result: Result<T, HostError>) -> Result<T, HostError> {
        self.services.audit.append(&record.finish(&result))?;
        result
    }

    /// Admits and runs a call; returns the output, with its parsed value when the output
    /// schema was checked.
    fn run(
        &self,
        context: &CallContext,
        plugin: &str,
        function: &str,
        input: &[u8],
        record: &mut CallRecord,
    ) -> Result<(Vec<u8>, Option<serde_json::Value>), HostError> {
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
        let Some(schemas) = schemas else {
            return Ok((output, None));
        };
        let value: serde_json::Value =
            serde_json::from_slice(&output).map_err(|e| HostError::InvalidOutput {
                site: site(),
                message: format!("not json: {e}"),
            })?;
        schemas
            .check_output(&value)
            .map_err(|violation| HostError::OutputSchema {
                site: site(),
                violation: Box::new(violation),
            })?;
        Ok((output, Some(value)))
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
