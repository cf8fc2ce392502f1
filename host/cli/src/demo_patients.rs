//! Fictional patients of two fictional clinics, for demos and tests.
//!
//! Every name here is invented and obviously so ("Fictícia", "Exemplo", "Teste", "Modelo",
//! "Amostra"): no real person's data is in this file (LGPD Art. 6 III, data minimisation; real
//! PHI never belongs in source code).

use medplug_host::patients::{PatientRecord, PatientStore, PatientStoreError};
use medplug_pdk::host_fns::Sex;

/// The demo dermatology clinic.
pub const DEMO_TENANT_DERMATOLOGY: &str = "clinica-horizonte";
/// The demo cardiology clinic.
pub const DEMO_TENANT_CARDIOLOGY: &str = "cardio-sul";

/// Dermatology patient who consented to `dermatology` and `privacy`.
pub const DEMO_HZ_0001: &str = "HZ-0001";
/// Dermatology patient who consented to `dermatology` only.
pub const DEMO_HZ_0002: &str = "HZ-0002";
/// Dermatology patient with no consent on record: every plugin read of it is denied.
pub const DEMO_HZ_0003: &str = "HZ-0003";
/// Cardiology patient who consented to `cardiology` only.
pub const DEMO_CS_0001: &str = "CS-0001";
/// Cardiology patient who consented to `cardiology` and `privacy`.
pub const DEMO_CS_0002: &str = "CS-0002";

/// id, tenant, name, birth date, sex, consented specialties.
type DemoRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Sex,
    &'static [&'static str],
);

#[rustfmt::skip]
const DEMO_ROWS: [DemoRow; 5] = [
    (DEMO_HZ_0001, DEMO_TENANT_DERMATOLOGY, "Ana Beatriz Fictícia", "1980-04-12", Sex::Female, &["dermatology", "privacy"]),
    (DEMO_HZ_0002, DEMO_TENANT_DERMATOLOGY, "Carlos Exemplo da Silva", "1956-11-02", Sex::Male, &["dermatology"]),
    (DEMO_HZ_0003, DEMO_TENANT_DERMATOLOGY, "Joana Teste dos Santos", "1992-07-30", Sex::Female, &[]),
    (DEMO_CS_0001, DEMO_TENANT_CARDIOLOGY, "Pedro Modelo", "1949-01-20", Sex::Male, &["cardiology"]),
    (DEMO_CS_0002, DEMO_TENANT_CARDIOLOGY, "Lúcia Amostra", "1971-09-05", Sex::Female, &["cardiology", "privacy"]),
];

/// The demo patients, dermatology clinic first.
pub fn demo_patients() -> Vec<PatientRecord> {
    DEMO_ROWS
        .iter()
        .map(|&(id, tenant, name, birth, sex, consents)| PatientRecord {
            patient_id: id.into(),
            tenant: tenant.into(),
            name: name.into(),
            birth_date: Some(birth.into()),
            sex: Some(sex),
            consents: consents.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect()
}

/// Puts the [`demo_patients`] into `store`, replacing any earlier copies (seeding twice leaves
/// the same patients), and returns how many it put.
pub fn seed_demo(store: &dyn PatientStore) -> Result<usize, PatientStoreError> {
    let patients = demo_patients();
    for patient in &patients {
        store.put(patient)?;
    }
    Ok(patients.len())
}

#[cfg(test)]
mod tests {
    use medplug_host::patients::SqlitePatientStore;

    use super::*;

    #[test]
    fn seeding_is_idempotent() {
        let store = SqlitePatientStore::in_memory().unwrap();
        assert_eq!(seed_demo(&store).unwrap(), 5);
        assert_eq!(seed_demo(&store).unwrap(), 5);
        assert_eq!(store.count(DEMO_TENANT_DERMATOLOGY).unwrap(), 3);
        assert_eq!(store.count(DEMO_TENANT_CARDIOLOGY).unwrap(), 2);
    }

    #[test]
    fn the_demo_patients_are_as_documented() {
        let store = SqlitePatientStore::in_memory().unwrap();
        seed_demo(&store).unwrap();
        let get = |id| store.get(id).unwrap().unwrap();

        let ana = get(DEMO_HZ_0001);
        assert_eq!(ana.tenant, "clinica-horizonte");
        assert_eq!(ana.name, "Ana Beatriz Fictícia");
        assert_eq!(ana.birth_date.as_deref(), Some("1980-04-12"));
        assert_eq!(ana.sex, Some(Sex::Female));
        assert!(ana.has_consent("dermatology") && ana.has_consent("privacy"));

        let carlos = get(DEMO_HZ_0002);
        assert!(carlos.has_consent("dermatology") && !carlos.has_consent("privacy"));
        assert_eq!(carlos.sex, Some(Sex::Male));

        assert!(get(DEMO_HZ_0003).consents.is_empty());

        let pedro = get(DEMO_CS_0001);
        assert_eq!(pedro.tenant, "cardio-sul");
        assert_eq!(pedro.birth_date.as_deref(), Some("1949-01-20"));
        assert!(pedro.has_consent("cardiology") && !pedro.has_consent("dermatology"));

        let lucia = get(DEMO_CS_0002);
        assert_eq!(lucia.name, "Lúcia Amostra");
        assert!(lucia.has_consent("cardiology") && lucia.has_consent("privacy"));
    }
}
