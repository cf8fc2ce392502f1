//! Signed checkpoints: the trail's head, anchored outside the database.
//!
//! The hash chain alone cannot catch someone who can write the database, edits a record and
//! recomputes every hash after it (and the head). A checkpoint can: it is the sequence and hash
//! of the trail's last record at some moment, with the time, signed with an ed25519 key that
//! the database's writers do not hold, in a file kept outside the database (`medplug audit
//! checkpoint`, or `medplug serve` on a schedule, `[audit]` in the policy). Later,
//! [`verify_against`] proves that nothing at or before that record was rewritten: the chain up
//! to it must verify and the record at its sequence must have exactly the checkpointed hash,
//! which no rewritten chain can reproduce.
//!
//! # The file, exactly
//!
//! `checkpoint-<sequence>.json`, one JSON object (pretty-printed, fields in this order, no
//! others accepted):
//!
//! ```json
//! {
//!   "format": "medplug-audit-checkpoint-v1",
//!   "sequence": 42,
//!   "hash": "<the record's hash: 64 lowercase hex digits>",
//!   "time": "2026-12-04T10:40:00.123Z",
//!   "key": "<ed25519 public key: 64 hex digits>",
//!   "signature": "<ed25519 signature: 128 hex digits>"
//! }
//! ```
//!
//! The signature is ed25519 (RFC 8032, checked with `verify_strict`) over these UTF-8 bytes,
//! each line ending in `\n`:
//!
//! ```text
//! medplug-audit-checkpoint-v1
//! sequence=42
//! hash=<hash>
//! time=<time>
//! ```
//!
//! Keys are the plugin-signing keys' format (`medplug signing-key new`, [`SigningKey`]); use a
//! key of its own for checkpoints. A checkpoint signed by a key the verifier does not trust, or
//! whose fields were changed after signing, is refused before the trail is read.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::trail::open_existing_trail;
use super::{AuditError, AuditTrail, BreakKind, ChainBreak, VerifyReport, now_rfc3339};
use crate::policy::StoreLocation;
use crate::signature::{ModuleSignature, SignatureError, SigningKey, TrustedKey, verify_module};

/// The `format` of a checkpoint file, and the first line of what its signature covers.
pub const CHECKPOINT_FORMAT: &str = "medplug-audit-checkpoint-v1";

/// Why a checkpoint could not be written, read or trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// Reading or writing a checkpoint file or its directory failed.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a checkpoint.
    #[error("{} is not an audit checkpoint: {reason}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The checkpoint was signed by a key that is not trusted.
    #[error(
        "{} is signed by key {key}, which is not trusted: pass the checkpoint key's public key \
         with --trusted-key",
        path.display()
    )]
    UntrustedKey {
        /// The file.
        path: PathBuf,
        /// The signer's public key.
        key: String,
    },
    /// The signature does not cover the checkpoint's fields as they are.
    #[error(
        "{} has a bad signature: its fields were changed after signing, or it was not signed \
         by the key it names",
        path.display()
    )]
    BadSignature {
        /// The file.
        path: PathBuf,
    },
    /// The trail's chain is broken: no checkpoint is signed over a broken chain.
    #[error("refusing to checkpoint audit trail {path}: {report}")]
    BrokenChain {
        /// The database.
        path: String,
        /// What verify found.
        report: Box<VerifyReport>,
    },
    /// The trail holds no record yet.
    #[error("audit trail {path} holds no record yet: nothing to checkpoint")]
    Empty {
        /// The database.
        path: String,
    },
    /// A checkpoint for the same sequence exists with another hash: the trail was rewritten
    /// since it was written.
    #[error(
        "{} already checkpoints record {sequence} with hash {existing}, but the trail's record \
         {sequence} now has hash {current}: the trail was rewritten",
        path.display()
    )]
    Conflict {
        /// The existing file.
        path: PathBuf,
        /// The sequence.
        sequence: u64,
        /// The hash the existing checkpoint holds.
        existing: String,
        /// The hash the trail holds now.
        current: String,
    },
    /// The signing key could not be read.
    #[error("checkpoint key: {0}")]
    Key(#[source] SignatureError),
    /// The trail could not be read.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// A signed checkpoint of the trail's head, kept in `checkpoint-<sequence>.json`: a JSON object
/// of `format` ([`CHECKPOINT_FORMAT`]), `sequence`, `hash`, `time`, `key` (the ed25519 public
/// key, 64 hex digits) and `signature` (128 hex digits, ed25519 over
/// [`signed_bytes`](Self::signed_bytes)), no other field accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The sequence of the record checkpointed (the trail's last at the time).
    pub sequence: u64,
    /// That record's hash, lowercase hex.
    pub hash: String,
    /// When the checkpoint was made, RFC 3339 UTC with milliseconds.
    pub time: String,
    /// Who signed, and the signature over [`Self::signed_bytes`].
    pub signature: ModuleSignature,
}

