//! `analyze_lgpd_compliance`: design document D3's contract for the LGPD analyzer, answered by
//! `analyze` (`docs/design-contracts.md` maps it field by field).
//!
//! Input and output keep D3's field names and JSON types (`AnalysisInput`,
//! `LGPDAnalysisResult`); the values are `analyze`'s, so they follow medplug's rules where D3's
//! differ: values are masked, a CRM is professional data rather than health data, and the score
//! is `analyze`'s 0–100 with the same four bands.

use serde::{Deserialize, Serialize};

use super::RiskLevel;
use crate::UnreadValue;

/// Input of `analyze_lgpd_compliance` (D3's `AnalysisInput`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ComplianceInput {
    /// The text to analyse; `analyze`'s `content`.
    pub content: String,
    /// Who wrote the text and for whom ([`ContentMetadata`]): skipped, since the analysis is of
    /// the text.
    #[cfg_attr(feature = "schema", schemars(with = "ContentMetadata"))]
    pub metadata: UnreadValue,
    /// The host's pattern names ([`ComplianceRules`]): skipped, since every built-in kind is
    /// always looked for and a list must not hide personal data from the analysis.
    #[cfg_attr(feature = "schema", schemars(with = "ComplianceRules"))]
    pub compliance_rules: UnreadValue,
}

/// D3's `metadata`, the published shape of [`ComplianceInput::metadata`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ContentMetadata {
    /// The author's CRM registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_crm: Option<String>,
    /// The author's specialty.
    pub specialty: String,
    /// The intended readers.
    pub target_audience: String,
}

/// D3's `compliance_rules`: pattern names (`cpf`, `cid-10`, `crm`), the published shape of
/// [`ComplianceInput::compliance_rules`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ComplianceRules {
    /// Names of personal-data patterns.
    pub pii_patterns: Vec<String>,
    /// Names of health-data patterns.
    pub phi_patterns: Vec<String>,
    /// Names of professional-registration patterns.
    pub professional_data_patterns: Vec<String>,
}

/// Output of `analyze_lgpd_compliance` (D3's `LGPDAnalysisResult`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ComplianceOutput {
    /// `analyze`'s `risk_score`, 0 to 100.
    pub risk_score: u8,
    /// Findings of category `personal` (LGPD Art. 5 I), in order of position.
    pub detected_pii: Vec<DetectedPii>,
    /// Findings of category `sensitive` (Art. 5 II: health, genetic, biometric, …).
    pub detected_phi: Vec<DetectedPhi>,
    /// Findings of category `professional`: CRM, CRP, COREN, CRO registrations and CNPJ.
    pub professional_data: Vec<ProfessionalData>,
    /// `analyze`'s `risk_level`: the same bands (0–20, 21–50, 51–80, above 80).
    pub compliance_status: RiskLevel,
    /// Each of `analyze`'s recommendations: its text, then its LGPD article in parentheses.
    pub recommendations: Vec<String>,
    /// `analyze`'s consent forms.
    pub validation_forms: Vec<ComplianceForm>,
}

/// One piece of personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct DetectedPii {
    /// The kind: D3's names where D3 has the kind (`CPF`, `Patient Reference`), otherwise
    /// `analyze`'s (`CNS`, `PHONE`, `BIRTH_DATE`, …).
    pub data_type: String,
    /// The value masked as `analyze` masks it (`***.***.***-25`), never the raw value.
    pub content: String,
    /// How sure the analyzer is, 0 to 1.
    pub confidence: f64,
    /// Whether processing it needs a legal basis (Art. 7).
    pub legal_basis_required: bool,
    /// Whether publishing it needs the holder's consent (Art. 7 I).
    pub consent_required: bool,
}

/// One piece of sensitive data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct DetectedPhi {
    /// `analyze`'s kind (`HEALTH_DATA`, `GENETIC`, …).
    pub data_type: String,
    /// The value masked.
    pub content: String,
    /// How sure the analyzer is, 0 to 1.
    pub confidence: f64,
    /// Always true: health data is recognised by its words, and a health professional must
    /// confirm that it is about an identifiable patient before anything is published.
    pub requires_professional_validation: bool,
}

/// One professional registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ProfessionalData {
    /// `analyze`'s kind (`CRM`, `CRP`, `COREN`, `CRO`, `CNPJ`).
    pub data_type: String,
    /// The registration as written: the councils publish it (Art. 7 §4).
    pub value: String,
    /// Always `unverified`: the plugin runs without network and cannot consult the council's
    /// register.
    pub validation_status: String,
}

/// A consent form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ComplianceForm {
    /// The form's title, in pt-BR.
    pub form_type: String,
    /// Its fields.
    pub fields: Vec<ComplianceFormField>,
    /// The names of its checkbox fields that must be ticked.
    pub required_consents: Vec<String>,
}

/// A field of a consent form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ComplianceFormField {
    /// Machine name (`nome_titular`, `ciencia_revogacao`).
    pub name: String,
    /// Label, in pt-BR.
    pub label: String,
    /// `checkbox` (an acknowledgement or agreement), `date`, `signature` or `text`.
    pub field_type: String,
    /// Whether the form is invalid without it.
    pub required: bool,
}
