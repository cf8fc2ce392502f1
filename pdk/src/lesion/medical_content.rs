//! `process_medical_content`: design document D1's contract for the skin-lesion analyzer,
//! answered by `score` (`docs/design-contracts.md` maps it field by field).
//!
//! D1's analyzer reads lesion images; `score` takes lesions as a dermatologist examined them.
//! The images cannot be honoured: without the examined findings (`lesions`, an addition to D1's
//! request) the call is `unsupported`. With them, the answer keeps D1's field names and JSON
//! types (`LesionAnalysisResult`) and carries `score`'s values; what `score` does not measure
//! (D1's 0–1 image features, one summed risk score) is `null`, never invented.

use serde::{Deserialize, Serialize};

use super::{Abcde, Lesion, NotComputed, Priority, RiskLevel, SevenPointScore, SkinType, Tds};
use crate::{UnreadObject, UnreadValue};

/// Input of the lesion scorer's `process_medical_content` (D1's `SkinLesionRequest`, plus
/// `lesions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct LesionContentInput {
    /// The anonymized patient id (a string): skipped, never echoed.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub patient_id: UnreadValue,
    /// Base64 images, one per lesion (an array of strings): skipped, never decoded nor kept
    /// (`score` does not analyse images). Send `[]` when `lesions` carries the findings: what
    /// is not needed is better not sent (LGPD Art. 6 III).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub lesion_images: UnreadValue,
    /// The body site of every lesion whose own `location` is absent.
    pub lesion_location: String,
    /// D1's free-keyed history.
    pub patient_history: LesionPatientHistory,
    /// An object of free keys; skipped.
    #[cfg_attr(feature = "schema", schemars(with = "UnreadObject"))]
    pub compliance_requirements: UnreadValue,
    /// medplug's addition: the lesions as examined (`score`'s `lesions`). Absent or empty, the
    /// call is `unsupported`, since the images cannot be scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lesions: Vec<Lesion>,
}

/// D1's `patient_history`: these keys are read, any other is accepted and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub struct LesionPatientHistory {
    /// Melanoma in a first-degree relative (`score`'s `patient.family_history`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_history_melanoma: Option<bool>,
    /// Accepted and not scored: "high" sun exposure does not say intermittent or chronic, which
    /// Gandini et al. 2005 (II) found to carry opposite risks; the answer says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun_exposure_high: Option<bool>,
    /// Fitzpatrick phototype `I`–`VI` (`score`'s `patient.skin_type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fototipo_fitzpatrick: Option<SkinType>,
}

/// Output of the lesion scorer's `process_medical_content` (D1's `LesionAnalysisResult`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct LesionContentOutput {
    /// `derm-` and a hash of `score`'s report: the same findings give the same id.
    pub analysis_id: String,
    /// Per lesion, by position (`lesion_1`, …), besides D1's five fixed keys.
    pub lesion_characteristics: LesionCharacteristics,
    /// The visit's risk: the highest lesion's level and every factor behind it.
    pub malignancy_risk_assessment: MalignancyRiskAssessment,
    /// Always empty (`[]`): D1 gives no shape; each lesion's dermoscopic scores are under
    /// `lesion_characteristics.lesion_N.dermoscopy_patterns`.
    pub dermoscopy_features: [UnreadObject; 0],
    /// `score`'s recommendations, most urgent first, prevention last.
    pub medical_recommendations: Vec<LesionRecommendation>,
    /// `score`'s compliance check of its own texts.
    pub anvisa_compliance: AnvisaCompliance,
    /// What the plugin can say about the processing.
    pub audit_trail: LesionAuditTrail,
}

/// D1's `lesion_characteristics`: five fixed keys D1 leaves empty (so does this answer: `{}`),
/// then `lesion_1` … `lesion_N` in input order. A JSON object, written and read by hand: the
/// lesions' keys are not known in advance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LesionCharacteristics {
    /// `lesion_1` … `lesion_N`, in input order.
    pub lesions: Vec<(String, LesionFeatures)>,
}

impl LesionCharacteristics {
    /// D1's fixed keys, whose objects D1 leaves empty.
    pub const EMPTY_KEYS: [&'static str; 5] = [
        "color_analysis",
        "texture_analysis",
        "border_analysis",
        "asymmetry_assessment",
        "diameter_measurement",
    ];