/// The file's JSON, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckpointFile {
    format: String,
    sequence: u64,
    hash: String,
    time: String,
    key: String,
    signature: String,
}

impl Checkpoint {
    /// Signs record `sequence`'s `hash` at `time` with `key`.
    pub fn sign(sequence: u64, hash: &str, time: &str, key: &SigningKey) -> Self {
        let signature = key.sign(&signed_bytes(sequence, hash, time));
        Self {
            sequence,
            hash: hash.to_owned(),
            time: time.to_owned(),
            signature,
        }
    }

    /// What the signature covers: `medplug-audit-checkpoint-v1`, `sequence=<n>`,
    /// `hash=<hash>`, `time=<time>`, each line ending in `\n`.
    pub fn signed_bytes(&self) -> Vec<u8> {
        signed_bytes(self.sequence, &self.hash, &self.time)
    }

    /// `checkpoint-<sequence>.json`.
    pub fn file_name(&self) -> String {
        format!("checkpoint-{}.json", self.sequence)
    }

    /// The file's content: pretty-printed JSON and a final line break.
    pub fn to_file_contents(&self) -> String {
        let file = CheckpointFile {
            format: CHECKPOINT_FORMAT.to_owned(),
            sequence: self.sequence,
            hash: self.hash.clone(),
            time: self.time.clone(),
            key: self.signature.key.to_string(),
            signature: hex::encode(self.signature.signature.to_bytes()),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a checkpoint file; its signature is not checked yet ([`Self::verify_signature`]).
    pub fn read(path: &Path) -> Result<Self, CheckpointError> {
        let text = fs::read_to_string(path).map_err(|source| CheckpointError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text).map_err(|reason| CheckpointError::Malformed {
            path: path.to_owned(),
            reason,
        })
    }

    /// Parses a checkpoint file's content.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: CheckpointFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.format != CHECKPOINT_FORMAT {
            return Err(format!(
                "its format is {:?}, not {CHECKPOINT_FORMAT:?}",
                file.format.chars().take(64).collect::<String>()
            ));
        }
        let is_hash = file.hash.len() == 64
            && file
                .hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !is_hash {
            return Err("its hash is not 64 lowercase hex digits".to_owned());
        }
        if file.sequence == 0 {
            return Err("its sequence is 0: records start at 1".to_owned());
        }
        if file.time.is_empty() || file.time.len() > 64 || file.time.contains(char::is_control) {
            return Err("its time is not a timestamp".to_owned());
        }
        let line = format!("ed25519 {} {}", file.key, file.signature);
        let signature = ModuleSignature::parse(&line).map_err(|e| match e {
            SignatureError::Malformed { reason } => reason,
            other => other.to_string(),
        })?;
        Ok(Self {
            sequence: file.sequence,
            hash: file.hash,
            time: file.time,
            signature,
        })
    }

    /// Checks the signature: by one of `trusted`, over the fields as they are. `path` names the
    /// file in errors.
    pub fn verify_signature(
        &self,
        path: &Path,
        trusted: &[TrustedKey],
    ) -> Result<(), CheckpointError> {
        verify_module(&self.signed_bytes(), &self.signature, trusted)
            .map(|_| ())
            .map_err(|e| match e {
                SignatureError::UntrustedKey { key } => CheckpointError::UntrustedKey {
                    path: path.to_owned(),
                    key: key.to_string(),
                },
                _ => CheckpointError::BadSignature {
                    path: path.to_owned(),
                },
            })
    }
}

fn signed_bytes(sequence: u64, hash: &str, time: &str) -> Vec<u8> {
    format!("{CHECKPOINT_FORMAT}\nsequence={sequence}\nhash={hash}\ntime={time}\n").into_bytes()
}

