//! [`TenantPool`]: one tenant's instances of one plugin version — bounded, queued, reused.
//!
//! Instantiating from the compiled module costs about 0.2 ms, fifteen times a small call, so
//! instances that returned normally wait for their tenant's next call. A plugin's linear memory
//! outlives a call — statics, allocator state — so an instance that served one clinic never
//! serves another (the `state-leak` test plugin proves it): each tenant has its own pool. An
//! instance that trapped or hit a limit is dropped: its memory may be half-updated.
//!
//! At most [`PoolLimits::max_instances`] run at once; a call that finds none free waits on a
//! condition variable up to [`PoolLimits::queue_timeout`], then gets [`PoolError::Busy`].

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use extism::{CompiledPlugin, Plugin};

use super::PoolLimits;
use super::idle_ledger::IdleLedger;

/// Why no instance was handed out.
#[derive(Debug)]
pub(crate) enum PoolError {
    /// Every instance was running for the whole queue timeout.
    Busy {
        /// How long the call waited.
        waited: Duration,
    },
    /// A fresh instance could not be created.
    Instantiate(extism::Error),
}

#[derive(Debug, Default)]
struct PoolState {
    /// Idle instances, least recently used first.
    idle: VecDeque<Idle>,
    /// Instances handed out and not yet returned.
    running: usize,
}

struct Idle {
    instance: Plugin,
    last_used: Instant,
}

impl std::fmt::Debug for Idle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idle")
            .field("last_used", &self.last_used)
            .finish_non_exhaustive()
    }
}

/// One tenant's instances of one plugin version.
#[derive(Debug)]
pub(crate) struct TenantPool {
    state: Mutex<PoolState>,
    freed: Condvar,
    ledger: Arc<IdleLedger>,
}

/// An instance handed out for one call. Dropped without [`Lease::release`], its instance is
/// discarded and its slot freed.
pub(crate) struct Lease<'a> {
    pool: &'a TenantPool,
    instance: Option<Plugin>,
}

impl TenantPool {
    fn new(ledger: Arc<IdleLedger>) -> Arc<Self> {
        let pool = Arc::new(Self {
            state: Mutex::default(),
            freed: Condvar::new(),
            ledger,
        });
        pool.ledger.register(&pool);
        pool
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // Every update below leaves the state consistent before anything that could panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The most recently used idle instance, else a fresh one if fewer than `max_instances`
    /// run, else — after waiting up to the queue timeout for one to come back — `Busy`.
    pub fn checkout(
        &self,
        compiled: &CompiledPlugin,
        limits: &PoolLimits,
    ) -> Result<Lease<'_>, PoolError> {
        let started = Instant::now();
        let deadline = started + limits.queue_timeout;
        let mut state = self.lock();
        loop {
            if let Some(idle) = state.idle.pop_back() {
                state.running += 1;
                self.ledger.removed(1);
                return Ok(self.lease(idle.instance));
            }
            if state.running < limits.max_instances.max(1) {
                state.running += 1;
                drop(state);
                return match Plugin::new_from_compiled(compiled) {
                    Ok(instance) => Ok(self.lease(instance)),
                    Err(error) => {
                        self.finish(None);
                        Err(PoolError::Instantiate(error))
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(PoolError::Busy {
                    waited: now - started,
                });
            }
            state = self
                .freed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn lease(&self, instance: Plugin) -> Lease<'_> {
        Lease {
            pool: self,
            instance: Some(instance),
        }
    }

    /// A call is over: its slot frees, and its instance, if given, waits for the next call.
    fn finish(&self, instance: Option<Plugin>) {
        self.settle(true, instance);
    }

    /// Adds a pre-warmed instance to the idle ones (pre-warming at install).
    pub fn put_idle(&self, instance: Plugin) {
        self.settle(false, Some(instance));
    }

    /// Frees a running slot (when `was_running`) and keeps `instance` idle, then wakes a waiting
    /// call and holds the host to its cap on idle instances.
    fn settle(&self, was_running: bool, instance: Option<Plugin>) {
        let mut state = self.lock();
        if was_running {
            state.running -= 1;
        }
        let kept = instance.is_some();
        if let Some(instance) = instance {
            state.idle.push_back(Idle {
                instance,
                last_used: Instant::now(),
            });
            self.ledger.added(1);
        }
        drop(state);
        self.freed.notify_one();
        if kept {
            self.ledger.enforce_cap();
        }
    }

    /// The stamp of the idle instance that has waited longest.
    pub(super) fn oldest_idle(&self) -> Option<Instant> {
        self.lock().idle.front().map(|idle| idle.last_used)
    }

    /// Takes the idle instance that has waited longest, for the caller to drop.
    pub(super) fn evict_oldest(&self) -> Option<Plugin> {
        let idle = self.lock().idle.pop_front()?;
        self.ledger.removed(1);
        Some(idle.instance)
    }

    /// Idle instances.
    pub fn idle(&self) -> usize {
        self.lock().idle.len()
    }

    /// Instances handed out now.
    pub fn running(&self) -> usize {
        self.lock().running
    }
}

impl Drop for TenantPool {
    fn drop(&mut self) {
        let idle = self.lock().idle.len();
        self.ledger.removed(idle);
    }
}

impl Lease<'_> {
    /// The instance.
    pub fn instance(&mut self) -> &mut Plugin {
        self.instance
            .as_mut()
            .expect("a lease holds its instance until released")
    }

    /// Ends the call: a `reusable` instance (it returned normally, or with a plugin error that
    /// did not trap) waits for the tenant's next call; any other is dropped.
    pub fn release(mut self, reusable: bool) {
        let instance = self.instance.take();
        match instance {
            Some(instance) if !reusable => {
                self.pool.finish(None);
                self.pool.ledger.discard(instance);
            }
            instance => self.pool.finish(instance),
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(instance) = self.instance.take() {
            self.pool.finish(None);
            self.pool.ledger.discard(instance);
        }
    }
}

/// The pools of one plugin version, by tenant.
#[derive(Debug)]
pub(crate) struct TenantPools {
    pools: RwLock<HashMap<String, Arc<TenantPool>>>,
    ledger: Arc<IdleLedger>,
}

impl TenantPools {
    pub fn new(ledger: Arc<IdleLedger>) -> Self {
        Self {
            pools: RwLock::default(),
            ledger,
        }
    }

    /// `tenant`'s pool, created on first use.
    pub fn of(&self, tenant: &str) -> Arc<TenantPool> {
        if let Some(pool) = self
            .pools
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(tenant)
        {
            return Arc::clone(pool);
        }
        let mut pools = self.pools.write().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            pools
                .entry(tenant.to_owned())
                .or_insert_with(|| TenantPool::new(Arc::clone(&self.ledger))),
        )
    }

    /// Idle instances over every tenant.
    pub fn idle(&self) -> usize {
        self.read().values().map(|p| p.idle()).sum()
    }

    /// `tenant`'s idle instances.
    pub fn idle_of(&self, tenant: &str) -> usize {
        self.read().get(tenant).map_or(0, |p| p.idle())
    }

    /// Instances running now, over every tenant.
    pub fn running(&self) -> usize {
        self.read().values().map(|p| p.running()).sum()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<TenantPool>>> {
        self.pools.read().unwrap_or_else(PoisonError::into_inner)
    }
}
