//! The registry: which plugin versions a host serves, and everything about getting a module in.
//!
//! - [`Registry`]: the current [`Snapshot`] behind `arc-swap` — a call reads it with one atomic
//!   load and never waits for a change; changes are serialised and swap in a whole new snapshot.
//! - Loading ([`loader`]): signature, wasm validation, compilation ([`compile`]), `describe`,
//!   ABI v1 ([`ModuleInterface`]), policy, pins, schemas ([`schema_guard`]), pre-warming.
//! - Lifecycle ([`lifecycle`]): install, enable, disable, uninstall and reload on a running
//!   host, each audited and announced as a [`LifecycleEvent`]; hot reload of a directory
//!   ([`PluginWatcher`]).
//! - Versions: [`PluginVersion`], [`VersionRequirement`], [`VersionStatus`].

mod compile;
mod compile_cache;
mod embedded_schemas;
mod events;
mod inspect;
mod lifecycle;
mod loader;
mod module_interface;
mod plugin_version;
mod requirement;
pub(crate) mod schema_guard;
pub mod signature;
mod snapshot;
mod watcher;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use arc_swap::ArcSwap;

pub(crate) use compile_cache::CompileCache;
pub use compile_cache::DEFAULT_COMPILE_CACHE_BYTES;
pub use embedded_schemas::{
    EmbeddedFunction, EmbeddedSchemas, EmbeddedSchemasProblem, SECTION_NAME as SCHEMAS_SECTION,
};
pub(crate) use events::EventBus;
pub use events::LifecycleEvent;
pub use inspect::{Inspection, inspect};
pub use lifecycle::VersionListing;
pub(crate) use lifecycle::load_failed_record;
pub(crate) use loader::{LoadSettings, ModuleSource, load};
pub use module_interface::{ContractViolation, Import, ModuleInterface};
pub use plugin_version::PluginVersion;
pub use requirement::VersionRequirement;
pub use schema_guard::{FunctionSchemas, SchemaError, SchemaViolation, SchemaViolationItem};
pub use signature::SignatureError;
pub(crate) use snapshot::Snapshot;
pub use snapshot::VersionStatus;
pub use watcher::{PluginWatcher, WatchOptions};

/// The installed versions: read by every call, changed by lifecycle operations.
#[derive(Debug)]
pub(crate) struct Registry {
    current: ArcSwap<Snapshot>,
    /// Held by a change from reading the current snapshot to storing the next, so that two
    /// changes never build on the same snapshot and lose one another.
    changing: Mutex<()>,
}

impl Registry {
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            current: ArcSwap::from_pointee(snapshot),
            changing: Mutex::new(()),
        }
    }

    /// The current snapshot, to keep.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Runs `read` on the current snapshot without taking a reference count (the call path).
    pub fn read<R>(&self, read: impl FnOnce(&Snapshot) -> R) -> R {
        read(&self.current.load())
    }

    /// Starts a change: until the guard is dropped no other change runs.
    pub fn begin_change(&self) -> MutexGuard<'_, ()> {
        self.changing.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Swaps in `next`; call it while holding [`begin_change`](Self::begin_change)'s guard.
    pub fn store(&self, next: Snapshot) {
        self.current.store(Arc::new(next));
    }
}
