//! [`CallQuota`]: the policy's quotas for one plugin.

use std::collections::BTreeMap;
use std::time::Duration;

use medplug_pdk::Capability;

/// How often a host function may be used on behalf of one tenant (policy `[quotas]`:
/// `get_patient_per_call`, `get_patient_per_period`, …). Zero means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HostFunctionQuota {
    /// Uses in one plugin call.
    pub per_call: u32,
    /// Uses per tenant × plugin per [`CallQuota::period`].
    pub per_period: u32,
}

/// The quotas of one plugin, for each tenant that calls it (policy `[quotas]`, and per plugin
/// `[plugins.NAME] quotas = { … }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallQuota {
    /// Calls per tenant × plugin per period; zero means no limit. Default 1,000 (the design
    /// documents' figure).
    pub calls: u32,
    /// The period the limits count over. Default one minute.
    pub period: Duration,
    /// Per host function.
    pub host_functions: BTreeMap<Capability, HostFunctionQuota>,
}

impl Default for CallQuota {
    fn default() -> Self {
        Self {
            calls: 1_000,
            period: Duration::from_secs(60),
            host_functions: BTreeMap::from([
                (
                    Capability::ReadPatient,
                    HostFunctionQuota {
                        per_call: 50,
                        per_period: 3_000,
                    },
                ),
                (
                    Capability::EncryptPhi,
                    HostFunctionQuota {
                        per_call: 100,
                        per_period: 6_000,
                    },
                ),
            ]),
        }
    }
}

impl CallQuota {
    /// No limit at all: the quotas of [`Policy::open`](crate::Policy::open), a host with no
    /// policy (an embedder's own process, a benchmark).
    pub fn unlimited() -> Self {
        Self {
            calls: 0,
            host_functions: BTreeMap::new(),
            ..Self::default()
        }
    }

    /// The quota of `capability`'s host function (none: no limit).
    pub fn host_function(&self, capability: Capability) -> HostFunctionQuota {
        self.host_functions
            .get(&capability)
            .copied()
            .unwrap_or_default()
    }
}
