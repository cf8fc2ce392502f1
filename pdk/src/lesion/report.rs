//! `score`'s output: one report per lesion, the patient's relative risk, what to do, and the
//! check that the texts make no prohibited claim.
//!
//! Texts are in pt-BR; every threshold and weight behind a value cites its source in the
//! plugin's code and in the `basis` or `source` the value carries.

use serde::{Deserialize, Serialize};

use super::SevenPointCriterion;

/// Output of `score`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ScoreOutput {
    /// One report per input lesion, in input order.
    pub lesions: Vec<LesionReport>,
    /// The patient's relative risk; absent when no history was given.
    pub patient_risk: Option<PatientRisk>,
    /// What to do, most urgent first; always ends with a `PREVENTION` recommendation.
    pub recommendations: Vec<Recommendation>,
    /// The check that the recommendation texts make no prohibited claim.
    pub compliance: ComplianceCheck,
    /// What this scoring is not, in pt-BR.
    pub disclaimers: Vec<String>,
}

/// The scores and the risk of one lesion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct LesionReport {
    /// The lesion's `id`, as given.
    pub id: String,
    /// The lesion's `location`, as given.
    pub location: Option<String>,
    /// The Stolz ABCD rule's total dermoscopy score; absent when not computed.
    pub tds: Option<Tds>,
    /// The 7-point checklist's score; absent when not computed.
    pub seven_point: Option<SevenPointScore>,
    /// The clinical ABCDE signs, each `null` when not examined.
    pub abcde: Abcde,
    /// The scores that could not be computed, and the fields they lacked.
    pub not_computed: Vec<NotComputed>,
    /// `LOW`, `MEDIUM` or `HIGH`.
    pub risk_level: RiskLevel,
    /// How the risk level was decided: each rule that fired, with its source (pt-BR).
    pub risk_basis: Vec<String>,
    /// The recommendation the risk level calls for.
    pub priority: Priority,
}

/// The Stolz ABCD rule: TDS = 1.3·A + 0.1·B + 0.5·C + 0.5·D (Stolz et al. 1994).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Tds {
    /// The total dermoscopy score, 1.0 to 8.9, exact to two decimals.
    pub value: f64,
    /// Its class: below 4.75 benign, 4.75 to 5.45 suspicious, above 5.45 highly suspicious.
    pub class: TdsClass,
    /// A, axes of asymmetry (0–2).
    pub asymmetry: u32,
    /// B, abrupt border segments (0–8).
    pub border: u32,
    /// C, colours (1–6).
    pub colors: u32,
    /// D, differential structures (1–5).
    pub structures: u32,
}

/// The TDS's classes (Stolz et al. 1994; Nachbar et al. 1994).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TdsClass {
    /// TDS below 4.75: benign melanocytic lesion.
    Benign,
    /// TDS 4.75 to 5.45: suspicious.
    Suspicious,
    /// TDS above 5.45: highly suspicious of melanoma.
    HighlySuspicious,
}

/// Argenziano's 7-point checklist (Argenziano et al. 1998).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct SevenPointScore {
    /// 2 points per major criterion present, 1 per minor, 0 to 10.
    pub score: u32,
    /// `score ≥ 3`: the checklist suggests melanoma.
    pub positive: bool,
    /// The criteria present, in the checklist's order.
    pub present: Vec<SevenPointCriterion>,
}

/// The clinical ABCDE signs: `true` present, `false` absent, `null` not examined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Abcde {
    /// A: asymmetry.
    pub asymmetry: Option<bool>,
    /// B: irregular border.
    pub border_irregular: Option<bool>,
    /// C: colour variegation.
    pub color_variegated: Option<bool>,
    /// D: diameter above 6 mm.
    pub diameter_over_6mm: Option<bool>,
    /// E: evolving.
    pub evolving: Option<bool>,
    /// How many signs are present.
    pub positive: u32,
    /// How many signs were examined.
    pub examined: u32,
}

/// A score that could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct NotComputed {
    /// Which score.
    pub score: ScoreName,
    /// The input fields it lacked (`dermoscopy.colors`, `seven_point.blue_white_veil`).
    pub missing: Vec<String>,
}

/// The scores a lesion gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScoreName {
    /// The Stolz ABCD rule's TDS.
    Tds,
    /// The 7-point checklist.
    SevenPoint,
    /// The clinical ABCDE signs (listed when some were not examined).
    Abcde,
}

/// A lesion's risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskLevel {
    /// No sign that calls for an earlier visit.
    Low,
    /// A suspicious sign: dermatology within 6–8 weeks.
    Medium,
    /// A score that suggests melanoma: dermatology within 2 weeks.
    High,
}

/// How soon to act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    /// Dermatology within 2 weeks.
    Urgent,
    /// Dermatology within 6–8 weeks.
    Routine,
    /// Self-examination and follow-up.
    Monitoring,
    /// Sun protection: every report carries one.
    Prevention,
}

/// One recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Recommendation {
    /// How soon.
    pub priority: Priority,
    /// The lesions it is for; empty when it is for the patient.
    pub lesion_ids: Vec<String>,
    /// What to do, in pt-BR.
    pub text: String,
    /// Where the recommendation comes from.
    pub source: String,
}

/// The patient's relative risk of melanoma against the reference categories of Gandini et al.
/// 2005: the product of the relative risks of the factors given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PatientRisk {
    /// The product of the factors' relative risks, rounded to two decimals.
    pub relative_risk: f64,
    /// How the factors were combined, and what that assumes (pt-BR).
    pub model: String,
    /// Each factor given, with its relative risk and source.
    pub factors: Vec<RiskFactor>,
}

/// One factor of the patient's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct RiskFactor {
    /// Which factor.
    pub factor: PatientFactor,
    /// The patient's value, as given (`"45"`, `"red"`, `"true"`).
    pub value: String,
    /// The pooled relative risk for that value against the reference category; `null` when the
    /// meta-analysis gives no pooled estimate for it (then it is not in the product).
    pub relative_risk: Option<f64>,
    /// The estimate's source, the comparison it makes and its 95 % confidence interval.
    pub source: String,
}

/// The factors of [`PatientHistory`](super::PatientHistory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PatientFactor {
    /// Number of common nevi.
    CommonNevi,
    /// Number of atypical nevi.
    AtypicalNevi,
    /// Melanoma in a first-degree relative.
    FamilyHistory,
    /// Fitzpatrick skin type.
    SkinType,
    /// Hair colour.
    HairColor,
    /// Eye colour.
    EyeColor,
    /// Freckles.
    Freckling,
    /// Sunburn history.
    SunburnHistory,
    /// Previous skin cancer or premalignant lesion.
    PreviousSkinCancer,
    /// Actinic damage.
    ActinicDamage,
}

/// The check that the report's texts make no prohibited claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ComplianceCheck {
    /// No violation.
    pub passed: bool,
    /// The rules checked, each with its source (pt-BR).
    pub rules: Vec<String>,
    /// What broke a rule; empty when `passed`.
    pub violations: Vec<ComplianceViolation>,
}

/// A text that broke a compliance rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ComplianceViolation {
    /// The rule's id (`no_cure_promise`, `no_result_guarantee`, `sunscreen_names_spf`).
    pub rule: String,
    /// The words or the text that broke it.
    pub evidence: String,
}
