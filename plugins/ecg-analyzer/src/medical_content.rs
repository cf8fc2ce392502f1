//! `process_medical_content`: design document D1's contract for the ECG analyzer, answered by
//! [`analyze`].
//!
//! A thin adapter: D1's request becomes `analyze`'s input (`ecg_data` → `samples_mv`,
//! `sampling_rate` → `sampling_rate_hz`, age and sex → `patient`), and the report is regrouped
//! into D1's shape (`docs/design-contracts.md` has the table, field by field). Errors name D1's
//! fields. D1's own rules (ST elevation "above 2.0" in an unstated unit, English substrings as
//! compliance checks) give way to `analyze`'s, which cite their sources.

use medplug_pdk::ecg::{
    AbnormalityDetection, AbnormalitySeverity, AnalyzeInput, CrmComplianceStatus, EcgContentInput,
    EcgContentOutput, HeartRateAnalysis, MedicalRecommendation, Patient, ProcessingAudit,
    RecommendationSeverity, Severity, Sex,
};
use medplug_pdk::{ContentId, PluginError};

use crate::analyze;

/// Answers D1's `process_medical_content` with `analyze`'s report. `patient_id`,
/// `medical_history`, `current_medications` and `compliance_requirements` are accepted and
/// skipped (never read, never kept).
pub fn process_medical_content(input: EcgContentInput) -> Result<EcgContentOutput, PluginError> {
    // The id hashes what was analysed, never who it is from.
    let mut id = ContentId::new();
    id.bytes(&input.sampling_rate.to_le_bytes());
    for sample in &input.ecg_data {
        id.bytes(&sample.to_le_bytes());
    }
    let context = input.medical_context;
    let patient = Patient {
        age: context.patient_age,
        sex: context.patient_gender.as_deref().and_then(sex),
    };
    let report = analyze(AnalyzeInput {
        patient: (patient.age.is_some() || patient.sex.is_some()).then_some(patient),
        ..AnalyzeInput::from_mv(f64::from(input.sampling_rate), input.ecg_data)
    })
    .map_err(in_d1_terms)?;

    let abnormality_detection: Vec<AbnormalityDetection> = report
        .abnormalities
        .iter()
        .map(|a| AbnormalityDetection {
            abnormality_type: d1_type(&a.kind).to_owned(),
            severity: match a.severity {
                Severity::Low => AbnormalitySeverity::Low,
                Severity::Moderate => AbnormalitySeverity::Medium,
                Severity::High => AbnormalitySeverity::High,
            },
            clinical_significance: a.clinical_significance.clone(),
            recommended_action: a.recommended_action.clone(),
            medical_disclaimer: a.disclaimer.clone(),
        })
        .collect();
    let medical_recommendations: Vec<MedicalRecommendation> = report
        .abnormalities
        .iter()
        .map(|a| MedicalRecommendation {
            severity: match a.severity {
                Severity::High => RecommendationSeverity::Urgent,
                Severity::Moderate => RecommendationSeverity::Routine,
                Severity::Low => RecommendationSeverity::Informational,
            },
            action: a.recommended_action.clone(),
            disclaimer: a.disclaimer.clone(),
        })
        .chain(
            report
                .recommendations
                .iter()
                .map(|text| MedicalRecommendation {
                    severity: RecommendationSeverity::Informational,
                    action: text.clone(),
                    disclaimer: report.disclaimer.clone(),
                }),
        )
        .collect();
    let disclaimer_complete = medical_recommendations
        .iter()
        .all(|r| !r.disclaimer.trim().is_empty());
    Ok(EcgContentOutput {
        analysis_id: id.id("ecg"),
        heart_rate: report.heart_rate.map(|hr| HeartRateAnalysis {
            avg_heart_rate: hr.mean_bpm,
            heart_rate_variability: report.hrv.map(|h| h.sdnn_ms),
            resting_heart_rate: hr.resting_bpm,
            max_heart_rate: hr.max_bpm,
            clinical_assessment: report.rhythm.criterion.clone(),
        }),
        rhythm_analysis: report.rhythm,
        abnormality_detection,
        medical_recommendations,
        compliance_status: CrmComplianceStatus {
            crm_compliant: disclaimer_complete,
            compliance_issues: if disclaimer_complete {
                Vec::new()
            } else {
                vec!["a finding or recommendation lacks its disclaimer".to_owned()]
            },
            medical_authority_verified: false,
            disclaimer_complete,
        },
        processing_audit: ProcessingAudit {
            processed_at: None,
            processing_time_ms: None,
            lgpd_compliant: None,
            medical_authority_verified: false,
            audit_trail_complete: None,
        },
    })
}

/// `analyze`'s sex from D1's free-text `patient_gender`; `None` (not informed) for anything
/// else.
fn sex(gender: &str) -> Option<Sex> {
    match gender.trim().to_ascii_lowercase().as_str() {
        "masculino" | "male" | "m" | "homem" => Some(Sex::Male),
        "feminino" | "female" | "f" | "mulher" => Some(Sex::Female),
        _ => None,
    }
}

