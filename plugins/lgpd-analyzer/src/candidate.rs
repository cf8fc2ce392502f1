//! A match before overlaps are resolved: what every recognizer produces.

use medplug_pdk::lgpd::{DataCategory, FindingKind, Kind};

/// One possible piece of personal data, with byte offsets into the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// What it is.
    pub kind: Kind,
    /// Its category (a custom pattern names its own).
    pub category: DataCategory,
    /// Byte offset of its first byte.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// 0 to 1.
    pub confidence: f64,
    /// `Some` for identifiers with a check digit.
    pub checksum_valid: Option<bool>,
}

impl Candidate {
    /// A candidate of a built-in kind, in that kind's category.
    pub fn builtin(
        kind: FindingKind,
        start: usize,
        end: usize,
        confidence: f64,
        checksum_valid: Option<bool>,
    ) -> Self {
        Self {
            kind: Kind::Builtin(kind),
            category: kind.category(),
            start,
            end,
            confidence,
            checksum_valid,
        }
    }

    /// The built-in kind, if it is one.
    pub fn builtin_kind(&self) -> Option<FindingKind> {
        match self.kind {
            Kind::Builtin(kind) => Some(kind),
            Kind::Custom(_) => None,
        }
    }

    /// Whether it points at one person by itself: an identifier, a name, a contact, a birth date.
    pub fn identifies_a_person(&self) -> bool {
        use FindingKind as K;
        matches!(
            self.builtin_kind(),
            Some(
                K::Cpf
                    | K::Cns
                    | K::Pis
                    | K::TituloEleitor
                    | K::Rg
                    | K::Phone
                    | K::Email
                    | K::BirthDate
                    | K::PatientName
            )
        ) && self.checksum_valid != Some(false)
    }
}
