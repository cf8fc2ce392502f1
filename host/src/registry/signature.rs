//! Plugin signatures: ed25519 over a module's exact bytes, in a detached file beside it.
//!
//! A signed module `name.wasm` has its signature in `name.wasm.sig`
//! ([`ModuleSignature::signature_path`]), a text file of one line:
//!
//! ```text
//! ed25519 <public key: 64 hex digits> <signature: 128 hex digits>\n
//! ```
//!
//! The three fields are separated by single spaces; hex is written lowercase and read in
//! either case. The public key says who signed; it is trusted only if it is among the host's
//! trusted keys ([`verify_module`]), so a module re-signed by someone else is refused. The
//! signature is ed25519 (RFC 8032, pure, no prehash) over the whole module file, checked with
//! `verify_strict` (no small-order keys, no malleable signatures).
//!
//! A signing key is kept in a file holding its 32-byte seed as 64 hex digits
//! ([`SigningKey::write_new`], mode 0600 on unix); the public key is derived from it.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ed25519_dalek::Signer as _;

/// The signature file of `<module file name>` is `<module file name>.<SIGNATURE_EXTENSION>`.
pub const SIGNATURE_EXTENSION: &str = "sig";

/// The first field of a signature line: the algorithm.
const ALGORITHM: &str = "ed25519";

/// Why a key or a signature could not be read, written or accepted.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// Reading or writing a file failed.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A signing key file does not hold a key (the reason never quotes the file's content).
    #[error(
        "bad signing key file {}: {reason}; it must hold the key's 32-byte seed as 64 hex \
         digits on one line",
        path.display()
    )]
    BadKeyFile {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A signature line, public key or seed is not in the expected format.
    #[error("malformed signature or key: {reason}")]
    Malformed {
        /// What is wrong, e.g. "the public key must be 64 hex digits, found 63".
        reason: String,
    },
    /// The signature was made by a key the host does not trust.
    #[error(
        "the module is signed by key {key} which is not among the trusted keys: add the key to \
         the trusted keys if you trust its holder, or sign the module with a trusted key"
    )]
    UntrustedKey {
        /// The signer's public key (boxed: a parsed key is 192 bytes).
        key: Box<TrustedKey>,
    },
    /// The signature does not verify over the module's bytes.
    #[error(
        "the signature does not match the module: it was changed after signing, or signed by \
         another key"
    )]
    Invalid,
    /// [`SigningKey::write_new`] found a file already there.
    #[error(
        "{} already exists: refusing to overwrite a signing key; remove it or choose another path",
        path.display()
    )]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
}

fn malformed(reason: impl Into<String>) -> SignatureError {
    SignatureError::Malformed {
        reason: reason.into(),
    }
}

/// Decodes exactly `N` bytes from `N * 2` hex digits; `what` names the field in errors, which
/// never quote the text (it may be a secret seed).
fn decode_hex<const N: usize>(text: &str, what: &str) -> Result<[u8; N], SignatureError> {
    let found = text.chars().count();
    if found != N * 2 {
        return Err(malformed(format!(
            "{what} must be {} hex digits, found {found} characters",
            N * 2
        )));
    }
    let mut bytes = [0u8; N];
    hex::decode_to_slice(text, &mut bytes)
        .map_err(|_| malformed(format!("{what} holds a character that is not a hex digit")))?;
    Ok(bytes)
}

