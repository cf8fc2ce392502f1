//! Names of the JSON Schemas under `schemas/`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A schema's id: its path under `schemas/` without `.json` (`lgpd-analyzer/analyze.input`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct SchemaId(String);

impl SchemaId {
    /// Wraps an id.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id of the input schema of `plugin`'s `function`.
    pub fn input(plugin: &str, function: &str) -> Self {
        Self(format!("{plugin}/{function}.input"))
    }

    /// The id of the output schema of `plugin`'s `function`.
    pub fn output(plugin: &str, function: &str) -> Self {
        Self(format!("{plugin}/{function}.output"))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The schema's file, relative to `schemas/`.
    pub fn file_name(&self) -> String {
        format!("{}.json", self.0)
    }
}

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
