//! [`CompileCache`]: Cranelift's incremental compilation cache, in memory, for one host.
//!
//! Compiling the LGPD analyzer (600 KB) takes about 0.8 s on two cores — most of a reload. A
//! rebuilt plugin changes few of its functions, and a rollback none: wasmtime keys each
//! compiled function by a hash of what it was compiled from, and asks this store first, so a
//! reload recompiles only what changed. Entries are kept up to a byte budget; past it, new ones
//! are simply not stored (a miss costs a compilation, never a wrong result).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use wasmtime::CacheStore;

/// Bytes of compiled functions a host keeps by default: the reference plugins' fit many times.
pub const DEFAULT_COMPILE_CACHE_BYTES: usize = 256 << 20;

/// Compiled functions by wasmtime's key, up to a byte budget.
#[derive(Debug)]
pub(crate) struct CompileCache {
    entries: Mutex<Entries>,
    budget: usize,
}

#[derive(Debug, Default)]
struct Entries {
    by_key: HashMap<Vec<u8>, Vec<u8>>,
    bytes: usize,
}

impl CompileCache {
    /// An empty cache that stores up to `budget` bytes.
    pub fn new(budget: usize) -> Self {
        Self {
            entries: Mutex::default(),
            budget,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes stored (keys and values).
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.lock().bytes
    }
}

impl CacheStore for CompileCache {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        self.lock().by_key.get(key).cloned().map(Cow::Owned)
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        let mut entries = self.lock();
        let size = key.len() + value.len();
        if entries.bytes + size > self.budget {
            return false;
        }
        if let Some(old) = entries.by_key.insert(key.to_vec(), value) {
            entries.bytes -= key.len() + old.len();
        }
        entries.bytes += size;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_kept_within_the_budget() {
        let cache = CompileCache::new(10);
        assert!(cache.insert(b"ab", vec![1, 2, 3]));
        assert_eq!(cache.get(b"ab").as_deref(), Some(&[1u8, 2, 3][..]));
        assert_eq!(cache.bytes(), 5);
        assert!(
            !cache.insert(b"cd", vec![0; 7]),
            "over the budget: not stored"
        );
        assert_eq!(cache.get(b"cd"), None);
        assert!(cache.insert(b"ab", vec![9]), "a replacement counts once");
        assert_eq!(cache.bytes(), 3);
    }
}
