//! [`PatientStore`]: what the host needs from wherever patients are kept.

use std::fmt::Debug;
use std::sync::Arc;

use crate::policy::StoreLocation;

use super::error::PatientStoreError;
use super::record::PatientRecord;

/// Where the host reads patients and their consents from.
///
/// Implementations are shared between calls on many threads, hence `Send + Sync`. They store and
/// return records; the host decides who may see them (tenant and consent, LGPD Art. 11 I).
pub trait PatientStore: Send + Sync + Debug {
    /// The patient with this id, whatever its tenant (the host checks tenant and consent).
    fn get(&self, patient_id: &str) -> Result<Option<PatientRecord>, PatientStoreError>;

    /// Inserts or replaces a patient and its consents, after
    /// [`validate`](PatientRecord::validate). A replaced patient keeps the grant time of every
    /// consent it still has.
    fn put(&self, record: &PatientRecord) -> Result<(), PatientStoreError>;

    /// Records or withdraws consent for one specialty (LGPD Art. 8 §5: consent may be revoked).
    /// Err [`NotFound`](PatientStoreError::NotFound) if no such patient.
    fn set_consent(
        &self,
        patient_id: &str,
        specialty: &str,
        granted: bool,
    ) -> Result<(), PatientStoreError>;

    /// Number of patients of a tenant.
    fn count(&self, tenant: &str) -> Result<u64, PatientStoreError>;
}

/// Opens the store at `location`, creating the file or the schema if absent.
pub fn open_store(location: &StoreLocation) -> Result<Arc<dyn PatientStore>, PatientStoreError> {
    match location {
        StoreLocation::Sqlite(path) => Ok(Arc::new(super::SqlitePatientStore::open(path)?)),
        #[cfg(feature = "postgres")]
        StoreLocation::Postgres(url) => Ok(Arc::new(super::PostgresPatientStore::connect(url)?)),
        #[cfg(not(feature = "postgres"))]
        StoreLocation::Postgres(url) => Err(PatientStoreError::InvalidRecord {
            field: "storage",
            message: format!("{url}: this build has no PostgreSQL support"),
        }),
    }
}
