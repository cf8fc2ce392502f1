//! The call pipeline — one place, top to bottom: admit, check the input, invoke, check the
//! output, record.
//!
//! ```text
//! admit         tenant known? target parses? plugin enabled by the tenant? the version: the
//!               tenant's pin, the call's requirement, the highest enabled; the tenant practises
//!               its specialty; the function exists; the input fits the size limit; the
//!               tenant's quota of calls to the plugin has a call left
//! check input   the function's input schema, when the host has schemas (JSON parsed once)
//! invoke        an instance of this tenant (bounded pool: waits, then `busy`), Extism under
//!               memory pages, timeout and fuel; host functions check the grant again
//! check output  the output schema, or that the output is JSON; then the caller's decoding
//!               (from the schema check's value: the output is parsed once)
//! record        one audit record, whatever the end; if it cannot be written, the call fails
//! ```
//!
//! A call that hit a resource limit also emits a `resource_exceeded` lifecycle event.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use serde_json::error::Category;

use super::record::CallFacts;
use super::{Receipt, Target};
use crate::audit::now_rfc3339;
use crate::metrics::CallObservation;
use crate::policy::Tenant;
use crate::quota::Refusal;
use crate::registry::LifecycleEvent;
use crate::registry::{FunctionSchemas, PluginVersion};
use crate::services::CallScope;
use crate::{CallContext, CallError, CallSite, Host, sha256_hex};

/// How a caller wants the output: the bytes, checked to be JSON, or a type.
type Decode<'a, T> = Box<dyn FnOnce(Vec<u8>, Option<Value>) -> Result<T, String> + 'a>;

impl Host {
    /// Calls `function` of `target` (`plugin`, `plugin@version` or `plugin@requirement`) with
    /// JSON bytes, as the policy's default tenant.
    pub fn call_json(
        &self,
        target: &str,
        function: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, CallError> {
        let context = self.default_context()?;
        self.call_json_as(&context, target, function, input)
    }

    /// Calls `function` of `target` with a typed input, as the policy's default tenant.
    pub fn call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        target: &str,
        function: &str,
        input: &I,
    ) -> Result<O, CallError> {
        let context = self.default_context()?;
        self.call_as(&context, target, function, input)
    }

    /// Calls `function` of `target` with JSON bytes on behalf of `context`; returns the
    /// plugin's JSON output, checked against the function's output schema when the host has
    /// schemas, else checked to be JSON.
    pub fn call_json_as(
        &self,
        context: &CallContext,
        target: &str,
        function: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, CallError> {
        self.call_json_receipt(context, target, function, input)
            .map(|receipt| receipt.output)
    }

    /// As [`call_json_as`](Self::call_json_as), with the version that answered and the
    /// sequence of the call's audit record.
    pub fn call_json_receipt(
        &self,
        context: &CallContext,
        target: &str,
        function: &str,
        input: &[u8],
    ) -> Result<Receipt<Vec<u8>>, CallError> {
        let decode = |output: Vec<u8>, checked: Option<Value>| {
            if checked.is_none() {
                serde_json::from_slice::<IgnoredAny>(&output)
                    .map_err(|e| format!("not json: {e}"))?;
            }
            Ok(output)
        };
        self.run(context, target, function, input, Box::new(decode))
    }

    /// Calls `function` of `target` with a typed input on behalf of `context`, and decodes its
    /// output.
    pub fn call_as<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        context: &CallContext,
        target: &str,
        function: &str,
        input: &I,
    ) -> Result<O, CallError> {
        let input = match serde_json::to_vec(input) {
            Ok(json) => json,
            Err(e) => {
                let error = CallError::InputSerialization {
                    target: target.chars().take(64).collect(),
                    function: function.to_owned(),
                    message: e.to_string(),
                };
                let facts = CallFacts::new(context, target, function, &[]);
                let (record, _) = facts.into_record(Some(&error));
                self.shared.services.audit.append(&record)?;
                return Err(error);
            }
        };
        let decode = |output: Vec<u8>, checked: Option<Value>| {
            let typed = match checked {
                Some(value) => serde_json::from_value(value),
                None => serde_json::from_slice(&output),
            };
            typed.map_err(|e| match e.classify() {
                Category::Syntax | Category::Eof => format!("not json: {e}"),
                Category::Data | Category::Io => format!("does not match the expected type: {e}"),
            })
        };
        self.run(context, target, function, &input, Box::new(decode))
            .map(|receipt| receipt.output)
    }

