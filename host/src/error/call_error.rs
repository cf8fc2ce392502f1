//! [`CallError`]: every way a call can fail, each naming the call — and nothing else the host
//! holds.
//!
//! A caller sees these messages (the HTTP service returns them), so none of them lists other
//! tenants or other plugins: an unknown tenant or plugin is named alone.

use std::fmt;
use std::time::Duration;

use medplug_pdk::ErrorCode;

use crate::audit::AuditError;
use crate::call::TargetProblem;
use crate::policy::Denial;
use crate::registry::SchemaViolation;

/// Which call failed: `plugin@version function`, with the version that answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// Plugin name.
    pub plugin: String,
    /// The version that answered (or would have).
    pub version: String,
    /// Function called.
    pub function: String,
}

impl fmt::Display for CallSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{} `{}`", self.plugin, self.version, self.function)
    }
}

/// Everything that can go wrong in a call, from naming the plugin to recording the call.
///
/// Messages are lowercase, say what happened and, where the caller can act, what to do.
/// [`kind`](Self::kind) is the stable name audit records and metrics use.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The call names a tenant the policy does not know.
    #[error("tenant `{tenant}` is not known to this host")]
    UnknownTenant {
        /// The tenant asked for.
        tenant: String,
    },
    /// The call names no tenant and the policy has no `default_tenant`.
    #[error("the call names no tenant and the policy has no default_tenant: pass one")]
    NoTenant,
    /// The call's target is not `plugin`, `plugin@version` or `plugin@requirement`.
    #[error("`{target}` does not name a plugin: {problem}")]
    InvalidTarget {
        /// The target as given (quoted and cut when long).
        target: String,
        /// What is wrong with it.
        problem: TargetProblem,
    },
    /// The tenant has not enabled a plugin of that name (whether or not one is installed: a
    /// tenant learns nothing of the plugins it does not use).
    #[error("tenant `{tenant}` has not enabled plugin `{plugin}`")]
    NotEnabled {
        /// The calling tenant.
        tenant: String,
        /// The plugin asked for.
        plugin: String,
    },
    /// No version of that plugin is installed.
    #[error("plugin `{plugin}` is not installed")]
    PluginNotFound {
        /// The name asked for.
        plugin: String,
    },
    /// Versions of the plugin are installed, but none matches what the call asks and the
    /// tenant's pin allows.
    #[error(
        "no installed version of `{plugin}` matches {}",
        describe_requirements(requested.as_deref(), pinned.as_deref())
    )]
    NoMatchingVersion {
        /// The plugin.
        plugin: String,
        /// The call's version or requirement, when it named one.
        requested: Option<String>,
        /// The tenant's pin, when the policy sets one.
        pinned: Option<String>,
    },
    /// The version that would answer is disabled, for every tenant or for this one.
    #[error("{plugin}@{version} is disabled{}", if *for_tenant { " for this tenant" } else { "" })]
    Disabled {
        /// The plugin.
        plugin: String,
        /// The disabled version.
        version: String,
        /// Whether it is disabled for the calling tenant only.
        for_tenant: bool,
    },
    /// The call names exactly a version that was uninstalled.
    #[error("{plugin}@{version} was uninstalled")]
    Uninstalled {
        /// The plugin.
        plugin: String,
        /// The version asked for.
        version: String,
    },
    /// The tenant may not call this plugin.
    #[error("tenant `{tenant}` may not call {site}: {denial}")]
    Denied {
        /// The calling tenant.
        tenant: String,
        /// The call.
        site: CallSite,
        /// Why not.
        denial: Denial,
    },
    /// The plugin does not export that function.
    #[error("{site}: no such function (the plugin exports: {})", exported.join(", "))]
    FunctionNotFound {
        /// The call.
        site: CallSite,
        /// What the plugin does export.
        exported: Vec<String>,
    },
    /// The input is larger than the plugin's `max_input_bytes`.
    #[error("{site}: input of {size} bytes exceeds the limit of {limit} bytes")]
    InputTooLarge {
        /// The call.
        site: CallSite,
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input was refused, by the host or by the plugin (`invalid_input`).
    #[error("{site}: invalid input: {message}")]
    InvalidInput {
        /// The call.
        site: CallSite,
        /// What was wrong with it, naming the field where known.
        message: String,
    },
    /// The input does not match the function's input schema.
    #[error("{site}: invalid input: {violation}")]
    InputSchema {
        /// The call.
        site: CallSite,
        /// What does not match, with JSON pointers (boxed: it is large and rare).
        violation: Box<SchemaViolation>,
    },
    /// A typed call's input did not serialize to JSON (before any version was chosen).
    #[error("`{target}` `{function}`: input did not serialize to json: {message}")]
    InputSerialization {
        /// The call's target, as given.
        target: String,
        /// The function.
        function: String,
        /// serde's message.
        message: String,
    },
    /// Every instance this tenant may run of the version was busy for the whole queue timeout.
    /// Retryable: the call did not run.
    #[error(
        "{site}: busy: all {max_instances} instances of this tenant were running for {} ms; retry later",
        waited.as_millis()
    )]
    Busy {
        /// The call.
        site: CallSite,
        /// The pool's bound (`max_instances`).
        max_instances: usize,
        /// How long the call waited.
        waited: Duration,
    },
    /// The tenant used up its quota of calls to this plugin for the period. Retryable after
    /// `retry_after`; the call did not run and took no instance.
    #[error(
        "{site}: quota exceeded: {limit} calls per {} s for this tenant; retry in {} ms",
        period.as_secs(),
        retry_after.as_millis().max(1)
    )]
    QuotaExceeded {
        /// The call.
        site: CallSite,
        /// Calls allowed per period.
        limit: u32,
        /// The period.
        period: Duration,
        /// How long until the window has room for the next call.
        retry_after: Duration,
    },
    /// The quota windows shared by the replicas (`[storage] quotas`) could not be asked, so the
    /// call was not admitted: it did not run and took no instance.
    #[error("{site}: quota windows unavailable, the call was not admitted: {reason}")]
    QuotaUnavailable {
        /// The call.
        site: CallSite,
        /// Why (the database's error).
        reason: String,
    },
    /// A fresh instance could not be created.
    #[error("{site}: could not instantiate the module: {message}")]
    Instantiation {
        /// The call.
        site: CallSite,
        /// The runtime's message.
        message: String,
    },
    /// The call ran past its wall-clock limit and was interrupted.
    #[error("{site}: timed out after {limit:?}")]
    Timeout {
        /// The call.
        site: CallSite,
        /// The limit.
        limit: Duration,
    },
    /// The call used up its fuel (instructions) and was stopped.
    #[error("{site}: ran out of fuel (limit {limit} units)")]
    OutOfFuel {
        /// The call.
        site: CallSite,
        /// The limit.
        limit: u64,
    },
    /// The call tried to grow memory past the plugin's limit and was stopped.
    #[error("{site}: exceeded its memory limit of {max_pages} pages ({} MiB)", u64::from(*max_pages) * 64 / 1024)]
    MemoryLimit {
        /// The call.
        site: CallSite,
        /// The limit, in 64 KiB wasm pages.
        max_pages: u32,
    },
    /// The call recursed past the runtime's wasm stack limit and was stopped.
    #[error("{site}: exhausted its call stack (the wasm stack limit of {} KiB)", limit_bytes / 1024)]
    StackExhausted {
        /// The call.
        site: CallSite,
        /// The limit (wasmtime's `max_wasm_stack`), in bytes.
        limit_bytes: usize,
    },
    /// The plugin's output is larger than its `max_output_bytes`: refused on the length alone,
    /// before the host copied or parsed a byte of it.
    #[error("{site}: output of {size} bytes exceeds the limit of {limit} bytes (max_output_bytes)")]
    OutputTooLarge {
        /// The call.
        site: CallSite,
        /// Output size, as the plugin set it.
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// The plugin called host functions more than its `max_host_calls` in one call; the call
    /// was stopped at the first call past the limit.
    #[error("{site}: made more than {limit} host-function calls (max_host_calls)")]
    TooManyHostCalls {
        /// The call.
        site: CallSite,
        /// The limit.
        limit: u32,
    },
    /// The plugin's Extism variables (`var_set`) would pass its `max_var_bytes`.
    #[error("{site}: its variables would exceed the limit of {limit} bytes (max_var_bytes)")]
    VarStoreFull {
        /// The call.
        site: CallSite,
        /// The limit.
        limit: u64,
    },
    /// The plugin failed the call with an error of its own (`unsupported`, `internal`).
    #[error("{site}: plugin error {code}: {message}")]
    Plugin {
        /// The call.
        site: CallSite,
        /// The plugin's error code.
        code: ErrorCode,
        /// The plugin's message.
        message: String,
    },
    /// The plugin trapped (a wasm fault) without reporting an error.
    #[error("{site}: trapped: {message}")]
    Trap {
        /// The call.
        site: CallSite,
        /// The runtime's description of the trap.
        message: String,
    },
    /// The plugin's output is not what its function promises (not JSON, or not the expected type).
    #[error("{site}: invalid output: {message}")]
    InvalidOutput {
        /// The call.
        site: CallSite,
        /// What was wrong.
        message: String,
    },
    /// The plugin's output does not match the function's output schema.
    #[error("{site}: invalid output: {violation}")]
    OutputSchema {
        /// The call.
        site: CallSite,
        /// What does not match, with JSON pointers (boxed: it is large and rare).
        violation: Box<SchemaViolation>,
    },
    /// The call's audit record could not be written: the call fails and its output is withheld.
    #[error("audit trail: {0}")]
    Audit(#[from] AuditError),
}

fn describe_requirements(requested: Option<&str>, pinned: Option<&str>) -> String {
    match (requested, pinned) {
        (Some(r), Some(p)) => format!("`{r}` within this tenant's pin `{p}`"),
        (Some(r), None) => format!("`{r}`"),
        (None, Some(p)) => format!("this tenant's pin `{p}`"),
        (None, None) => "any version".to_owned(),
    }
}

impl CallError {
    /// The call a version had been chosen for; `None` for errors before that.
    pub fn call_site(&self) -> Option<&CallSite> {
        match self {
            Self::Denied { site, .. }
            | Self::FunctionNotFound { site, .. }
            | Self::InputTooLarge { site, .. }
            | Self::InvalidInput { site, .. }
            | Self::InputSchema { site, .. }
            | Self::Busy { site, .. }
            | Self::QuotaExceeded { site, .. }
            | Self::QuotaUnavailable { site, .. }
            | Self::Instantiation { site, .. }
            | Self::Timeout { site, .. }
            | Self::OutOfFuel { site, .. }
            | Self::MemoryLimit { site, .. }
            | Self::StackExhausted { site, .. }
            | Self::OutputTooLarge { site, .. }
            | Self::TooManyHostCalls { site, .. }
            | Self::VarStoreFull { site, .. }
            | Self::Plugin { site, .. }
            | Self::Trap { site, .. }
            | Self::InvalidOutput { site, .. }
            | Self::OutputSchema { site, .. } => Some(site),
            _ => None,
        }
    }

    /// Whether the same call may succeed if made again unchanged, later: [`CallError::Busy`]
    /// and [`CallError::QuotaExceeded`], which did not run.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Busy { .. } | Self::QuotaExceeded { .. })
    }

    /// How long to wait before retrying, when the host knows: until the quota's window has room,
    /// or (for `busy`) the time the call already waited for an instance.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::QuotaExceeded { retry_after, .. } => Some(*retry_after),
            Self::Busy { waited, .. } => Some(*waited),
            _ => None,
        }
    }

    /// Whether the call hit one of the host's resource limits (time, fuel, memory, stack,
    /// output, host calls, variables, instances): such a call also emits a `resource_exceeded`
    /// lifecycle event.
    pub fn is_resource_exceeded(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. }
                | Self::OutOfFuel { .. }
                | Self::MemoryLimit { .. }
                | Self::StackExhausted { .. }
                | Self::OutputTooLarge { .. }
                | Self::TooManyHostCalls { .. }
                | Self::VarStoreFull { .. }
                | Self::Busy { .. }
        )
    }

    /// A stable snake_case name of the error, as audit records and metrics give it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::UnknownTenant { .. } => "unknown_tenant",
            Self::NoTenant => "no_tenant",
            Self::NotEnabled { .. } => "plugin_not_enabled",
            Self::InvalidTarget { .. } => "invalid_target",
            Self::PluginNotFound { .. } => "plugin_not_found",
            Self::NoMatchingVersion { .. } => "no_matching_version",
            Self::Disabled { .. } => "disabled",
            Self::Uninstalled { .. } => "uninstalled",
            Self::Denied { denial, .. } => denial.kind(),
            Self::FunctionNotFound { .. } => "function_not_found",
            Self::InputTooLarge { .. } => "input_too_large",
            Self::InvalidInput { .. } => "invalid_input",
            Self::InputSchema { .. } => "input_schema",
            Self::InputSerialization { .. } => "input_serialization",
            Self::Busy { .. } => "busy",
            Self::QuotaExceeded { .. } => "quota_exceeded",
            Self::QuotaUnavailable { .. } => "quota_unavailable",
            Self::Instantiation { .. } => "instantiation",
            Self::Timeout { .. } => "timeout",
            Self::OutOfFuel { .. } => "out_of_fuel",
            Self::MemoryLimit { .. } => "memory_limit",
            Self::StackExhausted { .. } => "stack_exhausted",
            Self::OutputTooLarge { .. } => "output_too_large",
            Self::TooManyHostCalls { .. } => "too_many_host_calls",
            Self::VarStoreFull { .. } => "var_store_full",
            Self::Plugin { code, .. } => match code {
                ErrorCode::InvalidInput => "invalid_input",
                ErrorCode::Unsupported => "unsupported",
                _ => "internal",
            },
            Self::Trap { .. } => "trap",
            Self::InvalidOutput { .. } => "invalid_output",
            Self::OutputSchema { .. } => "output_schema",
            Self::Audit(_) => "audit",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_before_a_version_name_only_what_was_asked() {
        let unknown = CallError::UnknownTenant {
            tenant: "clinica-x".into(),
        };
        assert_eq!(
            unknown.to_string(),
            "tenant `clinica-x` is not known to this host"
        );
        let missing = CallError::PluginNotFound {
            plugin: "ghost".into(),
        };
        assert_eq!(missing.to_string(), "plugin `ghost` is not installed");
        let none = CallError::NoMatchingVersion {
            plugin: "lgpd-analyzer".into(),
            requested: Some("^0.3".into()),
            pinned: Some("=0.1.0".into()),
        };
        assert_eq!(
            none.to_string(),
            "no installed version of `lgpd-analyzer` matches `^0.3` within this tenant's pin `=0.1.0`"
        );
        assert_eq!(none.kind(), "no_matching_version");
    }

    #[test]
    fn busy_is_the_only_retryable_error_and_a_resource_limit() {
        let site = CallSite {
            plugin: "p".into(),
            version: "1.0.0".into(),
            function: "f".into(),
        };
        let busy = CallError::Busy {
            site: site.clone(),
            max_instances: 2,
            waited: Duration::from_millis(250),
        };
        assert!(busy.is_retryable() && busy.is_resource_exceeded());
        assert_eq!(
            busy.to_string(),
            "p@1.0.0 `f`: busy: all 2 instances of this tenant were running for 250 ms; retry later"
        );
        let timeout = CallError::Timeout {
            site,
            limit: Duration::from_secs(1),
        };
        assert!(!timeout.is_retryable() && timeout.is_resource_exceeded());
        let disabled = CallError::Disabled {
            plugin: "p".into(),
            version: "1.0.0".into(),
            for_tenant: true,
        };
        assert_eq!(disabled.to_string(), "p@1.0.0 is disabled for this tenant");
        assert!(!disabled.is_resource_exceeded());
    }
}
