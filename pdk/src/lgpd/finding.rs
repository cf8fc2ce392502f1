//! One piece of personal data found in a text, and the kinds and categories it can have.

use serde::{Deserialize, Serialize};

/// One piece of personal data in the text: what a reader needs to find it and act on it.
///
/// What the law says of it depends only on its kind and is given once per kind, in the
/// report's `kinds`: category, legal basis, consent, LGPD article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Finding {
    /// What it is: a built-in [`FindingKind`] or the kind of a custom pattern; its entry in
    /// the report's `kinds` says what LGPD requires of it.
    pub kind: Kind,
    /// Offset of its first character in `content`, counted in Unicode scalar values.
    pub start: usize,
    /// Offset one past its last character, in Unicode scalar values.
    pub end: usize,
    /// The value with its identifying characters hidden, keeping the format (`***.***.***-25`).
    pub masked: String,
    /// The raw value, only when the input asked for it with `include_values`; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// How sure the analyzer is, 0 to 1.
    pub confidence: f64,
    /// For identifiers with a check digit: whether it verifies (`false`: most likely a typo or
    /// a number that identifies no one). Absent for kinds without a check digit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum_valid: Option<bool>,
}

/// A finding's kind: built in, or named by a custom pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Kind {
    /// One of the kinds the analyzer knows.
    Builtin(FindingKind),
    /// The `kind` of a custom pattern (UPPER_SNAKE, never a built-in name).
    Custom(String),
}

impl Kind {
    /// The UPPER_SNAKE name.
    pub fn name(&self) -> &str {
        match self {
            Self::Builtin(kind) => kind.name(),
            Self::Custom(name) => name,
        }
    }
}

// Read by hand rather than as serde's untagged enum, which buffers every value and tries each
// variant in turn: a dense report has over 10,000 of them. The result is the same — a built-in
// name is `Kind::Builtin`, any other string `Kind::Custom`.
impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Kind;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a kind's UPPER_SNAKE name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Kind, E> {
                Ok(FindingKind::from_name(name)
                    .map_or_else(|| Kind::Custom(name.to_owned()), Kind::Builtin))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

impl From<FindingKind> for Kind {
    fn from(kind: FindingKind) -> Self {
        Self::Builtin(kind)
    }
}

/// Kinds of personal data the analyzer knows, as stable UPPER_SNAKE names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingKind {
    /// Cadastro de Pessoas Físicas: taxpayer number, 11 digits with two mod-11 check digits.
    Cpf,
    /// Cadastro Nacional da Pessoa Jurídica: 14 characters, numeric or (from July 2026,
    /// IN RFB 2.229/2024) alphanumeric, with two mod-11 check digits.
    Cnpj,
    /// Cartão Nacional de Saúde (SUS card): 15 digits; families 1/2 and 7/8/9.
    Cns,
    /// PIS/PASEP/NIT social-security number: 11 digits with one mod-11 check digit.
    Pis,
    /// Título de eleitor (voter card): 12 digits, UF code and two check digits.
    TituloEleitor,
    /// Registro Geral (identity card); the São Paulo form `dd.ddd.ddd-D` has a check digit.
    Rg,
    /// Código de Endereçamento Postal (postal code).
    Cep,
    /// A Brazilian fixed or mobile telephone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A date tied to a birth by its context ("nascido em", "DN:").
    BirthDate,
    /// The name of a patient or another private person ("paciente Maria Souza", "Sr. João").
    PatientName,
    /// Registration at a Conselho Regional de Medicina, with its UF.
    Crm,
    /// Registration at a Conselho Regional de Psicologia, with its region or UF.
    Crp,
    /// Registration at a Conselho Regional de Enfermagem, with its UF.
    Coren,
    /// Registration at a Conselho Regional de Odontologia, with its UF.
    Cro,
    /// Health data of a person: diagnosis, CID-10 code, serology, medication, exam result
    /// (LGPD Art. 5 II).
    HealthData,
    /// Genetic data of a person (Art. 5 II).
    Genetic,
    /// Biometric data of a person (Art. 5 II).
    Biometric,
    /// A person's religious conviction (Art. 5 II).
    Religion,
    /// A person's racial or ethnic origin (Art. 5 II).
    Ethnicity,
    /// A person's political opinion or union or party membership (Art. 5 II).
    PoliticalOpinion,
    /// Data about a person's sex life or sexual orientation (Art. 5 II).
    SexualLife,
}

