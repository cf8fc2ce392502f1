//! [`PhiKey`]: one 256-bit AES key with an id; never printed, overwritten when dropped.

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{Ordering, compiler_fence};

use aes_gcm::aead::OsRng;
use aes_gcm::aead::rand_core::RngCore;

use super::error::{PhiError, quote};

/// Longest key id, in bytes. Key ids are `[A-Za-z0-9_.-]`, so they never contain the NUL that
/// separates them from the tenant in the associated data.
pub const MAX_KEY_ID_BYTES: usize = crate::ids::MAX_ID_BYTES;

/// Key length in bytes (AES-256).
const KEY_BYTES: usize = 32;

/// A key file holds 64 hex characters and perhaps a line break; anything much larger is not one.
const MAX_KEY_FILE_BYTES: u64 = 1024;

/// One AES-256 key for sealing PHI, with the id that envelopes name it by.
///
/// `Debug` shows the id alone (`PhiKey { id: "demo", .. }`), no error message carries key
/// material, and the key bytes are overwritten with zeros when the key is dropped (LGPD Art. 46).
/// There is deliberately no `Clone`: each key lives in one place.
pub struct PhiKey {
    id: String,
    bytes: [u8; KEY_BYTES],
}

impl PhiKey {
    /// A key from its 32 bytes. The caller's copy of `bytes` is its own to wipe.
    pub fn from_bytes(id: impl Into<String>, bytes: [u8; KEY_BYTES]) -> Result<Self, PhiError> {
        let id = id.into();
        check_key_id(&id)?;
        Ok(Self { id, bytes })
    }

    /// A key from 64 hex characters (either case); whitespace around them is ignored.
    pub fn from_hex(id: impl Into<String>, hex: &str) -> Result<Self, PhiError> {
        let id = id.into();
        check_key_id(&id)?;
        match decode_key_hex(hex) {
            Ok(bytes) => Ok(Self { id, bytes }),
            Err(message) => Err(PhiError::InvalidKey {
                key_id: quote(&id),
                message,
            }),
        }
    }

    /// A key from a file holding its 64 hex characters (as [`to_hex`](Self::to_hex) writes
    /// them), perhaps followed by a line break. Errors name the file, never its content.
    pub fn from_file(id: impl Into<String>, path: impl AsRef<Path>) -> Result<Self, PhiError> {
        let id = id.into();
        check_key_id(&id)?;
        let path = path.as_ref();
        let fail = |message: String| PhiError::KeyFile {
            path: path.to_path_buf(),
            message,
        };
        let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
        // Room for the whole read up front, so no reallocation leaves an unwiped copy behind; one
        // byte past the limit tells a full-size file from a larger one.
        let mut content = Vec::with_capacity(MAX_KEY_FILE_BYTES as usize + 1);
        let read = file.take(MAX_KEY_FILE_BYTES + 1).read_to_end(&mut content);
        let result = match read {
            Err(e) => Err(fail(e.to_string())),
            Ok(n) if n as u64 > MAX_KEY_FILE_BYTES => Err(fail(format!(
                "the file is larger than {MAX_KEY_FILE_BYTES} bytes: not a key file"
            ))),
            Ok(_) => decode_key_text(&content).map_err(fail),
        };
        wipe(&mut content);
        Ok(Self { id, bytes: result? })
    }

    /// A key from an environment variable holding its 64 hex characters. Errors name the
    /// variable, never its value.
    pub fn from_env(id: impl Into<String>, var_name: &str) -> Result<Self, PhiError> {
        let valid_name = !var_name.is_empty() && !var_name.contains(['=', '\0']);
        let value = if valid_name {
            std::env::var_os(var_name)
        } else {
            None
        };
        Self::from_env_value(id, var_name, valid_name, value)
    }

    /// [`from_env`](Self::from_env) once the variable is read: tests call it without touching
    /// the process environment.
    fn from_env_value(
        id: impl Into<String>,
        var_name: &str,
        valid_name: bool,
        value: Option<OsString>,
    ) -> Result<Self, PhiError> {
        let id = id.into();
        check_key_id(&id)?;
        let fail = |message: String| PhiError::KeyEnv {
            var: var_name.to_owned(),
            message,
        };
        if !valid_name {
            return Err(fail("not a valid variable name".into()));
        }
        let Some(value) = value else {
            return Err(fail("the variable is not set".into()));
        };
        let mut content = value.into_encoded_bytes();
        let result = decode_key_text(&content).map_err(fail);
        wipe(&mut content);
        Ok(Self { id, bytes: result? })
    }

