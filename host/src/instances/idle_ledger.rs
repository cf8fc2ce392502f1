//! [`IdleLedger`]: the host-wide cap on idle instances, with least-recently-used eviction.
//!
//! Every tenant × plugin@version pool keeps the instances its calls return, so idle memory would
//! grow with tenants × plugins × versions: each instance holds its linear memory (the LGPD
//! analyzer's, after a large document, tens of MiB). The ledger counts idle instances over all
//! pools and, past its cap, drops the one that has waited longest, wherever it is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use super::pool::TenantPool;
use crate::reaper::Reaper;

/// Idle instances over every pool of a host. Each pool stamps its idle instances with the
/// `Instant` they were last used (a clock read, not a shared counter two calling threads would
/// fight over).
#[derive(Debug)]
pub(crate) struct IdleLedger {
    cap: usize,
    idle: AtomicUsize,
    pools: Mutex<Vec<Weak<TenantPool>>>,
    reaper: Arc<Reaper>,
}

impl IdleLedger {
    /// A ledger that keeps at most `cap` idle instances; what it drops, `reaper` frees.
    pub fn new(cap: usize, reaper: Arc<Reaper>) -> Arc<Self> {
        Arc::new(Self {
            cap,
            idle: AtomicUsize::new(0),
            pools: Mutex::new(Vec::new()),
            reaper,
        })
    }

    /// Frees an instance off the calling thread (an evicted one, or one that failed a call).
    pub(super) fn discard(&self, instance: extism::Plugin) {
        self.reaper.drop_later(instance);
    }

    /// The cap.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Idle instances now, over every pool.
    pub fn idle(&self) -> usize {
        self.idle.load(Ordering::Relaxed)
    }

    pub(super) fn register(&self, pool: &Arc<TenantPool>) {
        let mut pools = self.pools.lock().unwrap_or_else(PoisonError::into_inner);
        pools.retain(|p| p.strong_count() > 0);
        pools.push(Arc::downgrade(pool));
    }

    pub(super) fn added(&self, n: usize) {
        self.idle.fetch_add(n, Ordering::Relaxed);
    }

    pub(super) fn removed(&self, n: usize) {
        self.idle.fetch_sub(n, Ordering::Relaxed);
    }

    /// Drops least-recently-used idle instances until the count is within the cap.
    pub(super) fn enforce_cap(&self) {
        if self.idle() <= self.cap {
            return;
        }
        let pools = self.pools.lock().unwrap_or_else(PoisonError::into_inner);
        let live: Vec<Arc<TenantPool>> = pools.iter().filter_map(Weak::upgrade).collect();
        drop(pools);
        while self.idle() > self.cap {
            let oldest = live
                .iter()
                .filter_map(|pool| pool.oldest_idle().map(|stamp| (stamp, pool)))
                .min_by_key(|(stamp, _)| *stamp);
            let Some((_, pool)) = oldest else { break };
            // Freed on the reaper's thread: a large linear memory takes a while to unmap.
            if let Some(instance) = pool.evict_oldest() {
                self.discard(instance);
            }
        }
    }
}
