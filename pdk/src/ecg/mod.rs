//! Wire types of the `ecg-analyzer` reference plugin (cardiology: beats, rate, variability,
//! rhythm and ST deviation from one ECG lead).
//!
//! One function, [`ANALYZE`]: a signal in ([`AnalyzeInput`]), a report out ([`AnalyzeOutput`]).
//! A long signal travels compactly as `samples_i16`, base64 of little-endian `i16` (a 30-minute
//! record at 360 Hz is 1.7 MB of text instead of about 5 MB of JSON numbers).
//!
//! A second, [`PROCESS_MEDICAL_CONTENT`], answers design document D1's contract with `analyze`'s
//! report ([`EcgContentInput`], [`EcgContentOutput`]).

mod analyze;
mod medical_content;
mod report;
mod summary;

pub use analyze::{AnalyzeInput, Patient, Sex, encode_i16};
pub use medical_content::{
    AbnormalityDetection, AbnormalitySeverity, CrmComplianceStatus, EcgContentInput,
    EcgContentOutput, HeartRateAnalysis, MedicalContext, MedicalRecommendation, ProcessingAudit,
    RecommendationSeverity,
};
pub use report::{
    Abnormality, AnalyzeOutput, EctopicClass, HeartRate, Hrv, PrematureBeat, PrematureCounts,
    QualityLevel, Rhythm, RhythmLabel, Severity, SignalQuality, StDeviation,
};

/// The plugin's registered name.
pub const PLUGIN_NAME: &str = "ecg-analyzer";

/// Its specialty.
pub const SPECIALTY: &str = "cardiology";

/// The export that analyses a signal.
pub const ANALYZE: &str = "analyze";

/// Design document D1's export for the ECG analyzer: its `EcgAnalysisRequest` in, `analyze`'s
/// report in its `EcgAnalysisResult` shape out.
pub const PROCESS_MEDICAL_CONTENT: &str = "process_medical_content";
