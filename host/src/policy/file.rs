//! The policy file: TOML, read with serde and checked as a whole before a host uses it.
//!
//! ```toml
//! default_tenant = "clinica-horizonte"     # tenant of calls that name none (optional)
//! allow_unlisted_plugins = false           # default false
//!
//! [storage]                                # paths relative to this file
//! audit_db = "medplug-audit.db"            # SQLite audit trail (absent: in memory)
//! patients_db = "medplug-patients.db"      # SQLite patient store (absent: none)
//! # or, for replicas on one database (instead of audit_db / patients_db; no password in the
//! # URL: it comes from the environment variable PGPASSWORD):
//! # audit = "postgres://medplug@db.internal:5432/medplug"
//! # patients = "postgres://medplug@db.internal:5432/medplug"
//! # quotas = "postgres://medplug@db.internal:5432/medplug"   # windows shared by the replicas
//! #                                                          # (absent: each process its own)
//! api_keys = "medplug-api-keys.json"       # the HTTP service's key hashes (`medplug tenant-key`)
//!
//! [phi_key]                                # for encrypt_phi: `file` or `env`, never the key
//! id = "demo-2026-11"
//! env = "MEDPLUG_PHI_KEY"
//!
//! [audit]                                  # signed checkpoints of the audit trail's head
//! checkpoint_key = "audit-checkpoint.key"  # ed25519 seed file (`medplug signing-key new`)
//! checkpoint_dir = "audit-checkpoints"     # `checkpoint-<sequence>.json`, kept off the database
//! checkpoint_interval_s = 3600             # `medplug serve` writes one this often (default 3600)
//!
//! [signatures]
//! require = false
//! trusted_keys = ["d75a98…"]               # ed25519 public keys, 64 hex
//!
//! [schemas]
//! require = false                          # true: refuse a module that embeds no schemas
//!                                          # (when the host has no schemas directory)
//!
//! [limits]                                 # every plugin's, unless it has its own
//! memory_pages = 2048                      # 64 KiB pages
//! timeout_ms = 5000
//! fuel = 10000000000                       # 0 turns metering off
//! max_input_bytes = 16777216
//! max_output_bytes = 16777216              # checked before the host copies the output
//! max_host_calls = 1000                    # host-function calls in one call; beyond: the call ends
//! max_var_bytes = 65536                    # Extism variables per instance (0: none)
//!
//! [pool]                                   # per tenant × plugin@version, unless it has its own
//! max_instances = 4                        # running at once; a call beyond waits…
//! queue_timeout_ms = 1000                  # …this long, then fails `busy` (retryable)
//! min_idle = 0                             # pre-instantiated and warmed up at install
//! max_idle_total = 64                      # idle instances over the whole host (LRU beyond)
//!
//! [quotas]                                 # per tenant × plugin, unless it has its own
//! calls = 1000                             # calls per period (0: none); beyond: quota_exceeded
//! period_seconds = 60
//! get_patient_per_call = 50                # host functions: uses in one call…
//! get_patient_per_period = 3000            # …and per tenant × plugin per period (0: no limit)
//! encrypt_phi_per_call = 100
//! encrypt_phi_per_period = 6000
//!
//! [plugins.lgpd-analyzer]
//! sha256 = "…"                             # pin (optional); a list for versions side by side
//! grants = ["audit_log"]
//! limits = { timeout_ms = 2000 }           # overrides field by field
//! pool = { min_idle = 1 }                  # overrides field by field
//! quotas = { calls = 600 }                 # overrides field by field
//!
//! [tenants.clinica-horizonte]
//! name = "Clínica Horizonte"
//! specialties = ["dermatology", "privacy"]
//! plugins = ["lgpd-analyzer", "lesion-risk"]
//! grants = { lgpd-analyzer = [] }          # narrower than the plugin's grants (optional)
//! pins = { lgpd-analyzer = "0.1.0" }       # exactly 0.1.0; "^0.1" any 0.1.x (optional)
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use medplug_pdk::Capability;
use serde::Deserialize;

use super::tenant::{ANY, Tenant};
use super::{PhiKeyConfig, PhiKeySource, PluginPolicy, Policy, PostgresUrl, StoreLocation};
use crate::Limits;
use crate::ids::is_valid_id;
use crate::instances::{DEFAULT_MAX_IDLE_TOTAL, PoolLimits};
use crate::quota::{CallQuota, HostFunctionQuota};
use crate::registry::VersionRequirement;
use crate::signature::TrustedKey;

