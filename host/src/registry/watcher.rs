//! [`PluginWatcher`]: hot reload of a plugins directory.
//!
//! `notify` reports the directory's changes (inotify on Linux, kqueue or FSEvents elsewhere) and
//! `notify-debouncer-full` coalesces the events of one write and follows renames. A worker
//! thread turns each batch into module files to reload ([`Host::reload_path`]): a new or
//! changed `*.wasm` is loaded and checked off to the side and swapped in only if every check
//! passes; a deleted one is uninstalled; a changed `*.wasm.sig` reloads its module.
//!
//! A half-written module is never loaded: on Linux a file being written is reloaded only after
//! the writer closes it (inotify's `IN_CLOSE_WRITE`) or renames it into place, however slowly
//! it writes; elsewhere, after the debounce quiet period. A file left open for writing longer
//! than [`WatchOptions::stalled_write`] is tried anyway (and refused if incomplete: the running
//! version keeps serving). Write a module's `.sig` before the module, or within the debounce
//! period, so that the module is never checked against its old signature.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::loader::is_module_file;
use crate::{Host, LoadError};

/// How a [`PluginWatcher`] behaves.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// How long a file's events are gathered before they are acted on. Default 50 ms: on Linux
    /// the writer's close, not this period, says a write is over.
    pub debounce: Duration,
    /// How long a file may stay open for writing, with no event, before it is loaded anyway.
    /// Default 30 s.
    pub stalled_write: Duration,
    /// The actor of the audit records of the changes the watcher makes. Default `watcher`.
    pub actor: String,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(50),
            stalled_write: Duration::from_secs(30),
            actor: "watcher".to_owned(),
        }
    }
}

/// Watches a plugins directory and reloads what changes in it; stops when dropped.
pub struct PluginWatcher {
    dir: PathBuf,
    debouncer: Option<Debouncer<RecommendedWatcher, RecommendedCache>>,
    worker: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for PluginWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginWatcher")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl PluginWatcher {
    /// The directory watched (absolute).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for PluginWatcher {
    fn drop(&mut self) {
        // Stopping the debouncer drops its sender: the worker's channel closes and it ends.
        if let Some(debouncer) = self.debouncer.take() {
            debouncer.stop();
        }
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl Host {
    /// Watches `dir` for new, changed and deleted modules (and signatures) and reloads them
    /// while calls run: each change becomes an `installed`, `reloaded`, `uninstalled` or
    /// `load_failed` event, and a refused module never replaces a running one. The watcher
    /// holds a handle on the host; drop it to stop watching.
    pub fn watch(
        &self,
        dir: impl AsRef<Path>,
        options: WatchOptions,
    ) -> Result<PluginWatcher, LoadError> {
        let dir = dir.as_ref();
        let watch_error = |message: String| LoadError::Watch {
            dir: dir.to_owned(),
            message,
        };
        let dir = std::path::absolute(dir).map_err(|e| watch_error(e.to_string()))?;
        if !dir.is_dir() {
            return Err(watch_error("not a directory".to_owned()));
        }
        let (sender, receiver) = channel::<DebounceEventResult>();
        let mut debouncer = new_debouncer(options.debounce, None, sender)
            .map_err(|e| watch_error(e.to_string()))?;
        debouncer
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(e.to_string()))?;
        let host = self.clone();
        let worker = std::thread::Builder::new()
            .name("medplug-watcher".to_owned())
            .spawn(move || {
                let mut writes = OpenWrites::new(options.stalled_write);
                loop {
                    let batch = match receiver
                        .recv_timeout(options.stalled_write.min(Duration::from_secs(1)))
                    {
                        Ok(Ok(events)) => events,
                        // The watcher's own errors (a queue overflow) are not a module's: the
                        // next event still reloads what changed.
                        Ok(Err(_)) => Vec::new(),
                        Err(RecvTimeoutError::Timeout) => Vec::new(),
                        Err(RecvTimeoutError::Disconnected) => return,
                    };
                    for event in &batch {
                        for path in &event.paths {
                            writes.observe(module_of(path), &event.kind);
                        }
                    }
                    for module in writes.ready() {
                        // Errors were announced as `load_failed`; the watcher goes on.
                        let _ = host.reload_path(&module, &options.actor);
                    }
                }
            })
            .map_err(|e| watch_error(e.to_string()))?;
        Ok(PluginWatcher {
            dir,
            debouncer: Some(debouncer),
            worker: Some(worker),
        })
    }
}

/// The module a changed path concerns: itself for `x.wasm`, `x.wasm` for `x.wasm.sig`.
fn module_of(path: &Path) -> Option<PathBuf> {
    if is_module_file(path) {
        return Some(path.to_owned());
    }
    let name = path.file_name()?.to_str()?;
    let module = name.strip_suffix(".sig")?;
    module
        .ends_with(".wasm")
        .then(|| path.with_file_name(module))
}

/// Which module files changed, and which of them are still being written.
struct OpenWrites {
    /// Changed modules whose writer has not closed them yet, with their last event's time.
    writing: HashMap<PathBuf, Instant>,
    /// Changed modules ready to reload.
    ready: BTreeSet<PathBuf>,
    stalled_write: Duration,
}

impl OpenWrites {
    fn new(stalled_write: Duration) -> Self {
        Self {
            writing: HashMap::new(),
            ready: BTreeSet::new(),
            stalled_write,
        }
    }

