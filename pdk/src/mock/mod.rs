//! A mock host for native tests (not compiled into wasm): a plugin's functions that call
//! [`host::audit_log`], [`host::get_patient`] or [`host::encrypt_phi`] run unchanged in a plain
//! `cargo test`, against patients, consents and grants the test chooses.
//!
//! ```
//! use medplug_pdk::host_fns::{HostFnErrorCode, Patient};
//! use medplug_pdk::mock::MockHost;
//! use medplug_pdk::{Capability, host};
//!
//! let session = MockHost::new("dermatology")
//!     .patient(Patient {
//!         patient_id: "P-1".into(),
//!         name: "Ana Teste".into(),
//!         birth_date: Some("1980-05-01".into()),
//!         sex: None,
//!     }, &["dermatology"])
//!     .install();
//! assert_eq!(host::get_patient("P-1").unwrap().name, "Ana Teste");
//! assert_eq!(host::get_patient("P-2").unwrap_err().code, HostFnErrorCode::NotFound);
//! host::audit_log("lesion_scored", "1 lesion").unwrap();
//! assert_eq!(session.audit_events()[0].event, "lesion_scored");
//! assert_eq!(session.calls(), [Capability::ReadPatient, Capability::ReadPatient, Capability::AuditLog]);
//! ```
//!
//! The mock keeps the host's rules (`host/src/services/host_functions.rs`), so a test that
//! passes here passes in the host:
//! - a host function whose capability is not granted is `denied` (all are granted unless
//!   [`MockHost::revoke`]d);
//! - `get_patient` answers a patient it does not hold `not_found`, and one without consent for
//!   the plugin's specialty `denied` (LGPD Art. 11 I);
//! - `audit_log` refuses an invalid event name and more than
//!   [`MAX_AUDIT_EVENTS_PER_CALL`](crate::host_fns::MAX_AUDIT_EVENTS_PER_CALL) events, and cuts a
//!   message to [`MAX_AUDIT_MESSAGE_BYTES`](crate::host_fns::MAX_AUDIT_MESSAGE_BYTES) (the host
//!   also masks identifiers in it; the mock keeps it as given);
//! - [`MockHost::fail`] makes a host function answer any [`HostFnErrorCode`], for the plugin's
//!   error paths.
//!
//! `encrypt_phi` is deterministic and **not encryption**: `algorithm` is `MOCK`, the nonce
//! counts the calls, and [`MockSession::decrypt`] opens what it sealed. The session belongs to
//! the thread that installed it (tests run on threads of their own) and is removed when dropped.

pub mod host;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::Capability;
use crate::host_fns::{
    AuditAck, AuditEvent, EncryptedPhi, HostFnError, HostFnErrorCode, MAX_AUDIT_EVENTS_PER_CALL,
    MAX_AUDIT_MESSAGE_BYTES, Patient, is_valid_event_name,
};

/// The `algorithm` of the mock's sealed values.
pub const MOCK_ALGORITHM: &str = "MOCK";
/// The `key_id` of the mock's sealed values.
pub const MOCK_KEY_ID: &str = "mock";
/// What the mock XORs plaintext bytes with: visible, reversible, not secret.
const MOCK_MASK: u8 = 0x5a;

thread_local! {
    static CURRENT: RefCell<Option<Rc<RefCell<State>>>> = const { RefCell::new(None) };
}

/// What a test sets up: the plugin's specialty, grants, patients and forced failures.
#[derive(Debug, Clone)]
pub struct MockHost {
    specialty: String,
    granted: BTreeSet<Capability>,
    patients: BTreeMap<String, (Patient, BTreeSet<String>)>,
    failures: BTreeMap<Capability, HostFnErrorCode>,
}

impl MockHost {
    /// A host for a plugin of `specialty` (consent is checked against it), with every
    /// capability granted and no patients.
    pub fn new(specialty: &str) -> Self {
        Self {
            specialty: specialty.to_owned(),
            granted: Capability::ALL.iter().copied().collect(),
            patients: BTreeMap::new(),
            failures: BTreeMap::new(),
        }
    }

    /// Takes `capability` away: its host function answers `denied`.
    #[must_use]
    pub fn revoke(mut self, capability: Capability) -> Self {
        self.granted.remove(&capability);
        self
    }

    /// A patient of the calling tenant, with consent on record for these specialties.
    #[must_use]
    pub fn patient(mut self, patient: Patient, consents: &[&str]) -> Self {
        let consents = consents.iter().map(|s| (*s).to_owned()).collect();
        self.patients
            .insert(patient.patient_id.clone(), (patient, consents));
        self
    }

    /// Makes `capability`'s host function answer `code` on every use.
    #[must_use]
    pub fn fail(mut self, capability: Capability, code: HostFnErrorCode) -> Self {
        self.failures.insert(capability, code);
        self
    }

