//! A call's [`AuditRecord`], built once, at the end, from what the pipeline learned.

use std::sync::Arc;
use std::time::Instant;

use crate::audit::{AuditRecord, Outcome};
use crate::registry::PluginVersion;
use crate::services::ScopeLog;
use crate::{CallContext, CallError, sha256_hex};

/// What the pipeline learned about one call, whatever its end.
#[derive(Debug)]
pub(crate) struct CallFacts<'a> {
    /// When it started: the record's time, and the instant its duration counts from.
    pub started: (String, Instant),
    /// Who called.
    pub context: &'a CallContext,
    /// The plugin the call named.
    pub plugin: String,
    /// The function.
    pub function: &'a str,
    /// The input (only its digest and size are recorded).
    pub input: &'a [u8],
    /// Its SHA-256, when it was computed beside the plugin (large inputs); else computed here.
    pub input_sha256: Option<String>,
    /// The version chosen to answer.
    pub answered: Option<Arc<PluginVersion>>,
    /// Fuel burned, when the plugin ran under metering.
    pub fuel_used: Option<u64>,
    /// Host functions the plugin called and events it logged.
    pub log: ScopeLog,
}

impl CallFacts<'_> {
    /// The call's record, for a call that ended with `error` (or with none), and the version
    /// that answered, for the caller to let go of.
    pub fn into_record(
        self,
        error: Option<&CallError>,
    ) -> (AuditRecord, Option<Arc<PluginVersion>>) {
        let (outcome, error_kind) = match error {
            None => (Outcome::Ok, None),
            Some(error) => (outcome(error), Some(error.kind().to_owned())),
        };
        let record = AuditRecord {
            time: self.started.0,
            tenant: self.context.tenant.chars().take(64).collect(),
            actor: self.context.actor.chars().take(128).collect(),
            plugin: self.plugin.chars().take(64).collect(),
            plugin_version: self
                .answered
                .as_ref()
                .map(|p| p.version().to_string())
                .unwrap_or_default(),
            module_sha256: self
                .answered
                .as_ref()
                .map(|p| p.sha256().to_owned())
                .unwrap_or_default(),
            function: self.function.chars().take(64).collect(),
            input_sha256: self.input_sha256.unwrap_or_else(|| sha256_hex(self.input)),
            input_bytes: self.input.len() as u64,
            outcome,
            error_kind,
            duration_us: u64::try_from(self.started.1.elapsed().as_micros()).unwrap_or(u64::MAX),
            fuel_used: self.fuel_used,
            host_calls: self.log.host_calls,
            events: self.log.events,
            lifecycle: None,
            host_action: None,
        };
        (record, self.answered)
    }
}

/// How a failed call is counted in the audit trail.
fn outcome(error: &CallError) -> Outcome {
    match error {
        CallError::InvalidInput { .. }
        | CallError::InputSchema { .. }
        | CallError::InputSerialization { .. } => Outcome::InvalidInput,
        CallError::InputTooLarge { .. }
        | CallError::Busy { .. }
        | CallError::Timeout { .. }
        | CallError::OutOfFuel { .. }
        | CallError::MemoryLimit { .. }
        | CallError::StackExhausted { .. }
        | CallError::OutputTooLarge { .. }
        | CallError::TooManyHostCalls { .. }
        | CallError::VarStoreFull { .. } => Outcome::LimitExceeded,
        CallError::QuotaExceeded { .. } => Outcome::QuotaExceeded,
        CallError::Plugin { .. } => Outcome::PluginError,
        CallError::Trap { .. } => Outcome::Trap,
        CallError::InvalidOutput { .. } | CallError::OutputSchema { .. } => Outcome::InvalidOutput,
        CallError::UnknownTenant { .. }
        | CallError::NoTenant
        | CallError::NotEnabled { .. }
        | CallError::InvalidTarget { .. }
        | CallError::PluginNotFound { .. }
        | CallError::NoMatchingVersion { .. }
        | CallError::Disabled { .. }
        | CallError::Uninstalled { .. }
        | CallError::FunctionNotFound { .. }
        | CallError::Denied { .. } => Outcome::Denied,
        CallError::Instantiation { .. }
        | CallError::QuotaUnavailable { .. }
        | CallError::Audit(_) => Outcome::HostFailure,
    }
}
