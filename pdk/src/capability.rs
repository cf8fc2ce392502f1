//! Capabilities: the least-privilege grants that give a plugin one host function each.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Wasm import module of Extism's kernel functions (input, output, memory, errors, logging).
/// Every Extism plugin imports from it; it gives no access to the outside world.
pub const EXTISM_ENV_MODULE: &str = "extism:host/env";

/// Wasm import module of host-provided functions (Extism's user namespace).
pub const HOST_FUNCTION_MODULE: &str = "extism:host/user";

/// A privilege a plugin requests in `describe` and a tenant's policy grants.
///
/// Each capability unlocks exactly one host function in [`HOST_FUNCTION_MODULE`]. The explicit
/// discriminants are part of the ABI: never reuse or renumber one (as proxy-wasm does for its
/// ABI enums).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Capability {
    /// `audit_log(event)`: append an event (never PHI) to the call's audit record.
    AuditLog = 1,
    /// `get_patient(id)`: read a patient of the caller's tenant, with consent for the plugin's
    /// specialty.
    ReadPatient = 2,
    /// `encrypt_phi(data)`: AES-256-GCM under a host-held key the plugin never sees.
    EncryptPhi = 3,
}

impl Capability {
    /// Every capability of ABI v1.
    pub const ALL: [Capability; 3] = [Self::AuditLog, Self::ReadPatient, Self::EncryptPhi];

    /// The host function this capability unlocks, in [`HOST_FUNCTION_MODULE`].
    pub const fn host_function(self) -> &'static str {
        match self {
            Self::AuditLog => "audit_log",
            Self::ReadPatient => "get_patient",
            Self::EncryptPhi => "encrypt_phi",
        }
    }

    /// The capability whose host function has this name.
    pub fn for_host_function(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.host_function() == name)
    }

    /// The capability's wire name (`audit_log`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AuditLog => "audit_log",
            Self::ReadPatient => "read_patient",
            Self::EncryptPhi => "encrypt_phi",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_and_host_functions_are_stable() {
        let wire: Vec<String> = Capability::ALL
            .iter()
            .map(|c| serde_json::to_string(c).unwrap())
            .collect();
        assert_eq!(
            wire,
            [r#""audit_log""#, r#""read_patient""#, r#""encrypt_phi""#]
        );
        assert_eq!(Capability::ALL.map(|c| c as u8), [1, 2, 3]);
        assert_eq!(
            Capability::ALL.map(Capability::host_function),
            ["audit_log", "get_patient", "encrypt_phi"]
        );
        assert_eq!(
            Capability::for_host_function("get_patient"),
            Some(Capability::ReadPatient)
        );
        assert_eq!(Capability::for_host_function("read_file"), None);
        assert_eq!(
            Capability::ALL.map(|c| c.to_string()),
            ["audit_log", "read_patient", "encrypt_phi"]
        );
    }
}
