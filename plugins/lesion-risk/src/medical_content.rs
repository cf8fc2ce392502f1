//! `process_medical_content`: design document D1's contract for the skin-lesion analyzer,
//! answered by [`score`].
//!
//! A thin adapter. D1's analyzer reads images; `score` takes lesions as examined, so a request
//! without the examined findings (`lesions`, medplug's addition) is `unsupported` and names
//! `lesion_images`. With them, `lesion_location` fills each lesion's missing location, the
//! history keys `score` knows become its `patient`, and the report is regrouped into D1's shape
//! (`docs/design-contracts.md` has the table, field by field).

use medplug_pdk::lesion::{
    AbcdeScore, AnvisaCompliance, ClinicalFeatures, DermoscopyPatterns, LesionAuditTrail,
    LesionCharacteristics, LesionContentInput, LesionContentOutput, LesionFeatures,
    LesionRecommendation, LesionReport, MalignancyRiskAssessment, PatientHistory, RiskLevel,
    ScoreInput, ScoreOutput,
};
use medplug_pdk::{ContentId, PluginError, UnreadObject};

use crate::score;

/// Why the images are refused.
const NO_IMAGES: &str = "`lesion_images` cannot be analysed: lesion-risk scores skin lesions as \
    a dermatologist examined them (dermoscopy, 7-point checklist, ABCDE signs), not images; send \
    the examined findings in `lesions` (the lesions of the `score` function)";

/// What the answer says when `sun_exposure_high` was given: it is not scored.
const SUN_EXPOSURE_NOT_SCORED: &str = "`sun_exposure_high` não entra na estimativa: a \
    meta-análise de Gandini et al. 2005 (II. exposição solar, Eur J Cancer 41:45–60) encontrou \
    risco na exposição intermitente (RR 1,61) e não na crônica (RR 0,95), e \"exposição alta\" \
    não diz qual; queimaduras solares (RR 2,03) são informadas à função `score` como \
    `sunburn_history`.";

/// A number as the pt-BR texts write it (`1,74`).
fn decimal(value: f64) -> String {
    value.to_string().replace('.', ",")
}

/// Answers D1's `process_medical_content` with `score`'s report.
///
/// Errors: `unsupported` without `lesions` (absent or empty: images cannot be scored);
/// `score`'s `invalid_input` naming the field otherwise.
pub fn process_medical_content(
    input: LesionContentInput,
) -> Result<LesionContentOutput, PluginError> {
    let mut lesions = input.lesions;
    if lesions.is_empty() {
        return Err(PluginError::unsupported(NO_IMAGES));
    }
    let site = input.lesion_location;
    for lesion in &mut lesions {
        if lesion.location.is_none() && !site.is_empty() {
            lesion.location = Some(site.clone());
        }
    }
    // D1's image measures are not taken; the examined diameter is echoed.
    let diameters: Vec<Option<f64>> = lesions.iter().map(|l| l.diameter_mm).collect();
    let history = input.patient_history;
    let patient = PatientHistory {
        family_history: history.family_history_melanoma,
        skin_type: history.fototipo_fitzpatrick,
        ..PatientHistory::default()
    };
    let report = score(ScoreInput {
        lesions,
        patient: (patient != PatientHistory::default()).then_some(patient),
    })?;
    let mut id = ContentId::new();
    id.bytes(&serde_json::to_vec(&report).unwrap_or_default());

    let risk_factors = risk_factors(&report);
    let mut disclaimer = String::new();
    let extra = history.sun_exposure_high.map(|_| SUN_EXPOSURE_NOT_SCORED);
    for text in report.disclaimers.iter().map(String::as_str).chain(extra) {
        if !disclaimer.is_empty() {
            disclaimer.push(' ');
        }
        disclaimer.push_str(text);
    }
    let not_a_diagnosis = report.disclaimers.first().cloned().unwrap_or_default();
    let medical_recommendations: Vec<LesionRecommendation> = report
        .recommendations
        .iter()
        .map(|r| LesionRecommendation {
            priority: r.priority,
            recommendation: r.text.clone(),
            rationale: r.source.clone(),
            required_actions: Vec::new(),
            medical_disclaimer: not_a_diagnosis.clone(),
        })
        .collect();
    let medical_disclaimers_included = medical_recommendations
        .iter()
        .all(|r| !r.medical_disclaimer.is_empty());

    let risk_level = report
        .lesions
        .iter()
        .map(|l| l.risk_level)
        .max()
        .unwrap_or(RiskLevel::Low);
    Ok(LesionContentOutput {
        analysis_id: id.id("derm"),
        lesion_characteristics: LesionCharacteristics {
            lesions: by_position(report.lesions, diameters),
        },
        malignancy_risk_assessment: MalignancyRiskAssessment {
            risk_level,
            risk_score: None,
            risk_factors,
            clinical_recommendation: report
                .recommendations
                .first()
                .map(|r| r.text.clone())
                .unwrap_or_default(),
            medical_disclaimer: disclaimer,
        },
        dermoscopy_features: [],
        medical_recommendations,
        anvisa_compliance: AnvisaCompliance {
            compliant: report.compliance.passed,
            compliance_issues: report
                .compliance
                .violations
                .iter()
                .map(|v| format!("{}: {}", v.rule, v.evidence))
                .collect(),
            anvisa_verified: false,
            medical_device_compliance: None,
            cosmetic_regulation_adherence: None,
        },
        audit_trail: LesionAuditTrail {
            processed_at: None,
            processing_time_ms: None,
            lgpd_compliant: None,
            anvisa_verified: false,
            medical_disclaimers_included,
        },
    })
}