/// A policy that cannot be read or does not hold together.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file cannot be read.
    #[error("cannot read policy {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not valid TOML, or a field of the wrong type or name (the message gives line and column).
    #[error("policy {origin} is not valid: {message}")]
    Syntax {
        /// The file.
        origin: String,
        /// What the TOML reader said.
        message: String,
    },
    /// Valid TOML whose parts contradict each other.
    #[error("policy {origin}: {message}")]
    Inconsistent {
        /// The file.
        origin: String,
        /// What does not hold, naming the table and field.
        message: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    default_tenant: Option<String>,
    #[serde(default)]
    allow_unlisted_plugins: bool,
    #[serde(default)]
    storage: RawStorage,
    audit: Option<RawAudit>,
    phi_key: Option<RawPhiKey>,
    #[serde(default)]
    signatures: RawSignatures,
    #[serde(default)]
    schemas: RawSchemas,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    pool: RawPool,
    #[serde(default)]
    quotas: RawQuota,
    #[serde(default)]
    plugins: BTreeMap<String, RawPlugin>,
    #[serde(default)]
    tenants: BTreeMap<String, RawTenant>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStorage {
    audit_db: Option<PathBuf>,
    patients_db: Option<PathBuf>,
    audit: Option<String>,
    patients: Option<String>,
    quotas: Option<String>,
    api_keys: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    checkpoint_key: Option<PathBuf>,
    checkpoint_dir: Option<PathBuf>,
    checkpoint_interval_s: Option<u64>,
}

/// The default of `[audit] checkpoint_interval_s`: hourly.
const DEFAULT_CHECKPOINT_INTERVAL_S: u64 = 3600;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhiKey {
    id: String,
    file: Option<PathBuf>,
    env: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchemas {
    #[serde(default)]
    require: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignatures {
    #[serde(default)]
    require: bool,
    #[serde(default)]
    trusted_keys: Vec<String>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    memory_pages: Option<u32>,
    timeout_ms: Option<u64>,
    fuel: Option<u64>,
    max_input_bytes: Option<usize>,
    max_output_bytes: Option<usize>,
    max_host_calls: Option<u32>,
    max_var_bytes: Option<u64>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoolLimits {
    max_instances: Option<usize>,
    queue_timeout_ms: Option<u64>,
    min_idle: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPool {
    #[serde(flatten)]
    limits: RawPoolLimits,
    max_idle_total: Option<usize>,
}

/// One digest, or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDigests {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    sha256: Option<RawDigests>,
    #[serde(default)]
    grants: BTreeSet<Capability>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    pool: RawPoolLimits,
    #[serde(default)]
    quotas: RawQuota,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuota {
    calls: Option<u32>,
    period_seconds: Option<u64>,
    get_patient_per_call: Option<u32>,
    get_patient_per_period: Option<u32>,
    encrypt_phi_per_call: Option<u32>,
    encrypt_phi_per_period: Option<u32>,
}

impl RawQuota {
    fn over(self, base: &CallQuota) -> CallQuota {
        let mut quota = base.clone();
        quota.calls = self.calls.unwrap_or(base.calls);
        quota.period = self.period_seconds.map_or(base.period, Duration::from_secs);
        for (capability, per_call, per_period) in [
            (
                Capability::ReadPatient,
                self.get_patient_per_call,
                self.get_patient_per_period,
            ),
            (
                Capability::EncryptPhi,
                self.encrypt_phi_per_call,
                self.encrypt_phi_per_period,
            ),
        ] {
            let old = base.host_function(capability);
            quota.host_functions.insert(
                capability,
                HostFunctionQuota {
                    per_call: per_call.unwrap_or(old.per_call),
                    per_period: per_period.unwrap_or(old.per_period),
                },
            );
        }
        quota
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTenant {
    name: Option<String>,
    specialties: BTreeSet<String>,
    plugins: BTreeSet<String>,
    #[serde(default)]
    grants: BTreeMap<String, BTreeSet<Capability>>,
    #[serde(default)]
    pins: BTreeMap<String, String>,
}

impl RawPoolLimits {
    fn over(self, base: PoolLimits) -> PoolLimits {
        PoolLimits {
            max_instances: self.max_instances.unwrap_or(base.max_instances),
            queue_timeout: self
                .queue_timeout_ms
                .map_or(base.queue_timeout, Duration::from_millis),
            min_idle: self.min_idle.unwrap_or(base.min_idle),
        }
    }
}

impl RawLimits {
    fn over(self, base: Limits) -> Limits {
        Limits {
            max_memory_pages: self.memory_pages.unwrap_or(base.max_memory_pages),
            timeout: self.timeout_ms.map_or(base.timeout, Duration::from_millis),
            fuel: self.fuel.map_or(base.fuel, |f| (f > 0).then_some(f)),
            max_input_bytes: self.max_input_bytes.unwrap_or(base.max_input_bytes),
            max_output_bytes: self.max_output_bytes.unwrap_or(base.max_output_bytes),
            max_host_calls: self.max_host_calls.unwrap_or(base.max_host_calls),
            max_var_bytes: self.max_var_bytes.unwrap_or(base.max_var_bytes),
        }
    }
}

pub(super) fn parse(text: &str, origin: &str, base: &Path) -> Result<Policy, PolicyError> {
    let raw: RawPolicy = toml::from_str(text).map_err(|e| PolicyError::Syntax {
        origin: origin.to_owned(),
        // toml's text draws the line with a caret over several lines; keep the position and
        // the message, one line.
        message: format!(
            "{}: {}",
            e.to_string().lines().next().unwrap_or("TOML parse error"),
            e.message()
        ),
    })?;
    let bad = |message: String| PolicyError::Inconsistent {
        origin: origin.to_owned(),
        message,
    };
    let default_limits = raw.limits.over(Limits::default());
    check_limits(&default_limits, "[limits]").map_err(bad)?;
    let default_pool = raw.pool.limits.over(PoolLimits::default());
    check_pool(&default_pool, "[pool]").map_err(bad)?;
    let default_quota = raw.quotas.over(&CallQuota::default());
    check_quota(&default_quota, "[quotas]").map_err(bad)?;
    let mut plugins = BTreeMap::new();
    for (name, plugin) in raw.plugins {
        if !is_valid_id(&name) {
            return Err(bad(format!(
                "[plugins.{name}]: a plugin name is 1-64 letters, digits, '-', '_' or '.'"
            )));
        }
        let sha256 = match plugin.sha256 {
            None => Vec::new(),
            Some(RawDigests::One(sha)) => vec![sha],
            Some(RawDigests::Many(list)) => list,
        };
        for sha in &sha256 {
            let hex64 = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex64 || sha.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(bad(format!(
                    "[plugins.{name}] sha256 must be 64 lowercase hex characters, found `{sha}`"
                )));
            }
        }
        let limits = plugin.limits.over(default_limits);
        check_limits(&limits, &format!("[plugins.{name}.limits]")).map_err(bad)?;
        let pool = plugin.pool.over(default_pool);
        check_pool(&pool, &format!("[plugins.{name}.pool]")).map_err(bad)?;
        let quota = plugin.quotas.over(&default_quota);
        check_quota(&quota, &format!("[plugins.{name}.quotas]")).map_err(bad)?;
        plugins.insert(
            name,
            PluginPolicy {
                sha256,
                grants: plugin.grants,
                limits,
                pool,
                quota,
            },
        );
    }
    let mut tenants = BTreeMap::new();
    for (id, tenant) in raw.tenants {
        if !is_valid_id(&id) {
            return Err(bad(format!(
                "[tenants.{id}]: a tenant id is 1-64 letters, digits, '-', '_' or '.'"
            )));
        }
        for plugin in &tenant.plugins {
            if plugin != ANY && !plugins.contains_key(plugin) && !raw.allow_unlisted_plugins {
                return Err(bad(format!(
                    "[tenants.{id}] enables plugin `{plugin}`, which has no [plugins.{plugin}] table"
                )));
            }
        }
        for (plugin, grants) in &tenant.grants {
            let allowed = |c: &&Capability| {
                plugins
                    .get(plugin)
                    .is_some_and(|p: &PluginPolicy| p.grants.contains(c))
            };
            if let Some(extra) = grants.iter().find(|c| !allowed(c)) {
                return Err(bad(format!(
                    "[tenants.{id}] grants `{extra}` to `{plugin}`, but [plugins.{plugin}] does not grant it: a tenant may only narrow a plugin's grants"
                )));
            }
        }
        let mut pins = BTreeMap::new();
        for (plugin, pin) in tenant.pins {
            let enabled = tenant.plugins.contains(ANY) || tenant.plugins.contains(&plugin);
            if !enabled {
                return Err(bad(format!(
                    "[tenants.{id}] pins `{plugin}`, which it does not enable"
                )));
            }
            let requirement = pin.parse::<VersionRequirement>().map_err(|e| {
                bad(format!(
                    "[tenants.{id}] pins `{plugin}` to `{pin}`, which is not a version or version requirement: {e}"
                ))
            })?;
            pins.insert(plugin, requirement);
        }
        tenants.insert(
            id.clone(),
            Tenant {
                name: tenant.name.unwrap_or_else(|| id.clone()),
                id,
                specialties: tenant.specialties,
                plugins: tenant.plugins,
                grants: tenant.grants,
                pins,
            },
        );
    }
    if let Some(tenant) = &raw.default_tenant
        && !tenants.contains_key(tenant)
    {
        return Err(bad(format!(
            "default_tenant `{tenant}` has no [tenants.{tenant}] table"
        )));
    }
    let trusted_keys = raw
        .signatures
        .trusted_keys
        .iter()
        .map(|k| {
            k.parse::<TrustedKey>()
                .map_err(|e| bad(format!("[signatures] trusted key `{k}`: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if raw.signatures.require && trusted_keys.is_empty() {
        return Err(bad(
            "[signatures] require = true needs at least one trusted key".to_owned(),
        ));
    }
    let phi_key = raw
        .phi_key
        .map(|key| {
            if !is_valid_id(&key.id) {
                return Err(bad(format!(
                    "[phi_key] id `{}` must be 1-64 letters, digits, '-', '_' or '.'",
                    key.id
                )));
            }
            let source = match (key.file, key.env) {
                (Some(file), None) => PhiKeySource::File(base.join(file)),
                (None, Some(var)) => PhiKeySource::Env(var),
                _ => {
                    return Err(bad(
                        "[phi_key] needs exactly one of `file` and `env`".to_owned()
                    ));
                }
            };
            Ok(PhiKeyConfig { id: key.id, source })
        })
        .transpose()?;
    let needs_key = plugins
        .iter()
        .find(|(_, p)| p.grants.contains(&Capability::EncryptPhi));
    if let (Some((name, _)), None) = (needs_key, &phi_key) {
        return Err(bad(format!(
            "[plugins.{name}] is granted `encrypt_phi`, which needs a [phi_key] table"
        )));
    }
    let audit_checkpoints = match raw.audit {
        None => None,
        Some(RawAudit {
            checkpoint_key: Some(key),
            checkpoint_dir: Some(dir),
            checkpoint_interval_s,
        }) => {
            let interval = checkpoint_interval_s.unwrap_or(DEFAULT_CHECKPOINT_INTERVAL_S);
            if interval == 0 {
                return Err(bad(
                    "[audit] checkpoint_interval_s must be at least 1".to_owned()
                ));
            }
            if raw.storage.audit_db.is_none() && raw.storage.audit.is_none() {
                return Err(bad(
                    "[audit] checkpoints need a trail to checkpoint: set [storage] audit_db or audit"
                        .to_owned(),
                ));
            }
            Some(super::AuditCheckpoints {
                key: base.join(key),
                dir: base.join(dir),
                interval: Duration::from_secs(interval),
            })
        }
        Some(_) => {
            return Err(bad(
                "[audit] needs both checkpoint_key and checkpoint_dir".to_owned()
            ));
        }
    };
    let audit =
        store_location("audit", raw.storage.audit_db, raw.storage.audit, base).map_err(bad)?;
    let patients = store_location(
        "patients",
        raw.storage.patients_db,
        raw.storage.patients,
        base,
    )
    .map_err(bad)?;
    let quotas = raw
        .storage
        .quotas
        .map(|url| PostgresUrl::parse(&url).map_err(|e| bad(format!("[storage] quotas: {e}"))))
        .transpose()?;
    Ok(Policy {
        default_tenant: raw.default_tenant,
        tenants,
        plugins,
        allow_unlisted_plugins: raw.allow_unlisted_plugins,
        default_limits,
        default_pool,
        default_quota,
        max_idle_total: raw.pool.max_idle_total.unwrap_or(DEFAULT_MAX_IDLE_TOTAL),
        trusted_keys,
        require_signatures: raw.signatures.require,
        require_schemas: raw.schemas.require,
        audit,
        patients,
        quotas,
        api_keys: raw.storage.api_keys.map(|p| base.join(p)),
        phi_key,
        audit_checkpoints,
        source: Some(super::PolicySource {
            origin: origin.to_owned(),
            sha256: crate::sha256_hex(text.as_bytes()),
        }),
    })
}

/// `[storage] {name}_db` (a SQLite file, relative to the policy) or `{name}` (a PostgreSQL URL),
/// not both.
fn store_location(
    name: &str,
    file: Option<PathBuf>,
    url: Option<String>,
    base: &Path,
) -> Result<Option<StoreLocation>, String> {
    match (file, url) {
        (Some(_), Some(_)) => Err(format!(
            "[storage] sets both {name}_db and {name}: one store, a SQLite file or a PostgreSQL URL"
        )),
        (Some(path), None) => Ok(Some(StoreLocation::Sqlite(base.join(path)))),
        (None, Some(url)) => PostgresUrl::parse(&url)
            .map(|url| Some(StoreLocation::Postgres(url)))
            .map_err(|e| format!("[storage] {name}: {e}")),
        (None, None) => Ok(None),
    }
}

fn check_quota(quota: &CallQuota, table: &str) -> Result<(), String> {
    if quota.period.is_zero() {
        return Err(format!("{table} period_seconds must be positive"));
    }
    Ok(())
}

fn check_pool(pool: &PoolLimits, table: &str) -> Result<(), String> {
    if pool.max_instances == 0 {
        return Err(format!("{table} max_instances must be at least 1"));
    }
    if pool.min_idle > pool.max_instances {
        return Err(format!(
            "{table} min_idle ({}) must not exceed max_instances ({})",
            pool.min_idle, pool.max_instances
        ));
    }
    Ok(())
}

fn check_limits(limits: &Limits, table: &str) -> Result<(), String> {
    if limits.max_memory_pages == 0 || limits.max_memory_pages > 65_536 {
        return Err(format!(
            "{table} memory_pages must be 1-65536 (64 KiB pages), found {}",
            limits.max_memory_pages
        ));
    }
    if limits.timeout.is_zero() {
        return Err(format!("{table} timeout_ms must be positive"));
    }
    if limits.max_input_bytes == 0 {
        return Err(format!("{table} max_input_bytes must be positive"));
    }
    if limits.max_output_bytes == 0 {
        return Err(format!("{table} max_output_bytes must be positive"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Policy, PolicyError> {
        parse(text, "test.toml", Path::new("/etc/medplug"))
    }

    #[test]
    fn a_full_policy_reads_into_its_parts() -> Result<(), PolicyError> {
        let policy = parse_str(
            r#"
            default_tenant = "a"
            [storage]
            audit_db = "audit.db"
            [phi_key]
            id = "k1"
            file = "keys/phi.key"
            [limits]
            timeout_ms = 1000
            [pool]
            max_instances = 3
            max_idle_total = 10
            [quotas]
            calls = 10
            get_patient_per_call = 3
            [plugins.p]
            sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            grants = ["audit_log", "encrypt_phi"]
            limits = { fuel = 0 }
            pool = { min_idle = 1, queue_timeout_ms = 250 }
            quotas = { period_seconds = 1, encrypt_phi_per_period = 0 }
            [plugins.q]
            sha256 = ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"]
            [tenants.a]
            specialties = ["cardiology"]
            plugins = ["p", "q"]
            grants = { p = ["audit_log"] }
            pins = { p = "1.2.0", q = "^2" }
            "#,
        )?;
        let p = policy.plugin("p").expect("plugin p");
        assert_eq!(p.limits.timeout, Duration::from_millis(1000));
        assert_eq!(p.limits.fuel, None);
        assert_eq!(p.sha256.len(), 1);
        assert_eq!(policy.plugin("q").expect("plugin q").sha256.len(), 2);
        assert_eq!(
            policy.pool_limits("p"),
            PoolLimits {
                max_instances: 3,
                queue_timeout: Duration::from_millis(250),
                min_idle: 1
            }
        );
        assert_eq!(policy.pool_limits("q").min_idle, 0);
        assert_eq!(policy.max_idle_total, 10);
        let quota = policy.quota("p");
        assert_eq!((quota.calls, quota.period), (10, Duration::from_secs(1)));
        assert_eq!(
            quota.host_function(Capability::ReadPatient),
            HostFunctionQuota {
                per_call: 3,
                per_period: 3_000
            }
        );
        assert_eq!(quota.host_function(Capability::EncryptPhi).per_period, 0);
        assert_eq!(policy.quota("q").period, Duration::from_secs(60));
        assert_eq!(policy.limits("unlisted").fuel, Limits::default().fuel);
        let a = policy.tenant("a").expect("tenant a");
        assert_eq!(a.name, "a");
        assert_eq!(a.pins["p"].exact(), Some(semver::Version::new(1, 2, 0)));
        assert!(a.pins["q"].matches(&semver::Version::new(2, 9, 0)));
        assert_eq!(
            policy.tenant_grants(a, "p"),
            BTreeSet::from([Capability::AuditLog])
        );
        assert_eq!(
            policy.phi_key,
            Some(PhiKeyConfig {
                id: "k1".into(),
                source: PhiKeySource::File(PathBuf::from("/etc/medplug/keys/phi.key")),
            })
        );
        assert_eq!(
            policy.audit,
            Some(StoreLocation::Sqlite(PathBuf::from(
                "/etc/medplug/audit.db"
            )))
        );
        Ok(())
    }

    #[test]
    fn storage_takes_a_file_or_a_postgres_url_never_both_never_a_password()
    -> Result<(), PolicyError> {
        let url = "postgres://medplug@db.internal:5432/medplug";
        let policy = parse_str(&format!(
            "[storage]\naudit = \"{url}\"\npatients = \"{url}\"\nquotas = \"{url}\"\n[audit]\ncheckpoint_key = \"k\"\ncheckpoint_dir = \"c\""
        ))?;
        let expected = Some(StoreLocation::Postgres(PostgresUrl::parse(url).unwrap()));
        assert_eq!((&policy.audit, &policy.patients), (&expected, &expected));
        assert_eq!(policy.quotas, Some(PostgresUrl::parse(url).unwrap()));
        assert_eq!(
            parse_str("[storage]\nquotas = \"quotas.db\"")
                .unwrap_err()
                .to_string(),
            "policy test.toml: [storage] quotas: \"quotas.db\" is not a PostgreSQL URL (postgres://user@host:port/database)"
        );
        for (text, message) in [
            (
                format!("[storage]\naudit_db = \"a.db\"\naudit = \"{url}\""),
                "policy test.toml: [storage] sets both audit_db and audit: one store, a SQLite file or a PostgreSQL URL",
            ),
            (
                "[storage]\npatients = \"postgres://medplug:hunter2@db/medplug\"".to_owned(),
                "policy test.toml: [storage] patients: a PostgreSQL URL must not hold a password: set the environment variable PGPASSWORD instead",
            ),
            (
                "[storage]\naudit = \"sqlite:a.db\"".to_owned(),
                "policy test.toml: [storage] audit: \"sqlite:a.db\" is not a PostgreSQL URL (postgres://user@host:port/database)",
            ),
        ] {
            let error = parse_str(&text).unwrap_err().to_string();
            assert_eq!(error, message);
            assert!(!error.contains("hunter2"));
        }
        Ok(())
    }

    #[test]
    fn contradictions_are_named() {
        let cases = [
            (
                "[tenants.a]\nspecialties = []\nplugins = [\"ghost\"]",
                "policy test.toml: [tenants.a] enables plugin `ghost`, which has no [plugins.ghost] table",
            ),
            (
                "[plugins.p]\ngrants = [\"audit_log\"]\n[tenants.a]\nspecialties = []\nplugins = [\"p\"]\ngrants = { p = [\"read_patient\"] }",
                "policy test.toml: [tenants.a] grants `read_patient` to `p`, but [plugins.p] does not grant it: a tenant may only narrow a plugin's grants",
            ),
            (
                "default_tenant = \"nobody\"",
                "policy test.toml: default_tenant `nobody` has no [tenants.nobody] table",
            ),
            (
                "[plugins.p]\ngrants = [\"encrypt_phi\"]",
                "policy test.toml: [plugins.p] is granted `encrypt_phi`, which needs a [phi_key] table",
            ),
            (
                "[plugins.p]\nsha256 = \"ABC\"",
                "policy test.toml: [plugins.p] sha256 must be 64 lowercase hex characters, found `ABC`",
            ),
            (
                "[signatures]\nrequire = true",
                "policy test.toml: [signatures] require = true needs at least one trusted key",
            ),
            (
                "[limits]\nmemory_pages = 0",
                "policy test.toml: [limits] memory_pages must be 1-65536 (64 KiB pages), found 0",
            ),
            (
                "[phi_key]\nid = \"k\"",
                "policy test.toml: [phi_key] needs exactly one of `file` and `env`",
            ),
            (
                "[pool]\nmin_idle = 5",
                "policy test.toml: [pool] min_idle (5) must not exceed max_instances (4)",
            ),
            (
                "[plugins.p]\npool = { max_instances = 0 }",
                "policy test.toml: [plugins.p.pool] max_instances must be at least 1",
            ),
            (
                "[plugins.p]\n[tenants.a]\nspecialties = []\nplugins = [\"p\"]\npins = { p = \"soon\" }",
                "policy test.toml: [tenants.a] pins `p` to `soon`, which is not a version or version requirement: unexpected character 's' while parsing major version number",
            ),
            (
                "[plugins.p]\n[plugins.q]\n[tenants.a]\nspecialties = []\nplugins = [\"p\"]\npins = { q = \"1.0.0\" }",
                "policy test.toml: [tenants.a] pins `q`, which it does not enable",
            ),
        ];
        for (text, expected) in cases {
            let error = parse_str(text).expect_err(text);
            assert_eq!(error.to_string(), expected);
        }
    }

    #[test]
    fn unknown_fields_and_capabilities_are_syntax_errors_with_a_position() {
        let error = parse_str("[plugins.p]\ngrants = [\"read_files\"]").unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("policy test.toml is not valid: TOML parse error at line 2"),
            "{message}"
        );
        assert!(message.contains("read_files"), "{message}");
        let error =
            parse_str("[tenants.a]\nspecialties = []\nplugins = []\ncolour = 1").unwrap_err();
        assert!(error.to_string().contains("colour"), "{error}");
    }

    #[test]
    fn the_audit_table_configures_checkpoints_and_the_source_is_kept() -> Result<(), PolicyError> {
        let text = "[storage]\naudit_db = \"a.db\"\n[audit]\ncheckpoint_key = \"k\"\ncheckpoint_dir = \"c\"\ncheckpoint_interval_s = 5";
        let policy = parse_str(text)?;
        assert_eq!(
            policy.audit_checkpoints,
            Some(super::super::AuditCheckpoints {
                key: PathBuf::from("/etc/medplug/k"),
                dir: PathBuf::from("/etc/medplug/c"),
                interval: Duration::from_secs(5),
            })
        );
        let source = policy.source.expect("a parsed policy has a source");
        assert_eq!(source.origin, "test.toml");
        assert_eq!(source.sha256, crate::sha256_hex(text.as_bytes()));
        let hourly = parse_str(&text.replace("checkpoint_interval_s = 5", ""))?;
        assert_eq!(
            hourly.audit_checkpoints.map(|c| c.interval),
            Some(Duration::from_secs(3600))
        );
        for (bad, message) in [
            (
                text.replace("checkpoint_interval_s = 5", "checkpoint_interval_s = 0"),
                "policy test.toml: [audit] checkpoint_interval_s must be at least 1",
            ),
            (
                text.replace("checkpoint_dir = \"c\"", ""),
                "policy test.toml: [audit] needs both checkpoint_key and checkpoint_dir",
            ),
            (
                text.replace("audit_db = \"a.db\"", ""),
                "policy test.toml: [audit] checkpoints need a trail to checkpoint: set [storage] audit_db or audit",
            ),
        ] {
            assert_eq!(parse_str(&bad).unwrap_err().to_string(), message);
        }
        Ok(())
    }
}
