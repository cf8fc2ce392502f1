//! [`Limits`]: the resources one call of a plugin may use.

use std::time::Duration;

/// Per-plugin resource limits, enforced by the runtime on every call.
///
/// The defaults serve the reference plugins with room to spare: the ECG analyzer reads a
/// 30-minute record (1.3 MB of samples) well inside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Linear memory the plugin may grow to, in 64 KiB wasm pages (Extism's kernel memory
    /// counts too). Default 2048 pages = 128 MiB.
    pub max_memory_pages: u32,
    /// Wall-clock time one call may take. Default 5 s.
    pub timeout: Duration,
    /// Fuel (roughly, wasm instructions) one call may burn; `None` disables metering, which
    /// makes calls a little faster but leaves only the timeout against runaway loops.
    /// Default 10^10.
    pub fuel: Option<u64>,
    /// Largest input accepted, checked before the plugin runs. Default 16 MiB.
    pub max_input_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_memory_pages: 2048,
            timeout: Duration::from_secs(5),
            fuel: Some(10_000_000_000),
            max_input_bytes: 16 << 20,
        }
    }
}