    /// A new key from the operating system's random number generator.
    pub fn generate(id: impl Into<String>) -> Result<Self, PhiError> {
        let id = id.into();
        check_key_id(&id)?;
        let mut bytes = [0u8; KEY_BYTES];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| PhiError::Randomness {
                message: e.to_string(),
            })?;
        Ok(Self { id, bytes })
    }

    /// Generates a key and writes it to a new file `path` (mode 0600, as
    /// [`from_file`](Self::from_file) reads it); an existing file is never overwritten.
    pub fn write_new(id: impl Into<String>, path: impl AsRef<Path>) -> Result<Self, PhiError> {
        let key = Self::generate(id)?;
        let path = path.as_ref();
        crate::secret_file::create_secret_file(path, &format!("{}\n", key.to_hex())).map_err(
            |e| PhiError::KeyFile {
                path: path.to_path_buf(),
                message: if e.kind() == std::io::ErrorKind::AlreadyExists {
                    "it exists, and medplug never overwrites a key".to_owned()
                } else {
                    e.to_string()
                },
            },
        )?;
        Ok(key)
    }

    /// The key's id, as envelopes name it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key as 64 lowercase hex characters, **only** for writing a new key file (see
    /// [`from_file`](Self::from_file)); never log or print it. The caller should drop the
    /// string as soon as it is written.
    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes)
    }

    /// The key material, for the keyring's cipher.
    pub(super) fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.bytes
    }
}

impl fmt::Debug for PhiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhiKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Drop for PhiKey {
    fn drop(&mut self) {
        wipe(&mut self.bytes);
    }
}

/// Checks a key id: non-empty, at most [`MAX_KEY_ID_BYTES`], `[A-Za-z0-9_.-]`.
pub(super) fn check_key_id(id: &str) -> Result<(), PhiError> {
    let problem = if id.is_empty() {
        "the key id must not be empty".to_owned()
    } else if id.len() > MAX_KEY_ID_BYTES {
        format!(
            "the key id is {} bytes, more than {MAX_KEY_ID_BYTES}",
            id.len()
        )
    } else if !id.bytes().all(crate::ids::is_id_byte) {
        "the key id may hold only ASCII letters, digits, `_`, `.` and `-`".to_owned()
    } else {
        return Ok(());
    };
    Err(PhiError::InvalidKey {
        key_id: quote(id),
        message: problem,
    })
}

/// [`decode_key_hex`] on bytes read from a file or a variable.
fn decode_key_text(content: &[u8]) -> Result<[u8; KEY_BYTES], String> {
    let text = std::str::from_utf8(content).map_err(|_| "the key is not UTF-8 text".to_owned())?;
    decode_key_hex(text)
}

/// 64 hex characters, with whitespace around them, into 32 bytes. Messages never quote the
/// text: it is key material.
fn decode_key_hex(text: &str) -> Result<[u8; KEY_BYTES], String> {
    let text = text.trim();
    if text.len() != 2 * KEY_BYTES {
        return Err(format!(
            "expected {} hex characters, found {}",
            2 * KEY_BYTES,
            text.chars().count()
        ));
    }
    let mut bytes = [0u8; KEY_BYTES];
    if hex::decode_to_slice(text, &mut bytes).is_err() {
        wipe(&mut bytes);
        return Err(format!(
            "expected {} hex characters, found other characters",
            2 * KEY_BYTES
        ));
    }
    Ok(bytes)
}