/// The trail's head row as it stands (sequence and hash; 0 and 64 zeros when empty), read
/// without verifying anything: cheap, to tell whether records were appended since a
/// checkpoint.
pub fn trail_head(db: &StoreLocation) -> Result<(u64, String), AuditError> {
    open_existing_trail(db)?.head()
}

/// Verifies the trail at `db` and signs its head with `key` into `dir/checkpoint-<sequence>.json`
/// (the directory is created if needed). Refuses a broken chain and an empty trail.
///
/// A checkpoint for the same sequence already in `dir` is kept, and returned, when it holds the
/// same hash; when it holds another, the trail was rewritten since: [`CheckpointError::Conflict`].
pub fn write_checkpoint(
    db: &StoreLocation,
    key: &SigningKey,
    dir: &Path,
) -> Result<(Checkpoint, PathBuf), CheckpointError> {
    write_checkpoint_of(open_existing_trail(db)?.as_ref(), key, dir)
}

/// [`write_checkpoint`] of a trail already open.
pub fn write_checkpoint_of(
    trail: &dyn AuditTrail,
    key: &SigningKey,
    dir: &Path,
) -> Result<(Checkpoint, PathBuf), CheckpointError> {
    let report = trail.verify()?;
    let name = trail.location();
    if !report.is_intact() {
        return Err(CheckpointError::BrokenChain {
            path: name,
            report: Box::new(report),
        });
    }
    if report.records == 0 {
        return Err(CheckpointError::Empty { path: name });
    }
    let checkpoint = Checkpoint::sign(report.records, &report.head_hash, &now_rfc3339(), key);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| CheckpointError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    let path = dir.join(checkpoint.file_name());
    if path.exists() {
        let existing = Checkpoint::read(&path)?;
        if existing.hash == checkpoint.hash && existing.sequence == checkpoint.sequence {
            return Ok((existing, path));
        }
        return Err(CheckpointError::Conflict {
            path,
            sequence: checkpoint.sequence,
            existing: existing.hash,
            current: checkpoint.hash,
        });
    }
    // Written beside, synced, then renamed into place: a reader never sees half a checkpoint.
    let partial = dir.join(format!(".{}.partial", checkpoint.file_name()));
    let mut file = fs::File::create(&partial).map_err(io(&partial))?;
    file.write_all(checkpoint.to_file_contents().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io(&partial))?;
    drop(file);
    fs::rename(&partial, &path).map_err(io(&path))?;
    Ok((checkpoint, path))
}

/// What [`verify_against`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointReport {
    /// The plain verification of the whole trail.
    pub verify: VerifyReport,
    /// Whether the part of the trail the checkpoint covers is as it was.
    pub verdict: CheckpointVerdict,
}

impl CheckpointReport {
    /// Whether the checkpoint holds and the whole chain verifies.
    pub fn is_intact(&self) -> bool {
        self.verdict == CheckpointVerdict::Holds && self.verify.is_intact()
    }
}

/// Whether the records up to a checkpoint are the ones that were checkpointed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointVerdict {
    /// The chain verifies up to the checkpointed record, and that record has the checkpointed
    /// hash: nothing at or before it was changed.
    Holds,
    /// The chain verifies, but the checkpointed record has another hash: a record at or before
    /// it was rewritten and every hash after it recomputed.
    Rewritten {
        /// The checkpointed sequence.
        sequence: u64,
        /// The hash the checkpoint holds.
        checkpointed: String,
        /// The hash the trail's record holds now.
        found: String,
    },
    /// The chain breaks at or before the checkpointed record.
    Broken(ChainBreak),
    /// The trail no longer reaches the checkpointed record.
    Missing {
        /// The checkpointed sequence.
        sequence: u64,
        /// How many records the trail verifiably holds.
        records: u64,
    },
}

impl CheckpointVerdict {
    /// Whether nothing at or before the checkpointed record changed.
    pub fn holds(&self) -> bool {
        *self == Self::Holds
    }
}

impl std::fmt::Display for CheckpointVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Holds => f.write_str("the checkpointed record is unchanged"),
            Self::Rewritten {
                sequence,
                checkpointed,
                found,
            } => write!(
                f,
                "record {sequence} has hash {found}, but the checkpoint says {checkpointed}: a \
                 record at or before {sequence} was rewritten and the hashes after it recomputed"
            ),
            Self::Broken(brk) => write!(f, "the chain breaks before the checkpoint: {brk}"),
            Self::Missing { sequence, records } => write!(
                f,
                "the checkpoint covers record {sequence}, but the trail holds {records}: records \
                 were deleted"
            ),
        }
    }
}

