//! Wire types of the `lgpd-analyzer` reference plugin (personal data under LGPD, Lei 13.709/2018).
//!
//! Two functions: [`ANALYZE`] finds personal data, scores the risk and says what a publisher must
//! do; [`REDACT`] returns the text with the personal data masked, tagged or pseudonymised. A
//! third, [`ANALYZE_LGPD_COMPLIANCE`], answers design document D3's contract with `analyze`'s
//! findings ([`ComplianceInput`], [`ComplianceOutput`]).

mod analyze;
mod compliance;
mod finding;
mod kind_facts;
mod redact;
mod risk_level;

pub use analyze::{
    AnalyzeInput, AnalyzeOutput, CustomPattern, FormField, Recommendation, RiskFactor,
    ValidationForm,
};
pub use compliance::{
    ComplianceForm, ComplianceFormField, ComplianceInput, ComplianceOutput, ComplianceRules,
    ContentMetadata, DetectedPhi, DetectedPii, ProfessionalData,
};
pub use finding::{DataCategory, Finding, FindingKind, Kind};
pub use kind_facts::{KindFacts, KindsPresent};
pub use redact::{RedactInput, RedactMode, RedactOutput};
pub use risk_level::RiskLevel;

/// The plugin's registered name.
pub const PLUGIN_NAME: &str = "lgpd-analyzer";

/// Its specialty: privacy and data protection.
pub const SPECIALTY: &str = "privacy";

/// The export that finds personal data.
pub const ANALYZE: &str = "analyze";

/// The export that hides it.
pub const REDACT: &str = "redact";

/// Design document D3's export: its `AnalysisInput` in, `analyze`'s findings in its
/// `LGPDAnalysisResult` shape out.
pub const ANALYZE_LGPD_COMPLIANCE: &str = "analyze_lgpd_compliance";
