//! [`PhiKeyring`]: seals PHI under the current key and opens envelopes sealed under any key it
//! holds (key rotation).

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use medplug_pdk::host_fns::EncryptedPhi;

use super::error::{PhiError, quote};
use super::key::PhiKey;

/// The envelope's `algorithm`: the only one there is.
pub const PHI_ALGORITHM: &str = "AES-256-GCM";

/// The associated data starts with this; then come the key id, a NUL and the tenant. Key ids
/// never hold a NUL, so no two (key id, tenant) pairs share associated data.
pub const PHI_AAD_PREFIX: &[u8] = b"medplug-phi-v1\0";

/// GCM's 96-bit nonce.
const NONCE_BYTES: usize = 12;

/// GCM's 128-bit tag, at the end of the ciphertext.
const TAG_BYTES: usize = 16;

/// The keys the host seals and opens PHI with: one current key, which seals, and retired keys,
/// which only open envelopes sealed before a rotation.
///
/// Each envelope's associated data binds it to its key id and to the tenant it was sealed for:
/// one clinic's envelope does not open for another (LGPD Art. 46; Art. 11 for health data).
#[derive(Debug)]
pub struct PhiKeyring {
    current: PhiKey,
    retired: Vec<PhiKey>,
}

impl PhiKeyring {
    /// A keyring that seals with `current`.
    pub fn new(current: PhiKey) -> Self {
        Self {
            current,
            retired: Vec::new(),
        }
    }

    /// Adds a retired key: it opens envelopes that name it and seals nothing. Refused if the
    /// keyring already holds a key with that id.
    pub fn with_retired(mut self, key: PhiKey) -> Result<Self, PhiError> {
        if self.key(key.id()).is_some() {
            return Err(PhiError::DuplicateKey {
                key_id: quote(key.id()),
            });
        }
        self.retired.push(key);
        Ok(self)
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        self.current.id()
    }

    /// Every key id in the keyring, the current one first.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&self.current)
            .chain(&self.retired)
            .map(PhiKey::id)
    }

    /// Seals `plaintext` for `tenant` under the current key, with a fresh random nonce.
    pub fn seal(&self, tenant: &str, plaintext: &[u8]) -> Result<EncryptedPhi, PhiError> {
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng
            .try_fill_bytes(&mut nonce)
            .map_err(|e| PhiError::Randomness {
                message: e.to_string(),
            })?;
        self.seal_with_nonce(tenant, plaintext, nonce)
    }

    /// [`seal`](Self::seal) with a given nonce: known-answer tests only fix it. A nonce must
    /// never repeat under one key.
    pub(super) fn seal_with_nonce(
        &self,
        tenant: &str,
        plaintext: &[u8],
        nonce: [u8; NONCE_BYTES],
    ) -> Result<EncryptedPhi, PhiError> {
        check_tenant(tenant)?;
        let key = &self.current;
        let aad = associated_data(key.id(), tenant);
        let payload = Payload {
            msg: plaintext,
            aad: &aad,
        };
        let ciphertext = cipher(key)
            .encrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| PhiError::Malformed {
                field: "plaintext",
                message: "too long for AES-256-GCM".into(),
            })?;
        Ok(EncryptedPhi {
            algorithm: PHI_ALGORITHM.into(),
            key_id: key.id().into(),
            nonce: BASE64.encode(nonce),
            ciphertext: BASE64.encode(ciphertext),
        })
    }

    /// Opens an envelope sealed for `tenant` under any key of the keyring.
    ///
    /// [`PhiError::Tampered`] when it does not authenticate: an edited ciphertext, nonce or tag,
    /// a key id changed to another known key, or another tenant.
    pub fn open(&self, tenant: &str, envelope: &EncryptedPhi) -> Result<Vec<u8>, PhiError> {
        check_tenant(tenant)?;
        if envelope.algorithm != PHI_ALGORITHM {
            return Err(PhiError::UnsupportedAlgorithm {
                algorithm: quote(&envelope.algorithm),
            });
        }
        let key = self
            .key(&envelope.key_id)
            .ok_or_else(|| PhiError::UnknownKey {
                key_id: quote(&envelope.key_id),
            })?;
        let nonce = decode_base64("nonce", &envelope.nonce)?;
        if nonce.len() != NONCE_BYTES {
            return Err(PhiError::Malformed {
                field: "nonce",
                message: format!("expected {NONCE_BYTES} bytes, found {}", nonce.len()),
            });
        }
        let ciphertext = decode_base64("ciphertext", &envelope.ciphertext)?;
        if ciphertext.len() < TAG_BYTES {
            return Err(PhiError::Malformed {
                field: "ciphertext",
                message: format!(
                    "{} bytes, shorter than the {TAG_BYTES}-byte tag",
                    ciphertext.len()
                ),
            });
        }
        let aad = associated_data(key.id(), tenant);
        let payload = Payload {
            msg: &ciphertext,
            aad: &aad,
        };
        cipher(key)
            .decrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| PhiError::Tampered)
    }

    /// The key with this id, current or retired.
    fn key(&self, id: &str) -> Option<&PhiKey> {
        std::iter::once(&self.current)
            .chain(&self.retired)
            .find(|key| key.id() == id)
    }
}

