//! `score`'s input: the lesions as examined, and the patient's history.
//!
//! Every field but a lesion's `id` may be absent: "not examined". Absent is never read as
//! "examined and normal".

use serde::{Deserialize, Serialize};

/// Input of `score`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ScoreInput {
    /// The lesions to score, 1 to 10,000, each with a distinct `id`.
    pub lesions: Vec<Lesion>,
    /// The patient's history, for the patient's relative risk; absent when not taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<PatientHistory>,
}

/// One skin lesion as examined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Lesion {
    /// The clinic's name for the lesion (`"L1"`, `"dorso-3"`): 1 to 64 characters, distinct
    /// within the call. The report echoes it; it must not hold personal data.
    pub id: String,
    /// The four criteria of the Stolz ABCD rule of dermoscopy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dermoscopy: Option<Dermoscopy>,
    /// The seven criteria of Argenziano's 7-point checklist, each present or absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seven_point: Option<SevenPoint>,
    /// Clinical (naked-eye) signs A, B and C of the ABCDE rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinical: Option<ClinicalSigns>,
    /// Largest diameter, millimetres (above 0, at most 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diameter_mm: Option<f64>,
    /// Whether the lesion changed in size, shape, colour or symptoms (the E of ABCDE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evolving: Option<bool>,
    /// Anatomical site, free text of at most 100 characters (`"dorso"`, `"face"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// The Stolz ABCD rule's criteria (Stolz et al. 1994; Nachbar et al. 1994).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Dermoscopy {
    /// A: axes of asymmetry (of contour, colours and structures), 0 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asymmetry_axes: Option<u32>,
    /// B: of the lesion's eight border segments, how many end the pigment pattern abruptly,
    /// 0 to 8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_segments: Option<u32>,
    /// C: the colours present, 1 to 6 distinct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colors: Option<Vec<DermoscopicColor>>,
    /// D: the differential structures present, 1 to 5 distinct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structures: Option<Vec<DermoscopicStructure>>,
}

/// The six colours the ABCD rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DermoscopicColor {
    /// White (lighter than the surrounding skin).
    White,
    /// Red.
    Red,
    /// Light brown.
    LightBrown,
    /// Dark brown.
    DarkBrown,
    /// Blue-grey.
    BlueGray,
    /// Black.
    Black,
}

/// The five differential structures the ABCD rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DermoscopicStructure {
    /// Pigment network.
    Network,
    /// Structureless (homogeneous) areas, larger than 10 % of the lesion.
    Structureless,
    /// Dots (more than two).
    Dots,
    /// Globules.
    Globules,
    /// Branched streaks (more than two).
    Streaks,
}

/// Argenziano's 7-point checklist (Argenziano et al. 1998): `true` present, `false` absent,
/// missing not examined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct SevenPoint {
    /// Atypical pigment network (major criterion, 2 points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atypical_network: Option<bool>,
    /// Blue-whitish veil (major, 2 points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blue_white_veil: Option<bool>,
    /// Atypical vascular pattern (major, 2 points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atypical_vascular_pattern: Option<bool>,
    /// Irregular streaks (minor, 1 point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irregular_streaks: Option<bool>,
    /// Irregular dots and globules (minor, 1 point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irregular_dots_globules: Option<bool>,
    /// Irregular blotches (minor, 1 point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irregular_blotches: Option<bool>,
    /// Regression structures (minor, 1 point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression_structures: Option<bool>,
}

/// One criterion of the 7-point checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SevenPointCriterion {
    /// Atypical pigment network, 2 points.
    AtypicalNetwork,
    /// Blue-whitish veil, 2 points.
    BlueWhiteVeil,
    /// Atypical vascular pattern, 2 points.
    AtypicalVascularPattern,
    /// Irregular streaks, 1 point.
    IrregularStreaks,
    /// Irregular dots and globules, 1 point.
    IrregularDotsGlobules,
    /// Irregular blotches, 1 point.
    IrregularBlotches,
    /// Regression structures, 1 point.
    RegressionStructures,
}

impl SevenPointCriterion {
    /// Every criterion, majors first, in the checklist's order.
    pub const ALL: [Self; 7] = [
        Self::AtypicalNetwork,
        Self::BlueWhiteVeil,
        Self::AtypicalVascularPattern,
        Self::IrregularStreaks,
        Self::IrregularDotsGlobules,
        Self::IrregularBlotches,
        Self::RegressionStructures,
    ];