/// D1's spelling (`ST Elevation`, `<kind> Arrhythmia`) of `analyze`'s abnormality types.
fn d1_type(kind: &str) -> &str {
    match kind {
        "st_elevation" => "ST Elevation",
        "st_depression" => "ST Depression",
        "bradycardia" => "Bradycardia Arrhythmia",
        "tachycardia" => "Tachycardia Arrhythmia",
        "possible_atrial_fibrillation" => "Possible Atrial Fibrillation Arrhythmia",
        "premature_beats" => "Premature Beats Arrhythmia",
        "pause" => "Pause Arrhythmia",
        "poor_signal" => "Poor Signal Quality",
        other => other,
    }
}

/// `analyze`'s error with D1's field names in place of `analyze`'s.
fn in_d1_terms(error: PluginError) -> PluginError {
    PluginError {
        code: error.code,
        message: error
            .message
            .replace("`sampling_rate_hz`", "`sampling_rate`")
            .replace("`samples_mv", "`ecg_data")
            .replace("`patient.age`", "`medical_context.patient_age`"),
    }
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;
    use medplug_pdk::UnreadValue;
    use medplug_pdk::ecg::{MedicalContext, RhythmLabel};

    use super::*;
    use crate::synthetic::{Rhythm, Synthetic};

    fn request(sampling_rate: u32, ecg_data: Vec<f64>) -> EcgContentInput {
        EcgContentInput {
            patient_id: UnreadValue,
            ecg_data,
            sampling_rate,
            medical_context: MedicalContext {
                patient_age: Some(64),
                patient_gender: Some("Masculino".to_owned()),
                medical_history: UnreadValue,
                current_medications: UnreadValue,
            },
            compliance_requirements: UnreadValue,
        }
    }

    #[test]
    fn the_report_is_analyze_s_in_d1_s_shape() -> Result<(), PluginError> {
        let mut spec = Synthetic::new(360.0, 10.0, Rhythm::Sinus { bpm: 88.0 });
        spec.st_shift_mv = 0.25;
        let ecg = spec.generate();
        let out = process_medical_content(request(360, ecg.samples_mv.clone()))?;
        let native = analyze(ecg.input())?;
        let hr = out.heart_rate.as_ref().expect("ten seconds of beats");
        let native_hr = native.heart_rate.expect("ten seconds of beats");
        assert_eq!(
            (hr.avg_heart_rate, hr.resting_heart_rate, hr.max_heart_rate),
            (native_hr.mean_bpm, native_hr.resting_bpm, native_hr.max_bpm)
        );
        assert_eq!(hr.heart_rate_variability, native.hrv.map(|h| h.sdnn_ms));
        assert_eq!(out.rhythm_analysis.label, RhythmLabel::NormalSinus);
        assert_eq!(
            out.abnormality_detection[0].abnormality_type,
            "ST Elevation"
        );
        assert_eq!(
            out.abnormality_detection[0].severity,
            AbnormalitySeverity::High
        );
        assert_eq!(
            out.medical_recommendations[0].severity,
            RecommendationSeverity::Urgent
        );
        assert_eq!(
            out.medical_recommendations.len(),
            native.abnormalities.len() + native.recommendations.len()
        );
        assert!(out.compliance_status.crm_compliant);
        assert!(!out.compliance_status.medical_authority_verified);
        assert!(out.analysis_id.starts_with("ecg-") && out.analysis_id.len() == 20);
        // The id hashes the signal and its rate.
        let same = process_medical_content(request(360, ecg.samples_mv.clone()))?;
        assert_eq!(same.analysis_id, out.analysis_id);
        let other_rate = process_medical_content(request(361, ecg.samples_mv))?;
        assert_ne!(other_rate.analysis_id, out.analysis_id);
        Ok(())
    }

    #[test]
    fn errors_name_d1_s_fields() {
        let short = process_medical_content(request(360, vec![0.0; 12])).unwrap_err();
        assert_eq!(short.code, ErrorCode::InvalidInput);
        assert_eq!(
            short.message,
            "`ecg_data` holds 12 samples, 0.033 s at 360 Hz: at least 2 s of signal is needed"
        );
        let slow = process_medical_content(request(40, vec![0.0; 400])).unwrap_err();
        assert_eq!(
            slow.message,
            "`sampling_rate` must be between 50 and 5000 Hz, got 40"
        );
        let mut old = request(360, vec![0.0; 720]);
        old.medical_context.patient_age = Some(131);
        assert_eq!(
            process_medical_content(old).unwrap_err().message,
            "`medical_context.patient_age` must be 0 to 130 years, got 131"
        );
    }

    #[test]
    fn free_text_gender_maps_to_sex_or_to_not_informed() {
        assert_eq!(sex(" Feminino "), Some(Sex::Female));
        assert_eq!(sex("M"), Some(Sex::Male));
        assert_eq!(sex("não informado"), None);
    }
}
