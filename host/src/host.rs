//! [`Host`]: the installed plugin versions, the policy, the services — shared by every call.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use crate::audit::{AuditError, AuditRecord, AuditSink, HostAction, Outcome, now_rfc3339};
use crate::call::{Target, UNNAMED_ACTOR};
use crate::instances::IdleLedger;
use crate::metrics::HostMetrics;
use crate::phi::PhiError;
use crate::policy::Policy;
use crate::reaper::Reaper;
use crate::registry::{EventBus, LifecycleEvent, LoadSettings, PluginVersion, Registry};
use crate::services::Services;
use crate::{CallContext, CallError, HostBuilder};

/// A set of plugin versions under a policy, callable by name. Cheap to clone and share across
/// threads: clones are handles on the same host, and calls take `&self`.
///
/// Every call — success, plugin error, limit hit, denial — writes one audit record; a call
/// whose record cannot be written fails with [`CallError::Audit`]. The set of versions can
/// change while calls run (see the lifecycle operations: [`install_file`](Self::install_file),
/// [`enable`](Self::enable), [`disable`](Self::disable), [`uninstall`](Self::uninstall),
/// [`watch`](Self::watch)); a call that started on a version finishes on it.
#[derive(Debug, Clone)]
pub struct Host {
    pub(crate) shared: Arc<Shared>,
}

/// What every handle on a host shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub registry: Registry,
    pub settings: LoadSettings,
    pub services: Arc<Services>,
    pub events: EventBus,
    /// Frees retired versions and discarded instances off the calls' threads.
    pub reaper: Arc<Reaper>,
    /// What the host counts.
    pub metrics: HostMetrics,
}

impl Host {
    /// Starts building a host.
    pub fn builder() -> HostBuilder {
        HostBuilder::default()
    }

