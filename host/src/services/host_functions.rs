//! The host functions plugins may import: `audit_log`, `get_patient` and `encrypt_phi`.
//!
//! Every module is linked with all three, so that instantiation never fails on an import; which
//! ones a plugin may *import* was settled at load (its grants in the policy), and which ones a
//! call may *use* is settled here, on every call, against the calling tenant's grants carried
//! by the call's [`CallScope`]. A call without a scope (the load-time `describe`) gets nothing.
//!
//! Each function takes the offset of a JSON request and returns the offset of a JSON
//! [`HostReply`] (`medplug_pdk::host_fns` has the contract). A refusal is a reply, not a trap:
//! the plugin sees an error it can handle, and the call's audit record lists the refusal.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use extism::{CurrentPlugin, UserData, Val};
use medplug_pdk::Capability;
use medplug_pdk::host_fns::{
    AuditAck, AuditEvent, EncryptRequest, HostFnError, HostFnErrorCode, HostReply,
    MAX_AUDIT_MESSAGE_BYTES, PatientRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Services;
use crate::audit::{HostCallRecord, PluginEvent, is_valid_event_name, mask_event_message};
use crate::quota::{CallQuota, Refusal as QuotaRefusal};

pub use medplug_pdk::host_fns::MAX_AUDIT_EVENTS_PER_CALL;

/// The error a host function ends its call with once the call has used its `max_host_calls`
/// (`call::classify` turns it into [`CallError::TooManyHostCalls`](crate::CallError)).
pub(crate) const HOST_CALL_LIMIT: &str = "medplug: host-function call limit reached";

/// The largest request a host function reads: 1 MiB, far above a patient id, an event (1 KiB
/// kept) or a note to encrypt. A larger one is refused `invalid_request` without being copied.
pub const MAX_HOST_REQUEST_BYTES: u64 = 1 << 20;

/// The audit record's outcome of a `get_patient` for another tenant's patient; the plugin is
/// told `not_found`, exactly as for a patient that does not exist.
const OTHER_TENANT: &str = "other_tenant";

/// One call's context, handed to the host functions through Extism's host context.
#[derive(Debug)]
pub(crate) struct CallScope {
    /// The calling tenant.
    pub tenant: String,
    /// The plugin called.
    pub plugin: String,
    /// Its quotas, host functions' among them.
    pub quota: CallQuota,
    /// The plugin's specialty (consent is per specialty).
    pub specialty: String,
    /// What the tenant grants this plugin.
    pub granted: BTreeSet<Capability>,
    /// Host-function calls this call may make (`Limits::max_host_calls`).
    pub max_host_calls: u32,
    /// The host's services.
    pub services: Arc<Services>,
    /// What the host functions did during the call, for its audit record.
    pub log: Mutex<ScopeLog>,
}

/// Host function uses and plugin events of one call.
#[derive(Debug, Default)]
pub(crate) struct ScopeLog {
    /// Each host function call, with its outcome.
    pub host_calls: Vec<HostCallRecord>,
    /// Each `audit_log` event, masked and capped.
    pub events: Vec<PluginEvent>,
}

impl CallScope {
    fn log(&self) -> std::sync::MutexGuard<'_, ScopeLog> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes what the host functions recorded.
    pub fn take_log(&self) -> ScopeLog {
        std::mem::take(&mut *self.log())
    }
}

fn refuse(code: HostFnErrorCode, message: impl Into<String>) -> HostFnError {
    HostFnError {
        code,
        message: message.into(),
    }
}

/// A refusal, and how the audit record names it when that is not what the plugin is told.
struct Refusal {
    error: HostFnError,
    recorded_as: Option<&'static str>,
}

impl From<HostFnError> for Refusal {
    fn from(error: HostFnError) -> Self {
        Self {
            error,
            recorded_as: None,
        }
    }
}

/// A host call's outcome, as the audit record gives it: `ok`, the error's wire code, or what
/// the refusal is recorded as.
fn outcome_name(result: &Result<serde_json::Value, Refusal>) -> &'static str {
    result.as_ref().map_or_else(
        |r| r.recorded_as.unwrap_or_else(|| r.error.code.as_str()),
        |_| "ok",
    )
}

