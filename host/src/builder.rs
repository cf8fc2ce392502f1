//! [`HostBuilder`]: where plugins come from and the limits they run under.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::{Host, HostError, Limits, LoadedPlugin};

/// Where one module comes from.
#[derive(Debug)]
enum Source {
    Dir(PathBuf),
    File(PathBuf),
    Bytes { origin: String, bytes: Vec<u8> },
}

/// Builds a [`Host`]: add plugin sources and limits, then [`build`](Self::build).
///
/// Nothing is read or compiled until `build`, which loads every source or fails as a whole.
#[derive(Debug, Default)]
pub struct HostBuilder {
    sources: Vec<Source>,
    limits: Limits,
    plugin_limits: HashMap<String, Limits>,
}

impl HostBuilder {
    /// Loads every `*.wasm` file in `dir` (not recursive), in name order.
    pub fn plugins_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.sources.push(Source::Dir(dir.into()));
        self
    }

    /// Loads one module file.
    pub fn plugin_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.sources.push(Source::File(path.into()));
        self
    }

    /// Loads a module from memory; `origin` names it in errors.
    pub fn plugin_bytes(mut self, origin: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        self.sources.push(Source::Bytes {
            origin: origin.into(),
            bytes: bytes.into(),
        });
        self
    }

    /// The limits of every plugin without limits of its own (default: [`Limits::default`]).
    pub fn default_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits of the plugin that describes itself as `plugin`.
    pub fn plugin_limits(mut self, plugin: impl Into<String>, limits: Limits) -> Self {
        self.plugin_limits.insert(plugin.into(), limits);
        self
    }

    /// Reads, compiles, describes and checks every plugin.
    pub fn build(self) -> Result<Host, HostError> {
        let mut modules = Vec::new();
        for source in self.sources {
            match source {
                Source::Dir(dir) => modules.extend(read_dir(&dir)?),
                Source::File(path) => modules.push(read_file(&path)?),
                Source::Bytes { origin, bytes } => modules.push((origin, bytes)),
            }
        }
        let limits_for = |name: &str| self.plugin_limits.get(name).copied().unwrap_or(self.limits);
        let mut plugins: BTreeMap<String, LoadedPlugin> = BTreeMap::new();
        for (origin, bytes) in modules {
            // Host functions come with the policy (a later issue); until then nothing is granted.
            let plugin =
                LoadedPlugin::load(origin, &bytes, self.limits, limits_for, |_| Vec::new())?;
            let name = plugin.info().name.clone();
            if let Some(first) = plugins.get(&name) {
                return Err(HostError::DuplicatePlugin {
                    plugin: name,
                    first: first.origin().to_owned(),
                    second: plugin.origin().to_owned(),
                });
            }
            plugins.insert(name, plugin);
        }
        Ok(Host::new(plugins))
    }
}

fn read_file(path: &Path) -> Result<(String, Vec<u8>), HostError> {
    let bytes = std::fs::read(path).map_err(|source| HostError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok((path.display().to_string(), bytes))
}

fn read_dir(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, HostError> {
    let io = |source| HostError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "wasm") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    paths.iter().map(|p| read_file(p)).collect()
}
