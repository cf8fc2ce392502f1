//! API keys: who a request is, from `Authorization: Bearer <key>`.
//!
//! A key is `mpk_<id>_<secret>`: a public id (16 hex digits) to find its entry, and 32 random
//! bytes (base64url). The keys file (`[storage] api_keys` in the policy, JSON, mode 0600) holds
//! for each key its id, tenant (none for an administrator's), label, creation time, revocation
//! time, and the SHA-256 of its secret — never the secret, which `medplug tenant-key new` prints
//! once. A presented secret's hash is compared with the stored one in constant time (`subtle`).
//! Keys are random and long, so a plain SHA-256 suffices: there is nothing to guess by brute
//! force that a slow hash would protect.
//!
//! A running service rereads the file when it changes: a key it does not know at once (a key
//! made a moment ago works), the others at most once a second (a key revoked with `medplug
//! tenant-key revoke` stops working within a second).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Every key begins so, which lets secret scanners recognise a leaked one.
pub const KEY_PREFIX: &str = "mpk_";

/// How often a running service looks whether the keys file changed.
const RELOAD_EVERY: Duration = Duration::from_secs(1);

/// One key's entry in the keys file (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// The key's public id (16 hex digits).
    pub id: String,
    /// The tenant the key acts for; `None` for an administrator's key.
    pub tenant: Option<String>,
    /// Who holds it: the actor of the audit records of its calls.
    pub label: String,
    /// When it was made, RFC 3339.
    pub created: String,
    /// When it was revoked, if it was.
    pub revoked: Option<String>,
    /// Lowercase hex SHA-256 of the key's secret part.
    pub secret_sha256: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    keys: Vec<KeyEntry>,
}

/// Who a request authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A tenant's key.
    Tenant {
        /// The tenant.
        tenant: String,
        /// The key's label (the audit actor).
        label: String,
    },
    /// An administrator's key.
    Admin {
        /// The key's label (the audit actor).
        label: String,
    },
}

/// Why a key is not accepted. Every case answers 401 alike; the kinds are for the logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRejection {
    /// No `Authorization: Bearer` header.
    #[error("the request has no `Authorization: Bearer` key")]
    Missing,
    /// Not a medplug key, an unknown one, a wrong secret or a revoked key.
    #[error("the key is not valid")]
    Invalid,
}

/// What can go wrong with the keys file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file cannot be read or written.
    #[error("keys file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a keys file.
    #[error("keys file {} is not valid: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// serde's message.
        message: String,
    },
    /// A label that is not an id (1-64 letters, digits, `-`, `_`, `.`).
    #[error("label `{0}` must be 1-64 letters, digits, '-', '_' or '.'")]
    BadLabel(String),
    /// No key of that id.
    #[error("no key `{0}` in the keys file")]
    UnknownKey(String),
    /// The OS's randomness failed.
    #[error("os randomness failed: {0}")]
    Randomness(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyFileError + '_ {
    move |source| KeyFileError::Io {
        path: path.to_owned(),
        source,
    }
}

fn read(path: &Path) -> Result<KeyFile, KeyFileError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| KeyFileError::Invalid {
            path: path.to_owned(),
            message: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(KeyFile::default()),
        Err(e) => Err(io(path)(e)),
    }
}

