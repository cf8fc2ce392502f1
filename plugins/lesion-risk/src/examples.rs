//! Example inputs (native only), for the benchmark, the conformance suite and the demo: a
//! dermatology visit as a clinic records it, and a thousand lesions that cycle through every
//! ABCD combination and every 7-point checklist.

use medplug_pdk::lesion::{
    ClinicalSigns, DermoscopicColor as Color, DermoscopicStructure as Structure, Dermoscopy,
    EyeColor, Freckling, HairColor, Lesion, PatientHistory, ScoreInput, SevenPoint,
    SevenPointCriterion, SkinType,
};

/// A visit: a fair-skinned patient with 45 nevi, one of them atypical, a sunburn history and a
/// mother treated for melanoma, and three lesions — a changing lesion on the back, a suspicious one on the arm and
/// an ordinary nevus on the thigh.
pub fn visit() -> ScoreInput {
    ScoreInput {
        lesions: vec![
            Lesion {
                id: "L1".into(),
                dermoscopy: Some(Dermoscopy {
                    asymmetry_axes: Some(2),
                    border_segments: Some(5),
                    colors: Some(vec![
                        Color::LightBrown,
                        Color::DarkBrown,
                        Color::BlueGray,
                        Color::Black,
                    ]),
                    structures: Some(vec![
                        Structure::Network,
                        Structure::Structureless,
                        Structure::Dots,
                        Structure::Streaks,
                    ]),
                }),
                seven_point: Some(checklist(&[
                    SevenPointCriterion::AtypicalNetwork,
                    SevenPointCriterion::BlueWhiteVeil,
                    SevenPointCriterion::IrregularStreaks,
                ])),
                clinical: Some(ClinicalSigns {
                    asymmetry: Some(true),
                    border_irregular: Some(true),
                    color_variegated: Some(true),
                }),
                diameter_mm: Some(9.0),
                evolving: Some(true),
                location: Some("dorso, região escapular esquerda".into()),
            },
            Lesion {
                id: "L2".into(),
                dermoscopy: Some(Dermoscopy {
                    asymmetry_axes: Some(1),
                    border_segments: Some(3),
                    colors: Some(vec![Color::LightBrown, Color::DarkBrown, Color::Black]),
                    structures: Some(vec![
                        Structure::Network,
                        Structure::Dots,
                        Structure::Globules,
                    ]),
                }),
                seven_point: Some(checklist(&[SevenPointCriterion::IrregularDotsGlobules])),
                clinical: Some(ClinicalSigns {
                    asymmetry: Some(true),
                    border_irregular: Some(false),
                    color_variegated: Some(true),
                }),
                diameter_mm: Some(5.5),
                evolving: Some(false),
                location: Some("braço direito".into()),
            },
            Lesion {
                id: "L3".into(),
                dermoscopy: Some(Dermoscopy {
                    asymmetry_axes: Some(0),
                    border_segments: Some(0),
                    colors: Some(vec![Color::LightBrown, Color::DarkBrown]),
                    structures: Some(vec![Structure::Network, Structure::Globules]),
                }),
                seven_point: Some(checklist(&[])),
                clinical: Some(ClinicalSigns {
                    asymmetry: Some(false),
                    border_irregular: Some(false),
                    color_variegated: Some(false),
                }),
                diameter_mm: Some(4.0),
                evolving: Some(false),
                location: Some("coxa esquerda".into()),
            },
        ],
        patient: Some(PatientHistory {
            common_nevi: Some(45),
            atypical_nevi: Some(1),
            family_history: Some(true),
            skin_type: Some(SkinType::II),
            hair_color: Some(HairColor::LightBrown),
            eye_color: Some(EyeColor::Blue),
            freckling: Some(Freckling::Some),
            sunburn_history: Some(true),
            previous_skin_cancer: Some(false),
            actinic_damage: None,
        }),
    }
}