    /// The pipeline.
    fn run<T>(
        &self,
        context: &CallContext,
        target: &str,
        function: &str,
        input: &[u8],
        decode: Decode<'_, T>,
    ) -> Result<Receipt<T>, CallError> {
        let mut facts = CallFacts::new(context, target, function, input);
        let result = (|| {
            // Admit.
            let tenant = self.tenant_of(context)?;
            let plugin = self.version_for(tenant, target, function)?;
            facts.answered = Some(Arc::clone(&plugin));
            let site = || plugin.site(function);
            plugin.admit(function, input)?;
            let quota = self.policy().quota(plugin.name());
            self.shared
                .services
                .quotas
                .take(&tenant.id, plugin.name(), "", quota.calls, quota.period)
                .map_err(|refusal| match refusal {
                    Refusal::Full(retry_after) => CallError::QuotaExceeded {
                        site: site(),
                        limit: quota.calls,
                        period: quota.period,
                        retry_after,
                    },
                    Refusal::Unavailable(reason) => CallError::QuotaUnavailable {
                        site: site(),
                        reason,
                    },
                })?;

            // Check the input.
            let schemas = plugin.schemas(function);
            check_input(schemas, input, site)?;

            // Invoke.
            let scope = Arc::new(CallScope {
                tenant: tenant.id.clone(),
                plugin: plugin.name().to_owned(),
                quota,
                specialty: plugin.info().specialty.clone(),
                granted: self.policy().tenant_grants(tenant, plugin.name()),
                max_host_calls: plugin.limits().max_host_calls,
                services: Arc::clone(&self.shared.services),
                log: Default::default(),
            });
            let (digest, invocation) =
                digest_beside(input, || plugin.invoke(function, input, Arc::clone(&scope)));
            facts.input_sha256 = digest;
            facts.fuel_used = invocation.fuel_used;
            facts.log = scope.take_log();
            let output = invocation.result?;

            // Check the output.
            let checked = check_output(schemas, &output, site)?;
            decode(output, checked).map_err(|message| CallError::InvalidOutput {
                site: site(),
                message,
            })
        })();

        // Record.
        let (record, answered) = facts.into_record(result.as_ref().err());
        let appending = Instant::now();
        let appended = self.shared.services.audit.append(&record);
        let metrics = &self.shared.metrics;
        metrics.observe_audit_append(appending.elapsed());
        metrics.observe_call(&CallObservation {
            tenant: &record.tenant,
            answered: answered
                .as_deref()
                .map(|p| (p, p.info().function(function).is_some())),
            function,
            outcome: record.outcome.as_str(),
            error_kind: record.error_kind.as_deref(),
            duration: Duration::from_micros(record.duration_us),
        });
        if let Some(plugin) = answered {
            // The version may have been replaced meanwhile: freeing it is not this call's work.
            self.release(plugin);
        }
        let audit_sequence = appended?;
        match result {
            Ok(output) => Ok(Receipt {
                output,
                plugin: record.plugin,
                version: record.plugin_version,
                module_sha256: record.module_sha256,
                audit_sequence,
            }),
            Err(error) => {
                if let (true, Some(site)) = (error.is_resource_exceeded(), error.call_site()) {
                    self.emit(&LifecycleEvent::ResourceExceeded {
                        plugin: site.plugin.clone(),
                        version: site.version.clone(),
                        tenant: context.tenant.clone(),
                        function: site.function.clone(),
                        limit: error.kind().to_owned(),
                    });
                }
                Err(error)
            }
        }
    }
}

impl Host {
    /// The tenant of `context`, from the policy.
    fn tenant_of(&self, context: &CallContext) -> Result<&Tenant, CallError> {
        self.policy()
            .tenant(&context.tenant)
            .ok_or_else(|| CallError::UnknownTenant {
                tenant: context.tenant.chars().take(64).collect(),
            })
    }