/// The Extism entry point of every medplug host function; `capability` says which one.
pub(crate) fn host_function(
    plugin: &mut CurrentPlugin,
    inputs: &[Val],
    outputs: &mut [Val],
    capability: UserData<Capability>,
) -> Result<(), extism::Error> {
    let capability = *capability
        .get()?
        .lock()
        .map_err(|_| extism::Error::msg("poisoned capability"))?;
    let scope = plugin.host_context::<Arc<CallScope>>().ok().cloned();
    if let Some(scope) = &scope
        && scope.log().host_calls.len() >= scope.max_host_calls as usize
    {
        // Ends the call: a plugin that loops on refusals would still cost the host a reply each.
        return Err(extism::Error::msg(HOST_CALL_LIMIT));
    }
    // An offset the plugin does not own is not a request: the call traps.
    let request = plugin.memory_get_val::<&[u8]>(&inputs[0])?;
    let result = match &scope {
        None => Err(refuse(
            HostFnErrorCode::Denied,
            format!(
                "`{}` is only available during a call",
                capability.host_function()
            ),
        )
        .into()),
        Some(_) if request.len() as u64 > MAX_HOST_REQUEST_BYTES => Err(refuse(
            HostFnErrorCode::InvalidRequest,
            format!(
                "`{}` request of {} bytes exceeds the limit of {MAX_HOST_REQUEST_BYTES} bytes",
                capability.host_function(),
                request.len()
            ),
        )
        .into()),
        Some(scope) => {
            let request = request.to_vec();
            dispatch(scope, capability, &request)
        }
    };
    if let Some(scope) = &scope {
        let outcome = outcome_name(&result);
        scope.log().host_calls.push(HostCallRecord {
            function: capability.host_function().to_owned(),
            outcome: outcome.to_owned(),
        });
    }
    let reply = match result {
        Ok(value) => HostReply::Ok(value),
        Err(refusal) => HostReply::Error(refusal.error),
    };
    let handle = plugin.memory_new(serde_json::to_vec(&reply)?)?;
    outputs[0] = plugin.memory_to_val(handle);
    Ok(())
}

fn parse<T: DeserializeOwned>(request: &[u8], capability: Capability) -> Result<T, HostFnError> {
    serde_json::from_slice(request).map_err(|e| {
        refuse(
            HostFnErrorCode::InvalidRequest,
            format!("`{}` request: {e}", capability.host_function()),
        )
    })
}

fn to_value<T: Serialize>(value: T) -> Result<serde_json::Value, HostFnError> {
    serde_json::to_value(value).map_err(|e| refuse(HostFnErrorCode::Internal, e.to_string()))
}

fn dispatch(
    scope: &CallScope,
    capability: Capability,
    request: &[u8],
) -> Result<serde_json::Value, Refusal> {
    if !scope.granted.contains(&capability) {
        return Err(refuse(
            HostFnErrorCode::Denied,
            format!(
                "the `{capability}` capability is not granted to this plugin for tenant `{}`",
                scope.tenant
            ),
        )
        .into());
    }
    check_quota(scope, capability)?;
    Ok(match capability {
        Capability::AuditLog => audit_log(scope, parse(request, capability)?).and_then(to_value)?,
        Capability::ReadPatient => to_value(get_patient(scope, parse(request, capability)?)?)?,
        Capability::EncryptPhi => {
            encrypt_phi(scope, parse(request, capability)?).and_then(to_value)?
        }
    })
}

