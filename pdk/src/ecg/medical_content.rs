//! `process_medical_content`: design document D1's contract for the ECG analyzer, answered by
//! `analyze` (`docs/design-contracts.md` maps it field by field).
//!
//! Input and output keep D1's field names and JSON types (`EcgAnalysisRequest`,
//! `EcgAnalysisResult`); the values are `analyze`'s. What the plugin cannot know — when it ran,
//! how long it took, whether an authority verified anything — is `null` or `false`, never a
//! claim it cannot back.

use serde::{Deserialize, Serialize};

use super::Rhythm;
#[cfg(feature = "schema")]
use crate::UnreadObject;
use crate::UnreadValue;

/// Input of the ECG analyzer's `process_medical_content` (D1's `EcgAnalysisRequest`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct EcgContentInput {
    /// The anonymized patient id (a string): skipped, never echoed.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub patient_id: UnreadValue,
    /// One lead's samples in millivolts (`analyze`'s `samples_mv`), at least 2 s of them.
    pub ecg_data: Vec<f64>,
    /// Samples per second, 50 to 5000 (`analyze`'s `sampling_rate_hz`).
    pub sampling_rate: u32,
    /// Who the signal is from.
    pub medical_context: MedicalContext,
    /// D1's `ComplianceConfig`, a type D1 never defines: any object, skipped.
    #[cfg_attr(feature = "schema", schemars(with = "UnreadObject"))]
    pub compliance_requirements: UnreadValue,
}

/// D1's `medical_context`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct MedicalContext {
    /// Age in years, 0 to 130 (`analyze`'s `patient.age`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_age: Option<u32>,
    /// Free text; `masculino`/`male`/`m`/`homem` and `feminino`/`female`/`f`/`mulher` (any
    /// case) become `analyze`'s `patient.sex`, anything else is "not informed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_gender: Option<String>,
    /// Anonymized conditions (an array of strings): skipped, since no threshold of the analysis
    /// depends on them.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub medical_history: UnreadValue,
    /// Current medicines (an array of strings): skipped, likewise.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub current_medications: UnreadValue,
}

/// Output of the ECG analyzer's `process_medical_content` (D1's `EcgAnalysisResult`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct EcgContentOutput {
    /// `ecg-` and a hash of the signal and its rate: the same signal gives the same id.
    pub analysis_id: String,
    /// The rates; `null` with fewer than two beats.
    pub heart_rate: Option<HeartRateAnalysis>,
    /// `analyze`'s `rhythm` (D1 leaves this object's fields undefined).
    pub rhythm_analysis: Rhythm,
    /// `analyze`'s `abnormalities`, most severe first.
    pub abnormality_detection: Vec<AbnormalityDetection>,
    /// One per abnormality (its action), then `analyze`'s `recommendations`.
    pub medical_recommendations: Vec<MedicalRecommendation>,
    /// Whether every finding and recommendation carries its disclaimer.
    pub compliance_status: CrmComplianceStatus,
    /// What the plugin can say about the processing.
    pub processing_audit: ProcessingAudit,
}

/// D1's `heart_rate`, from `analyze`'s `heart_rate` and `hrv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct HeartRateAnalysis {
    /// Mean rate, bpm (`mean_bpm`).
    pub avg_heart_rate: f64,
    /// SDNN, ms (Task Force 1996); `null` with fewer than three normal-to-normal intervals.
    pub heart_rate_variability: Option<f64>,
    /// Rate of the calmest minute, bpm (`resting_bpm`), not the mean.
    pub resting_heart_rate: f64,
    /// Highest rate over 8 consecutive intervals, bpm (`max_bpm`).
    pub max_heart_rate: f64,
    /// The rhythm's criterion, with its source, in pt-BR.
    pub clinical_assessment: String,
}

/// One abnormality, from `analyze`'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AbnormalityDetection {
    /// D1's spelling of `analyze`'s `type`: `ST Elevation`, `ST Depression`,
    /// `Bradycardia Arrhythmia`, `Tachycardia Arrhythmia`, `Possible Atrial Fibrillation
    /// Arrhythmia`, `Premature Beats Arrhythmia`, `Pause Arrhythmia`, `Poor Signal Quality`.
    pub abnormality_type: String,
    /// `analyze`'s severity in D1's spelling.
    pub severity: AbnormalitySeverity,
    /// What it may mean, with threshold and source, in pt-BR.
    pub clinical_significance: String,
    /// What to do, in pt-BR.
    pub recommended_action: String,
    /// The finding's disclaimer, in pt-BR.
    pub medical_disclaimer: String,
}

/// D1's `AbnormalitySeverity`, spelled as serde spells Rust variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AbnormalitySeverity {
    /// `analyze`'s `low`.
    Low,
    /// `analyze`'s `moderate`.
    Medium,
    /// `analyze`'s `high`.
    High,
}

/// D1's `MedicalRecommendation` (the fields its code reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct MedicalRecommendation {
    /// How soon.
    pub severity: RecommendationSeverity,
    /// What to do, in pt-BR.
    pub action: String,
    /// Its disclaimer, in pt-BR.
    pub disclaimer: String,
}

/// How soon a recommendation is to be acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecommendationSeverity {
    /// The action of a `High` abnormality.
    Urgent,
    /// The action of a `Medium` abnormality.
    Routine,
    /// The action of a `Low` abnormality, and the report's general recommendations.
    Informational,
}

/// D1's `compliance_status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct CrmComplianceStatus {
    /// Every finding and recommendation carries a disclaimer that a physician must confirm
    /// (CFM Resolução 2.314/2022).
    pub crm_compliant: bool,
    /// What is missing, when `crm_compliant` is false.
    pub compliance_issues: Vec<String>,
    /// Always false: nothing was verified with CFM or a CRM (the plugin has no network).
    pub medical_authority_verified: bool,
    /// Whether every item has its disclaimer.
    pub disclaimer_complete: bool,
}

/// D1's `processing_audit`: the host keeps the call's audit record; the plugin cannot know
/// these values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ProcessingAudit {
    /// Always `null`: a plugin has no clock; the host's audit record has the time.
    pub processed_at: Option<String>,
    /// Always `null`: likewise, the host's audit record has the duration.
    pub processing_time_ms: Option<f64>,
    /// Always `null`: the lawfulness of the processing (legal basis, consent) is the
    /// controller's to establish, not the plugin's; the answer echoes no identifier.
    pub lgpd_compliant: Option<bool>,
    /// Always false, as in `compliance_status`.
    pub medical_authority_verified: bool,
    /// Always `null`: the plugin keeps no audit trail; the host's record of the call is it.
    pub audit_trail_complete: Option<bool>,
}
