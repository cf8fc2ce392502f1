//! [`Host`]: the loaded plugins and the calls into them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::{HostBuilder, HostError, LoadedPlugin};

/// A set of loaded plugins, callable by name. Cheap to share: calls take `&self`.
#[derive(Debug)]
pub struct Host {
    plugins: BTreeMap<String, LoadedPlugin>,
}

impl Host {
    /// Starts building a host.
    pub fn builder() -> HostBuilder {
        HostBuilder::default()
    }

    pub(crate) fn new(plugins: BTreeMap<String, LoadedPlugin>) -> Self {
        Self { plugins }
    }

    /// The loaded plugins, by name.
    pub fn plugins(&self) -> impl Iterator<Item = &LoadedPlugin> {
        self.plugins.values()
    }

    /// The plugin of that name.
    pub fn plugin(&self, name: &str) -> Result<&LoadedPlugin, HostError> {
        self.plugins
            .get(name)
            .ok_or_else(|| HostError::PluginNotFound {
                plugin: name.to_owned(),
                loaded: self.plugins.keys().cloned().collect::<Vec<_>>().join(", "),
            })
    }

    /// Calls `function` of `plugin` with JSON bytes; returns the plugin's JSON output.
    ///
    /// The output is checked to be well-formed JSON ([`HostError::InvalidOutput`] if not).
    pub fn call_json(
        &self,
        plugin: &str,
        function: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, HostError> {
        let loaded = self.plugin(plugin)?;
        let output = loaded.call_raw(function, input)?;
        serde_json::from_slice::<IgnoredAny>(&output).map_err(|e| HostError::InvalidOutput {
            site: loaded.site(function),
            message: format!("not json: {e}"),
        })?;
        Ok(output)
    }

    /// Calls `function` of `plugin` with a typed input and deserializes its output.
    pub fn call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        plugin: &str,
        function: &str,
        input: &I,
    ) -> Result<O, HostError> {
        let loaded = self.plugin(plugin)?;
        let json = serde_json::to_vec(input).map_err(|e| HostError::InputSerialization {
            site: loaded.site(function),
            message: e.to_string(),
        })?;
        let output = loaded.call_raw(function, &json)?;
        serde_json::from_slice(&output).map_err(|e| HostError::InvalidOutput {
            site: loaded.site(function),
            message: format!("does not match the expected type: {e}"),
        })
    }
}

#[cfg(test)]
mod tests {
    /// Embedders share one host across threads (an HTTP server's workers).
    #[test]
    fn a_host_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::Host>();
    }
}