    /// The entry of `key` (`lesion_2`).
    pub fn get(&self, key: &str) -> Option<&LesionFeatures> {
        self.lesions.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Serialize for LesionCharacteristics {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map =
            serializer.serialize_map(Some(Self::EMPTY_KEYS.len() + self.lesions.len()))?;
        for key in Self::EMPTY_KEYS {
            map.serialize_entry(key, &UnreadObject {})?;
        }
        for (key, lesion) in &self.lesions {
            map.serialize_entry(key, lesion)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for LesionCharacteristics {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = LesionCharacteristics;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of lesion entries")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut lesions = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if LesionCharacteristics::EMPTY_KEYS.contains(&key.as_str()) {
                        map.next_value::<UnreadObject>()?;
                    } else {
                        lesions.push((key, map.next_value()?));
                    }
                }
                Ok(LesionCharacteristics { lesions })
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for LesionCharacteristics {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LesionCharacteristics".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let empty = generator.subschema_for::<UnreadObject>();
        let lesion = generator.subschema_for::<LesionFeatures>();
        let fixed: serde_json::Map<String, serde_json::Value> = Self::EMPTY_KEYS
            .iter()
            .map(|k| ((*k).to_owned(), empty.clone().into()))
            .collect();
        schemars::json_schema!({
            "description": "D1's five fixed keys, empty objects, then `lesion_1` … `lesion_N` in input order.",
            "type": "object",
            "properties": fixed,
            "required": Self::EMPTY_KEYS,
            "additionalProperties": lesion
        })
    }
}

/// One lesion's entry, `lesion_N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct LesionFeatures {
    /// D1's image measures, which `score` does not take: only `diameter_mm` is filled.
    pub abcde_score: AbcdeScore,
    /// `score`'s dermoscopic scores.
    pub dermoscopy_patterns: DermoscopyPatterns,
    /// Empty: D1 gives no shape; the colours counted are in `dermoscopy_patterns.tds.colors`.
    pub color_distribution: UnreadObject,
    /// The lesion's report: clinical signs, risk level, priority, what was not computed.
    pub clinical_features: ClinicalFeatures,
}

/// D1's `abcde_score`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AbcdeScore {
    /// Always `null`: a 0–1 measure of an image; the examined asymmetry is in
    /// `dermoscopy_patterns.tds.asymmetry` (axes, 0–2) and `clinical_features.abcde`.
    pub asymmetry_score: Option<f64>,
    /// Always `null`: likewise (`tds.border`, abrupt segments 0–8).
    pub border_irregularity: Option<f64>,
    /// Always `null`: likewise (`tds.colors`, 1–6, and `color_distribution`).
    pub color_variation: Option<f64>,
    /// The lesion's `diameter_mm`, as given.
    pub diameter_mm: Option<f64>,
}

/// `score`'s dermoscopic scores of one lesion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct DermoscopyPatterns {
    /// The Stolz ABCD rule's total dermoscopy score; `null` when not computed.
    pub tds: Option<Tds>,
    /// Argenziano's 7-point checklist; `null` when not computed.
    pub seven_point: Option<SevenPointScore>,
}

/// The rest of `score`'s report of one lesion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ClinicalFeatures {
    /// The lesion's `id`, as given.
    pub lesion_id: String,
    /// Its location: its own, else `lesion_location`.
    pub location: Option<String>,
    /// The clinical ABCDE signs.
    pub abcde: Abcde,
    /// `LOW`, `MEDIUM` or `HIGH`.
    pub risk_level: RiskLevel,
    /// How soon to act.
    pub priority: Priority,
    /// The scores that could not be computed, and the fields they lacked.
    pub not_computed: Vec<NotComputed>,
}

/// D1's `malignancy_risk_assessment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct MalignancyRiskAssessment {
    /// The highest of the lesions' levels.
    pub risk_level: RiskLevel,
    /// Always `null`: `score` decides levels by published cut-offs (TDS, 7-point, ABCDE) and
    /// does not add lesion signs and history into one number, as D1's unsourced weights do.
    pub risk_score: Option<f64>,
    /// Each lesion's rules that fired (`<id>: <rule>`, with sources), then each history factor
    /// that raises the risk, with its relative risk (`RR 1,74: <source>`, Gandini et al. 2005),
    /// then the patient's relative risk (their product).
    pub risk_factors: Vec<String>,
    /// The most urgent recommendation's text.
    pub clinical_recommendation: String,
    /// `score`'s disclaimers, and what of the history was not scored.
    pub medical_disclaimer: String,
}

/// D1's recommendation, from one of `score`'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct LesionRecommendation {
    /// `URGENT`, `ROUTINE`, `MONITORING` or `PREVENTION`: D1's and `score`'s words alike.
    pub priority: Priority,
    /// What to do, in pt-BR.
    pub recommendation: String,
    /// Its source.
    pub rationale: String,
    /// Always empty: `score` words each recommendation as one text.
    pub required_actions: Vec<String>,
    /// `score`'s first disclaimer: not a diagnosis.
    pub medical_disclaimer: String,
}

/// D1's `anvisa_compliance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AnvisaCompliance {
    /// `score`'s compliance check passed: no promise of cure or result, sunscreen with its SPF.
    pub compliant: bool,
    /// Each violation, `rule: evidence`.
    pub compliance_issues: Vec<String>,
    /// Always false: nothing was verified with ANVISA (the plugin has no network).
    pub anvisa_verified: bool,
    /// Always `null`: the software's regularization (ANVISA RDC 657/2022) is not the plugin's
    /// to vouch for.
    pub medical_device_compliance: Option<bool>,
    /// Always `null`: no cosmetic regulation is checked.
    pub cosmetic_regulation_adherence: Option<bool>,
}

/// D1's `audit_trail`: the host keeps the call's audit record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct LesionAuditTrail {
    /// Always `null`: a plugin has no clock; the host's audit record has the time.
    pub processed_at: Option<String>,
    /// Always `null`: the host's audit record has the duration.
    pub processing_time_ms: Option<f64>,
    /// Always `null`: the lawfulness of the processing is the controller's to establish.
    pub lgpd_compliant: Option<bool>,
    /// Always false, as in `anvisa_compliance`.
    pub anvisa_verified: bool,
    /// Whether every recommendation carries a disclaimer.
    pub medical_disclaimers_included: bool,
}