    /// The field of [`SevenPoint`] that records this criterion.
    pub fn field(self) -> &'static str {
        match self {
            Self::AtypicalNetwork => "atypical_network",
            Self::BlueWhiteVeil => "blue_white_veil",
            Self::AtypicalVascularPattern => "atypical_vascular_pattern",
            Self::IrregularStreaks => "irregular_streaks",
            Self::IrregularDotsGlobules => "irregular_dots_globules",
            Self::IrregularBlotches => "irregular_blotches",
            Self::RegressionStructures => "regression_structures",
        }
    }
}

impl SevenPoint {
    /// What was recorded for `criterion`.
    pub fn get(&self, criterion: SevenPointCriterion) -> Option<bool> {
        use SevenPointCriterion::*;
        match criterion {
            AtypicalNetwork => self.atypical_network,
            BlueWhiteVeil => self.blue_white_veil,
            AtypicalVascularPattern => self.atypical_vascular_pattern,
            IrregularStreaks => self.irregular_streaks,
            IrregularDotsGlobules => self.irregular_dots_globules,
            IrregularBlotches => self.irregular_blotches,
            RegressionStructures => self.regression_structures,
        }
    }

    /// Records `present` for `criterion`.
    pub fn set(&mut self, criterion: SevenPointCriterion, present: bool) {
        use SevenPointCriterion::*;
        let slot = match criterion {
            AtypicalNetwork => &mut self.atypical_network,
            BlueWhiteVeil => &mut self.blue_white_veil,
            AtypicalVascularPattern => &mut self.atypical_vascular_pattern,
            IrregularStreaks => &mut self.irregular_streaks,
            IrregularDotsGlobules => &mut self.irregular_dots_globules,
            IrregularBlotches => &mut self.irregular_blotches,
            RegressionStructures => &mut self.regression_structures,
        };
        *slot = Some(present);
    }
}

/// The clinical (naked-eye) signs A, B and C of the ABCDE rule (Friedman, Rigel and Kopf 1985;
/// Abbasi et al. 2004); D and E come from `diameter_mm` and `evolving`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ClinicalSigns {
    /// A: one half unlike the other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asymmetry: Option<bool>,
    /// B: ragged, notched or blurred border.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_irregular: Option<bool>,
    /// C: several colours or uneven shades.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_variegated: Option<bool>,
}

/// The patient's history: the melanoma risk factors of Gandini et al.'s meta-analyses (Eur J
/// Cancer 41, 2005). Each field may be absent when not asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PatientHistory {
    /// Common melanocytic nevi on the whole body, 0 to 10,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_nevi: Option<u32>,
    /// Clinically atypical nevi on the whole body, 0 to 10,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atypical_nevi: Option<u32>,
    /// Melanoma in a first-degree relative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_history: Option<bool>,
    /// Fitzpatrick skin phototype.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skin_type: Option<SkinType>,
    /// Natural hair colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hair_color: Option<HairColor>,
    /// Eye colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eye_color: Option<EyeColor>,
    /// Density of freckles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freckling: Option<Freckling>,
    /// Any sunburn history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunburn_history: Option<bool>,
    /// A previous skin cancer (melanoma or not) or premalignant skin lesion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_skin_cancer: Option<bool>,
    /// Signs of actinic damage (solar lentigines, actinic keratoses, elastosis).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actinic_damage: Option<bool>,
}

/// Fitzpatrick skin phototype.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SkinType {
    /// Always burns, never tans.
    I,
    /// Usually burns, tans minimally.
    II,
    /// Sometimes burns, tans gradually.
    III,
    /// Burns minimally, always tans.
    IV,
    /// Rarely burns, tans deeply.
    V,
    /// Never burns.
    VI,
}

/// Natural hair colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HairColor {
    /// Red.
    Red,
    /// Blond.
    Blond,
    /// Light brown.
    LightBrown,
    /// Dark brown (dark: the reference).
    DarkBrown,
    /// Black (dark: the reference).
    Black,
}

/// Eye colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EyeColor {
    /// Blue.
    Blue,
    /// Green or grey.
    Green,
    /// Hazel.
    Hazel,
    /// Brown or black (dark: the reference).
    Brown,
}

/// Density of freckles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Freckling {
    /// None (the reference).
    None,
    /// A few.
    Some,
    /// Many: high density.
    Many,
}