    pub(crate) fn new(
        registry: Registry,
        settings: LoadSettings,
        services: Services,
        reaper: Arc<Reaper>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                registry,
                settings,
                services: Arc::new(services),
                events: EventBus::default(),
                reaper,
                metrics: HostMetrics::default(),
            }),
        }
    }

    /// Lets go of a version a call held: if it was the last reference (the version was
    /// replaced or uninstalled meanwhile), it is freed on the reaper's thread, not the call's.
    pub(crate) fn release(&self, plugin: Arc<PluginVersion>) {
        if let Some(retired) = Arc::into_inner(plugin) {
            self.shared.reaper.drop_later(retired);
        }
    }

    /// The policy the host runs under.
    pub fn policy(&self) -> &Policy {
        &self.shared.settings.policy
    }

    /// Where the host writes its audit records.
    pub fn audit_sink(&self) -> &Arc<dyn AuditSink> {
        &self.shared.services.audit
    }

    pub(crate) fn ledger(&self) -> &Arc<IdleLedger> {
        &self.shared.settings.ledger
    }

    /// Idle instances over every tenant and version, and the host's cap on them.
    pub fn idle_instances(&self) -> (usize, usize) {
        (self.ledger().idle(), self.ledger().cap())
    }

    /// Opens an `encrypt_phi` envelope that a plugin sealed for `tenant`, on behalf of an
    /// unnamed actor: [`decrypt_phi_as`](Self::decrypt_phi_as) with
    /// [`UNNAMED_ACTOR`](crate::UNNAMED_ACTOR).
    pub fn decrypt_phi(
        &self,
        tenant: &str,
        envelope: &medplug_pdk::host_fns::EncryptedPhi,
    ) -> Result<Vec<u8>, PhiError> {
        self.decrypt_phi_as(&CallContext::new(tenant, UNNAMED_ACTOR), envelope)
    }

    /// Opens an `encrypt_phi` envelope that a plugin sealed for `context.tenant`, and writes
    /// one audit record of it, opened or not: tenant, actor, the key id the envelope names,
    /// the ciphertext's SHA-256 and length (never the ciphertext, never the plaintext), the
    /// outcome (`denied` for a changed byte, another tenant's envelope or an unknown key,
    /// `host_failure` for a host without a PHI key, [`PhiError::NoKeyring`]). If the record
    /// cannot be written the plaintext is not returned: [`PhiError::Audit`].
    pub fn decrypt_phi_as(
        &self,
        context: &CallContext,
        envelope: &medplug_pdk::host_fns::EncryptedPhi,
    ) -> Result<Vec<u8>, PhiError> {
        let started = (now_rfc3339(), std::time::Instant::now());
        let opened = self
            .shared
            .services
            .keyring
            .as_ref()
            .ok_or(PhiError::NoKeyring)
            .and_then(|keyring| keyring.open(&context.tenant, envelope));
        let (outcome, error_kind) = match &opened {
            Ok(_) => (Outcome::Ok, None),
            Err(e) => (e.outcome(), Some(e.kind().to_owned())),
        };
        let action = HostAction::DecryptPhi {
            key_id: envelope.key_id.chars().take(64).collect(),
        };
        let record = AuditRecord {
            time: started.0,
            input_sha256: crate::sha256_hex(envelope.ciphertext.as_bytes()),
            input_bytes: envelope.ciphertext.len() as u64,
            error_kind,
            duration_us: u64::try_from(started.1.elapsed().as_micros()).unwrap_or(u64::MAX),
            ..AuditRecord::of_host_action(&context.tenant, &context.actor, outcome, action)
        };
        self.audit_sink().append(&record)?;
        opened
    }

    /// Writes one `policy_in_force` record: where the host's policy was read from and the
    /// SHA-256 of its text (`""` and `built-in open policy` for [`Policy::open`]). A host's
    /// policy does not change while it runs (a new policy means a new host), so this one record
    /// at start — `medplug serve` writes it before it listens — covers every call after it.
    /// Returns the record's sequence.
    pub fn record_policy(&self, actor: &str) -> Result<u64, AuditError> {
        let (source, sha256) = match &self.policy().source {
            Some(source) => (source.origin.clone(), source.sha256.clone()),
            None => ("built-in open policy".to_owned(), String::new()),
        };
        let action = HostAction::PolicyInForce { source, sha256 };
        let record = AuditRecord::of_host_action("*", actor, Outcome::Ok, action);
        self.audit_sink().append(&record)
    }

    /// The version `target` names for no tenant in particular: the highest installed version
    /// that matches it, whatever its state (`lgpd-analyzer`, `lgpd-analyzer@0.1.0`, `…@^0.1`).
    pub fn plugin(&self, target: &str) -> Result<Arc<PluginVersion>, CallError> {
        let parsed: Target = target.parse().map_err(|problem| CallError::InvalidTarget {
            target: target.chars().take(64).collect(),
            problem,
        })?;
        self.shared.registry.read(|snapshot| {
            snapshot
                .entries()
                .filter(|e| e.plugin.name() == parsed.plugin())
                .filter(|e| {
                    parsed
                        .requirement()
                        .is_none_or(|r| r.matches(e.plugin.version()))
                })
                .map(|e| Arc::clone(&e.plugin))
                .last()
                .ok_or_else(|| CallError::PluginNotFound {
                    plugin: parsed.plugin().to_owned(),
                })
        })
    }

    /// Every installed version, by name then version.
    pub fn plugins(&self) -> Vec<Arc<PluginVersion>> {
        self.shared
            .registry
            .read(|snapshot| snapshot.entries().map(|e| Arc::clone(&e.plugin)).collect())
    }

    /// The context of calls that name none: the policy's default tenant, an unnamed actor.
    pub fn default_context(&self) -> Result<CallContext, CallError> {
        let tenant = self
            .policy()
            .default_tenant
            .as_ref()
            .ok_or(CallError::NoTenant)?;
        Ok(CallContext::new(tenant.clone(), UNNAMED_ACTOR))
    }

    /// A channel that receives every [`LifecycleEvent`] from now on; drop it to unsubscribe.
    pub fn subscribe(&self) -> Receiver<LifecycleEvent> {
        self.shared.events.subscribe()
    }

    /// Calls `callback` with every [`LifecycleEvent`] from now on, in the thread that caused
    /// it: keep it quick, and make no lifecycle change from it (changes are announced while
    /// the registry's change lock is held, so that events arrive in the order of the changes;
    /// a channel from [`subscribe`](Self::subscribe) has no such limit).
    pub fn on_event(&self, callback: impl Fn(&LifecycleEvent) + Send + Sync + 'static) {
        self.shared.events.on_event(callback);
    }

    pub(crate) fn emit(&self, event: &LifecycleEvent) {
        self.shared.metrics.observe_event(event.kind());
        self.shared.events.emit(event);
    }

    /// Every metric the host keeps — calls, durations, errors, quota rejections, instances,
    /// lifecycle events, audit appends — in OpenMetrics text ([`METRICS_CONTENT_TYPE`](crate::METRICS_CONTENT_TYPE)), as the
    /// HTTP service's `/metrics` serves them. README.md lists them.
    pub fn encode_metrics(&self) -> String {
        self.shared.metrics.encode(&self.plugins())
    }

    /// Whether the host can serve: at least one plugin installed, and the audit trail writable
    /// now. The error says which is not so.
    pub fn ready(&self) -> Result<(), String> {
        if self.plugins().is_empty() {
            return Err("no plugin is installed".to_owned());
        }
        self.audit_sink()
            .check_writable()
            .map_err(|e| format!("the audit trail is not writable: {e}"))
    }
}

#[cfg(test)]
mod tests {
    /// Embedders share one host across threads (an HTTP server's workers).
    #[test]
    fn a_host_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync + Clone>() {}
        shareable::<super::Host>();
    }
}
