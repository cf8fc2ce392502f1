//! A plugin's idle instances, per tenant, so that a call does not pay for instantiation and no
//! instance ever serves two tenants.
//!
//! Instantiating from the compiled module costs about 0.2 ms, fifteen times a small call, so
//! instances that returned normally go back to their tenant's pool. A plugin's linear memory
//! outlives a call — statics, allocator state — so an instance that served one clinic never
//! serves another (the `state-leak` test plugin proves it). An instance that trapped or hit a
//! limit is dropped: its memory may be half-updated.

use std::collections::HashMap;
use std::sync::Mutex;

use extism::{CompiledPlugin, Plugin};

/// Idle instances kept per tenant and plugin; more concurrent calls instantiate fresh ones.
const MAX_IDLE: usize = 8;

pub(crate) struct InstancePool {
    compiled: CompiledPlugin,
    idle: Mutex<HashMap<String, Vec<Plugin>>>,
}

impl InstancePool {
    pub fn new(compiled: CompiledPlugin) -> Self {
        Self {
            compiled,
            idle: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Plugin>>> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A fresh instance that belongs to no tenant (the load-time `describe`).
    pub fn fresh(&self) -> Result<Plugin, extism::Error> {
        Plugin::new_from_compiled(&self.compiled)
    }

    /// An idle instance of `tenant`, or a fresh one.
    pub fn checkout(&self, tenant: &str) -> Result<Plugin, extism::Error> {
        let idle = self.lock().get_mut(tenant).and_then(Vec::pop);
        match idle {
            Some(plugin) => Ok(plugin),
            None => self.fresh(),
        }
    }

    /// Returns an instance of `tenant` that finished its call normally.
    pub fn checkin(&self, tenant: &str, plugin: Plugin) {
        let mut idle = self.lock();
        let instances = idle.entry(tenant.to_owned()).or_default();
        if instances.len() < MAX_IDLE {
            instances.push(plugin);
        }
    }

    /// How many instances are idle, over all tenants.
    pub fn idle(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// How many instances of `tenant` are idle.
    pub fn idle_of(&self, tenant: &str) -> usize {
        self.lock().get(tenant).map_or(0, Vec::len)
    }
}
