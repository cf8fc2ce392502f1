//! Wire types of the `lgpd-analyzer` reference plugin (personal data under LGPD, Lei 13.709/2018).

use serde::{Deserialize, Serialize};

/// The plugin's registered name.
pub const PLUGIN_NAME: &str = "lgpd-analyzer";

/// Its specialty: privacy and data protection.
pub const SPECIALTY: &str = "privacy";

/// The export that finds personal data.
pub const ANALYZE: &str = "analyze";

/// Input of `analyze`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AnalyzeInput {
    /// The text to analyse (a clinical note, a blog post, a message).
    pub content: String,
}

/// Output of `analyze`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AnalyzeOutput {
    /// Personal data found, in order of position.
    pub findings: Vec<Finding>,
    /// 0 (nothing found) to 100.
    pub risk_score: u8,
    /// The band `risk_score` falls in.
    pub risk_level: RiskLevel,
}

/// One piece of personal data in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// Its LGPD category.
    pub category: DataCategory,
    /// Offset of its first character in `content`, counted in Unicode scalar values.
    pub start: usize,
    /// Offset one past its last character, in Unicode scalar values.
    pub end: usize,
    /// The value with its identifying digits hidden (`***.***.***-25`).
    pub masked: String,
    /// How sure the analyzer is, 0 to 1.
    pub confidence: f64,
    /// For identifiers with a check digit: whether it verifies; `null` for the rest.
    pub checksum_valid: Option<bool>,
    /// The LGPD article that governs this data.
    pub lgpd_reference: String,
}

/// Kinds of personal data, as stable UPPER_SNAKE names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingKind {
    /// Cadastro de Pessoas Físicas: the Brazilian taxpayer number (11 digits, two check digits).
    Cpf,
}

/// LGPD categories of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    /// Personal data (LGPD Art. 5 I).
    Personal,
    /// Sensitive personal data (LGPD Art. 5 II): health, genetics, biometrics, religion, …
    Sensitive,
    /// Professional registrations (CRM, COREN, …).
    Professional,
}

/// Risk bands of `risk_score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// 0–20.
    BaixoRisco,
    /// 21–50.
    MedioRisco,
    /// 51–80.
    AltoRisco,
    /// Above 80.
    Critico,
}

impl RiskLevel {
    /// The band a score falls in.
    pub fn from_score(score: u8) -> Self {
        match score {
            0..=20 => Self::BaixoRisco,
            21..=50 => Self::MedioRisco,
            51..=80 => Self::AltoRisco,
            _ => Self::Critico,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_bands_have_their_documented_edges() {
        let bands: Vec<_> = [0, 20, 21, 50, 51, 80, 81, 100]
            .map(RiskLevel::from_score)
            .into();
        use RiskLevel::*;
        assert_eq!(
            bands,
            [
                BaixoRisco, BaixoRisco, MedioRisco, MedioRisco, AltoRisco, AltoRisco, Critico,
                Critico
            ]
        );
        assert_eq!(
            serde_json::to_string(&FindingKind::Cpf).unwrap(),
            r#""CPF""#
        );
        assert_eq!(
            serde_json::to_string(&RiskLevel::MedioRisco).unwrap(),
            r#""medio_risco""#
        );
    }
}
