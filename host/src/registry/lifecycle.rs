//! Lifecycle operations on a running host: install, enable, disable, uninstall, and the reload
//! of a changed module file.
//!
//! Every operation follows the same steps: a module is loaded and checked whole, off to the
//! side, with no lock held; then, under the registry's change lock, the next snapshot is built
//! from the current one and checked (version conflicts, tenants' pins); the change's audit
//! record is written — if it cannot be, nothing changes —; the snapshot is swapped in; the
//! [`LifecycleEvent`] goes to the subscribers. A refused module changes nothing, and announces
//! itself with a `load_failed` event (and record).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use semver::Version;

use super::loader::{ModuleSource, load};
use super::snapshot::{Snapshot, VersionStatus};
use super::{LifecycleEvent, PluginVersion};
use crate::audit::{AuditRecord, LifecycleEntry, Outcome, now_rfc3339};
use crate::call::Target;
use crate::{Host, LoadError, sha256_hex};

/// One installed version as `medplug list` shows it.
#[derive(Debug, Clone)]
pub struct VersionListing {
    /// The version.
    pub plugin: Arc<PluginVersion>,
    /// Whether it answers, and for whom.
    pub status: VersionStatus,
    /// The tenants whose calls that name no version get this one (their pin's, else the
    /// highest enabled), among the tenants the policy lets call the plugin.
    pub default_for: Vec<String>,
}

/// `name@x.y.z`: the exact version a lifecycle operation acts on.
fn parse_id(id: &str) -> Result<(String, Version), LoadError> {
    let invalid = |reason: &str| LoadError::InvalidPluginId {
        id: id.chars().take(80).collect(),
        reason: reason.to_owned(),
    };
    let (name, version) = id
        .split_once('@')
        .ok_or_else(|| invalid("name the version, as in `lgpd-analyzer@0.1.0`"))?;
    if !medplug_pdk::is_plugin_name(name) {
        return Err(invalid("the plugin name is not valid"));
    }
    let version =
        Version::parse(version).map_err(|e| invalid(&format!("the version is not semver: {e}")))?;
    Ok((name.to_owned(), version))
}

impl Host {
    /// Every installed version with its state and the tenants it serves by default.
    pub fn versions(&self) -> Vec<VersionListing> {
        let policy = self.policy();
        self.shared.registry.read(|snapshot| {
            snapshot
                .entries()
                .map(|entry| {
                    let plugin = &entry.plugin;
                    let default_for = policy
                        .tenants
                        .values()
                        .filter(|tenant| tenant.admits(plugin.info()).is_ok())
                        .filter(|tenant| {
                            plugin.name().parse::<Target>().is_ok_and(|target| {
                                snapshot
                                    .resolve(tenant, &target)
                                    .is_ok_and(|chosen| Arc::ptr_eq(&chosen, plugin))
                            })
                        })
                        .map(|tenant| tenant.id.clone())
                        .collect();
                    VersionListing {
                        plugin: Arc::clone(plugin),
                        status: entry.status.clone(),
                        default_for,
                    }
                })
                .collect()
        })
    }

    /// Installs the module at `path` (and its `.sig`) beside the versions already there, after
    /// every check a host makes at start. Its `name@version` must be new.
    pub fn install_file(
        &self,
        path: impl AsRef<Path>,
        actor: &str,
    ) -> Result<Arc<PluginVersion>, LoadError> {
        let path = path.as_ref();
        let started = Instant::now();
        let source = ModuleSource::read_file(path)
            .map_err(|e| self.load_failed(&path.display().to_string(), None, e, actor, started))?;
        self.install(source, actor, started)
    }

    /// Installs a module given as bytes (it has no signature file: a policy that requires
    /// signatures refuses it); `origin` names it in errors and events.
    pub fn install_bytes(
        &self,
        origin: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
        actor: &str,
    ) -> Result<Arc<PluginVersion>, LoadError> {
        let started = Instant::now();
        self.install(
            ModuleSource::bytes(origin.into(), bytes.into()),
            actor,
            started,
        )
    }