/// Checks the trail at `db` against `checkpoint`, whose signature must already have been
/// checked ([`Checkpoint::verify_signature`]): the whole chain is verified as
/// [`verify_file`](super::verify_file) does, then the record at the checkpoint's sequence must have exactly its
/// hash.
pub fn verify_against(
    db: &StoreLocation,
    checkpoint: &Checkpoint,
) -> Result<CheckpointReport, AuditError> {
    verify_against_of(open_existing_trail(db)?.as_ref(), checkpoint)
}

/// [`verify_against`] on a trail already open.
pub fn verify_against_of(
    trail: &dyn AuditTrail,
    checkpoint: &Checkpoint,
) -> Result<CheckpointReport, AuditError> {
    let verify = trail.verify()?;
    let sequence = checkpoint.sequence;
    let verdict = if verify.records >= sequence {
        match trail.hash_at(sequence)? {
            Some(found) if found == checkpoint.hash => CheckpointVerdict::Holds,
            Some(found) => CheckpointVerdict::Rewritten {
                sequence,
                checkpointed: checkpoint.hash.clone(),
                found,
            },
            // Deleted between the two reads: as good as missing.
            None => CheckpointVerdict::Missing {
                sequence,
                records: verify.records,
            },
        }
    } else {
        match &verify.first_break {
            Some(brk) if brk.kind != BreakKind::HeadMismatch => {
                CheckpointVerdict::Broken(brk.clone())
            }
            _ => CheckpointVerdict::Missing {
                sequence,
                records: verify.records,
            },
        }
    };
    Ok(CheckpointReport { verify, verdict })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditRecord, AuditSink, Outcome, SqliteAuditTrail};
    use crate::policy::StoreLocation;

    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    fn record(actor: &str) -> AuditRecord {
        AuditRecord {
            time: "2026-12-04T10:00:00.000Z".to_owned(),
            tenant: "t".to_owned(),
            actor: actor.to_owned(),
            plugin: "p".to_owned(),
            plugin_version: "1.0.0".to_owned(),
            module_sha256: String::new(),
            function: "f".to_owned(),
            input_sha256: String::new(),
            input_bytes: 0,
            outcome: Outcome::Ok,
            error_kind: None,
            duration_us: 1,
            fuel_used: None,
            host_calls: vec![],
            events: vec![],
            lifecycle: None,
            host_action: None,
        }
    }

    #[test]
    fn the_file_format_and_signed_bytes_are_exact() {
        let key = SigningKey::from_seed_hex(SEED).unwrap();
        let hash = "ab".repeat(32);
        let checkpoint = Checkpoint::sign(42, &hash, "2026-12-04T10:40:00.123Z", &key);
        assert_eq!(
            String::from_utf8(checkpoint.signed_bytes()).unwrap(),
            format!(
                "medplug-audit-checkpoint-v1\nsequence=42\nhash={hash}\ntime=2026-12-04T10:40:00.123Z\n"
            )
        );
        let text = checkpoint.to_file_contents();
        let signature = hex::encode(checkpoint.signature.signature.to_bytes());
        assert_eq!(
            text,
            format!(
                "{{\n  \"format\": \"medplug-audit-checkpoint-v1\",\n  \"sequence\": 42,\n  \
                 \"hash\": \"{hash}\",\n  \"time\": \"2026-12-04T10:40:00.123Z\",\n  \"key\": \
                 \"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\",\n  \
                 \"signature\": \"{signature}\"\n}}\n"
            )
        );
        assert_eq!(checkpoint.file_name(), "checkpoint-42.json");
        let parsed = Checkpoint::parse(&text).unwrap();
        assert_eq!(parsed, checkpoint);
        let path = Path::new("c.json");
        parsed.verify_signature(path, &[key.public_key()]).unwrap();

        let other = SigningKey::generate().public_key();
        let err = parsed.verify_signature(path, &[other]).unwrap_err();
        assert!(matches!(err, CheckpointError::UntrustedKey { .. }), "{err}");
        let edited =
            Checkpoint::parse(&text.replace("\"sequence\": 42", "\"sequence\": 41")).unwrap();
        let err = edited
            .verify_signature(path, &[key.public_key()])
            .unwrap_err();
        assert!(matches!(err, CheckpointError::BadSignature { .. }), "{err}");

        for (bad, reason) in [
            (text.replace("-v1", "-v2"), "its format is"),
            (text.replace(&hash, &"AB".repeat(32)), "its hash is not"),
            (text.replace("42", "0"), "its sequence is 0"),
            (
                text.replace("\"format\"", "\"note\": 1, \"format\""),
                "unknown field",
            ),
        ] {
            let err = Checkpoint::parse(&bad).unwrap_err();
            assert!(err.contains(reason), "{err}");
        }
    }

    #[test]
    fn a_checkpoint_holds_until_the_records_it_covers_change() -> Result<(), CheckpointError> {
        let dir = tempfile::tempdir().map_err(|source| CheckpointError::Io {
            path: PathBuf::from("tmp"),
            source,
        })?;
        let file = dir.path().join("audit.db");
        let trail = SqliteAuditTrail::open(&file)?;
        let db = StoreLocation::Sqlite(file.clone());
        let key = SigningKey::from_seed_hex(SEED).map_err(CheckpointError::Key)?;
        let checkpoints = dir.path().join("checkpoints");
        assert!(matches!(
            write_checkpoint(&db, &key, &checkpoints),
            Err(CheckpointError::Empty { .. })
        ));
        for actor in ["a", "b", "c"] {
            trail.append(&record(actor))?;
        }
        let (checkpoint, path) = write_checkpoint(&db, &key, &checkpoints)?;
        assert_eq!(path, checkpoints.join("checkpoint-3.json"));
        assert_eq!(
            (checkpoint.sequence, &checkpoint.hash),
            (3, &trail.head()?.1)
        );
        assert_eq!(trail_head(&db)?, trail.head()?);
        // Again at the same head: the same file, kept.
        assert_eq!(write_checkpoint(&db, &key, &checkpoints)?.0, checkpoint);
        trail.append(&record("d"))?;
        let report = verify_against(&db, &checkpoint)?;
        assert!(report.is_intact(), "{:?}", report.verdict);
        assert_eq!(report.verify.records, 4);

        // A checkpoint already there for record 4 with another hash: the trail was rewritten.
        let forged = Checkpoint::sign(4, &"00".repeat(32), "2026-12-04T10:00:00.000Z", &key);
        fs::write(
            checkpoints.join("checkpoint-4.json"),
            forged.to_file_contents(),
        )
        .unwrap();
        let err = write_checkpoint(&db, &key, &checkpoints).unwrap_err();
        assert!(
            matches!(&err, CheckpointError::Conflict { sequence: 4, existing, .. }
                if *existing == "00".repeat(32)),
            "{err}"
        );

        // Records deleted from the end, head moved back: the checkpoint is out of reach.
        let attacker = rusqlite::Connection::open(&file).unwrap();
        attacker
            .execute_batch(
                "DROP TRIGGER audit_records_no_delete; DROP TRIGGER audit_head_forward_only;
                 DELETE FROM audit_records WHERE sequence >= 3;",
            )
            .unwrap();
        let (two,): (String,) = attacker
            .query_row(
                "SELECT hash FROM audit_records WHERE sequence = 2",
                [],
                |r| Ok((r.get(0)?,)),
            )
            .unwrap();
        attacker
            .execute("UPDATE audit_head SET sequence = 2, hash = ?1", [&two])
            .unwrap();
        let report = verify_against(&db, &checkpoint)?;
        assert!(report.verify.is_intact());
        assert_eq!(
            report.verdict,
            CheckpointVerdict::Missing {
                sequence: 3,
                records: 2
            }
        );
        assert_eq!(
            report.verdict.to_string(),
            "the checkpoint covers record 3, but the trail holds 2: records were deleted"
        );

        // A record before the checkpoint edited without recomputing: the chain's own break.
        attacker
            .execute_batch(
                "DROP TRIGGER audit_records_no_update;
                 UPDATE audit_records SET record = replace(record, '\"actor\":\"a\"', '\"actor\":\"z\"')
                 WHERE sequence = 1;",
            )
            .unwrap();
        let report = verify_against(&db, &checkpoint)?;
        let CheckpointVerdict::Broken(brk) = &report.verdict else {
            panic!("{:?}", report.verdict);
        };
        assert_eq!((brk.sequence, brk.kind), (1, BreakKind::Edited));
        Ok(())
    }
}
