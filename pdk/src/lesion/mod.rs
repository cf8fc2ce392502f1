//! Wire types of the `lesion-risk` reference plugin (dermatology: a skin lesion's melanoma risk
//! from dermoscopic findings, clinical ABCDE signs and the patient's history).
//!
//! One function, [`SCORE`]: lesions and a patient in ([`ScoreInput`]), one report per lesion,
//! the patient's relative risk and what to do out ([`ScoreOutput`]). Every field of a lesion may
//! be absent when it was not examined; the report then says which scores it could not compute.
//!
//! A second, [`PROCESS_MEDICAL_CONTENT`], answers design document D1's contract with `score`'s
//! report ([`LesionContentInput`], [`LesionContentOutput`]).

mod medical_content;
mod report;
mod score;

pub use medical_content::{
    AbcdeScore, AnvisaCompliance, ClinicalFeatures, DermoscopyPatterns, LesionAuditTrail,
    LesionCharacteristics, LesionContentInput, LesionContentOutput, LesionFeatures,
    LesionPatientHistory, LesionRecommendation, MalignancyRiskAssessment,
};
pub use report::{
    Abcde, ComplianceCheck, ComplianceViolation, LesionReport, NotComputed, PatientFactor,
    PatientRisk, Priority, Recommendation, RiskFactor, RiskLevel, ScoreName, ScoreOutput,
    SevenPointScore, Tds, TdsClass,
};
pub use score::{
    ClinicalSigns, DermoscopicColor, DermoscopicStructure, Dermoscopy, EyeColor, Freckling,
    HairColor, Lesion, PatientHistory, ScoreInput, SevenPoint, SevenPointCriterion, SkinType,
};

/// The plugin's registered name.
pub const PLUGIN_NAME: &str = "lesion-risk";

/// Its specialty.
pub const SPECIALTY: &str = "dermatology";

/// The export that scores lesions.
pub const SCORE: &str = "score";

/// Design document D1's export for the skin-lesion analyzer: its `SkinLesionRequest` (plus the
/// examined `lesions`) in, `score`'s report in its `LesionAnalysisResult` shape out.
pub const PROCESS_MEDICAL_CONTENT: &str = "process_medical_content";
