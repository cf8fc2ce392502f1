//! [`LifecycleEvent`]: every change to the plugins a host serves, and every call that hit a
//! limit, delivered to the subscribers an embedder registered.
//!
//! Events are delivered synchronously, in the thread that made the change, in order: a channel
//! subscriber ([`Host::subscribe`](crate::Host::subscribe)) never blocks the host; a callback
//! ([`Host::on_event`](crate::Host::on_event)) runs inline and must be quick. Changes are also
//! written to the audit trail (see [`Host`](crate::Host)'s lifecycle operations); a
//! `resource_exceeded` event's record is the call's own, with outcome `limit_exceeded`.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

/// One change to the installed plugins, or one call that hit a limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LifecycleEvent {
    /// A new version joined the host.
    Installed {
        /// The plugin.
        plugin: String,
        /// Its version.
        version: String,
        /// The module's sha256.
        sha256: String,
        /// Where it came from.
        origin: String,
    },
    /// A module file changed and its new content replaced the version loaded from it (the
    /// version may be the same or a new one; the previous one finishes its in-flight calls).
    Reloaded {
        /// The plugin.
        plugin: String,
        /// The version now serving.
        version: String,
        /// Its module's sha256.
        sha256: String,
        /// The file.
        origin: String,
        /// The version it replaced.
        previous_version: String,
        /// The replaced module's sha256.
        previous_sha256: String,
    },
    /// A version was enabled, for one tenant or for all.
    Enabled {
        /// The plugin.
        plugin: String,
        /// Its version.
        version: String,
        /// The tenant, or `None` for every tenant.
        tenant: Option<String>,
    },
    /// A version was disabled, for one tenant or for all.
    Disabled {
        /// The plugin.
        plugin: String,
        /// Its version.
        version: String,
        /// The tenant, or `None` for every tenant.
        tenant: Option<String>,
    },
    /// A version left the host (its in-flight calls finish).
    Uninstalled {
        /// The plugin.
        plugin: String,
        /// Its version.
        version: String,
        /// Its module's sha256.
        sha256: String,
    },
    /// A module was refused: nothing changed, what was serving still serves.
    LoadFailed {
        /// The file or the name given with the bytes.
        origin: String,
        /// The [`LoadError`](crate::LoadError)'s kind.
        error_kind: String,
        /// Its message.
        reason: String,
    },
    /// A call hit a limit: time, fuel, memory, or every instance busy.
    ResourceExceeded {
        /// The plugin.
        plugin: String,
        /// The version that ran.
        version: String,
        /// The calling tenant.
        tenant: String,
        /// The function.
        function: String,
        /// The [`CallError`](crate::CallError)'s kind: `timeout`, `out_of_fuel`, `memory_limit`,
        /// `stack_exhausted`, `output_too_large`, `too_many_host_calls`, `var_store_full` or
        /// `busy`.
        limit: String,
    },
}

impl LifecycleEvent {
    /// The event's snake_case name, as in its JSON and the audit trail: `installed`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Installed { .. } => "installed",
            Self::Reloaded { .. } => "reloaded",
            Self::Enabled { .. } => "enabled",
            Self::Disabled { .. } => "disabled",
            Self::Uninstalled { .. } => "uninstalled",
            Self::LoadFailed { .. } => "load_failed",
            Self::ResourceExceeded { .. } => "resource_exceeded",
        }
    }
}

type Callback = Arc<dyn Fn(&LifecycleEvent) + Send + Sync>;

#[derive(Clone)]
enum Delivery {
    Channel(Sender<LifecycleEvent>),
    Callback(Callback),
}

/// The host's subscribers, each with an id so that a gone channel can be dropped.
#[derive(Default)]
pub(crate) struct EventBus {
    subscribers: Mutex<Vec<(u64, Delivery)>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus")
            .field("subscribers", &self.lock().len())
            .finish()
    }
}

impl EventBus {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Delivery)>> {
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn add(&self, delivery: Delivery) {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.lock().push((id, delivery));
    }

    /// A new channel subscriber; it stops receiving when the receiver is dropped.
    pub fn subscribe(&self) -> Receiver<LifecycleEvent> {
        let (sender, receiver) = channel();
        self.add(Delivery::Channel(sender));
        receiver
    }

    /// A new callback subscriber.
    pub fn on_event(&self, callback: impl Fn(&LifecycleEvent) + Send + Sync + 'static) {
        self.add(Delivery::Callback(Arc::new(callback)));
    }

    /// Delivers `event` to every subscriber, dropping channels whose receiver is gone.
    pub fn emit(&self, event: &LifecycleEvent) {
        // Delivered outside the lock: a callback may subscribe, or emit.
        let subscribers = self.lock().clone();
        let mut gone = Vec::new();
        for (id, delivery) in &subscribers {
            match delivery {
                Delivery::Channel(sender) => {
                    if sender.send(event.clone()).is_err() {
                        gone.push(*id);
                    }
                }
                Delivery::Callback(callback) => callback(event),
            }
        }
        if !gone.is_empty() {
            self.lock().retain(|(id, _)| !gone.contains(id));
        }
    }

    /// How many subscribers are registered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_reach_channels_and_callbacks_in_order() {
        let bus = EventBus::default();
        let receiver = bus.subscribe();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        bus.on_event(move |e| log.lock().unwrap().push(e.kind()));
        let event = LifecycleEvent::Disabled {
            plugin: "p".into(),
            version: "1.0.0".into(),
            tenant: Some("a".into()),
        };
        bus.emit(&event);
        bus.emit(&LifecycleEvent::LoadFailed {
            origin: "x.wasm".into(),
            error_kind: "invalid_module".into(),
            reason: "truncated".into(),
        });
        assert_eq!(receiver.try_recv().unwrap(), event);
        assert_eq!(receiver.try_recv().unwrap().kind(), "load_failed");
        assert_eq!(*seen.lock().unwrap(), ["disabled", "load_failed"]);
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"event":"disabled","plugin":"p","version":"1.0.0","tenant":"a"}"#
        );
        drop(receiver);
        bus.emit(&event);
        assert_eq!(seen.lock().unwrap().len(), 3);
        assert_eq!(
            bus.len(),
            1,
            "the dropped channel is gone, the callback stays"
        );
    }
}
