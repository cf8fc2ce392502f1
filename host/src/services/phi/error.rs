//! [`PhiError`]: why a PHI key could not be loaded, or an envelope sealed or opened.

use std::path::PathBuf;

/// Everything that can go wrong with PHI keys and envelopes.
///
/// Messages are lowercase and never contain plaintext or key bytes; values taken from an envelope
/// or from the caller are quoted with escapes and cut to 64 characters.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PhiError {
    /// The envelope names a key that is not in the keyring.
    #[error("no phi key with id {key_id} in the keyring")]
    UnknownKey {
        /// The key id from the envelope, quoted.
        key_id: String,
    },
    /// The envelope uses an algorithm other than AES-256-GCM.
    #[error("unsupported phi algorithm {algorithm} (expected \"AES-256-GCM\")")]
    UnsupportedAlgorithm {
        /// The algorithm from the envelope, quoted.
        algorithm: String,
    },
    /// A field of the envelope or of the request cannot be used as it is.
    #[error("malformed phi {field}: {message}")]
    Malformed {
        /// Which field: `nonce`, `ciphertext`, `tenant`, `plaintext`.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The envelope does not authenticate: its ciphertext, nonce, tag or key id was altered, or
    /// it was sealed for another tenant.
    #[error(
        "phi envelope does not authenticate: it was altered, or sealed for another tenant or key"
    )]
    Tampered,
    /// A key id or key material is not acceptable.
    #[error("invalid phi key {key_id}: {message}")]
    InvalidKey {
        /// The key id, quoted.
        key_id: String,
        /// What is wrong (never the key itself).
        message: String,
    },
    /// A key file cannot be read or does not hold a key.
    #[error("cannot load phi key from {}: {message}", path.display())]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What went wrong (never the file's content).
        message: String,
    },
    /// An environment variable does not hold a key.
    #[error("cannot load phi key from environment variable `{var}`: {message}")]
    KeyEnv {
        /// The variable's name.
        var: String,
        /// What went wrong (never the variable's value).
        message: String,
    },
    /// The keyring already holds a key with that id.
    #[error("phi key {key_id} is already in the keyring")]
    DuplicateKey {
        /// The key id, quoted.
        key_id: String,
    },
    /// The host was asked to open PHI but has no PHI key.
    #[error(
        "this host has no phi key: configure [phi_key] in the policy or give the builder a keyring"
    )]
    NoKeyring,
    /// The operating system's random number generator failed.
    #[error("os randomness failed: {message}")]
    Randomness {
        /// The OS error.
        message: String,
    },
    /// The audit record of opening an envelope could not be written: the plaintext is not
    /// returned (PHI opened without a record must not happen).
    #[error("audit trail: {0}")]
    Audit(#[from] crate::audit::AuditError),
}

impl PhiError {
    /// A stable snake_case name of the error, as audit records give it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::UnknownKey { .. } => "unknown_key",
            Self::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Self::Malformed { .. } => "malformed",
            Self::Tampered => "tampered",
            Self::InvalidKey { .. } => "invalid_key",
            Self::KeyFile { .. } => "key_file",
            Self::KeyEnv { .. } => "key_env",
            Self::DuplicateKey { .. } => "duplicate_key",
            Self::NoKeyring => "no_keyring",
            Self::Randomness { .. } => "randomness",
            Self::Audit(_) => "audit",
        }
    }

    /// How the audit trail counts an envelope that did not open: refused (`denied`) when the
    /// envelope or the request is at fault, a `host_failure` when the host is.
    pub fn outcome(&self) -> crate::audit::Outcome {
        use crate::audit::Outcome;
        match self {
            Self::UnknownKey { .. }
            | Self::UnsupportedAlgorithm { .. }
            | Self::Malformed { .. }
            | Self::Tampered => Outcome::Denied,
            Self::InvalidKey { .. }
            | Self::KeyFile { .. }
            | Self::KeyEnv { .. }
            | Self::DuplicateKey { .. }
            | Self::NoKeyring
            | Self::Randomness { .. }
            | Self::Audit(_) => Outcome::HostFailure,
        }
    }
}

pub(super) use crate::ids::quote;
