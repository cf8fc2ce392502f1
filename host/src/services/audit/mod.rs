//! The tamper-evident audit trail: one record per plugin call, chained by SHA-256.
//!
//! # Why
//!
//! LGPD Art. 37 requires the controller and the operator to keep a record of the processing
//! operations they carry out, and Art. 46 requires security measures that protect personal data
//! from unauthorised access and from accidental or unlawful alteration. HIPAA
//! 45 CFR 164.312(b) ("audit controls") requires mechanisms that record and examine activity in
//! systems that contain or use electronic protected health information. The host answers all
//! three with this trail: who called which plugin (tenant, actor), on what (the SHA-256 and size
//! of the input, never the input itself), how it ended, how long it took, which host functions
//! the plugin used, and the events the plugin chose to log — masked, because no record may hold
//! PHI.
//!
//! # What is stored
//!
//! An [`AuditRecord`] describes one call. A sink ([`AuditSink`]) stores it; the durable sink is
//! [`SqliteAuditTrail`], which stores each record as a [`ChainedRecord`]: the record, its
//! position `sequence` (1, 2, 3, … without gaps), the `prev_hash` of the record before it and its
//! own `hash`. Plugin event messages pass through [`mask_event_message`] first, which replaces
//! identifier-like digit runs (CPF, CNPJ, CNS, phones, CEPs, dates), e-mail addresses and
//! people's names (capitalised word sequences, or one capitalised word after a cue such as
//! `paciente` or `Dr.`).
//!
//! Besides calls, the trail records changes to the installed plugins (a `lifecycle` field,
//! `load_failed` included — at start too, with the refused module's SHA-256), and what the host
//! does outside calls (a `host_action` field): PHI envelopes an embedder opens
//! ([`Host::decrypt_phi_as`](crate::Host::decrypt_phi_as)) and the policy a host starts under
//! ([`Host::record_policy`](crate::Host::record_policy)), and the HTTP service's API keys made
//! or revoked (`medplug tenant-key`, `medplug admin-key`).
//!
//! # The hash chain, exactly (for an auditor re-implementing it)
//!
//! 1. Write the record as one JSON object, UTF-8, with no whitespace between tokens (serde_json's
//!    compact form), with these keys in this order: `sequence`, `prev_hash`, `time`, `tenant`,
//!    `actor`, `plugin`, `plugin_version`, `module_sha256`, `function`, `input_sha256`,
//!    `input_bytes`, `outcome`, `error_kind`, `duration_us`, `fuel_used`, `host_calls`, `events`,
//!    then — only in the record of a change to the installed plugins, never in a call's —
//!    `lifecycle` (`{"event":…,"detail":…}`), then — only in the record of something the host
//!    did outside a call (PHI opened by an embedder, the policy in force at start) —
//!    `host_action` (`{"action":"decrypt_phi","key_id":…}`,
//!    `{"action":"policy_in_force","source":…,"sha256":…}`,
//!    `{"action":"api_key_created","key_id":…,"label":…}` or
//!    `{"action":"api_key_revoked","key_id":…,"label":…}`), then `hash`, with `hash` set to the empty string
//!    `""`. Numbers are decimal integers;
//!    absent optional values are `null`; `outcome` is a snake_case string (`"ok"`,
//!    `"limit_exceeded"`, …); each `host_calls` item is `{"function":…,"outcome":…}` and each
//!    `events` item is `{"event":…,"message":…}`. Strings use JSON escapes only for `"`, `\`
//!    and control characters (`\n`, `\r`, `\t`, `\b`, `\f`, otherwise `\u00XX` in lowercase hex);
//!    every other character, accents included, is written as raw UTF-8.
//! 2. `hash` is the lowercase hex SHA-256 of those bytes.
//! 3. The first record's `prev_hash` is 64 zeros; every later record's `prev_hash` is the `hash`
//!    of the record before it.
//!
//! The stored JSON (the `record` column, and each line of [`SqliteAuditTrail::export`]) is the
//! same object with `hash` filled in, so an auditor can take an exported line, replace the value
//! of `hash` with `""` and hash the result.
//!
//! # What the chain proves, and what it does not
//!
//! [`SqliteAuditTrail::verify`] detects an edited record, a deleted record, a record moved or
//! inserted out of place, and (through the `audit_head` row, updated in the same transaction as
//! every append) a record deleted from the end. Triggers refuse `UPDATE` and `DELETE` on the
//! records, which stops accidents, not an attacker: anyone who can write the database file can
//! drop the triggers, rewrite every record after the one they changed, and forge the head. For
//! full protection, anchor the head hash that `verify` reports outside the database (a signed
//! log, a ticket, a write-once store, a periodic e-mail to the data protection officer) and
//! compare it later: a rewritten chain cannot reproduce an anchored hash. [`write_checkpoint`]
//! does this with a signature: the head's sequence and hash, and the time, signed with an
//! ed25519 key into a file outside the database (`medplug audit checkpoint`, or `medplug serve`
//! every `[audit] checkpoint_interval_s`), and [`verify_against`] checks a trail against one
//! (`medplug audit verify --checkpoint FILE`).

mod checkpoint;
mod error;
mod group_commit;
mod mask;
#[cfg(feature = "postgres")]
mod postgres_trail;
mod record;
mod sink;
mod sqlite_trail;
mod trail;
mod verify;

pub use checkpoint::{
    CHECKPOINT_FORMAT, Checkpoint, CheckpointError, CheckpointReport, CheckpointVerdict,
    trail_head, verify_against, verify_against_of, write_checkpoint, write_checkpoint_of,
};
pub use error::AuditError;
pub use mask::{MaskedMessage, is_valid_event_name, mask_event_message};
#[cfg(feature = "postgres")]
pub use postgres_trail::{POSTGRES_SCHEMA_VERSION, PostgresAuditTrail};
pub use record::{
    AuditRecord, ChainedRecord, GENESIS_HASH, HostAction, HostCallRecord, LifecycleEntry, Outcome,
    PluginEvent, format_rfc3339_millis, now_rfc3339,
};
pub use sink::{AuditSink, MemoryAuditSink};
pub use sqlite_trail::{Durability, SCHEMA_VERSION, SqliteAuditTrail};
pub use trail::{AuditTrail, open_existing_trail, open_trail};
pub use verify::{BreakKind, ChainBreak, VerifyReport, verify_file};
