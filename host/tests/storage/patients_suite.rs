//! The patient store's behaviour on both backends.

use std::collections::BTreeSet;

use medplug_host::patients::{PatientRecord, PatientStoreError};
use medplug_pdk::host_fns::Sex;

use crate::backends::{Fixture, Kind, on_both};

on_both!(
    patients_round_trip_and_count_per_tenant,
    consents_are_granted_withdrawn_and_keep_their_time,
    bad_records_are_refused_and_leave_nothing,
    a_newer_patient_schema_is_refused,
);

fn patient(id: &str, tenant: &str, consents: &[&str]) -> PatientRecord {
    PatientRecord {
        patient_id: id.to_owned(),
        tenant: tenant.to_owned(),
        name: format!("Paciente Fictícia {id}"),
        birth_date: Some("1988-02-29".to_owned()),
        sex: Some(Sex::Female),
        consents: consents.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn patients_round_trip_and_count_per_tenant(kind: Kind) {
    let fixture = Fixture::new(kind, "patients");
    let store = fixture.patients();
    assert_eq!(store.get("HZ-1").unwrap(), None);
    let full = patient("HZ-1", "horizonte", &["cardiology", "privacy"]);
    let bare = PatientRecord {
        birth_date: None,
        sex: None,
        ..patient("HZ-2", "horizonte", &[])
    };
    let other = patient("CS-1", "cardio-sul", &["cardiology"]);
    for p in [&full, &bare, &other] {
        store.put(p).unwrap();
        assert_eq!(store.get(&p.patient_id).unwrap().as_ref(), Some(p));
    }
    assert_eq!(store.count("horizonte").unwrap(), 2);
    assert_eq!(store.count("cardio-sul").unwrap(), 1);
    assert_eq!(store.count("nobody").unwrap(), 0);
    // Replacing a patient replaces its fields and consents.
    let moved = PatientRecord {
        sex: Some(Sex::Other),
        ..patient("HZ-1", "horizonte", &["privacy"])
    };
    store.put(&moved).unwrap();
    assert_eq!(store.get("HZ-1").unwrap(), Some(moved));
    // Another handle (another replica) sees the same.
    assert_eq!(fixture.patients().get("CS-1").unwrap(), Some(other));
}

fn consents_are_granted_withdrawn_and_keep_their_time(kind: Kind) {
    let fixture = Fixture::new(kind, "consents");
    let store = fixture.patients();
    store.put(&patient("P-1", "t", &["privacy"])).unwrap();
    store.set_consent("P-1", "dermatology", true).unwrap();
    store.set_consent("P-1", "privacy", false).unwrap();
    let consents = store.get("P-1").unwrap().unwrap().consents;
    assert_eq!(consents, BTreeSet::from(["dermatology".to_owned()]));
    // Withdrawing what was never granted, and granting twice, change nothing.
    store.set_consent("P-1", "cardiology", false).unwrap();
    store.set_consent("P-1", "dermatology", true).unwrap();
    assert_eq!(store.get("P-1").unwrap().unwrap().consents, consents);
    assert!(matches!(
        store.set_consent("ghost", "privacy", true),
        Err(PatientStoreError::NotFound { patient_id }) if patient_id == "\"ghost\""
    ));
}

fn bad_records_are_refused_and_leave_nothing(kind: Kind) {
    let fixture = Fixture::new(kind, "bad_patients");
    let store = fixture.patients();
    let bad = PatientRecord {
        birth_date: Some("31/01/1990".to_owned()),
        ..patient("P-9", "t", &["privacy"])
    };
    assert!(matches!(
        store.put(&bad),
        Err(PatientStoreError::InvalidRecord {
            field: "birth_date",
            ..
        })
    ));
    assert!(matches!(
        store.set_consent("P-9", "not a specialty!", true),
        Err(PatientStoreError::InvalidRecord {
            field: "specialty",
            ..
        })
    ));
    assert_eq!(store.get("P-9").unwrap(), None);
    assert_eq!(store.count("t").unwrap(), 0);
}

fn a_newer_patient_schema_is_refused(kind: Kind) {
    let fixture = Fixture::new(kind, "patients_newer");
    drop(fixture.patients());
    fixture.set_schema_version("patients", 7);
    let error = fixture.try_patients().map(drop).unwrap_err();
    assert!(
        matches!(
            error,
            PatientStoreError::SchemaTooNew { found: 7, known: 2 }
        ),
        "{error}"
    );
}