    /// The version that answers `tenant`'s calls to `target`: the target parses, the tenant
    /// enabled the plugin (checked before any version is looked at, so that a tenant learns
    /// nothing of plugins it does not use), the tenant's pin and the call's requirement choose
    /// the highest enabled version, and the tenant practises its specialty.
    fn version_for(
        &self,
        tenant: &Tenant,
        target: &str,
        function: &str,
    ) -> Result<Arc<PluginVersion>, CallError> {
        let parsed: Target = target.parse().map_err(|problem| CallError::InvalidTarget {
            target: target.chars().take(64).collect(),
            problem,
        })?;
        if !tenant.enables(parsed.plugin()) {
            return Err(CallError::NotEnabled {
                tenant: tenant.id.clone(),
                plugin: parsed.plugin().to_owned(),
            });
        }
        let plugin = self.shared.registry.read(|s| s.resolve(tenant, &parsed))?;
        tenant
            .admits(plugin.info())
            .map_err(|denial| CallError::Denied {
                tenant: tenant.id.clone(),
                site: plugin.site(function),
                denial,
            })?;
        Ok(plugin)
    }

    /// The version that would answer `context`'s calls to `target`, by the same rules as a
    /// call, without calling it (the HTTP service's `GET /v1/plugins/{plugin}`).
    pub fn plugin_for(
        &self,
        context: &CallContext,
        target: &str,
    ) -> Result<Arc<PluginVersion>, CallError> {
        self.version_for(self.tenant_of(context)?, target, "describe")
    }
}

/// With schemas, `input` must be JSON that its function's input schema accepts.
fn check_input(
    schemas: Option<&FunctionSchemas>,
    input: &[u8],
    site: impl Fn() -> CallSite,
) -> Result<(), CallError> {
    let Some(schemas) = schemas else {
        return Ok(());
    };
    let value: Value = serde_json::from_slice(input).map_err(|e| CallError::InvalidInput {
        site: site(),
        message: format!("not json: {e}"),
    })?;
    schemas
        .check_input(&value)
        .map_err(|violation| CallError::InputSchema {
            site: site(),
            violation: Box::new(violation),
        })
}

/// With schemas, `output` must be JSON that its function's output schema accepts; returns it
/// parsed, so that decoding does not parse it again.
fn check_output(
    schemas: Option<&FunctionSchemas>,
    output: &[u8],
    site: impl Fn() -> CallSite,
) -> Result<Option<Value>, CallError> {
    let Some(schemas) = schemas else {
        return Ok(None);
    };
    let value: Value = serde_json::from_slice(output).map_err(|e| CallError::InvalidOutput {
        site: site(),
        message: format!("not json: {e}"),
    })?;
    schemas
        .check_output(&value)
        .map_err(|violation| CallError::OutputSchema {
            site: site(),
            violation: Box::new(violation),
        })?;
    Ok(Some(value))
}

/// Inputs from this size on are hashed for the audit record on a second thread while the plugin
/// runs. The SHA-256 of record 100's 1.7 MB of ECG takes about 1 ms even with the CPU's SHA
/// instructions: 40% of what the Extism boundary itself costs for those bytes
/// (`ecg_record_100/boundary` against `…/boundary_bare_extism` in `cargo xtask bench`). Below it,
/// a thread's start would cost more than the digest.
const DIGEST_BESIDE_BYTES: usize = 256 * 1024;

/// Runs `run`, and for a large `input` computes its SHA-256 on a scoped thread meanwhile.
fn digest_beside<T>(input: &[u8], run: impl FnOnce() -> T) -> (Option<String>, T) {
    if input.len() < DIGEST_BESIDE_BYTES {
        return (None, run());
    }
    std::thread::scope(|threads| {
        let digest = threads.spawn(|| sha256_hex(input));
        let result = run();
        (digest.join().ok(), result)
    })
}

impl<'a> CallFacts<'a> {
    /// What is known before anything runs: when, who, what was asked, the input.
    pub(super) fn new(
        context: &'a CallContext,
        target: &str,
        function: &'a str,
        input: &'a [u8],
    ) -> Self {
        Self {
            started: (now_rfc3339(), Instant::now()),
            context,
            // The name part of the target until it parses (then its plugin name).
            plugin: target.split('@').next().unwrap_or(target).to_owned(),
            function,
            input,
            input_sha256: None,
            answered: None,
            fuel_used: None,
            log: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_input_is_hashed_beside_the_call_and_a_small_one_later() {
        let large = vec![7u8; DIGEST_BESIDE_BYTES];
        assert_eq!(
            digest_beside(&large, || "ran"),
            (Some(sha256_hex(&large)), "ran")
        );
        assert_eq!(digest_beside(&large[1..], || "ran"), (None, "ran"));
    }
}
