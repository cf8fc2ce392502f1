//! `extract`'s input: the text, its language, and the specialty it is written for.

use serde::{Deserialize, Serialize};

/// Input of `extract`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ExtractInput {
    /// The text: a blog post, an ad, a leaflet, a social-media caption. Headings and list
    /// items on their own lines are sentences of their own.
    pub content: String,
    /// Its language; `auto` (the default) detects Portuguese or English.
    #[serde(default)]
    pub language: LanguageChoice,
    /// The specialty the text is for (`dermatology`), when known; reported back, not used to
    /// filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialty: Option<String>,
}

impl ExtractInput {
    /// Input for `content` with the language detected.
    pub fn new(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            language: LanguageChoice::Auto,
            specialty: None,
        }
    }
}

/// The language to read the text in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LanguageChoice {
    /// Brazilian Portuguese.
    Pt,
    /// English.
    En,
    /// Detect it from the text's function words.
    #[default]
    Auto,
}
