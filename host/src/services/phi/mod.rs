//! PHI encryption: AES-256-GCM envelopes sealed and opened by the host alone.
//!
//! A plugin granted `encrypt_phi` hands the host protected health information and gets back an
//! [`EncryptedPhi`](medplug_pdk::host_fns::EncryptedPhi) envelope it cannot open: the keys never
//! leave the host (LGPD Art. 46: security measures protecting personal data; Art. 5 II: health
//! data is sensitive data). Each envelope is bound to the tenant it was sealed for and to the
//! id of the key that sealed it, so it does not open for another clinic or under another key.
//!
//! - [`PhiKey`]: one 256-bit key with an id, loaded from hex, a file or an environment variable,
//!   or generated; its bytes are never printed and are overwritten when it is dropped.
//! - [`PhiKeyring`]: the current key, which seals, and retired keys kept to open older envelopes
//!   (key rotation).
//! - [`PhiError`]: every way loading a key, sealing or opening can fail.

mod error;
mod key;
mod keyring;

pub use error::PhiError;
pub use key::{MAX_KEY_ID_BYTES, PhiKey};
pub use keyring::{PHI_AAD_PREFIX, PHI_ALGORITHM, PhiKeyring};