    /// Makes this the host of the current thread until the session is dropped.
    ///
    /// # Panics
    /// If the thread already has a mock host installed.
    pub fn install(self) -> MockSession {
        let state = Rc::new(RefCell::new(State {
            host: self,
            events: Vec::new(),
            calls: Vec::new(),
            sealed: 0,
        }));
        CURRENT.with(|current| {
            let mut current = current.borrow_mut();
            assert!(
                current.is_none(),
                "a MockHost is already installed on this thread: drop its session first"
            );
            *current = Some(Rc::clone(&state));
        });
        MockSession { state }
    }
}

/// An installed mock host: what the plugin did through it.
#[derive(Debug)]
pub struct MockSession {
    state: Rc<RefCell<State>>,
}

impl MockSession {
    /// The events `audit_log` accepted, in order.
    pub fn audit_events(&self) -> Vec<AuditEvent> {
        self.state.borrow().events.clone()
    }

    /// The host functions used, by capability, in order (refused uses included).
    pub fn calls(&self) -> Vec<Capability> {
        self.state.borrow().calls.clone()
    }

    /// The plaintext of a value this mock's `encrypt_phi` sealed; `None` for anything else.
    pub fn decrypt(&self, sealed: &EncryptedPhi) -> Option<String> {
        if sealed.algorithm != MOCK_ALGORITHM || sealed.key_id != MOCK_KEY_ID {
            return None;
        }
        let bytes = STANDARD.decode(&sealed.ciphertext).ok()?;
        String::from_utf8(bytes.iter().map(|b| b ^ MOCK_MASK).collect()).ok()
    }
}

impl Drop for MockSession {
    fn drop(&mut self) {
        CURRENT.with(|current| current.borrow_mut().take());
    }
}

/// The installed host's state.
#[derive(Debug)]
struct State {
    host: MockHost,
    events: Vec<AuditEvent>,
    calls: Vec<Capability>,
    sealed: u64,
}

fn refuse(code: HostFnErrorCode, message: impl Into<String>) -> HostFnError {
    HostFnError {
        code,
        message: message.into(),
    }
}

/// Runs `capability`'s host function on the thread's mock host: records the use, then answers
/// a forced failure, `denied` if not granted, or `serve`'s answer.
fn dispatch<T>(
    capability: Capability,
    serve: impl FnOnce(&mut State) -> Result<T, HostFnError>,
) -> Result<T, HostFnError> {
    let state = CURRENT
        .with(|current| current.borrow().clone())
        .ok_or_else(|| {
            refuse(
                HostFnErrorCode::Internal,
                format!(
                    "`{}` has no host natively: install a medplug_pdk::mock::MockHost in the test",
                    capability.host_function()
                ),
            )
        })?;
    let mut state = state.borrow_mut();
    state.calls.push(capability);
    if let Some(code) = state.host.failures.get(&capability) {
        return Err(refuse(
            *code,
            format!("the mock host fails `{}`", capability.host_function()),
        ));
    }
    if !state.host.granted.contains(&capability) {
        return Err(refuse(
            HostFnErrorCode::Denied,
            format!(
                "capability `{}` is not granted to this plugin",
                capability.as_str()
            ),
        ));
    }
    serve(&mut state)
}

fn audit_log(event: AuditEvent) -> Result<AuditAck, HostFnError> {
    dispatch(Capability::AuditLog, |state| {
        if !is_valid_event_name(&event.event) {
            return Err(refuse(
                HostFnErrorCode::InvalidRequest,
                "an event name is 1-64 characters of a-z, 0-9 and '_', starting with a letter",
            ));
        }
        if state.events.len() >= MAX_AUDIT_EVENTS_PER_CALL {
            return Err(refuse(
                HostFnErrorCode::InvalidRequest,
                format!("a call may log at most {MAX_AUDIT_EVENTS_PER_CALL} events"),
            ));
        }
        let mut message = event.message;
        if message.len() > MAX_AUDIT_MESSAGE_BYTES {
            let mut end = MAX_AUDIT_MESSAGE_BYTES;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
        }
        state.events.push(AuditEvent {
            event: event.event,
            message,
        });
        Ok(AuditAck {
            sequence: u32::try_from(state.events.len() - 1).unwrap_or(u32::MAX),
        })
    })
}

fn get_patient(patient_id: &str) -> Result<Patient, HostFnError> {
    dispatch(Capability::ReadPatient, |state| {
        let (patient, consents) = state.host.patients.get(patient_id).ok_or_else(|| {
            refuse(
                HostFnErrorCode::NotFound,
                format!("no patient `{patient_id}`"),
            )
        })?;
        if !consents.contains(&state.host.specialty) {
            return Err(refuse(
                HostFnErrorCode::Denied,
                format!(
                    "patient `{patient_id}` has no consent on record for `{}` (LGPD Art. 11 I)",
                    state.host.specialty
                ),
            ));
        }
        Ok(patient.clone())
    })
}