/// The cipher for one operation. Built per call so the expanded key lives no longer than that.
fn cipher(key: &PhiKey) -> Aes256Gcm {
    Aes256Gcm::new(key.bytes().into())
}

/// `medplug-phi-v1\0` + key id + `\0` + tenant.
fn associated_data(key_id: &str, tenant: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(PHI_AAD_PREFIX.len() + key_id.len() + 1 + tenant.len());
    aad.extend_from_slice(PHI_AAD_PREFIX);
    aad.extend_from_slice(key_id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(tenant.as_bytes());
    aad
}

/// Every envelope belongs to a tenant.
fn check_tenant(tenant: &str) -> Result<(), PhiError> {
    if tenant.is_empty() {
        return Err(PhiError::Malformed {
            field: "tenant",
            message: "must not be empty".into(),
        });
    }
    Ok(())
}

/// Standard base64 with padding; the message names the field and never echoes the value.
fn decode_base64(field: &'static str, value: &str) -> Result<Vec<u8>, PhiError> {
    BASE64.decode(value).map_err(|_| PhiError::Malformed {
        field,
        message: "not standard base64 with padding".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENANT: &str = "clinica-horizonte";
    const OTHER_TENANT: &str = "cardio-sul";
    const KAT_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const KAT_PLAINTEXT: &str = "Paciente fictícia: Ana Beatriz, alergia a dipirona";
    /// Python `cryptography` 48.0.0, independently of this crate:
    /// `AESGCM(bytes(range(32))).encrypt(bytes(range(12)), plaintext,
    /// b"medplug-phi-v1\0" + b"kat-key" + b"\0" + b"clinica-horizonte").hex()`.
    const KAT_CIPHERTEXT_HEX: &str = "1763b572a08bb67ead27fee8c52ad50eeab7bd14b1153e5c7a0284f16f007a9e\
        2171c299dda67bf954c55f89e1f7414a813701593da586ebbd2a9887c35980d35147bd";
    /// The same with an empty plaintext: the tag alone.
    const KAT_EMPTY_HEX: &str = "d32bc8be5c727aa2d6a99d170e0e1dbe";

    fn keyring() -> PhiKeyring {
        PhiKeyring::new(PhiKey::generate("k2").unwrap())
            .with_retired(PhiKey::generate("k1").unwrap())
            .unwrap()
    }

    /// A change that breaks an envelope.
    type Edit = fn(&mut EncryptedPhi);

    fn flip(b64: &str, index: usize) -> String {
        let mut bytes = BASE64.decode(b64).unwrap();
        bytes[index] ^= 0x01;
        BASE64.encode(bytes)
    }

    #[test]
    fn round_trips_short_empty_and_large_plaintexts() {
        let ring = keyring();
        let large: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        for plaintext in [&b"CPF 529.982.247-25"[..], b"", &large] {
            let envelope = ring.seal(TENANT, plaintext).unwrap();
            assert_eq!(envelope.algorithm, "AES-256-GCM");
            assert_eq!(envelope.key_id, "k2");
            assert_eq!(BASE64.decode(&envelope.nonce).unwrap().len(), 12);
            let sealed = BASE64.decode(&envelope.ciphertext).unwrap();
            assert_eq!(sealed.len(), plaintext.len() + 16);
            assert_eq!(ring.open(TENANT, &envelope).unwrap(), plaintext);
        }
    }

    #[test]
    fn two_seals_of_the_same_plaintext_differ() {
        let ring = keyring();
        let a = ring.seal(TENANT, b"same").unwrap();
        let b = ring.seal(TENANT, b"same").unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn any_flipped_byte_of_ciphertext_tag_or_nonce_is_tampering() {
        let ring = keyring();
        let envelope = ring.seal(TENANT, b"hemoglobina glicada 7,2%").unwrap();
        let sealed_len = BASE64.decode(&envelope.ciphertext).unwrap().len();
        for i in 0..sealed_len {
            let mut edited = envelope.clone();
            edited.ciphertext = flip(&envelope.ciphertext, i);
            assert!(
                matches!(ring.open(TENANT, &edited), Err(PhiError::Tampered)),
                "{i}"
            );
        }
        for i in 0..12 {
            let mut edited = envelope.clone();
            edited.nonce = flip(&envelope.nonce, i);
            assert!(
                matches!(ring.open(TENANT, &edited), Err(PhiError::Tampered)),
                "{i}"
            );
        }
    }

    #[test]
    fn another_tenant_or_key_id_does_not_open() {
        let ring = keyring();
        let envelope = ring.seal(TENANT, b"laudo").unwrap();
        assert!(matches!(
            ring.open(OTHER_TENANT, &envelope),
            Err(PhiError::Tampered)
        ));

        let mut relabelled = envelope.clone();
        relabelled.key_id = "k1".into();
        assert!(matches!(
            ring.open(TENANT, &relabelled),
            Err(PhiError::Tampered)
        ));

        relabelled.key_id = "k9".into();
        let err = ring.open(TENANT, &relabelled).unwrap_err();
        assert!(matches!(err, PhiError::UnknownKey { .. }));
        assert_eq!(err.to_string(), r#"no phi key with id "k9" in the keyring"#);
    }

    #[test]
    fn retired_keys_open_what_they_sealed() {
        let old = PhiKeyring::new(PhiKey::from_hex("k1", KAT_KEY).unwrap());
        let envelope = old.seal(TENANT, b"antes da rotacao").unwrap();
        let rotated = PhiKeyring::new(PhiKey::generate("k2").unwrap())
            .with_retired(PhiKey::from_hex("k1", KAT_KEY).unwrap())
            .unwrap();
        assert_eq!(rotated.current_id(), "k2");
        assert_eq!(rotated.key_ids().collect::<Vec<_>>(), ["k2", "k1"]);
        assert_eq!(
            rotated.open(TENANT, &envelope).unwrap(),
            b"antes da rotacao"
        );
        assert_eq!(rotated.seal(TENANT, b"x").unwrap().key_id, "k2");
    }

    #[test]
    fn duplicate_key_ids_are_refused() {
        let err = PhiKeyring::new(PhiKey::generate("k1").unwrap())
            .with_retired(PhiKey::generate("k1").unwrap())
            .unwrap_err();
        assert_eq!(err.to_string(), r#"phi key "k1" is already in the keyring"#);
    }

    #[test]
    fn matches_an_independent_implementation() {
        let ring = PhiKeyring::new(PhiKey::from_hex("kat-key", KAT_KEY).unwrap());
        let nonce: [u8; 12] = core::array::from_fn(|i| i as u8);
        let envelope = ring
            .seal_with_nonce(TENANT, KAT_PLAINTEXT.as_bytes(), nonce)
            .unwrap();
        assert_eq!(envelope.nonce, "AAECAwQFBgcICQoL");
        assert_eq!(
            hex::encode(BASE64.decode(&envelope.ciphertext).unwrap()),
            KAT_CIPHERTEXT_HEX
        );
        assert_eq!(
            ring.open(TENANT, &envelope).unwrap(),
            KAT_PLAINTEXT.as_bytes()
        );
        let empty = ring.seal_with_nonce(TENANT, b"", nonce).unwrap();
        assert_eq!(
            hex::encode(BASE64.decode(&empty.ciphertext).unwrap()),
            KAT_EMPTY_HEX
        );
    }

    #[test]
    fn malformed_envelopes_name_the_field() {
        let ring = keyring();
        let envelope = ring.seal(TENANT, b"x").unwrap();
        let cases: [(Edit, &str); 6] = [
            (
                |e| e.algorithm = "AES-128-GCM".into(),
                r#"unsupported phi algorithm "AES-128-GCM" (expected "AES-256-GCM")"#,
            ),
            (
                |e| e.nonce = "not base64!".into(),
                "malformed phi nonce: not standard base64 with padding",
            ),
            (
                |e| e.nonce = BASE64.encode([0u8; 16]),
                "malformed phi nonce: expected 12 bytes, found 16",
            ),
            (
                |e| e.ciphertext = e.ciphertext.trim_end_matches('=').into(),
                "malformed phi ciphertext: not standard base64 with padding",
            ),
            (
                |e| e.ciphertext = BASE64.encode([0u8; 15]),
                "malformed phi ciphertext: 15 bytes, shorter than the 16-byte tag",
            ),
            (
                |e| e.ciphertext = String::new(),
                "malformed phi ciphertext: 0 bytes, shorter than the 16-byte tag",
            ),
        ];
        for (edit, message) in cases {
            let mut edited = envelope.clone();
            edit(&mut edited);
            assert_eq!(ring.open(TENANT, &edited).unwrap_err().to_string(), message);
        }
        let err = ring.seal("", b"x").unwrap_err().to_string();
        assert_eq!(err, "malformed phi tenant: must not be empty");
    }

    #[test]
    fn messages_never_carry_plaintext_or_key() {
        let key_hex = KAT_KEY;
        let ring = PhiKeyring::new(PhiKey::from_hex("k", key_hex).unwrap());
        let envelope = ring.seal(TENANT, b"diagnostico sigiloso").unwrap();
        let err = ring.open(OTHER_TENANT, &envelope).unwrap_err();
        let text = format!("{err} {err:?} {ring:?}");
        assert!(
            !text.contains("diagnostico") && !text.contains(&key_hex[..16]),
            "{text}"
        );
        assert_eq!(
            err.to_string(),
            "phi envelope does not authenticate: it was altered, or sealed for another tenant or key"
        );
    }
}