    fn install(
        &self,
        source: ModuleSource,
        actor: &str,
        started: Instant,
    ) -> Result<Arc<PluginVersion>, LoadError> {
        let settings = &self.shared.settings;
        let guess = settings.guess_limits(&source, None);
        let refused = |e| self.load_failed(&source.origin, Some(&source.bytes), e, actor, started);
        let plugin = load(&source, settings, guess)
            .map(Arc::new)
            .map_err(refused)?;
        let _change = self.shared.registry.begin_change();
        let mut next = Snapshot::clone(&self.shared.registry.snapshot());
        next.insert(Arc::clone(&plugin), VersionStatus::default())
            .map_err(refused)?;
        let event = LifecycleEvent::Installed {
            plugin: plugin.name().to_owned(),
            version: plugin.version().to_string(),
            sha256: plugin.sha256().to_owned(),
            origin: source.origin.clone(),
        };
        let detail = format!("from {}", source.origin);
        self.commit(next, &event, &plugin, None, actor, detail, started)?;
        Ok(plugin)
    }

    /// Enables `id` (`name@version`) for `tenant`, or for every tenant.
    pub fn enable(&self, id: &str, tenant: Option<&str>, actor: &str) -> Result<(), LoadError> {
        self.set_enabled(id, tenant, true, actor)
    }

    /// Disables `id` (`name@version`) for `tenant`, or for every tenant: calls that would get
    /// it are answered [`CallError::Disabled`](crate::CallError::Disabled); calls already
    /// running on it finish normally.
    pub fn disable(&self, id: &str, tenant: Option<&str>, actor: &str) -> Result<(), LoadError> {
        self.set_enabled(id, tenant, false, actor)
    }

    fn set_enabled(
        &self,
        id: &str,
        tenant: Option<&str>,
        enabled: bool,
        actor: &str,
    ) -> Result<(), LoadError> {
        let started = Instant::now();
        let (name, version) = parse_id(id)?;
        if let Some(tenant) = tenant
            && self.policy().tenant(tenant).is_none()
        {
            return Err(LoadError::UnknownTenant {
                tenant: tenant.chars().take(64).collect(),
            });
        }
        let _change = self.shared.registry.begin_change();
        let mut next = Snapshot::clone(&self.shared.registry.snapshot());
        let not_installed = || LoadError::NotInstalled {
            plugin: name.clone(),
            version: version.to_string(),
        };
        let plugin = Arc::clone(
            &next
                .entry(&name, &version)
                .ok_or_else(not_installed)?
                .plugin,
        );
        next.status_mut(&name, &version)
            .ok_or_else(not_installed)?
            .set(tenant, enabled);
        let (plugin_name, version_text, tenant_owned) = (
            plugin.name().to_owned(),
            plugin.version().to_string(),
            tenant.map(str::to_owned),
        );
        let event = if enabled {
            LifecycleEvent::Enabled {
                plugin: plugin_name,
                version: version_text,
                tenant: tenant_owned,
            }
        } else {
            LifecycleEvent::Disabled {
                plugin: plugin_name,
                version: version_text,
                tenant: tenant_owned,
            }
        };
        let detail = match tenant {
            Some(tenant) => format!("for tenant {tenant}"),
            None => "for every tenant".to_owned(),
        };
        self.commit(next, &event, &plugin, tenant, actor, detail, started)
    }

    /// Removes `id` (`name@version`): later calls naming it exactly are answered
    /// [`CallError::Uninstalled`](crate::CallError::Uninstalled); calls already running on it
    /// finish, and its instances are freed after the last. Refused when a tenant's pin would
    /// match no installed version.
    pub fn uninstall(&self, id: &str, actor: &str) -> Result<(), LoadError> {
        let started = Instant::now();
        let (name, version) = parse_id(id)?;
        let _change = self.shared.registry.begin_change();
        let mut next = Snapshot::clone(&self.shared.registry.snapshot());
        let removed = next
            .remove(&name, &version)
            .ok_or_else(|| LoadError::NotInstalled {
                plugin: name.clone(),
                version: version.to_string(),
            })?;
        next.check_pins(self.policy())?;
        let plugin = removed.plugin;
        let event = LifecycleEvent::Uninstalled {
            plugin: plugin.name().to_owned(),
            version: plugin.version().to_string(),
            sha256: plugin.sha256().to_owned(),
        };
        self.commit(next, &event, &plugin, None, actor, String::new(), started)
    }

