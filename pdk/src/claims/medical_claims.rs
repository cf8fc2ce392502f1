//! `extract_medical_claims` and `validate_medical_claims`: design documents D3's and D4's
//! contracts for the claims stage, answered by `extract` (`docs/design-contracts.md` maps them
//! field by field).
//!
//! D3 gives `extract_medical_claims`'s input (`content`, `medical_ontology`) and no output; D4
//! gives `validate_medical_claims` no input shape (its host passes the previous stage's JSON,
//! which its C code reads as text) and a record, `MedicalClaim`, as the element of its output.
//! Both answer a list of [`MedicalClaim`]: D4's four fields, then what `extract` adds.

use serde::{Deserialize, Serialize};

use super::{Assertiveness, ClaimType, Flag};
use crate::UnreadValue;

/// Input of `extract_medical_claims` (D3's host call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ClaimsRequest {
    /// The text; `extract`'s `content`.
    pub content: String,
    /// The host's medical terms, in a shape D3 does not give: any JSON, not read (the
    /// extractor's vocabulary is built in, and a claim is a claim whether or not its terms are
    /// in the host's list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_ontology: Option<UnreadValue>,
}

/// Input of `validate_medical_claims`: any JSON object or array (D4 gives no shape; its host
/// passes the previous stage's output). Every string in it, in document order, is one line of
/// the text; keys, numbers and booleans are not text. It serializes as the array of its strings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct ClaimsDocument(pub Vec<String>);

impl ClaimsDocument {
    /// The text: the document's strings joined by line breaks.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for (i, line) in self.0.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(line);
        }
        text
    }
}

/// Collects every string of a JSON value in document order; `top` refuses a bare scalar.
struct Strings<'a> {
    out: &'a mut Vec<String>,
    top: bool,
}

impl Strings<'_> {
    fn scalar<E: serde::de::Error>(&self, unexpected: serde::de::Unexpected<'_>) -> Result<(), E> {
        if self.top {
            Err(E::invalid_type(unexpected, self))
        } else {
            Ok(())
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Strings<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strings<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object or array whose strings are the text to validate")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.scalar(serde::de::Unexpected::Str(v))?;
        self.out.push(v.to_owned());
        Ok(())
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.scalar(serde::de::Unexpected::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.scalar(serde::de::Unexpected::Signed(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(serde::de::Unexpected::Unsigned(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.scalar(serde::de::Unexpected::Float(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.scalar(serde::de::Unexpected::Unit)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let out = self.out;
        while seq
            .next_element_seed(Strings {
                out: &mut *out,
                top: false,
            })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.out;
        while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
            map.next_value_seed(Strings {
                out: &mut *out,
                top: false,
            })?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for ClaimsDocument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut out = Vec::new();
        deserializer.deserialize_any(Strings {
            out: &mut out,
            top: true,
        })?;
        Ok(Self(out))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ClaimsDocument {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClaimsDocument".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Any JSON object or array: every string in it, in document order, is one line of the text to validate.",
            "type": ["object", "array"]
        })
    }
}

/// One claim: D4's `MedicalClaim`, then what `extract` says of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct MedicalClaim {
    /// The sentence that makes the claim.
    pub claim: String,
    /// Always `null`: the extractor finds whether a source is cited, not how strong the
    /// evidence is; grading it needs the source itself.
    pub evidence_score: Option<f64>,
    /// The source as cited (`OMS`, `PMID: 31234567`); empty when the claim cites none.
    pub source_reference: String,
    /// Always 0: nothing was checked with CRM, CFM or ANVISA (the plugin has no network).
    pub authority_verified: u8,
    /// What kind of claim.
    pub claim_type: ClaimType,
    /// How it is said.
    pub assertiveness: Assertiveness,
    /// An assertive claim that needs a source and cites none.
    pub requires_evidence: bool,
    /// The rules of CFM Resolução 2.336/2023 and ANVISA RDC 96/2008 it breaks.
    pub flags: Vec<Flag>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_s_strings_are_its_text_in_order() {
        let json = r#"[{"content": "(81) 99123-4870", "sensitivity_level": 2, "category": "personal"},
                       {"content": "portadora de HAS", "category": "health", "n": [true, null, "x"]}]"#;
        let doc: ClaimsDocument = serde_json::from_str(json).unwrap();
        assert_eq!(
            doc.0,
            [
                "(81) 99123-4870",
                "personal",
                "portadora de HAS",
                "health",
                "x"
            ]
        );
        assert_eq!(doc.text().lines().count(), 5);
        for scalar in ["42", "\"text\"", "true", "null"] {
            let error = serde_json::from_str::<ClaimsDocument>(scalar).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("expected a JSON object or array whose strings are the text"),
                "{error}"
            );
        }
    }
}
