//! The record types, their canonical JSON and hash, and RFC 3339 timestamps.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first record in a chain: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The plugin returned a valid result.
    Ok,
    /// The host refused the input before the plugin ran.
    InvalidInput,
    /// The plugin reported an error of its own.
    PluginError,
    /// The call hit a limit: time, fuel, memory or output size.
    LimitExceeded,
    /// The tenant's quota of calls to the plugin was used up: the call did not run.
    QuotaExceeded,
    /// The plugin trapped (a wasm runtime fault).
    Trap,
    /// The plugin returned output the host could not accept.
    InvalidOutput,
    /// A policy refused the call (tenant, permission).
    Denied,
    /// The host itself failed.
    HostFailure,
}

impl Outcome {
    /// The snake_case name, as in the JSON and the `outcome` column: `"limit_exceeded"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::InvalidInput => "invalid_input",
            Self::PluginError => "plugin_error",
            Self::LimitExceeded => "limit_exceeded",
            Self::QuotaExceeded => "quota_exceeded",
            Self::Trap => "trap",
            Self::InvalidOutput => "invalid_output",
            Self::Denied => "denied",
            Self::HostFailure => "host_failure",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One host function call made during a plugin call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct HostCallRecord {
    /// The host function's name.
    pub function: String,
    /// "ok", "denied", "not_found", "invalid_request", "internal"
    pub outcome: String,
}

/// One event a plugin logged with `audit_log`, already masked and capped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PluginEvent {
    /// The event's name (see [`is_valid_event_name`](super::is_valid_event_name)).
    pub event: String,
    /// The message, after [`mask_event_message`](super::mask_event_message).
    pub message: String,
}

/// A change to the installed plugins, as the audit trail records it (see
/// [`LifecycleEvent`](crate::LifecycleEvent)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct LifecycleEntry {
    /// The event: `installed`, `reloaded`, `enabled`, `disabled`, `uninstalled`, `load_failed`.
    pub event: String,
    /// What else an auditor needs: the module's origin, the version it replaced, why a load
    /// failed.
    pub detail: String,
}

/// Something the host itself did, outside a plugin call, that an auditor must see (the
/// `host_action` field). Tagged by `action`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum HostAction {
    /// An embedder opened a PHI envelope ([`Host::decrypt_phi_as`](crate::Host::decrypt_phi_as)):
    /// which key the envelope names (cut to 64 characters). Never the plaintext or the
    /// ciphertext; the record's `input_sha256` and `input_bytes` are the ciphertext's digest and
    /// length, to tell envelopes apart.
    DecryptPhi {
        /// The key id the envelope names.
        key_id: String,
    },
    /// The policy a host runs under, recorded when it starts serving
    /// ([`Host::record_policy`](crate::Host::record_policy)): a host's policy does not change
    /// while it runs, so this record covers every call after it until the next one.
    PolicyInForce {
        /// Where it was read from (`Policy::source`), or `built-in open policy`.
        source: String,
        /// Lowercase hex SHA-256 of the policy text, or `""` for the built-in open policy.
        sha256: String,
    },
    /// An API key of the HTTP service was made (`medplug tenant-key new`, `medplug admin-key
    /// new`); the record's `tenant` is the key's, `*` for an administrator's. Never the key,
    /// never its hash.
    ApiKeyCreated {
        /// The key's public id.
        key_id: String,
        /// Its label: the actor of its calls' records.
        label: String,
    },
    /// An API key was revoked (`medplug tenant-key revoke`).
    ApiKeyRevoked {
        /// The key's public id.
        key_id: String,
        /// Its label.
        label: String,
    },
}

impl AuditRecord {
    /// The record of `action`, done by `actor` for `tenant` (`*` for every tenant): no plugin,
    /// no input, no duration.
    pub fn of_host_action(tenant: &str, actor: &str, outcome: Outcome, action: HostAction) -> Self {
        Self {
            time: now_rfc3339(),
            tenant: tenant.chars().take(64).collect(),
            actor: actor.chars().take(128).collect(),
            plugin: String::new(),
            plugin_version: String::new(),
            module_sha256: String::new(),
            function: String::new(),
            input_sha256: String::new(),
            input_bytes: 0,
            outcome,
            error_kind: None,
            duration_us: 0,
            fuel_used: None,
            host_calls: Vec::new(),
            events: Vec::new(),
            lifecycle: None,
            host_action: Some(action),
        }
    }
}

