//! [`Snapshot`]: the installed plugin versions and their states, as one immutable value.
//!
//! A call reads one snapshot for its whole resolution, so it sees one consistent set of
//! versions; a change builds a new snapshot beside the current one and swaps it in atomically
//! (see [`Registry`](super::Registry)). Nothing here blocks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use semver::Version;

use super::plugin_version::PluginVersion;
use crate::call::Target;
use crate::policy::{Policy, Tenant};
use crate::{CallError, LoadError};

/// Whether a version answers calls: for every tenant by default, with per-tenant exceptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionStatus {
    enabled: bool,
    overrides: BTreeMap<String, bool>,
}

impl Default for VersionStatus {
    fn default() -> Self {
        Self {
            enabled: true,
            overrides: BTreeMap::new(),
        }
    }
}

impl VersionStatus {
    /// Whether the version answers tenants without an exception of their own.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether the version answers `tenant`.
    pub fn is_enabled_for(&self, tenant: &str) -> bool {
        self.overrides.get(tenant).copied().unwrap_or(self.enabled)
    }

    /// Tenants for which the version is enabled (`true`) or disabled (`false`) against the
    /// default.
    pub fn exceptions(&self) -> &BTreeMap<String, bool> {
        &self.overrides
    }

    /// Enables or disables the version for `tenant`, or — with no tenant — for every tenant,
    /// dropping the exceptions.
    pub(crate) fn set(&mut self, tenant: Option<&str>, enabled: bool) {
        match tenant {
            Some(tenant) => {
                if enabled == self.enabled {
                    self.overrides.remove(tenant);
                } else {
                    self.overrides.insert(tenant.to_owned(), enabled);
                }
            }
            None => {
                self.enabled = enabled;
                self.overrides.clear();
            }
        }
    }

    /// `enabled`, `disabled`, or either with its exceptions: `enabled (disabled for a, b)`.
    pub fn describe(&self) -> String {
        let (on, off): (Vec<&str>, Vec<&str>) = {
            let mut on = Vec::new();
            let mut off = Vec::new();
            for (tenant, enabled) in &self.overrides {
                if *enabled { &mut on } else { &mut off }.push(tenant.as_str());
            }
            (on, off)
        };
        match (self.enabled, on.is_empty(), off.is_empty()) {
            (true, _, true) => "enabled".to_owned(),
            (true, _, false) => format!("enabled (disabled for {})", off.join(", ")),
            (false, true, _) => "disabled".to_owned(),
            (false, false, _) => format!("disabled (enabled for {})", on.join(", ")),
        }
    }
}

/// One installed version and its state.
#[derive(Debug, Clone)]
pub(crate) struct VersionEntry {
    pub plugin: Arc<PluginVersion>,
    pub status: VersionStatus,
}

/// Every installed version, by plugin and version, and the versions uninstalled since start.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snapshot {
    plugins: BTreeMap<String, BTreeMap<Version, VersionEntry>>,
    uninstalled: BTreeSet<(String, Version)>,
}

impl Snapshot {
    /// Every installed version, by name then version.
    pub fn entries(&self) -> impl Iterator<Item = &VersionEntry> {
        self.plugins.values().flat_map(BTreeMap::values)
    }

    /// The entry of `name@version`.
    pub fn entry(&self, name: &str, version: &Version) -> Option<&VersionEntry> {
        self.plugins.get(name)?.get(version)
    }

    /// The version loaded from the file at `path`.
    pub fn entry_from(&self, path: &Path) -> Option<&VersionEntry> {
        self.entries()
            .find(|e| e.plugin.source_path() == Some(path))
    }

    /// Adds a version; its name and version must be new.
    pub fn insert(
        &mut self,
        plugin: Arc<PluginVersion>,
        status: VersionStatus,
    ) -> Result<(), LoadError> {
        let name = plugin.name().to_owned();
        let version = plugin.version().clone();
        if let Some(existing) = self.entry(&name, &version) {
            return Err(LoadError::VersionConflict {
                plugin: name,
                version: version.to_string(),
                first: existing.plugin.origin().to_owned(),
                second: plugin.origin().to_owned(),
            });
        }
        self.uninstalled.remove(&(name.clone(), version.clone()));
        self.plugins
            .entry(name)
            .or_default()
            .insert(version, VersionEntry { plugin, status });
        Ok(())
    }