/// The host function's quota: its uses in this call (those already logged), then its uses by
/// this tenant × plugin in the period.
fn check_quota(scope: &CallScope, capability: Capability) -> Result<(), HostFnError> {
    let quota = scope.quota.host_function(capability);
    let name = capability.host_function();
    if quota.per_call > 0 {
        let used = scope
            .log()
            .host_calls
            .iter()
            .filter(|c| c.function == name)
            .count();
        if used >= quota.per_call as usize {
            return Err(refuse(
                HostFnErrorCode::QuotaExceeded,
                format!("`{name}` may be used {} times in one call", quota.per_call),
            ));
        }
    }
    scope
        .services
        .quotas
        .take(
            &scope.tenant,
            &scope.plugin,
            name,
            quota.per_period,
            scope.quota.period,
        )
        .map_err(|refusal| match refusal {
            QuotaRefusal::Full(retry_after) => refuse(
                HostFnErrorCode::QuotaExceeded,
                format!(
                    "`{name}` may be used {} times per {} s for this tenant; retry in {} ms",
                    quota.per_period,
                    scope.quota.period.as_secs(),
                    retry_after.as_millis().max(1)
                ),
            ),
            // The database's error stays in the host: the plugin learns only that it may not.
            QuotaRefusal::Unavailable(_) => refuse(
                HostFnErrorCode::Internal,
                format!("`{name}`'s quota cannot be checked now; not admitted"),
            ),
        })
}

/// `audit_log`: the event joins the call's record, its message masked (digits of identifiers,
/// e-mail addresses) and cut to [`MAX_AUDIT_MESSAGE_BYTES`] (LGPD Art. 46: no PHI in logs).
fn audit_log(scope: &CallScope, event: AuditEvent) -> Result<AuditAck, HostFnError> {
    if !is_valid_event_name(&event.event) {
        return Err(refuse(
            HostFnErrorCode::InvalidRequest,
            "an event name is 1-64 characters of a-z, 0-9 and '_', starting with a letter",
        ));
    }
    let mut log = scope.log();
    if log.events.len() >= MAX_AUDIT_EVENTS_PER_CALL {
        return Err(refuse(
            HostFnErrorCode::InvalidRequest,
            format!("a call may log at most {MAX_AUDIT_EVENTS_PER_CALL} events"),
        ));
    }
    let masked = mask_event_message(&event.message, MAX_AUDIT_MESSAGE_BYTES);
    log.events.push(PluginEvent {
        event: event.event,
        message: masked.text,
    });
    Ok(AuditAck {
        sequence: u32::try_from(log.events.len() - 1).unwrap_or(u32::MAX),
    })
}

/// `get_patient`: only a patient of the calling tenant, only with consent on record for the
/// plugin's specialty (LGPD Art. 11 I: specific consent for health data).
fn get_patient(
    scope: &CallScope,
    request: PatientRequest,
) -> Result<medplug_pdk::host_fns::Patient, Refusal> {
    let Some(store) = &scope.services.patients else {
        return Err(refuse(HostFnErrorCode::Internal, "this host has no patient store").into());
    };
    let id = &request.patient_id;
    // Another tenant's patient is answered exactly as a patient that does not exist: a plugin
    // (and through it a caller) learns nothing of other clinics' patients. Only the audit record
    // tells the two apart.
    let not_found = || refuse(HostFnErrorCode::NotFound, format!("no patient `{id}`"));
    let record = store
        .get(id)
        .map_err(|e| refuse(HostFnErrorCode::Internal, e.to_string()))?
        .ok_or_else(not_found)?;
    if record.tenant != scope.tenant {
        return Err(Refusal {
            error: not_found(),
            recorded_as: Some(OTHER_TENANT),
        });
    }
    if !record.has_consent(&scope.specialty) {
        return Err(refuse(
            HostFnErrorCode::Denied,
            format!(
                "patient `{id}` has no consent on record for `{}` (LGPD Art. 11 I)",
                scope.specialty
            ),
        )
        .into());
    }
    Ok(record.to_wire())
}

/// `encrypt_phi`: AES-256-GCM under the host's current key, bound to the calling tenant.
fn encrypt_phi(
    scope: &CallScope,
    request: EncryptRequest,
) -> Result<medplug_pdk::host_fns::EncryptedPhi, HostFnError> {
    let Some(keyring) = &scope.services.keyring else {
        return Err(refuse(
            HostFnErrorCode::Internal,
            "this host has no PHI key",
        ));
    };
    keyring
        .seal(&scope.tenant, request.plaintext.as_bytes())
        .map_err(|e| refuse(HostFnErrorCode::Internal, e.to_string()))
}