impl FindingKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 22] = [
        Self::Cpf,
        Self::Cnpj,
        Self::Cns,
        Self::Pis,
        Self::TituloEleitor,
        Self::Rg,
        Self::Cep,
        Self::Phone,
        Self::Email,
        Self::BirthDate,
        Self::PatientName,
        Self::Crm,
        Self::Crp,
        Self::Coren,
        Self::Cro,
        Self::HealthData,
        Self::Genetic,
        Self::Biometric,
        Self::Religion,
        Self::Ethnicity,
        Self::PoliticalOpinion,
        Self::SexualLife,
    ];

    /// The stable UPPER_SNAKE name, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cpf => "CPF",
            Self::Cnpj => "CNPJ",
            Self::Cns => "CNS",
            Self::Pis => "PIS",
            Self::TituloEleitor => "TITULO_ELEITOR",
            Self::Rg => "RG",
            Self::Cep => "CEP",
            Self::Phone => "PHONE",
            Self::Email => "EMAIL",
            Self::BirthDate => "BIRTH_DATE",
            Self::PatientName => "PATIENT_NAME",
            Self::Crm => "CRM",
            Self::Crp => "CRP",
            Self::Coren => "COREN",
            Self::Cro => "CRO",
            Self::HealthData => "HEALTH_DATA",
            Self::Genetic => "GENETIC",
            Self::Biometric => "BIOMETRIC",
            Self::Religion => "RELIGION",
            Self::Ethnicity => "ETHNICITY",
            Self::PoliticalOpinion => "POLITICAL_OPINION",
            Self::SexualLife => "SEXUAL_LIFE",
        }
    }

    /// The kind with this UPPER_SNAKE name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The LGPD category of the kind.
    pub fn category(self) -> DataCategory {
        match self {
            Self::Cnpj | Self::Crm | Self::Crp | Self::Coren | Self::Cro => {
                DataCategory::Professional
            }
            Self::HealthData
            | Self::Genetic
            | Self::Biometric
            | Self::Religion
            | Self::Ethnicity
            | Self::PoliticalOpinion
            | Self::SexualLife => DataCategory::Sensitive,
            _ => DataCategory::Personal,
        }
    }

    /// Whether the kind carries check digits that the analyzer verifies.
    pub fn has_check_digit(self) -> bool {
        matches!(
            self,
            Self::Cpf | Self::Cnpj | Self::Cns | Self::Pis | Self::TituloEleitor | Self::Rg
        )
    }
}

/// LGPD categories of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    /// Personal data (LGPD Art. 5 I): identifies or can identify a natural person.
    Personal,
    /// Sensitive personal data (LGPD Art. 5 II): health, genetics, biometrics, religion,
    /// ethnicity, political opinion, sex life.
    Sensitive,
    /// Registrations of professionals and businesses (CRM, CRP, COREN, CRO, CNPJ), published by
    /// the councils and the Receita Federal.
    Professional,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for kind in FindingKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(FindingKind::from_name(kind.name()), Some(kind));
            let as_kind: Kind = serde_json::from_str(&json).unwrap();
            assert_eq!(as_kind, Kind::Builtin(kind));
        }
        let custom: Kind = serde_json::from_str(r#""PRONTUARIO""#).unwrap();
        assert_eq!(custom, Kind::Custom("PRONTUARIO".to_owned()));
        let not_a_name = serde_json::from_str::<Kind>("3").unwrap_err().to_string();
        assert_eq!(
            not_a_name,
            "invalid type: integer `3`, expected a kind's UPPER_SNAKE name at line 1 column 1"
        );
        assert_eq!(FindingKind::TituloEleitor.name(), "TITULO_ELEITOR");
        assert_eq!(FindingKind::Cnpj.category(), DataCategory::Professional);
        assert_eq!(FindingKind::SexualLife.category(), DataCategory::Sensitive);
        assert_eq!(FindingKind::BirthDate.category(), DataCategory::Personal);
    }
}