/// Overwrites `bytes` with zeros in a way the optimiser does not remove.
pub(super) fn wipe(bytes: &mut [u8]) {
    for byte in bytes.iter_mut() {
        // SAFETY: `byte` is a valid, aligned and exclusive reference to a `u8`.
        unsafe { std::ptr::write_volatile(byte, 0) };
    }
    compiler_fence(Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn debug_shows_the_id_and_never_the_key() {
        let key = PhiKey::from_hex("demo", HEX).unwrap();
        let debug = format!("{key:?}");
        assert_eq!(debug, r#"PhiKey { id: "demo", .. }"#);
        assert!(!debug.contains(HEX) && !debug.contains("0a0b"));
        assert!(!format!("{key:#?}").contains("0a0b"));
    }

    #[test]
    fn from_hex_accepts_surrounding_whitespace_and_either_case() {
        let key = PhiKey::from_hex("k1", &format!("  {}\n", HEX.to_uppercase())).unwrap();
        assert_eq!(key.id(), "k1");
        assert_eq!(key.to_hex(), HEX);
        assert_eq!(key.bytes()[31], 0x1f);
    }

    #[test]
    fn from_hex_refuses_bad_material_without_quoting_it() {
        let short = PhiKey::from_hex("k1", "abcd").unwrap_err();
        assert_eq!(
            short.to_string(),
            r#"invalid phi key "k1": expected 64 hex characters, found 4"#
        );
        let secretish = format!("{}zz", &HEX[..62]);
        let bad = PhiKey::from_hex("k1", &secretish).unwrap_err().to_string();
        assert_eq!(
            bad,
            r#"invalid phi key "k1": expected 64 hex characters, found other characters"#
        );
        assert!(!bad.contains(&HEX[..16]));
    }

    #[test]
    fn key_ids_are_checked() {
        let cases = [
            ("", "the key id must not be empty"),
            (
                "a b",
                "the key id may hold only ASCII letters, digits, `_`, `.` and `-`",
            ),
            (
                "a\0b",
                "the key id may hold only ASCII letters, digits, `_`, `.` and `-`",
            ),
        ];
        for (id, message) in cases {
            match PhiKey::from_hex(id, HEX).unwrap_err() {
                PhiError::InvalidKey { message: m, .. } => assert_eq!(m, message, "{id:?}"),
                other => panic!("{other:?}"),
            }
        }
        let long = "k".repeat(65);
        assert!(
            PhiKey::generate(long)
                .unwrap_err()
                .to_string()
                .contains("65 bytes, more than 64")
        );
        assert!(PhiKey::generate("k".repeat(64)).is_ok());
        assert!(PhiKey::generate("2025-01_key.v2").is_ok());
    }

    #[test]
    fn generated_keys_differ_and_round_trip_through_hex() {
        let a = PhiKey::generate("a").unwrap();
        let b = PhiKey::generate("b").unwrap();
        assert_ne!(a.bytes(), b.bytes());
        let again = PhiKey::from_hex("a", &a.to_hex()).unwrap();
        assert_eq!(again.bytes(), a.bytes());
    }

    #[test]
    fn from_file_reads_a_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("phi.key");
        std::fs::write(&path, format!("{HEX}\n")).unwrap();
        let key = PhiKey::from_file("file-key", &path).unwrap();
        assert_eq!(key.to_hex(), HEX);
    }

    #[test]
    fn from_file_errors_name_the_path_never_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.key");
        let content = "deadbeefcafe0123456789";
        std::fs::write(&path, content).unwrap();
        let err = PhiKey::from_file("k", &path).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "cannot load phi key from {}: expected 64 hex characters, found 22",
                path.display()
            )
        );
        assert!(!err.contains(content));

        // 32 bytes of hex followed by more is not exactly a key either.
        std::fs::write(&path, format!("{HEX}{HEX}")).unwrap();
        let err = PhiKey::from_file("k", &path).unwrap_err().to_string();
        assert!(
            err.ends_with("expected 64 hex characters, found 128"),
            "{err}"
        );

        std::fs::write(&path, vec![b'0'; 2000]).unwrap();
        let err = PhiKey::from_file("k", &path).unwrap_err().to_string();
        assert!(
            err.ends_with("larger than 1024 bytes: not a key file"),
            "{err}"
        );

        std::fs::write(&path, [0xff; 64]).unwrap();
        let err = PhiKey::from_file("k", &path).unwrap_err().to_string();
        assert!(err.ends_with("the key is not UTF-8 text"), "{err}");

        let missing = dir.path().join("missing.key");
        let err = PhiKey::from_file("k", &missing).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("cannot load phi key from {}: ", missing.display())),
            "{err}"
        );
    }

    #[test]
    fn from_env_with_a_missing_variable_names_it() {
        let var = "MEDPLUG_TEST_PHI_KEY_THAT_IS_NEVER_SET_4c1d";
        let err = PhiKey::from_env("k", var).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "cannot load phi key from environment variable `{var}`: the variable is not set"
            )
        );
        let err = PhiKey::from_env("k", "A=B").unwrap_err().to_string();
        assert!(err.ends_with("`A=B`: not a valid variable name"), "{err}");
    }

    #[test]
    fn from_env_value_decodes_and_never_echoes_the_value() {
        let key = PhiKey::from_env_value("k", "V", true, Some(format!(" {HEX} ").into())).unwrap();
        assert_eq!(key.to_hex(), HEX);
        let value = "s3cr3t-not-hex-value";
        let err = PhiKey::from_env_value("k", "V", true, Some(value.into()))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "cannot load phi key from environment variable `V`: expected 64 hex characters, found 20"
        );
        assert!(!err.contains(value));
    }

    #[test]
    fn wipe_zeroes() {
        let mut bytes = [0xaa_u8; 8];
        wipe(&mut bytes);
        assert_eq!(bytes, [0; 8]);
    }
}