    fn observe(&mut self, module: Option<PathBuf>, kind: &EventKind) {
        let Some(module) = module else { return };
        match kind {
            // Data written, or a new file: wait for the writer to close it (where the platform
            // says so).
            EventKind::Create(_) | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
                if cfg!(target_os = "linux") =>
            {
                self.ready.remove(&module);
                self.writing.insert(module, Instant::now());
            }
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                self.writing.remove(&module);
                self.ready.insert(module);
            }
            // Reads, and a close after reading, change nothing.
            EventKind::Access(_) => {}
            // Renamed into or out of place, removed, metadata, or any event elsewhere.
            _ => {
                if !self.writing.contains_key(&module) {
                    self.ready.insert(module);
                }
            }
        }
    }

    /// The modules to reload now: those ready, and those left open too long.
    fn ready(&mut self) -> Vec<PathBuf> {
        let stalled: Vec<PathBuf> = self
            .writing
            .iter()
            .filter(|(_, since)| since.elapsed() >= self.stalled_write)
            .map(|(path, _)| path.clone())
            .collect();
        for path in stalled {
            self.writing.remove(&path);
            self.ready.insert(path);
        }
        std::mem::take(&mut self.ready).into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use notify::event::{CreateKind, DataChange, RemoveKind};

    use super::*;

    #[test]
    fn a_signature_concerns_its_module() {
        assert_eq!(
            module_of(Path::new("/p/lgpd-analyzer.wasm.sig")),
            Some(PathBuf::from("/p/lgpd-analyzer.wasm"))
        );
        assert_eq!(
            module_of(Path::new("/p/x.wasm")),
            Some(PathBuf::from("/p/x.wasm"))
        );
        assert_eq!(module_of(Path::new("/p/index.json")), None);
        assert_eq!(module_of(Path::new("/p/notes.sig")), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_module_is_ready_when_its_writer_closes_it() {
        let mut writes = OpenWrites::new(Duration::from_secs(30));
        let module = || Some(PathBuf::from("/p/x.wasm"));
        writes.observe(module(), &EventKind::Create(CreateKind::File));
        writes.observe(
            module(),
            &EventKind::Modify(ModifyKind::Data(DataChange::Any)),
        );
        assert!(writes.ready().is_empty(), "still open for writing");
        writes.observe(
            module(),
            &EventKind::Access(AccessKind::Close(AccessMode::Read)),
        );
        assert!(
            writes.ready().is_empty(),
            "a reader closing changes nothing"
        );
        writes.observe(
            module(),
            &EventKind::Access(AccessKind::Close(AccessMode::Write)),
        );
        assert_eq!(writes.ready(), [PathBuf::from("/p/x.wasm")]);
        assert!(writes.ready().is_empty(), "reloaded once");
        writes.observe(module(), &EventKind::Remove(RemoveKind::File));
        assert_eq!(writes.ready(), [PathBuf::from("/p/x.wasm")]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_write_left_open_too_long_is_tried_anyway() {
        let mut writes = OpenWrites::new(Duration::ZERO);
        writes.observe(
            Some(PathBuf::from("/p/x.wasm")),
            &EventKind::Modify(ModifyKind::Data(DataChange::Any)),
        );
        assert_eq!(writes.ready(), [PathBuf::from("/p/x.wasm")]);
    }
}
