//! The wire types of `{{name}}`: what its functions take and give, as JSON.
//!
//! They live in this crate, not in the pdk, so that the plugin never edits the pdk:
//! `cargo xtask schemas` publishes their schemas from [`schemas`] (feature `schema`), and the host
//! validates every call's input and output against them.

use serde::{Deserialize, Serialize};

/// The plugin's registered name.
pub const PLUGIN_NAME: &str = "{{name}}";

/// Its specialty.
pub const SPECIALTY: &str = "{{specialty}}";

/// The export that computes the body mass index.
pub const EVALUATE: &str = "evaluate";

/// `evaluate`'s input: one adult's measured weight and height.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluateInput {
    /// Body weight, in kilograms.
    pub weight_kg: f64,
    /// Height, in metres.
    pub height_m: f64,
}

/// `evaluate`'s output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluateOutput {
    /// Body mass index in kg/m², rounded to one decimal as the WHO tabulates it.
    pub bmi: f64,
    /// Its class in the WHO's table for adults.
    pub class: BmiClass,
}

/// The WHO's classes of adult body mass index (WHO Technical Report Series 894, 2000,
/// Table 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BmiClass {
    /// Below 18.5.
    Underweight,
    /// 18.5 to 24.9.
    Normal,
    /// 25.0 to 29.9.
    PreObese,
    /// 30.0 to 34.9.
    ObeseClassI,
    /// 35.0 to 39.9.
    ObeseClassIi,
    /// 40.0 and above.
    ObeseClassIii,
}

/// The schemas `cargo xtask schemas` publishes for this plugin (`examples/schemas.rs`).
#[cfg(feature = "schema")]
pub fn schemas() -> Vec<medplug_pdk::schema::SchemaEntry> {
    use medplug_pdk::SchemaId;
    use medplug_pdk::schema::entry;
    vec![
        entry::<EvaluateInput>(SchemaId::input(PLUGIN_NAME, EVALUATE)),
        entry::<EvaluateOutput>(SchemaId::output(PLUGIN_NAME, EVALUATE)),
    ]
}
