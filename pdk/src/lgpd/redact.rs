//! `redact`: the text with its personal data hidden.

use serde::{Deserialize, Serialize};

use super::{CustomPattern, Finding, KindFacts, KindsPresent};

/// Input of `redact`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct RedactInput {
    /// The text to redact.
    pub content: String,
    /// How each finding is replaced.
    pub mode: RedactMode,
    /// Extra patterns, as in `analyze`.
    #[serde(default)]
    pub custom_patterns: Vec<CustomPattern>,
}

/// How `redact` replaces a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RedactMode {
    /// Keep the format, hide the identifying characters: `***.***.***-25`.
    Mask,
    /// Write the kind in brackets: `[CPF]`.
    Tag,
    /// Write a name that is stable per distinct value within the document: `PACIENTE_1`,
    /// `CPF_2`.
    Pseudonym,
}

/// Output of `redact`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct RedactOutput {
    /// The redacted text: outside the findings, byte for byte the input.
    pub content: String,
    /// What was replaced, with offsets into the input `content` and no raw values.
    pub findings: Vec<Finding>,
    /// What LGPD says of each kind replaced, once per kind, keyed by the findings' `kind`.
    pub kinds: KindsPresent,
}

impl RedactOutput {
    /// The legal facts of `finding`'s kind (every reported kind has them).
    pub fn facts(&self, finding: &Finding) -> Option<&KindFacts> {
        self.kinds.get(finding.kind.name())
    }
}