/// A thousand fully examined lesions: lesion `i` takes ABCD combination `i mod 810` and
/// 7-point checklist `i mod 128` (criteria the inventory would contradict left absent), with
/// the [`visit`]'s patient.
pub fn thousand_lesions() -> ScoreInput {
    let lesions = (0..1000u32)
        .map(|i| {
            let abcd = i % 810;
            let (a, b, c, d) = (abcd / 270, abcd / 30 % 9, abcd / 5 % 6 + 1, abcd % 5 + 1);
            let colors = ALL_COLORS[..c as usize].to_vec();
            let structures = ALL_STRUCTURES[..d as usize].to_vec();
            let mut seven = SevenPoint::default();
            for (bit, criterion) in SevenPointCriterion::ALL.into_iter().enumerate() {
                seven.set(criterion, (i % 128) & (1 << bit) != 0);
            }
            // Keep the checklist consistent with the inventory (see validate.rs).
            let has = |s: Structure| structures.contains(&s);
            let tint = |c: Color| colors.contains(&c);
            for (criterion, consistent) in [
                (
                    SevenPointCriterion::AtypicalNetwork,
                    has(Structure::Network),
                ),
                (
                    SevenPointCriterion::IrregularStreaks,
                    has(Structure::Streaks),
                ),
                (
                    SevenPointCriterion::IrregularDotsGlobules,
                    has(Structure::Dots) || has(Structure::Globules),
                ),
                (SevenPointCriterion::BlueWhiteVeil, tint(Color::BlueGray)),
                (
                    SevenPointCriterion::RegressionStructures,
                    tint(Color::White) || tint(Color::BlueGray),
                ),
            ] {
                if !consistent {
                    seven.set(criterion, false);
                }
            }
            Lesion {
                id: format!("lesao-{i:04}"),
                dermoscopy: Some(Dermoscopy {
                    asymmetry_axes: Some(a),
                    border_segments: Some(b),
                    colors: Some(colors),
                    structures: Some(structures),
                }),
                seven_point: Some(seven),
                clinical: None,
                diameter_mm: Some(2.0 + f64::from(i % 12)),
                evolving: Some(i % 7 == 0),
                location: Some("tronco".into()),
            }
        })
        .collect();
    ScoreInput {
        lesions,
        patient: visit().patient,
    }
}

const ALL_COLORS: [Color; 6] = [
    Color::White,
    Color::Red,
    Color::LightBrown,
    Color::DarkBrown,
    Color::BlueGray,
    Color::Black,
];

const ALL_STRUCTURES: [Structure; 5] = [
    Structure::Network,
    Structure::Structureless,
    Structure::Dots,
    Structure::Globules,
    Structure::Streaks,
];

fn checklist(present: &[SevenPointCriterion]) -> SevenPoint {
    let mut checklist = SevenPoint::default();
    for criterion in SevenPointCriterion::ALL {
        checklist.set(criterion, present.contains(&criterion));
    }
    checklist
}

#[cfg(test)]
mod tests {
    use medplug_pdk::lesion::{Priority, RiskLevel};

    use super::*;

    #[test]
    fn the_visit_has_one_lesion_of_each_level() -> Result<(), medplug_pdk::PluginError> {
        let report = crate::score(visit())?;
        let levels: Vec<_> = report.lesions.iter().map(|l| l.risk_level).collect();
        assert_eq!(levels, [RiskLevel::High, RiskLevel::Medium, RiskLevel::Low]);
        let tds: Vec<_> = report
            .lesions
            .iter()
            .map(|l| l.tds.map(|t| t.value))
            .collect();
        // L1: 2.6 + 0.5 + 2.0 + 2.0; L2: 1.3 + 0.3 + 1.5 + 1.5; L3: 0 + 0 + 1.0 + 1.0.
        assert_eq!(tds, [Some(7.1), Some(4.6), Some(2.0)]);
        let priorities: Vec<_> = report.recommendations.iter().map(|r| r.priority).collect();
        assert_eq!(
            priorities,
            [
                Priority::Urgent,
                Priority::Routine,
                Priority::Monitoring,
                Priority::Monitoring,
                Priority::Prevention
            ]
        );
        // 2.24 (45 nevi) × 1.45 (1 atypical) × 1.74 (family) × 1.47 (blue eyes) × 2.03
        // (sunburn) × 1.0 (no previous cancer) = 16.8647; type II, light brown hair and a few
        // freckles have no pooled estimate and stay out.
        let risk = report.patient_risk.expect("history given");
        assert_eq!(risk.relative_risk, 16.86);
        let unestimated = risk
            .factors
            .iter()
            .filter(|f| f.relative_risk.is_none())
            .count();
        assert_eq!(unestimated, 3);
        Ok(())
    }

    #[test]
    fn the_thousand_lesions_are_valid_and_span_every_level() -> Result<(), medplug_pdk::PluginError>
    {
        let report = crate::score(thousand_lesions())?;
        assert_eq!(report.lesions.len(), 1000);
        let count = |level| {
            report
                .lesions
                .iter()
                .filter(|l| l.risk_level == level)
                .count()
        };
        assert!(count(RiskLevel::Low) > 0 && count(RiskLevel::Medium) > 0);
        assert!(count(RiskLevel::High) > 500);
        Ok(())
    }
}
