//! JSON a function accepts and does not read: the free-form or undefined parts of the design
//! documents' contracts, kept so that callers written from the documents are not refused.

use serde::de::{Deserializer, IgnoredAny};
use serde::{Deserialize, Serialize, Serializer};

/// A JSON object whose keys are not read; it serializes as `{}`. The empty objects of an
/// answer, and the published shape of an input object that is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnreadObject {}

/// Any JSON value, accepted and skipped without being kept (D3's `medical_ontology`, whose
/// shape D3 does not give; D1's `compliance_requirements` and lesion images, published with
/// their own schema through `schemars(with = …)`). It serializes as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnreadValue;

impl<'de> Deserialize<'de> for UnreadValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Self)
    }
}

impl Serialize for UnreadValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for UnreadValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UnreadValue".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Any JSON value; accepted and not read."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anything_is_accepted_and_nothing_kept() {
        for json in [r#"{"a": [1, {"b": null}]}"#, "[]", "\"x\"", "3.5"] {
            assert_eq!(
                serde_json::from_str::<UnreadValue>(json).ok(),
                Some(UnreadValue)
            );
        }
        assert_eq!(serde_json::to_string(&UnreadValue).unwrap(), "null");
        let object: UnreadObject = serde_json::from_str(r#"{"base_legal": "art. 11"}"#).unwrap();
        assert_eq!(serde_json::to_string(&object).unwrap(), "{}");
        assert!(serde_json::from_str::<UnreadObject>("5").is_err());
    }
}