/// Writes the file whole: to a temporary file of mode 0600 beside it, then renamed over it, so
/// that a reader never sees half of it.
fn write(path: &Path, file: &KeyFile) -> Result<(), KeyFileError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let staged = path.with_extension("json.tmp");
    let json = serde_json::to_vec_pretty(file).map_err(|e| KeyFileError::Invalid {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(&staged).map_err(io(&staged))?;
    std::io::Write::write_all(&mut out, &json).map_err(io(&staged))?;
    out.sync_all().map_err(io(&staged))?;
    std::fs::rename(&staged, path).map_err(io(path))
}

fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 64
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Makes a key for `tenant` (`None`: an administrator's), stores its hash in the keys file at
/// `path`, and returns its entry and the key itself — the only time anyone sees it.
pub fn create_key(
    path: &Path,
    tenant: Option<&str>,
    label: Option<&str>,
) -> Result<(KeyEntry, String), KeyFileError> {
    let mut random = [0u8; 40];
    getrandom::getrandom(&mut random).map_err(|e| KeyFileError::Randomness(e.to_string()))?;
    let id = hex::encode(&random[..8]);
    let secret = URL_SAFE_NO_PAD.encode(&random[8..]);
    let label = label.map_or_else(|| format!("key-{id}"), str::to_owned);
    if !is_label(&label) {
        return Err(KeyFileError::BadLabel(label));
    }
    let entry = KeyEntry {
        id: id.clone(),
        tenant: tenant.map(str::to_owned),
        label,
        created: medplug_host::audit::now_rfc3339(),
        revoked: None,
        secret_sha256: secret_hash(&secret),
    };
    let mut file = read(path)?;
    file.keys.push(entry.clone());
    write(path, &file)?;
    Ok((entry, format!("{KEY_PREFIX}{id}_{secret}")))
}

/// Marks the key `id` revoked; returns its entry.
pub fn revoke_key(path: &Path, id: &str) -> Result<KeyEntry, KeyFileError> {
    let mut file = read(path)?;
    let entry = file
        .keys
        .iter_mut()
        .find(|k| k.id == id)
        .ok_or_else(|| KeyFileError::UnknownKey(id.chars().take(32).collect()))?;
    if entry.revoked.is_none() {
        entry.revoked = Some(medplug_host::audit::now_rfc3339());
    }
    let entry = entry.clone();
    write(path, &file)?;
    Ok(entry)
}

/// Every key's entry, in the order they were made.
pub fn list_keys(path: &Path) -> Result<Vec<KeyEntry>, KeyFileError> {
    Ok(read(path)?.keys)
}

/// The keys a running service accepts, reread when the file changes.
#[derive(Debug)]
pub struct KeyStore {
    path: PathBuf,
    state: Mutex<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    by_id: BTreeMap<String, KeyEntry>,
    modified: Option<SystemTime>,
    checked: Instant,
}

impl KeyStore {
    /// The keys of the file at `path` (none yet, if it does not exist).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, KeyFileError> {
        let path = path.into();
        let (by_id, modified) = Self::load(&path)?;
        Ok(Self {
            path,
            state: Mutex::new(Loaded {
                by_id,
                modified,
                checked: Instant::now(),
            }),
        })
    }

    fn load(path: &Path) -> Result<(BTreeMap<String, KeyEntry>, Option<SystemTime>), KeyFileError> {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let by_id = read(path)?
            .keys
            .into_iter()
            .map(|k| (k.id.clone(), k))
            .collect();
        Ok((by_id, modified))
    }

    /// The keys file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who `authorization` (the header's value) is.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, KeyRejection> {
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(KeyRejection::Missing)?;
        let (id, secret) = token
            .strip_prefix(KEY_PREFIX)
            .and_then(|rest| rest.split_once('_'))
            .ok_or(KeyRejection::Invalid)?;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        // A known key is looked up again at most once a second (a revocation takes effect
        // within it); an unknown one at once, so that a key made a moment ago works.
        if state.checked.elapsed() >= RELOAD_EVERY || !state.by_id.contains_key(id) {
            state.checked = Instant::now();
            let modified = std::fs::metadata(&self.path)
                .and_then(|m| m.modified())
                .ok();
            if modified != state.modified
                && let Ok((by_id, modified)) = Self::load(&self.path)
            {
                // A file that cannot be read keeps the keys last read.
                state.by_id = by_id;
                state.modified = modified;
            }
        }
        let entry = state.by_id.get(id).ok_or(KeyRejection::Invalid)?;
        let presented = secret_hash(secret);
        let matches: bool = presented
            .as_bytes()
            .ct_eq(entry.secret_sha256.as_bytes())
            .into();
        if !matches || entry.revoked.is_some() {
            return Err(KeyRejection::Invalid);
        }
        Ok(match &entry.tenant {
            Some(tenant) => Principal::Tenant {
                tenant: tenant.clone(),
                label: entry.label.clone(),
            },
            None => Principal::Admin {
                label: entry.label.clone(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_authenticates_until_revoked_and_only_its_hash_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let (entry, key) = create_key(&path, Some("clinica-a"), Some("dr.ana")).unwrap();
        assert!(
            key.starts_with("mpk_") && key.len() == 4 + 16 + 1 + 43,
            "{key}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let secret = key.rsplit('_').next().unwrap();
        assert!(!text.contains(secret), "the secret is never stored");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let store = KeyStore::open(&path).unwrap();
        let bearer = format!("Bearer {key}");
        assert_eq!(
            store.authenticate(Some(&bearer)),
            Ok(Principal::Tenant {
                tenant: "clinica-a".into(),
                label: "dr.ana".into()
            })
        );
        // A wrong secret, a malformed key, no key.
        let mut wrong = key.clone();
        wrong.pop();
        wrong.push(if key.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(
            store.authenticate(Some(&format!("Bearer {wrong}"))),
            Err(KeyRejection::Invalid)
        );
        assert_eq!(
            store.authenticate(Some("Bearer hello")),
            Err(KeyRejection::Invalid)
        );
        assert_eq!(store.authenticate(None), Err(KeyRejection::Missing));
        assert_eq!(
            store.authenticate(Some("Basic abc")),
            Err(KeyRejection::Missing)
        );
        // An administrator's key.
        let (_, admin) = create_key(&path, None, None).unwrap();
        let revoked = revoke_key(&path, &entry.id).unwrap();
        assert!(revoked.revoked.is_some());
        let store = KeyStore::open(&path).unwrap();
        assert_eq!(
            store.authenticate(Some(&bearer)),
            Err(KeyRejection::Invalid)
        );
        assert!(matches!(
            store.authenticate(Some(&format!("Bearer {admin}"))),
            Ok(Principal::Admin { .. })
        ));
        assert_eq!(list_keys(&path).unwrap().len(), 2);
        assert!(matches!(
            create_key(&path, None, Some("bad label")),
            Err(KeyFileError::BadLabel(_))
        ));
        assert!(matches!(
            revoke_key(&path, "nope"),
            Err(KeyFileError::UnknownKey(_))
        ));
    }

    #[test]
    fn a_key_made_after_the_store_opened_works_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let store = KeyStore::open(&path).unwrap();
        let (_, first) = create_key(&path, Some("a"), None).unwrap();
        assert!(store.authenticate(Some(&format!("Bearer {first}"))).is_ok());
        let (_, second) = create_key(&path, Some("b"), None).unwrap();
        assert!(
            store
                .authenticate(Some(&format!("Bearer {second}")))
                .is_ok()
        );
    }
}