fn encrypt_phi(plaintext: &str) -> Result<EncryptedPhi, HostFnError> {
    dispatch(Capability::EncryptPhi, |state| {
        state.sealed += 1;
        let mut nonce = [0u8; 12];
        nonce[4..].copy_from_slice(&state.sealed.to_be_bytes());
        let sealed: Vec<u8> = plaintext.bytes().map(|b| b ^ MOCK_MASK).collect();
        Ok(EncryptedPhi {
            algorithm: MOCK_ALGORITHM.to_owned(),
            key_id: MOCK_KEY_ID.to_owned(),
            nonce: STANDARD.encode(nonce),
            ciphertext: STANDARD.encode(sealed),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> Patient {
        Patient {
            patient_id: "P-1".into(),
            name: "Ana Teste".into(),
            birth_date: None,
            sex: None,
        }
    }

    #[test]
    fn without_a_mock_a_host_function_says_how_to_get_one() {
        let error = host::get_patient("P-1").unwrap_err();
        assert_eq!(error.code, HostFnErrorCode::Internal);
        assert!(
            error
                .message
                .contains("install a medplug_pdk::mock::MockHost")
        );
    }

    #[test]
    fn patients_are_found_by_id_and_consent_for_the_specialty() {
        let session = MockHost::new("dermatology")
            .patient(ana(), &["dermatology"])
            .patient(
                Patient {
                    patient_id: "P-2".into(),
                    ..ana()
                },
                &["cardiology"],
            )
            .install();
        assert_eq!(host::get_patient("P-1"), Ok(ana()));
        assert_eq!(
            host::get_patient("P-2").unwrap_err(),
            refuse(
                HostFnErrorCode::Denied,
                "patient `P-2` has no consent on record for `dermatology` (LGPD Art. 11 I)"
            )
        );
        assert_eq!(
            host::get_patient("P-3").unwrap_err(),
            refuse(HostFnErrorCode::NotFound, "no patient `P-3`")
        );
        assert_eq!(session.calls(), [Capability::ReadPatient; 3]);
    }

    #[test]
    fn a_revoked_capability_is_denied_and_a_forced_failure_wins() {
        let _session = MockHost::new("privacy")
            .revoke(Capability::EncryptPhi)
            .fail(Capability::AuditLog, HostFnErrorCode::QuotaExceeded)
            .install();
        assert_eq!(
            host::encrypt_phi("x").unwrap_err(),
            refuse(
                HostFnErrorCode::Denied,
                "capability `encrypt_phi` is not granted to this plugin"
            )
        );
        assert_eq!(
            host::audit_log("done", "").unwrap_err().code,
            HostFnErrorCode::QuotaExceeded
        );
    }

    #[test]
    fn audit_log_keeps_the_hosts_rules() {
        let session = MockHost::new("privacy").install();
        assert_eq!(
            host::audit_log("Bad Name", "x").unwrap_err().code,
            HostFnErrorCode::InvalidRequest
        );
        let long = "é".repeat(MAX_AUDIT_MESSAGE_BYTES);
        assert_eq!(
            host::audit_log("first", &long),
            Ok(AuditAck { sequence: 0 })
        );
        let kept = &session.audit_events()[0].message;
        assert_eq!(kept.len(), MAX_AUDIT_MESSAGE_BYTES);
        for n in 1..MAX_AUDIT_EVENTS_PER_CALL {
            assert_eq!(
                host::audit_log("step", "").map(|a| a.sequence),
                Ok(u32::try_from(n).unwrap())
            );
        }
        assert_eq!(
            host::audit_log("one_too_many", "").unwrap_err().code,
            HostFnErrorCode::InvalidRequest
        );
    }

    #[test]
    fn encrypt_phi_is_deterministic_and_opens_only_its_own_values() {
        let session = MockHost::new("privacy").install();
        let first = host::encrypt_phi("CPF 529.982.247-25").unwrap();
        let second = host::encrypt_phi("CPF 529.982.247-25").unwrap();
        assert_eq!(first.algorithm, "MOCK");
        assert_eq!(first.ciphertext, second.ciphertext);
        assert_ne!(first.nonce, second.nonce);
        assert_eq!(first.nonce, "AAAAAAAAAAAAAAAB");
        assert!(!first.ciphertext.contains("529"));
        assert_eq!(
            session.decrypt(&first).as_deref(),
            Some("CPF 529.982.247-25")
        );
        let foreign = EncryptedPhi {
            algorithm: "AES-256-GCM".into(),
            ..first
        };
        assert_eq!(session.decrypt(&foreign), None);
    }

    #[test]
    fn a_session_is_removed_when_dropped() {
        {
            let _session = MockHost::new("privacy").install();
            assert!(host::audit_log("inside", "").is_ok());
        }
        assert_eq!(
            host::audit_log("outside", "").unwrap_err().code,
            HostFnErrorCode::Internal
        );
        // And another can be installed after it.
        let _again = MockHost::new("privacy").install();
        assert!(host::audit_log("again", "").is_ok());
    }
}
