//! [`Reaper`]: what calls leave behind is freed on a thread of its own.
//!
//! Freeing a retired version — its compiled code, its instances' linear memories — or an
//! evicted instance takes milliseconds of `munmap`. A call that happens to hold the last
//! reference (the version was replaced while it ran) would pay for it; it hands it to the reaper
//! instead.

use std::sync::mpsc::{Sender, channel};

type Garbage = Box<dyn Send>;

/// Frees what it is given on a background thread of its own.
#[derive(Debug)]
pub(crate) struct Reaper {
    sender: Option<Sender<Garbage>>,
}

impl Reaper {
    /// A reaper with its thread; the thread ends when the reaper is dropped.
    pub fn new() -> Self {
        let (sender, receiver) = channel::<Garbage>();
        let spawned = std::thread::Builder::new()
            .name("medplug-reaper".to_owned())
            .spawn(move || {
                for garbage in receiver {
                    drop(garbage);
                }
            });
        Self {
            sender: spawned.ok().map(|_| sender),
        }
    }

    /// Drops `garbage` on the reaper's thread (or here, if the thread could not start).
    pub fn drop_later(&self, garbage: impl Send + 'static) {
        let garbage: Garbage = Box::new(garbage);
        if let Some(sender) = &self.sender
            && let Err(returned) = sender.send(garbage)
        {
            drop(returned);
        }
    }
}

impl Default for Reaper {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    use super::*;

    struct Flag(Arc<AtomicBool>, std::thread::ThreadId);

    impl Drop for Flag {
        fn drop(&mut self) {
            self.0
                .store(std::thread::current().id() != self.1, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_reaper_drops_on_its_own_thread() {
        let reaper = Reaper::new();
        let dropped_elsewhere = Arc::new(AtomicBool::new(false));
        reaper.drop_later(Flag(
            Arc::clone(&dropped_elsewhere),
            std::thread::current().id(),
        ));
        let started = Instant::now();
        while !dropped_elsewhere.load(Ordering::SeqCst) {
            assert!(started.elapsed() < Duration::from_secs(5), "never dropped");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