/// D1's `risk_factors`: each lesion's grounds for its level, then the patient's factors that
/// raise the risk and the patient's relative risk.
fn risk_factors(report: &ScoreOutput) -> Vec<String> {
    let mut risk_factors = Vec::new();
    for lesion in &report.lesions {
        risk_factors.extend(
            lesion
                .risk_basis
                .iter()
                .map(|b| format!("{}: {b}", lesion.id)),
        );
    }
    if let Some(patient) = &report.patient_risk {
        // As D1 lists only what raises the risk: the factors above their reference category.
        for factor in &patient.factors {
            if let Some(rr) = factor.relative_risk.filter(|&rr| rr > 1.0) {
                risk_factors.push(format!("RR {}: {}", decimal(rr), factor.source));
            }
        }
        risk_factors.push(format!(
            "risco relativo do paciente: {} ({})",
            decimal(patient.relative_risk),
            patient.model
        ));
    }
    risk_factors
}

/// D1's `lesion_characteristics`, keyed `lesion_1`, `lesion_2`… in input order, with the
/// examined diameters echoed.
fn by_position(
    lesions: Vec<LesionReport>,
    diameters: Vec<Option<f64>>,
) -> Vec<(String, LesionFeatures)> {
    let mut by_position = Vec::with_capacity(lesions.len());
    for (i, (lesion, diameter_mm)) in lesions.into_iter().zip(diameters).enumerate() {
        by_position.push((
            format!("lesion_{}", i + 1),
            LesionFeatures {
                abcde_score: AbcdeScore {
                    asymmetry_score: None,
                    border_irregularity: None,
                    color_variation: None,
                    diameter_mm,
                },
                dermoscopy_patterns: DermoscopyPatterns {
                    tds: lesion.tds,
                    seven_point: lesion.seven_point,
                },
                color_distribution: UnreadObject {},
                clinical_features: ClinicalFeatures {
                    lesion_id: lesion.id,
                    location: lesion.location,
                    abcde: lesion.abcde,
                    risk_level: lesion.risk_level,
                    priority: lesion.priority,
                    not_computed: lesion.not_computed,
                },
            },
        ));
    }
    by_position
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;
    use medplug_pdk::lesion::{
        ClinicalSigns, Lesion, LesionPatientHistory, Priority, ScoreOutput, SkinType,
    };

    use super::*;

    fn request(lesions: Vec<Lesion>) -> LesionContentInput {
        LesionContentInput {
            patient_id: medplug_pdk::UnreadValue,
            lesion_images: medplug_pdk::UnreadValue,
            lesion_location: "dorso".to_owned(),
            patient_history: LesionPatientHistory {
                family_history_melanoma: Some(true),
                sun_exposure_high: Some(true),
                fototipo_fitzpatrick: Some(SkinType::II),
            },
            compliance_requirements: medplug_pdk::UnreadValue,
            lesions,
        }
    }

    #[test]
    fn images_alone_are_unsupported_naming_the_field() {
        let error = process_medical_content(request(Vec::new())).unwrap_err();
        assert_eq!(error.code, ErrorCode::Unsupported);
        assert!(
            error
                .message
                .starts_with("`lesion_images` cannot be analysed")
        );
    }

    #[test]
    fn examined_lesions_are_score_s_report_in_d1_s_shape() -> Result<(), PluginError> {
        let visit = crate::examples::visit();
        let lesions: Vec<Lesion> = visit
            .lesions
            .iter()
            .cloned()
            .chain([Lesion {
                id: "sem-local".to_owned(),
                clinical: Some(ClinicalSigns {
                    asymmetry: Some(false),
                    border_irregular: Some(false),
                    color_variegated: Some(false),
                }),
                ..Lesion::default()
            }])
            .collect();
        let out = process_medical_content(request(lesions.clone()))?;
        let mut with_site = lesions;
        with_site[3].location = Some("dorso".to_owned());
        let native: ScoreOutput = score(ScoreInput {
            lesions: with_site,
            patient: Some(PatientHistory {
                family_history: Some(true),
                skin_type: Some(SkinType::II),
                ..PatientHistory::default()
            }),
        })?;
        let levels: Vec<_> = native.lesions.iter().map(|l| l.risk_level).collect();
        assert_eq!(
            out.malignancy_risk_assessment.risk_level,
            levels.iter().copied().max().unwrap()
        );
        let lesion_4 = out
            .lesion_characteristics
            .get("lesion_4")
            .expect("4 lesions");
        assert_eq!(
            lesion_4.clinical_features.location.as_deref(),
            Some("dorso")
        );
        assert_eq!(lesion_4.abcde_score.asymmetry_score, None);
        let priorities: Vec<Priority> = out
            .medical_recommendations
            .iter()
            .map(|r| r.priority)
            .collect();
        let native_priorities: Vec<Priority> =
            native.recommendations.iter().map(|r| r.priority).collect();
        assert_eq!(priorities, native_priorities);
        assert_eq!(
            out.malignancy_risk_assessment.clinical_recommendation,
            native.recommendations[0].text
        );
        let patient = native.patient_risk.expect("history given");
        assert!(
            out.malignancy_risk_assessment
                .risk_factors
                .iter()
                .any(|f| f.starts_with("RR 1,74: Gandini et al. 2005"))
        );
        assert!(
            out.malignancy_risk_assessment
                .risk_factors
                .last()
                .unwrap()
                .starts_with(&format!(
                    "risco relativo do paciente: {}",
                    decimal(patient.relative_risk)
                ))
        );
        assert!(
            out.malignancy_risk_assessment
                .medical_disclaimer
                .ends_with("como `sunburn_history`.")
        );
        assert!(out.anvisa_compliance.compliant && !out.anvisa_compliance.anvisa_verified);
        assert!(out.audit_trail.medical_disclaimers_included);
        assert!(out.analysis_id.starts_with("derm-"));
        Ok(())
    }
}