/// One call — or, with [`lifecycle`](Self::lifecycle) set, one change to the installed
/// plugins — as the host records it: never the input, never PHI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AuditRecord {
    /// When the call started, RFC 3339 UTC with milliseconds: `2026-11-28T15:40:12.345Z`.
    pub time: String,
    /// The tenant the call ran for.
    pub tenant: String,
    /// Who asked for the call (a user, a service).
    pub actor: String,
    /// The plugin's name.
    pub plugin: String,
    /// The plugin's version.
    pub plugin_version: String,
    /// Lowercase hex SHA-256 of the plugin's wasm module.
    pub module_sha256: String,
    /// The plugin function called.
    pub function: String,
    /// Lowercase hex SHA-256 of the input bytes.
    pub input_sha256: String,
    /// The input's size in bytes.
    pub input_bytes: u64,
    /// How the call ended.
    pub outcome: Outcome,
    /// The kind of error, when there was one: "timeout", "out_of_fuel", "tenant_denied".
    pub error_kind: Option<String>,
    /// Wall-clock duration in microseconds.
    pub duration_us: u64,
    /// Fuel consumed, when fuel metering was on.
    pub fuel_used: Option<u64>,
    /// The host functions the plugin called, in order.
    pub host_calls: Vec<HostCallRecord>,
    /// The events the plugin logged, in order.
    pub events: Vec<PluginEvent>,
    /// For a change to the installed plugins rather than a call: what changed. Absent from the
    /// JSON of call records, so that their canonical form is what it always was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<LifecycleEntry>,
    /// For something the host did outside a call and outside the installed plugins (PHI opened
    /// by an embedder, the policy in force): what. Absent from the JSON of every other record,
    /// so that their canonical form is what it always was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_action: Option<HostAction>,
}

/// A record as stored in a chain: its position and the hashes that chain it.
///
/// Serialises as one flat JSON object: `sequence`, `prev_hash`, the fields of [`AuditRecord`],
/// then `hash` (see the module documentation for the exact hashing rule). Deserialising refuses
/// unknown fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "FlatChainedRecord")]
pub struct ChainedRecord {
    /// The record's position in the chain, from 1, without gaps.
    pub sequence: u64,
    /// The previous record's `hash`, or [`GENESIS_HASH`] for record 1.
    pub prev_hash: String,
    /// The record itself.
    pub record: AuditRecord,
    /// Lowercase hex SHA-256 of the record's canonical bytes.
    pub hash: String,
}

impl ChainedRecord {
    /// The canonical bytes: this record's JSON with `hash` set to `""`.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        canonical_bytes(self.sequence, &self.prev_hash, &self.record)
    }

    /// The hash this record should have: the SHA-256 of [`Self::canonical_bytes`].
    pub fn compute_hash(&self) -> Result<String, serde_json::Error> {
        Ok(sha256_hex(&self.canonical_bytes()?))
    }

    /// The JSON this record is stored and exported as, with its `hash`.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

impl Serialize for ChainedRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ChainedRecordView {
            sequence: self.sequence,
            prev_hash: &self.prev_hash,
            record: &self.record,
            hash: &self.hash,
        }
        .serialize(serializer)
    }
}

/// The serialised form of a [`ChainedRecord`], borrowed, so that appending needs no clone.
#[derive(Serialize)]
pub(crate) struct ChainedRecordView<'a> {
    pub(crate) sequence: u64,
    pub(crate) prev_hash: &'a str,
    #[serde(flatten)]
    pub(crate) record: &'a AuditRecord,
    pub(crate) hash: &'a str,
}

/// The canonical bytes of a record at `sequence` after `prev_hash`.
pub(crate) fn canonical_bytes(
    sequence: u64,
    prev_hash: &str,
    record: &AuditRecord,
) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&ChainedRecordView {
        sequence,
        prev_hash,
        record,
        hash: "",
    })
}

/// Lowercase hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The flat, strict form [`ChainedRecord`] is read from (`flatten` cannot deny unknown fields).
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
struct FlatChainedRecord {
    sequence: u64,
    prev_hash: String,
    time: String,
    tenant: String,
    actor: String,
    plugin: String,
    plugin_version: String,
    module_sha256: String,
    function: String,
    input_sha256: String,
    input_bytes: u64,
    outcome: Outcome,
    error_kind: Option<String>,
    duration_us: u64,
    fuel_used: Option<u64>,
    host_calls: Vec<HostCallRecord>,
    events: Vec<PluginEvent>,
    #[serde(default)]
    lifecycle: Option<LifecycleEntry>,
    #[serde(default)]
    host_action: Option<HostAction>,
    hash: String,
}

impl From<FlatChainedRecord> for ChainedRecord {
    fn from(flat: FlatChainedRecord) -> Self {
        Self {
            sequence: flat.sequence,
            prev_hash: flat.prev_hash,
            record: AuditRecord {
                time: flat.time,
                tenant: flat.tenant,
                actor: flat.actor,
                plugin: flat.plugin,
                plugin_version: flat.plugin_version,
                module_sha256: flat.module_sha256,
                function: flat.function,
                input_sha256: flat.input_sha256,
                input_bytes: flat.input_bytes,
                outcome: flat.outcome,
                error_kind: flat.error_kind,
                duration_us: flat.duration_us,
                fuel_used: flat.fuel_used,
                host_calls: flat.host_calls,
                events: flat.events,
                lifecycle: flat.lifecycle,
                host_action: flat.host_action,
            },
            hash: flat.hash,
        }
    }
}

