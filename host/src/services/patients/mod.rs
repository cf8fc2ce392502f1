//! The patient store: who the clinics' patients are and what each consented to.
//!
//! The host answers a plugin's `get_patient` from a [`PatientStore`]: it returns a record only to
//! a plugin of the patient's own tenant whose specialty the patient consented to (LGPD Art. 11 I:
//! specific, highlighted consent for health data; Art. 8 §5: consent may be revoked at any time).
//! The store itself checks neither: [`PatientStore::get`] returns a patient whatever its tenant.
//!
//! - [`PatientRecord`]: a patient as the clinic records it, with its consents.
//! - [`SqlitePatientStore`]: the store in SQLite (a file or memory), its schema kept by
//!   numbered migrations tracked in `PRAGMA user_version`.
//! - [`PostgresPatientStore`]: the store in PostgreSQL, which replicas share (migrations tracked
//!   in `medplug_schema`).

mod error;
mod migrations;
#[cfg(feature = "postgres")]
mod postgres_store;
mod record;
mod sqlite_store;
mod store;

pub use error::PatientStoreError;
pub use migrations::SCHEMA_VERSION;
#[cfg(feature = "postgres")]
pub use postgres_store::{POSTGRES_SCHEMA_VERSION, PostgresPatientStore};
pub use record::{MAX_ID_BYTES, PatientRecord};
pub use sqlite_store::SqlitePatientStore;
pub use store::{PatientStore, open_store};