    /// Removes `name@version`; calls naming it exactly are told it was uninstalled.
    pub fn remove(&mut self, name: &str, version: &Version) -> Option<VersionEntry> {
        let versions = self.plugins.get_mut(name)?;
        let entry = versions.remove(version)?;
        if versions.is_empty() {
            self.plugins.remove(name);
        }
        self.uninstalled.insert((name.to_owned(), version.clone()));
        Some(entry)
    }

    /// The state of `name@version`, to change.
    pub fn status_mut(&mut self, name: &str, version: &Version) -> Option<&mut VersionStatus> {
        Some(&mut self.plugins.get_mut(name)?.get_mut(version)?.status)
    }

    /// Every tenant's pin must match an installed version.
    pub fn check_pins(&self, policy: &Policy) -> Result<(), LoadError> {
        for tenant in policy.tenants.values() {
            for (plugin, pin) in &tenant.pins {
                let matched = self
                    .plugins
                    .get(plugin)
                    .is_some_and(|versions| versions.keys().any(|v| pin.matches(v)));
                if !matched {
                    return Err(LoadError::PinUnmatched {
                        tenant: tenant.id.clone(),
                        plugin: plugin.clone(),
                        pin: pin.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The version that answers `tenant`'s call to `target`: the highest enabled version that
    /// matches both the call's requirement and the tenant's pin.
    ///
    /// A version is named in the error when one matches but is disabled (or was uninstalled,
    /// when the call names it exactly); no other plugin or tenant ever is.
    pub fn resolve(
        &self,
        tenant: &Tenant,
        target: &Target,
    ) -> Result<Arc<PluginVersion>, CallError> {
        let name = target.plugin();
        let requested = target.requirement();
        let pinned = tenant.pins.get(name);
        let uninstalled = || {
            let exact = requested?.exact()?;
            self.uninstalled
                .contains(&(name.to_owned(), exact.clone()))
                .then(|| CallError::Uninstalled {
                    plugin: name.to_owned(),
                    version: exact.to_string(),
                })
        };
        let Some(versions) = self.plugins.get(name) else {
            return Err(uninstalled().unwrap_or_else(|| CallError::PluginNotFound {
                plugin: name.to_owned(),
            }));
        };
        let mut disabled = None;
        for (version, entry) in versions.iter().rev() {
            let wanted = requested.is_none_or(|r| r.matches(version))
                && pinned.is_none_or(|p| p.matches(version));
            if !wanted {
                continue;
            }
            if entry.status.is_enabled_for(&tenant.id) {
                return Ok(Arc::clone(&entry.plugin));
            }
            disabled.get_or_insert(entry);
        }
        if let Some(entry) = disabled {
            return Err(CallError::Disabled {
                plugin: name.to_owned(),
                version: entry.plugin.version().to_string(),
                for_tenant: entry.status.is_enabled(),
            });
        }
        Err(
            uninstalled().unwrap_or_else(|| CallError::NoMatchingVersion {
                plugin: name.to_owned(),
                requested: requested.map(ToString::to_string),
                pinned: pinned.map(ToString::to_string),
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_has_a_default_and_per_tenant_exceptions() {
        let mut status = VersionStatus::default();
        assert!(status.is_enabled_for("a"));
        status.set(Some("a"), false);
        assert!(!status.is_enabled_for("a") && status.is_enabled_for("b"));
        assert_eq!(status.describe(), "enabled (disabled for a)");
        status.set(None, false);
        assert!(!status.is_enabled_for("a") && !status.is_enabled_for("b"));
        status.set(Some("b"), true);
        assert_eq!(status.describe(), "disabled (enabled for b)");
        status.set(Some("b"), false);
        assert_eq!(status.describe(), "disabled");
        status.set(None, true);
        assert_eq!(status, VersionStatus::default());
    }
}