/// An ed25519 signing key; its `Debug` shows only the public key.
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// A new random key, from the operating system's random number generator.
    pub fn generate() -> Self {
        Self(ed25519_dalek::SigningKey::generate(
            &mut aes_gcm::aead::OsRng,
        ))
    }

    /// The key whose 32-byte seed is `hex` (64 hex digits; surrounding whitespace is ignored).
    pub fn from_seed_hex(hex: &str) -> Result<Self, SignatureError> {
        let seed = decode_hex::<32>(hex.trim(), "a signing key seed")?;
        Ok(Self(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// Reads a key file holding the seed as hex; errors name the path, never the content.
    pub fn read(path: &Path) -> Result<Self, SignatureError> {
        let bytes = fs::read(path).map_err(|source| SignatureError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let bad = |reason: String| SignatureError::BadKeyFile {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| bad("it is not text".into()))?;
        Self::from_seed_hex(text).map_err(|e| match e {
            SignatureError::Malformed { reason } => bad(reason),
            other => other,
        })
    }

    /// Generates a key and writes its seed to `path` (mode 0600 on unix); never overwrites.
    pub fn write_new(path: &Path) -> Result<Self, SignatureError> {
        let key = Self::generate();
        let line = format!("{}\n", hex::encode(key.0.to_bytes()));
        crate::secret_file::create_secret_file(path, &line).map_err(|source| {
            if source.kind() == io::ErrorKind::AlreadyExists {
                SignatureError::AlreadyExists {
                    path: path.to_path_buf(),
                }
            } else {
                SignatureError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Ok(key)
    }

    /// The public key, to put among a host's trusted keys.
    pub fn public_key(&self) -> TrustedKey {
        TrustedKey(self.0.verifying_key())
    }

    /// Signs the module's exact bytes.
    pub fn sign(&self, module: &[u8]) -> ModuleSignature {
        ModuleSignature {
            key: self.public_key(),
            signature: self.0.sign(module),
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key", &self.public_key().to_string())
            .finish_non_exhaustive()
    }
}

/// An ed25519 public key; written as 64 lowercase hex digits (`Display`, `FromStr`, serde).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrustedKey(ed25519_dalek::VerifyingKey);

impl TrustedKey {
    /// The key's 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }
}

impl fmt::Display for TrustedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for TrustedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrustedKey({self})")
    }
}

impl FromStr for TrustedKey {
    type Err = SignatureError;

    /// Parses 64 hex digits; refuses points that are not on the curve and small-order keys.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = decode_hex::<32>(s, "the public key")?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| malformed("the public key is not a valid ed25519 point"))?;
        if key.is_weak() {
            return Err(malformed(
                "the public key is a small-order (weak) key, which anyone can sign for",
            ));
        }
        Ok(Self(key))
    }
}

impl serde::Serialize for TrustedKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for TrustedKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The content of a signature file: who signed, and the signature over the module's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleSignature {
    /// The signer's public key.
    pub key: TrustedKey,
    /// The ed25519 signature over the module's exact bytes.
    pub signature: ed25519_dalek::Signature,
}

impl ModuleSignature {
    /// The signature file's content: `ed25519 <key hex> <signature hex>\n`.
    pub fn to_file_contents(&self) -> String {
        format!(
            "{ALGORITHM} {} {}\n",
            self.key,
            hex::encode(self.signature.to_bytes())
        )
    }

    /// Parses a signature file's content (one line; a final line break is optional).
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        let line = text
            .strip_suffix('\n')
            .map_or(text, |l| l.strip_suffix('\r').unwrap_or(l));
        if line.is_empty() {
            return Err(malformed("the signature file is empty"));
        }
        if line.contains('\n') {
            return Err(malformed(format!(
                "the signature file must hold one line, found {}",
                line.lines().count()
            )));
        }
        let fields: Vec<&str> = line.split(' ').collect();
        if fields[0] != ALGORITHM {
            return Err(malformed(format!(
                "the signature line must start with \"{ALGORITHM} \", found {:?}",
                fields[0].chars().take(20).collect::<String>()
            )));
        }
        let [_, key, signature] = fields[..] else {
            return Err(malformed(format!(
                "the signature line must be \"{ALGORITHM} <public key> <signature>\" with single \
                 spaces, found {} fields",
                fields.len()
            )));
        };
        let key = key.parse()?;
        let signature = decode_hex::<64>(signature, "the signature")?;
        Ok(Self {
            key,
            signature: ed25519_dalek::Signature::from_bytes(&signature),
        })
    }

    /// The signature file of a module: `x/lgpd.wasm` → `x/lgpd.wasm.sig`.
    pub fn signature_path(module_path: &Path) -> PathBuf {
        let mut path = module_path.as_os_str().to_owned();
        path.push(".");
        path.push(SIGNATURE_EXTENSION);
        PathBuf::from(path)
    }
}

/// Checks `module` against `signature`: the key must be one of `trusted` and the signature valid
/// (`verify_strict`). Returns the key that signed.
pub fn verify_module(
    module: &[u8],
    signature: &ModuleSignature,
    trusted: &[TrustedKey],
) -> Result<TrustedKey, SignatureError> {
    if !trusted.contains(&signature.key) {
        return Err(SignatureError::UntrustedKey {
            key: Box::new(signature.key),
        });
    }
    signature
        .key
        .0
        .verify_strict(module, &signature.signature)
        .map_err(|_| SignatureError::Invalid)?;
    Ok(signature.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const RFC_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const RFC_SIGNATURE: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    fn malformed_reason(text: &str) -> String {
        match ModuleSignature::parse(text) {
            Err(SignatureError::Malformed { reason }) => reason,
            other => panic!("expected Malformed for {text:?}, got {other:?}"),
        }
    }

    #[test]
    fn signs_and_verifies_through_the_file_format() {
        let key = SigningKey::generate();
        let module = b"\0asm\x01\0\0\0 some module".to_vec();
        let text = key.sign(&module).to_file_contents();
        assert!(text.starts_with("ed25519 ") && text.ends_with('\n'));
        assert_eq!(text.len(), 8 + 64 + 1 + 128 + 1);
        let parsed = ModuleSignature::parse(&text).unwrap();
        assert_eq!(parsed, key.sign(&module));
        let signer = verify_module(
            &module,
            &parsed,
            &[SigningKey::generate().public_key(), key.public_key()],
        );
        assert_eq!(signer.unwrap(), key.public_key());
    }

    #[test]
    fn one_flipped_byte_is_invalid() {
        let key = SigningKey::generate();
        let mut module = vec![7u8; 1000];
        let signature = key.sign(&module);
        module[500] ^= 1;
        let err = verify_module(&module, &signature, &[key.public_key()]).unwrap_err();
        assert!(matches!(err, SignatureError::Invalid), "{err:?}");
        assert_eq!(
            err.to_string(),
            "the signature does not match the module: it was changed after signing, or signed by \
             another key"
        );
    }

    #[test]
    fn an_untrusted_key_is_named() {
        let signer = SigningKey::generate();
        let signature = signer.sign(b"module");
        let err = verify_module(
            b"module",
            &signature,
            &[SigningKey::generate().public_key()],
        )
        .unwrap_err();
        assert!(
            matches!(&err, SignatureError::UntrustedKey { key } if **key == signer.public_key())
        );
        assert!(
            err.to_string().starts_with(&format!(
                "the module is signed by key {} which is not among the trusted keys",
                signer.public_key()
            )),
            "{err}"
        );
        assert!(verify_module(b"module", &signature, &[]).is_err());
    }

    #[test]
    fn parse_rejects_malformed_lines() {
        let (key, sig) = (RFC_PUBLIC, "b".repeat(128));
        let fields = |n: usize| {
            format!(
                "the signature line must be \"ed25519 <public key> <signature>\" with single \
                 spaces, found {n} fields"
            )
        };
        let cases = [
            (String::new(), "the signature file is empty".to_owned()),
            ("\n".into(), "the signature file is empty".into()),
            (
                format!("ed25519 {key} {sig}\nmore\n"),
                "the signature file must hold one line, found 2".into(),
            ),
            (
                format!("rsa {key} {sig}\n"),
                "the signature line must start with \"ed25519 \", found \"rsa\"".into(),
            ),
            (format!("ed25519  {key} {sig}\n"), fields(4)),
            (format!("ed25519 {key}\n"), fields(2)),
            (
                format!("ed25519 {} {sig}\n", &key[1..]),
                "the public key must be 64 hex digits, found 63 characters".into(),
            ),
            (
                format!("ed25519 {}g {sig}\n", &key[1..]),
                "the public key holds a character that is not a hex digit".into(),
            ),
            (
                format!("ed25519 {key} {sig}0\n"),
                "the signature must be 128 hex digits, found 129 characters".into(),
            ),
            // The identity point: small order, anyone can forge for it.
            (
                format!("ed25519 01{} {sig}\n", "0".repeat(62)),
                "the public key is a small-order (weak) key, which anyone can sign for".into(),
            ),
        ];
        for (text, reason) in cases {
            assert_eq!(malformed_reason(&text), reason, "{text:?}");
        }
        let err = ModuleSignature::parse("").unwrap_err().to_string();
        assert_eq!(
            err,
            "malformed signature or key: the signature file is empty"
        );
        // CRLF and a missing final line break are accepted.
        let line = format!("ed25519 {RFC_PUBLIC} {RFC_SIGNATURE}");
        assert!(ModuleSignature::parse(&line).is_ok());
        assert!(ModuleSignature::parse(&format!("{line}\r\n")).is_ok());
    }

    #[test]
    fn rfc8032_test_1() {
        let key = SigningKey::from_seed_hex(&format!("  {RFC_SEED}\n")).unwrap();
        assert_eq!(key.public_key().to_string(), RFC_PUBLIC);
        let signature = key.sign(b"");
        assert_eq!(hex::encode(signature.signature.to_bytes()), RFC_SIGNATURE);
        assert_eq!(
            signature.to_file_contents(),
            format!("ed25519 {RFC_PUBLIC} {RFC_SIGNATURE}\n")
        );
        let parsed = ModuleSignature::parse(&signature.to_file_contents()).unwrap();
        let trusted: TrustedKey = RFC_PUBLIC.parse().unwrap();
        assert_eq!(verify_module(b"", &parsed, &[trusted]).unwrap(), trusted);
        assert!(matches!(
            verify_module(b"x", &parsed, &[trusted]),
            Err(SignatureError::Invalid)
        ));
    }

    #[test]
    fn write_new_refuses_to_overwrite_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signing.key");
        let key = SigningKey::write_new(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.len(), 65);
        assert_eq!(
            SigningKey::read(&path).unwrap().public_key(),
            key.public_key()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let err = SigningKey::write_new(&path).unwrap_err();
        assert!(matches!(&err, SignatureError::AlreadyExists { path: p } if *p == path));
        assert!(err.to_string().contains("refusing to overwrite"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn read_names_the_path_and_never_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.key");
        let secret = format!("{}zz", &RFC_SEED[..62]);
        fs::write(&path, &secret).unwrap();
        let err = SigningKey::read(&path).unwrap_err();
        assert!(matches!(err, SignatureError::BadKeyFile { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(!message.contains(&secret[..8]), "{message}");
        let missing = dir.path().join("missing.key");
        let err = SigningKey::read(&missing).unwrap_err();
        assert!(matches!(&err, SignatureError::Io { path, .. } if *path == missing));
    }

    #[test]
    fn debug_shows_only_the_public_key() {
        let key = SigningKey::from_seed_hex(RFC_SEED).unwrap();
        let debug = format!("{key:?}");
        assert!(debug.contains(RFC_PUBLIC), "{debug}");
        assert!(!debug.contains(&RFC_SEED[..16]), "{debug}");
        assert!(!debug.contains("157, 97"), "{debug}"); // the seed's first bytes, in decimal
    }

    #[test]
    fn trusted_key_round_trips_through_serde_and_text() {
        let key: TrustedKey = RFC_PUBLIC.to_uppercase().parse().unwrap();
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(json, format!("\"{RFC_PUBLIC}\""));
        assert_eq!(serde_json::from_str::<TrustedKey>(&json).unwrap(), key);
        assert!(serde_json::from_str::<TrustedKey>("\"abc\"").is_err());
        assert_eq!(
            ModuleSignature::signature_path(Path::new("x/lgpd.wasm")),
            Path::new("x/lgpd.wasm.sig")
        );
    }
}
