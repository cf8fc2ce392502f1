//! Turning one call — whatever its end — into its [`AuditRecord`].

use std::time::Instant;

use crate::audit::{AuditRecord, Outcome, now_rfc3339};
use crate::host_functions::ScopeLog;
use crate::{CallContext, HostError, sha256_hex};

/// A call in progress: what is known before the plugin runs, filled in as it goes.
pub(crate) struct CallRecord {
    started: Instant,
    record: AuditRecord,
}

impl CallRecord {
    /// Starts the record of a call: time, who, what, and the input's digest and size (never
    /// the input itself).
    pub fn start(context: &CallContext, plugin: &str, function: &str, input: &[u8]) -> Self {
        Self {
            started: Instant::now(),
            record: AuditRecord {
                time: now_rfc3339(),
                tenant: context.tenant.clone(),
                actor: context.actor.clone(),
                plugin: plugin.to_owned(),
                plugin_version: String::new(),
                module_sha256: String::new(),
                function: function.to_owned(),
                input_sha256: sha256_hex(input),
                input_bytes: input.len() as u64,
                outcome: Outcome::Ok,
                error_kind: None,
                duration_us: 0,
                fuel_used: None,
                host_calls: Vec::new(),
                events: Vec::new(),
            },
        }
    }

    /// The plugin was found: its version and module digest.
    pub fn plugin(&mut self, version: &str, module_sha256: &str) {
        self.record.plugin_version = version.to_owned();
        self.record.module_sha256 = module_sha256.to_owned();
    }

    /// The plugin ran: the fuel it burned and what its host functions did.
    pub fn ran(&mut self, fuel_used: Option<u64>, log: ScopeLog) {
        self.record.fuel_used = fuel_used;
        self.record.host_calls = log.host_calls;
        self.record.events = log.events;
    }

    /// The finished record for a call that ended with `result`.
    pub fn finish<T>(mut self, result: &Result<T, HostError>) -> AuditRecord {
        self.record.duration_us =
            u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        if let Err(error) = result {
            self.record.outcome = outcome(error);
            self.record.error_kind = Some(error.kind().to_owned());
        }
        self.record
    }
}

/// How a failed call is counted in the audit trail.
fn outcome(error: &HostError) -> Outcome {
    match error {
        HostError::InvalidInput { .. }
        | HostError::InputSchema { .. }
        | HostError::InputSerialization { .. } => Outcome::InvalidInput,
        HostError::InputTooLarge { .. }
        | HostError::Timeout { .. }
        | HostError::OutOfFuel { .. }
        | HostError::MemoryLimit { .. } => Outcome::LimitExceeded,
        HostError::Plugin { .. } => Outcome::PluginError,
        HostError::Trap { .. } => Outcome::Trap,
        HostError::InvalidOutput { .. } | HostError::OutputSchema { .. } => Outcome::InvalidOutput,
        HostError::PluginNotFound { .. }
        | HostError::FunctionNotFound { .. }
        | HostError::UnknownTenant { .. }
        | HostError::NoTenant
        | HostError::Denied { .. } => Outcome::Denied,
        _ => Outcome::HostFailure,
    }
}
