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
    /// Largest output accepted, checked on the length Extism reports before the host copies or
    /// parses a byte of it. Default 16 MiB, as the input: the largest reference output (the LGPD
    /// analyzer's `redact` of a 1 MB document) is a few MB, and a caller holds the output, its
    /// parsed JSON and its decoding at once.
    pub max_output_bytes: usize,
    /// Host-function calls (`audit_log`, `get_patient`, `encrypt_phi` together) one call may
    /// make; the next one ends the call. Default 1,000: a reference plugin makes at most a few,
    /// each is recorded in the call's audit record, and 1,000 keeps that record near 50 KB.
    pub max_host_calls: u32,
    /// Bytes of Extism variables (`var_set`, kept by the host beside the instance, outside its
    /// linear memory) an instance may hold; 0 turns variables off. Default 64 KiB: ABI v1 keeps
    /// state in linear memory and no reference plugin uses variables.
    pub max_var_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_memory_pages: 2048,
            timeout: Duration::from_secs(5),
            fuel: Some(10_000_000_000),
            max_input_bytes: 16 << 20,
            max_output_bytes: 16 << 20,
            max_host_calls: 1_000,
            max_var_bytes: 64 << 10,
        }
    }
}