    /// The module file at `path` changed, appeared or disappeared: its new content replaces the
    /// version loaded from it (or joins the host, for a new file), once every check passes; a
    /// deleted file's version is uninstalled. Unchanged content changes nothing. Returns the
    /// event, if something changed.
    pub(crate) fn reload_path(
        &self,
        path: &Path,
        actor: &str,
    ) -> Result<Option<LifecycleEvent>, LoadError> {
        let started = Instant::now();
        let origin = path.display().to_string();
        let loaded_from = self
            .shared
            .registry
            .read(|s| s.entry_from(path).map(|e| Arc::clone(&e.plugin)));
        if !path.exists() {
            let Some(gone) = loaded_from else {
                return Ok(None);
            };
            return self
                .uninstall(&gone.id(), actor)
                .map_err(|e| self.load_failed(&origin, None, e, actor, started))
                .map(|()| {
                    Some(LifecycleEvent::Uninstalled {
                        plugin: gone.name().to_owned(),
                        version: gone.version().to_string(),
                        sha256: gone.sha256().to_owned(),
                    })
                });
        }
        let source = ModuleSource::read_file(path)
            .map_err(|e| self.load_failed(&origin, None, e, actor, started))?;
        if loaded_from
            .as_ref()
            .is_some_and(|p| p.sha256() == sha256_hex(&source.bytes))
        {
            return Ok(None);
        }
        let refused = |e| self.load_failed(&origin, Some(&source.bytes), e, actor, started);
        let settings = &self.shared.settings;
        let guess = settings.guess_limits(&source, loaded_from.as_ref().map(|p| p.name()));
        let plugin = load(&source, settings, guess)
            .map(Arc::new)
            .map_err(refused)?;
        let _change = self.shared.registry.begin_change();
        let mut next = Snapshot::clone(&self.shared.registry.snapshot());
        let previous = next.entry_from(path).cloned();
        let (event, detail) = match previous {
            None => {
                next.insert(Arc::clone(&plugin), VersionStatus::default())
                    .map_err(refused)?;
                let event = LifecycleEvent::Installed {
                    plugin: plugin.name().to_owned(),
                    version: plugin.version().to_string(),
                    sha256: plugin.sha256().to_owned(),
                    origin: origin.clone(),
                };
                (event, format!("from {origin}"))
            }
            Some(previous) => {
                let old = &previous.plugin;
                let same_version = old.name() == plugin.name() && old.version() == plugin.version();
                // The same version keeps the state an administrator gave it; a new one starts
                // enabled, like any installed version.
                let status = if same_version {
                    previous.status.clone()
                } else {
                    VersionStatus::default()
                };
                next.remove(old.name(), old.version());
                next.insert(Arc::clone(&plugin), status).map_err(refused)?;
                next.check_pins(self.policy()).map_err(refused)?;
                let event = LifecycleEvent::Reloaded {
                    plugin: plugin.name().to_owned(),
                    version: plugin.version().to_string(),
                    sha256: plugin.sha256().to_owned(),
                    origin: origin.clone(),
                    previous_version: old.id(),
                    previous_sha256: old.sha256().to_owned(),
                };
                let detail = format!(
                    "from {origin}, replacing {} (sha256 {})",
                    old.id(),
                    old.sha256()
                );
                (event, detail)
            }
        };
        self.commit(next, &event, &plugin, None, actor, detail, started)?;
        Ok(Some(event))
    }

