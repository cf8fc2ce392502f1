//! `analyze`: its input (text, options, custom patterns) and its output (findings, risk, advice).

use serde::{Deserialize, Serialize};

use super::{DataCategory, Finding, KindFacts, KindsPresent, RiskLevel};

/// Input of `analyze`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AnalyzeInput {
    /// The text to analyse (a clinical note, a blog post, a message).
    pub content: String,
    /// Put each finding's raw value in its `value` field. Off by default: the output then holds
    /// no personal data beyond what `masked` keeps (check digits).
    #[serde(default)]
    pub include_values: bool,
    /// Extra patterns to look for in this call, beside the built-in kinds.
    #[serde(default)]
    pub custom_patterns: Vec<CustomPattern>,
}

impl AnalyzeInput {
    /// Input with default options: no raw values, no custom patterns.
    pub fn new(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            include_values: false,
            custom_patterns: Vec::new(),
        }
    }
}

/// A pattern supplied at call time (a clinic's record number, an internal id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct CustomPattern {
    /// The findings' kind: UPPER_SNAKE (`[A-Z][A-Z0-9_]*`), and not a built-in kind's name.
    pub kind: String,
    /// The findings' category.
    pub category: DataCategory,
    /// A regular expression in Rust `regex` syntax (no look-around, no back-references, no
    /// Unicode classes); case-insensitive matching is ASCII only: `(?i-u:prontuario)`.
    pub pattern: String,
    /// Confidence given to its findings, 0 to 1; 0.9 when absent.
    #[serde(default)]
    pub confidence: Option<f64>,
}

/// Output of `analyze`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AnalyzeOutput {
    /// Personal data found, in order of position; overlapping matches resolved to one.
    pub findings: Vec<Finding>,
    /// What LGPD says of each kind found (category, legal basis, consent, article), once per
    /// kind, keyed by the findings' `kind`.
    pub kinds: KindsPresent,
    /// 0 (nothing found) to 100.
    pub risk_score: u8,
    /// The band `risk_score` falls in.
    pub risk_level: RiskLevel,
    /// What made up the score, in the order applied.
    pub risk_factors: Vec<RiskFactor>,
    /// What the publisher should do, in pt-BR, each citing its LGPD article.
    pub recommendations: Vec<Recommendation>,
    /// The consent forms whose fields a publisher must collect before publishing.
    pub validation_forms: Vec<ValidationForm>,
}

impl AnalyzeOutput {
    /// The legal facts of `finding`'s kind (every reported kind has them).
    pub fn facts(&self, finding: &Finding) -> Option<&KindFacts> {
        self.kinds.get(finding.kind.name())
    }
}

/// One contribution to the risk score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct RiskFactor {
    /// A stable identifier (`identifier_valid`, `art11_linkage`, …).
    pub code: String,
    /// Points added, or the score the factor raises it to when `floor` is set.
    pub points: u8,
    /// Why, in pt-BR.
    pub reason: String,
    /// The LGPD provision behind the factor.
    pub lgpd_reference: String,
}

/// One recommendation to the publisher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Recommendation {
    /// A stable identifier (`remove_identifiers`, `sensitive_consent`, …).
    pub code: String,
    /// The advice, in pt-BR.
    pub text: String,
    /// The LGPD article it rests on.
    pub lgpd_reference: String,
}

/// A consent form a publisher must fill in with the data holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ValidationForm {
    /// A stable identifier (`consentimento_titular`, `consentimento_dados_sensiveis`, …).
    pub id: String,
    /// The form's title, in pt-BR.
    pub title: String,
    /// Why the text needs it, in pt-BR.
    pub reason: String,
    /// The LGPD article that requires it.
    pub lgpd_reference: String,
    /// The fields to collect.
    pub fields: Vec<FormField>,
}

/// One field of a consent form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct FormField {
    /// Machine name (`nome_titular`, `finalidade`, …).
    pub name: String,
    /// Label shown to the holder, in pt-BR.
    pub label: String,
    /// Whether the form is invalid without it.
    pub required: bool,
}