/// The current time, RFC 3339 UTC with milliseconds: `2026-11-28T15:40:12.345Z`.
#[must_use]
pub fn now_rfc3339() -> String {
    format_rfc3339_millis(SystemTime::now())
}

/// `time` as RFC 3339 UTC with milliseconds (truncated, not rounded).
///
/// Years outside 0000–9999, which RFC 3339 cannot express, are written with as many digits as
/// they need (and a `-` sign before year 0).
#[must_use]
pub fn format_rfc3339_millis(time: SystemTime) -> String {
    let millis: i128 = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_millis()).unwrap_or(i128::MAX),
        // Before 1970: floor to the millisecond, so that -0.5 ms is .999 of the second before.
        Err(before) => {
            let d = before.duration();
            -(i128::try_from(d.as_millis()).unwrap_or(i128::MAX))
                - i128::from(d.subsec_nanos() % 1_000_000 != 0)
        }
    };
    let millis = i64::try_from(millis).unwrap_or(if millis < 0 { i64::MIN } else { i64::MAX });
    format_unix_millis(millis)
}

/// Milliseconds since 1970-01-01T00:00:00Z as RFC 3339 UTC with milliseconds.
fn format_unix_millis(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

/// The proleptic Gregorian date `days` days after 1970-01-01: `(year, month 1–12, day 1–31)`.
///
/// Howard Hinnant's `civil_from_days`, from "chrono-Compatible Low-Level Date Algorithms"
/// (<https://howardhinnant.github.io/date_algorithms.html#civil_from_days>): shift the epoch to
/// 0000-03-01 so that the leap day ends the year, split into 400-year eras of 146,097 days, then
/// find the year of the era, the day of the year and the month from a March-based calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // i64 days cover ±25 quadrillion years; saturate instead of overflowing on absurd input.
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1, [0, 365]
    let mp = (5 * doy + 2) / 153; // month from March, [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era.saturating_mul(400) + i64::from(month <= 2);
    // Both are in range by construction (see the bounds above).
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn civil_dates_match_known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(10_957), (2000, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(-25_508), (1900, 3, 1)); // 1900 is not a leap year
        assert_eq!(civil_from_days(-25_509), (1900, 2, 28));
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_unix_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_unix_millis(951_782_400_000),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(
            format_unix_millis(1_795_880_412_345),
            "2026-11-28T15:40:12.345Z"
        );
        assert_eq!(format_unix_millis(-1), "1969-12-31T23:59:59.999Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_795_880_412_345) + Duration::from_micros(999);
        assert_eq!(format_rfc3339_millis(t), "2026-11-28T15:40:12.345Z");
        let t = UNIX_EPOCH - Duration::from_micros(500);
        assert_eq!(format_rfc3339_millis(t), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn now_is_well_formed() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 24, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
        assert!(now.as_str() > "2025", "{now}");
    }

    #[test]
    fn outcome_names_match_serde() {
        for outcome in [
            Outcome::Ok,
            Outcome::InvalidInput,
            Outcome::PluginError,
            Outcome::LimitExceeded,
            Outcome::QuotaExceeded,
            Outcome::Trap,
            Outcome::InvalidOutput,
            Outcome::Denied,
            Outcome::HostFailure,
        ] {
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{outcome}\""));
        }
    }

    #[test]
    fn chained_record_refuses_unknown_fields() {
        let record = ChainedRecord {
            sequence: 1,
            prev_hash: GENESIS_HASH.to_owned(),
            record: AuditRecord {
                time: "2026-11-28T15:40:12.345Z".to_owned(),
                tenant: "t".to_owned(),
                actor: "a".to_owned(),
                plugin: "p".to_owned(),
                plugin_version: "1.0.0".to_owned(),
                module_sha256: "m".to_owned(),
                function: "f".to_owned(),
                input_sha256: "i".to_owned(),
                input_bytes: 3,
                outcome: Outcome::Ok,
                error_kind: None,
                duration_us: 7,
                fuel_used: Some(9),
                host_calls: vec![],
                events: vec![],
                lifecycle: None,
                host_action: None,
            },
            hash: String::new(),
        };
        let json = record.to_json().unwrap();
        assert!(
            json.starts_with(r#"{"sequence":1,"prev_hash":"000"#),
            "{json}"
        );
        assert!(
            json.ends_with(r#""host_calls":[],"events":[],"hash":""}"#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<ChainedRecord>(&json).unwrap(),
            record
        );
        let extra = json.replacen('{', r#"{"note":"x","#, 1);
        let err = serde_json::from_str::<ChainedRecord>(&extra).unwrap_err();
        assert!(err.to_string().contains("unknown field `note`"), "{err}");
    }
}