    /// Writes the change's audit record, then swaps `next` in and announces `event`. Called
    /// with the change lock held; if the record cannot be written nothing changes.
    #[allow(clippy::too_many_arguments)]
    fn commit(
        &self,
        next: Snapshot,
        event: &LifecycleEvent,
        plugin: &PluginVersion,
        tenant: Option<&str>,
        actor: &str,
        detail: String,
        started: Instant,
    ) -> Result<(), LoadError> {
        let record = change_record(
            event.kind(),
            Some(plugin),
            tenant,
            actor,
            detail,
            Outcome::Ok,
            None,
            started,
        );
        self.audit_sink().append(&record)?;
        self.shared.registry.store(next);
        self.emit(event);
        Ok(())
    }

    /// A module was refused: the `load_failed` record (best effort: the error is what the
    /// caller needs) and event, then the error back.
    pub(crate) fn load_failed(
        &self,
        origin: &str,
        bytes: Option<&[u8]>,
        error: LoadError,
        actor: &str,
        started: Instant,
    ) -> LoadError {
        let record = load_failed_record(origin, bytes, &error, actor, started);
        // A trail that cannot take this record fails the next call loudly; the refusal itself
        // is already the outcome here.
        let _ = self.audit_sink().append(&record);
        self.emit(&LifecycleEvent::LoadFailed {
            origin: origin.to_owned(),
            error_kind: error.kind().to_owned(),
            reason: error.to_string(),
        });
        error
    }
}

/// The longest reason a `load_failed` record keeps, in characters (a `describe` error is the
/// plugin's own text).
const LOAD_FAILED_REASON_CHARS: usize = 1024;

/// The `load_failed` record of a module refused from `origin`: its file (or origin) and the
/// error's message in `lifecycle.detail`, the error's kind in `error_kind`, the SHA-256 of the
/// module's bytes in `module_sha256` when they were read — never the bytes themselves.
pub(crate) fn load_failed_record(
    origin: &str,
    bytes: Option<&[u8]>,
    error: &LoadError,
    actor: &str,
    started: Instant,
) -> AuditRecord {
    let reason: String = error
        .to_string()
        .chars()
        .take(LOAD_FAILED_REASON_CHARS)
        .collect();
    let mut record = change_record(
        "load_failed",
        None,
        None,
        actor,
        format!("{origin}: {reason}"),
        Outcome::HostFailure,
        Some(error.kind()),
        started,
    );
    record.module_sha256 = bytes.map(sha256_hex).unwrap_or_default();
    record
}

/// The audit record of a change to the installed plugins.
#[allow(clippy::too_many_arguments)]
fn change_record(
    event: &str,
    plugin: Option<&PluginVersion>,
    tenant: Option<&str>,
    actor: &str,
    detail: String,
    outcome: Outcome,
    error_kind: Option<&str>,
    started: Instant,
) -> AuditRecord {
    AuditRecord {
        time: now_rfc3339(),
        tenant: tenant.unwrap_or("*").to_owned(),
        actor: actor.to_owned(),
        plugin: plugin.map(|p| p.name().to_owned()).unwrap_or_default(),
        plugin_version: plugin.map(|p| p.version().to_string()).unwrap_or_default(),
        module_sha256: plugin.map(|p| p.sha256().to_owned()).unwrap_or_default(),
        function: String::new(),
        input_sha256: String::new(),
        input_bytes: 0,
        outcome,
        error_kind: error_kind.map(str::to_owned),
        duration_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        fuel_used: None,
        host_calls: Vec::new(),
        events: Vec::new(),
        lifecycle: Some(LifecycleEntry {
            event: event.to_owned(),
            detail,
        }),
        host_action: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_operations_name_an_exact_version() {
        assert_eq!(
            parse_id("lgpd-analyzer@0.1.0").unwrap(),
            ("lgpd-analyzer".to_owned(), Version::new(0, 1, 0))
        );
        let error = parse_id("lgpd-analyzer").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`lgpd-analyzer` is not `plugin@version`: name the version, as in `lgpd-analyzer@0.1.0`"
        );
        assert_eq!(error.kind(), "invalid_plugin_id");
        assert!(parse_id("lgpd-analyzer@^0.1").is_err());
        assert!(parse_id("Bad@1.0.0").is_err());
    }
}
