//! [`HostMetrics`]: what a host counts, in the Prometheus project's own client, for the HTTP
//! service's `/metrics` and for any embedder ([`Host::encode_metrics`](crate::Host::encode_metrics)).
//!
//! Names follow Prometheus's guidance (a `medplug_` prefix, base units: seconds, `_total` for
//! counters). The design documents' `plugin_calls_total`, `plugin_duration_microseconds` and
//! `plugin_errors_total` are `medplug_plugin_calls_total`, `medplug_plugin_call_duration_seconds`
//! and `medplug_plugin_errors_total`. Labels come from the policy and the installed plugins —
//! never from a caller's input: a plugin or function that does not exist is counted as `-`.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::registry::PluginVersion;

/// The content type of [`HostMetrics::encode`]'s text (OpenMetrics, which Prometheus scrapes).
pub const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Labels of a call.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    tenant: String,
    plugin: String,
    version: String,
    function: String,
    outcome: String,
}

/// Labels of a function of a version.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FunctionLabels {
    plugin: String,
    version: String,
    function: String,
}

/// Labels of an error.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    plugin: String,
    kind: String,
}

/// Labels of a quota rejection.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QuotaLabels {
    tenant: String,
    plugin: String,
}

/// Labels of a version's instances.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InstanceLabels {
    plugin: String,
    version: String,
    state: String,
}

/// Labels of a lifecycle event.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    event: String,
}

/// One finished call, as the metrics see it.
pub(crate) struct CallObservation<'a> {
    pub tenant: &'a str,
    /// The version that answered, and whether the function exists in it.
    pub answered: Option<(&'a PluginVersion, bool)>,
    pub function: &'a str,
    pub outcome: &'a str,
    pub error_kind: Option<&'a str>,
    pub duration: Duration,
}

type HistogramConstructor = fn() -> Histogram;

/// A host's metrics.
#[derive(Debug)]
pub struct HostMetrics {
    registry: Registry,
    calls: Family<CallLabels, Counter>,
    durations: Family<FunctionLabels, Histogram, HistogramConstructor>,
    errors: Family<ErrorLabels, Counter>,
    quota_rejections: Family<QuotaLabels, Counter>,
    instances: Family<InstanceLabels, Gauge>,
    lifecycle: Family<EventLabels, Counter>,
    audit_append: Histogram,
}

/// Call durations: 20 µs to about 9 s, ×2.5 a bucket.
fn call_buckets() -> Histogram {
    Histogram::new(exponential_buckets(20e-6, 2.5, 15))
}

impl Default for HostMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("medplug");
        let calls = Family::<CallLabels, Counter>::default();
        let durations = Family::new_with_constructor(call_buckets as HistogramConstructor);
        let errors = Family::<ErrorLabels, Counter>::default();
        let quota_rejections = Family::<QuotaLabels, Counter>::default();
        let instances = Family::<InstanceLabels, Gauge>::default();
        let lifecycle = Family::<EventLabels, Counter>::default();
        // Appends: 1 µs (memory) to about 1 s (a disk under load), ×4 a bucket.
        let audit_append = Histogram::new(exponential_buckets(1e-6, 4.0, 11));
        registry.register(
            "plugin_calls",
            "Calls by tenant, plugin, version, function and outcome",
            calls.clone(),
        );
        registry.register(
            "plugin_call_duration_seconds",
            "Duration of calls, from admission to the audit record",
            durations.clone(),
        );
        registry.register(
            "plugin_errors",
            "Failed calls by plugin and error kind",
            errors.clone(),
        );
        registry.register(
            "quota_rejections",
            "Calls refused because the tenant's quota for the plugin was used up",
            quota_rejections.clone(),
        );
        registry.register(
            "instances",
            "Instances of each installed version, running or idle",
            instances.clone(),
        );
        registry.register(
            "lifecycle_events",
            "Changes to the installed plugins (reloads, load failures, …) and limit hits",
            lifecycle.clone(),
        );
        registry.register(
            "audit_append_duration_seconds",
            "Time to append one record to the audit trail",
            audit_append.clone(),
        );
        Self {
            registry,
            calls,
            durations,
            errors,
            quota_rejections,
            instances,
            lifecycle,
            audit_append,
        }
    }
}

impl HostMetrics {
    /// Counts a finished call.
    pub(crate) fn observe_call(&self, call: &CallObservation<'_>) {
        let (plugin, version, function) = match call.answered {
            Some((plugin, exists)) => (
                plugin.name().to_owned(),
                plugin.version().to_string(),
                if exists { call.function } else { "-" }.to_owned(),
            ),
            None => ("-".to_owned(), "-".to_owned(), "-".to_owned()),
        };
        self.calls
            .get_or_create(&CallLabels {
                tenant: call.tenant.to_owned(),
                plugin: plugin.clone(),
                version: version.clone(),
                function: function.clone(),
                outcome: call.outcome.to_owned(),
            })
            .inc();
        if let Some(kind) = call.error_kind {
            self.errors
                .get_or_create(&ErrorLabels {
                    plugin: plugin.clone(),
                    kind: kind.to_owned(),
                })
                .inc();
            if kind == "quota_exceeded" {
                self.quota_rejections
                    .get_or_create(&QuotaLabels {
                        tenant: call.tenant.to_owned(),
                        plugin: plugin.clone(),
                    })
                    .inc();
            }
        }
        if call.answered.is_some() {
            self.durations
                .get_or_create(&FunctionLabels {
                    plugin,
                    version,
                    function,
                })
                .observe(call.duration.as_secs_f64());
        }
    }

    /// Counts a lifecycle event.
    pub(crate) fn observe_event(&self, event: &str) {
        self.lifecycle
            .get_or_create(&EventLabels {
                event: event.to_owned(),
            })
            .inc();
    }

    /// Times an audit append.
    pub(crate) fn observe_audit_append(&self, took: Duration) {
        self.audit_append.observe(took.as_secs_f64());
    }

    /// Sets the instance gauges to the installed versions' pools, then writes every metric in
    /// OpenMetrics text ([`METRICS_CONTENT_TYPE`]).
    pub(crate) fn encode(&self, versions: &[Arc<PluginVersion>]) -> String {
        self.instances.clear();
        for plugin in versions {
            for (state, count) in [
                ("running", plugin.running_instances()),
                ("idle", plugin.idle_instances()),
            ] {
                self.instances
                    .get_or_create(&InstanceLabels {
                        plugin: plugin.name().to_owned(),
                        version: plugin.version().to_string(),
                        state: state.to_owned(),
                    })
                    .set(i64::try_from(count).unwrap_or(i64::MAX));
            }
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }
}
