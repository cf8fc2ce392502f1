//! [`PatientRecord`]: one patient, its tenant and its consents, and the rules a record follows.

use std::collections::BTreeSet;

use medplug_pdk::host_fns::{Patient, Sex};

use super::error::{PatientStoreError, quote};

/// Longest patient id, tenant or specialty, in bytes.
pub const MAX_ID_BYTES: usize = crate::ids::MAX_ID_BYTES;

/// A patient as the clinic records it, with the specialties the patient consented to (LGPD
/// Art. 11 I: specific consent for health data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRecord {
    /// Globally unique id, `[A-Za-z0-9_.-]`, at most [`MAX_ID_BYTES`].
    pub patient_id: String,
    /// The clinic the patient belongs to, same rules as the id.
    pub tenant: String,
    /// Full name; not empty.
    pub name: String,
    /// Birth date, `YYYY-MM-DD`, a real calendar date.
    pub birth_date: Option<String>,
    /// Administrative sex.
    pub sex: Option<Sex>,
    /// The specialties (`dermatology`, `cardiology`, ...) the patient consented to.
    pub consents: BTreeSet<String>,
}

impl PatientRecord {
    /// The part of the record a plugin may read: no tenant, no consents.
    pub fn to_wire(&self) -> Patient {
        Patient {
            patient_id: self.patient_id.clone(),
            name: self.name.clone(),
            birth_date: self.birth_date.clone(),
            sex: self.sex,
        }
    }

    /// Whether the patient consented to this specialty (LGPD Art. 11 I).
    pub fn has_consent(&self, specialty: &str) -> bool {
        self.consents.contains(specialty)
    }

    /// Checks every field: `patient_id` and `tenant` are ids (non-empty, at most
    /// [`MAX_ID_BYTES`], `[A-Za-z0-9_.-]`), `name` is not blank, `birth_date` is a real
    /// `YYYY-MM-DD` date, and each consent is a valid specialty.
    pub fn validate(&self) -> Result<(), PatientStoreError> {
        check_id("patient_id", &self.patient_id)?;
        check_id("tenant", &self.tenant)?;
        if self.name.trim().is_empty() {
            return Err(invalid("name", "must not be empty".into()));
        }
        if let Some(date) = &self.birth_date
            && !is_calendar_date(date)
        {
            return Err(invalid(
                "birth_date",
                format!("{} is not a calendar date YYYY-MM-DD", quote(date)),
            ));
        }
        for specialty in &self.consents {
            check_id("consents", specialty)?;
        }
        Ok(())
    }
}

/// An id-like value: non-empty, at most [`MAX_ID_BYTES`], ASCII letters, digits, `_`, `.`, `-`.
pub(super) fn check_id(field: &'static str, value: &str) -> Result<(), PatientStoreError> {
    if value.is_empty() {
        return Err(invalid(field, "must not be empty".into()));
    }
    if value.len() > MAX_ID_BYTES {
        return Err(invalid(
            field,
            format!(
                "{} is {} bytes, more than {MAX_ID_BYTES}",
                quote(value),
                value.len()
            ),
        ));
    }
    if !value.bytes().all(crate::ids::is_id_byte) {
        return Err(invalid(
            field,
            format!(
                "{} may hold only ASCII letters, digits, `_`, `.` and `-`",
                quote(value)
            ),
        ));
    }
    Ok(())
}

fn invalid(field: &'static str, message: String) -> PatientStoreError {
    PatientStoreError::InvalidRecord { field, message }
}

/// `YYYY-MM-DD` naming a day that exists in the proleptic Gregorian calendar, year 0001 to 9999.
fn is_calendar_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (number(&b[..4]), number(&b[5..7]), number(&b[8..]))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        _ => return false,
    };
    year >= 1 && (1..=days_in_month).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> PatientRecord {
        PatientRecord {
            patient_id: "HZ-0001".into(),
            tenant: "clinica-horizonte".into(),
            name: "Ana Beatriz Fictícia".into(),
            birth_date: Some("1980-04-12".into()),
            sex: Some(Sex::Female),
            consents: ["dermatology".to_owned()].into(),
        }
    }

    /// A change that makes a valid record invalid.
    type Edit = fn(&mut PatientRecord);

    fn error_of(edit: impl FnOnce(&mut PatientRecord)) -> String {
        let mut r = record();
        edit(&mut r);
        r.validate().unwrap_err().to_string()
    }

    #[test]
    fn a_valid_record_passes_and_converts_to_the_wire_form() {
        let r = record();
        r.validate().unwrap();
        assert!(r.has_consent("dermatology"));
        assert!(!r.has_consent("cardiology"));
        assert_eq!(
            r.to_wire(),
            Patient {
                patient_id: "HZ-0001".into(),
                name: "Ana Beatriz Fictícia".into(),
                birth_date: Some("1980-04-12".into()),
                sex: Some(Sex::Female),
            }
        );
    }

    #[test]
    fn validation_errors_name_the_field_and_value() {
        let cases: [(Edit, &str); 10] = [
            (
                |r| r.patient_id.clear(),
                "invalid patient record: patient_id: must not be empty",
            ),
            (
                |r| r.patient_id = "HZ 0001".into(),
                r#"invalid patient record: patient_id: "HZ 0001" may hold only ASCII letters, digits, `_`, `.` and `-`"#,
            ),
            (
                |r| r.patient_id = "P".repeat(65),
                &format!(
                    "invalid patient record: patient_id: \"{}\"… is 65 bytes, more than 64",
                    "P".repeat(64)
                ),
            ),
            (
                |r| r.tenant = "clínica".into(),
                r#"invalid patient record: tenant: "clínica" may hold only ASCII letters, digits, `_`, `.` and `-`"#,
            ),
            (
                |r| r.tenant.clear(),
                "invalid patient record: tenant: must not be empty",
            ),
            (
                |r| r.name = "  ".into(),
                "invalid patient record: name: must not be empty",
            ),
            (
                |r| r.birth_date = Some("2023-02-29".into()),
                r#"invalid patient record: birth_date: "2023-02-29" is not a calendar date YYYY-MM-DD"#,
            ),
            (
                |r| r.birth_date = Some("12/04/1980".into()),
                r#"invalid patient record: birth_date: "12/04/1980" is not a calendar date YYYY-MM-DD"#,
            ),
            (
                |r| {
                    r.consents.insert("derma tology".into());
                },
                r#"invalid patient record: consents: "derma tology" may hold only ASCII letters, digits, `_`, `.` and `-`"#,
            ),
            (
                |r| {
                    r.consents.insert(String::new());
                },
                "invalid patient record: consents: must not be empty",
            ),
        ];
        for (edit, message) in cases {
            assert_eq!(error_of(edit), message);
        }
        // A long value is cut at 64 characters in the message.
        let long = error_of(|r| r.patient_id = "P".repeat(100));
        assert!(long.ends_with(&format!(
            "\"{}\"… is 100 bytes, more than 64",
            "P".repeat(64)
        )));
    }

    #[test]
    fn only_real_calendar_dates_pass() {
        for good in [
            "2024-02-29",
            "2000-02-29",
            "1956-11-02",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert!(is_calendar_date(good), "{good}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "0000-01-01",
            "2024-1-01",
            "2024-01-011",
            "+024-01-01",
            "2024/01/01",
            "",
            "２０２４-01-01",
        ] {
            assert!(!is_calendar_date(bad), "{bad}");
        }
        let mut r = record();
        r.birth_date = None;
        r.validate().unwrap();
    }
}
