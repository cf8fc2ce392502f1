//! Turning what Extism reports after a failed call into a typed [`CallError`].
//!
//! Extism reports failures as text: a plugin's error is the JSON it set (ABI v1's
//! [`PluginError`]), wrapped in the trap when the plugin also trapped (a panic); limits surface
//! as fixed messages. The conformance suite pins each mapping with a real misbehaving plugin, so
//! a change in Extism's wording fails a test instead of silently degrading into `Trap`.

use medplug_pdk::{ErrorCode, PluginError};

use crate::services::HOST_CALL_LIMIT;
use crate::{CallError, CallSite, Limits};

/// Extism's message when the epoch deadline interrupts a call.
pub(crate) const TIMEOUT: &str = "timeout";
/// Extism's message when the store's fuel reaches zero.
const OUT_OF_FUEL: &str = "plugin ran out of fuel";
/// Extism's memory limiter's message when a `memory.grow` would pass the limit.
const OUT_OF_MEMORY: &str = "oom";
/// wasmtime's `max_wasm_stack`, which neither Extism nor medplug changes: a recursion past it
/// traps with [`wasmtime::Trap::StackOverflow`].
const WASM_STACK_LIMIT_BYTES: usize = 512 * 1024;
/// Extism's `var_set` when the variables would pass the manifest's `max_var_bytes`.
const VAR_STORE_FULL: &str = "Variable store is full";

/// A failed call, classified.
pub(crate) struct CallFailure {
    /// The typed error for the caller.
    pub error: CallError,
    /// Whether the instance returned normally (a plugin error without a trap) and may serve
    /// again; after a trap or a limit its memory may be half-updated, so it is dropped.
    pub instance_reusable: bool,
}

pub(crate) fn classify(error: &extism::Error, site: CallSite, limits: &Limits) -> CallFailure {
    let reported = error
        .chain()
        .find_map(|cause| serde_json::from_str::<PluginError>(&cause.to_string()).ok());
    if let Some(PluginError { code, message }) = reported {
        let instance_reusable = serde_json::from_str::<PluginError>(&error.to_string()).is_ok();
        let error = match code {
            ErrorCode::InvalidInput => CallError::InvalidInput { site, message },
            code => CallError::Plugin {
                site,
                code,
                message,
            },
        };
        return CallFailure {
            error,
            instance_reusable,
        };
    }
    let stack_overflow = error
        .chain()
        .any(|cause| matches!(cause.downcast_ref(), Some(wasmtime::Trap::StackOverflow)));
    if stack_overflow {
        return CallFailure {
            error: CallError::StackExhausted {
                site,
                limit_bytes: WASM_STACK_LIMIT_BYTES,
            },
            instance_reusable: false,
        };
    }
    let root = error.root_cause().to_string();
    let error = match root.as_str() {
        TIMEOUT => CallError::Timeout {
            site,
            limit: limits.timeout,
        },
        OUT_OF_FUEL => CallError::OutOfFuel {
            site,
            limit: limits.fuel.unwrap_or_default(),
        },
        OUT_OF_MEMORY => CallError::MemoryLimit {
            site,
            max_pages: limits.max_memory_pages,
        },
        VAR_STORE_FULL => CallError::VarStoreFull {
            site,
            limit: limits.max_var_bytes,
        },
        HOST_CALL_LIMIT => CallError::TooManyHostCalls {
            site,
            limit: limits.max_host_calls,
        },
        _ => CallError::Trap {
            site,
            message: format!("{error:#}"),
        },
    };
    CallFailure {
        error,
        instance_reusable: false,
    }
}
