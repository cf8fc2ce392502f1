//! [`PoolLimits`]: how many instances of a plugin version one tenant may run, and how many wait
//! warm.

use std::time::Duration;

/// The bounds of one tenant's pool of one plugin version (policy: `[pool]`, and per plugin
/// `[plugins.NAME] pool = { … }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolLimits {
    /// Instances of this tenant × plugin@version running at once. A call that finds all of them
    /// busy waits for one. Default 4.
    pub max_instances: usize,
    /// How long a call waits for a free instance before failing with the retryable
    /// `CallError::Busy`. Default 1 s.
    pub queue_timeout: Duration,
    /// Instances created, and warmed up with the plugin's `warm_up` export when it has one, for
    /// every tenant that may call the plugin, when the version is installed — before it
    /// answers any call — so that no tenant's first call pays for instantiation. Default 0.
    pub min_idle: usize,
}

impl Default for PoolLimits {
    fn default() -> Self {
        Self {
            max_instances: 4,
            queue_timeout: Duration::from_secs(1),
            min_idle: 0,
        }
    }
}

/// Idle instances a host keeps over all tenants and plugin versions, by default: beyond it, the
/// least recently used idle instance is dropped.
pub const DEFAULT_MAX_IDLE_TOTAL: usize = 64;
