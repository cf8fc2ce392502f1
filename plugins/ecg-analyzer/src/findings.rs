//! What is outside normal limits, worded for a clinician in pt-BR: each abnormality with its
//! severity, clinical significance (threshold and source), recommended action and disclaimer;
//! then the recommendations and the report's disclaimer.

use medplug_pdk::ecg::{
    Abnormality, AnalyzeOutput, EctopicClass, Patient, QualityLevel, RhythmLabel, Severity, Sex,
};

use crate::rhythm::{BRADYCARDIA_BPM, IRREGULARITY_THRESHOLD, TACHYCARDIA_BPM};

/// Mean rate under which bradycardia is severe, bpm (symptomatic range; Kusumoto 2018).
const SEVERE_BRADYCARDIA_BPM: f64 = 40.0;
/// Mean rate over which tachycardia is severe, bpm.
const SEVERE_TACHYCARDIA_BPM: f64 = 150.0;
/// A pause longer than this is significant, s (Kusumoto FM et al., 2018 ACC/AHA/HRS
/// bradycardia guideline: pauses > 3 s).
pub(crate) const PAUSE_S: f64 = 3.0;
/// Premature beats at or above this hourly rate are frequent (Lown B, Wolf M. Approaches to
/// sudden death from coronary heart disease. Circulation 44:130–142, 1971: grade 2, ≥ 30/h).
const FREQUENT_PREMATURE_PER_HOUR: f64 = 30.0;
/// The finding names the position of at most this many ectopic beats (all are in
/// `premature_beats`).
const POSITIONS_LISTED: usize = 5;
/// ST depression from this depth, mV (Thygesen K et al. Fourth Universal Definition of
/// Myocardial Infarction, Circulation 138:e618–e651, 2018: ≥ 0.5 mm).
const ST_DEPRESSION_MV: f64 = 0.05;

/// The disclaimer every abnormality carries.
const FINDING_DISCLAIMER: &str = "Achado automático em derivação única; não substitui a \
    interpretação de um ECG de 12 derivações por médico (CFM Resolução 2.314/2022, \
    telemedicina).";

/// The report's disclaimer.
pub(crate) const REPORT_DISCLAIMER: &str = "Análise automática de ECG de derivação única para \
    apoio à decisão clínica. Não é diagnóstico: a interpretação e a conduta cabem ao médico \
    responsável (CFM Resolução 2.314/2022). Ondas P não são avaliadas; ritmos e desvios de ST \
    exigem confirmação em ECG de 12 derivações. Software como dispositivo médico está sujeito \
    à ANVISA RDC 657/2022.";

/// ST elevation from this height, mV, for the lead and patient (Thygesen 2018: ≥ 1 mm in leads
/// other than V2–V3; in V2–V3 ≥ 2 mm in men ≥ 40 years, ≥ 2.5 mm in men < 40, ≥ 1.5 mm in
/// women). In V2–V3 without age or sex, or with sex `other`, the lowest (1.5 mm) is used.
pub(crate) fn st_elevation_threshold_mv(lead: Option<&str>, patient: Option<Patient>) -> f64 {
    let v2_v3 = lead.is_some_and(|l| matches!(l.trim().to_ascii_uppercase().as_str(), "V2" | "V3"));
    if !v2_v3 {
        return 0.10;
    }
    match patient.map(|p| (p.sex, p.age)) {
        Some((Some(Sex::Male), Some(age))) if age >= 40 => 0.20,
        Some((Some(Sex::Male), Some(_))) => 0.25,
        Some((Some(Sex::Male), None)) => 0.20,
        _ => 0.15,
    }
}

/// Fills `abnormalities` and `recommendations` of `report` from its measures.
pub(crate) fn word(
    report: &mut AnalyzeOutput,
    lead: Option<&str>,
    patient: Option<Patient>,
    longest_rr_s: Option<f64>,
) {
    let mut found = Vec::new();
    let add =
        |found: &mut Vec<Abnormality>, kind: &str, severity, significance: String, action: &str| {
            found.push(Abnormality {
                kind: kind.to_owned(),
                severity,
                clinical_significance: significance,
                recommended_action: action.to_owned(),
                disclaimer: FINDING_DISCLAIMER.to_owned(),
            });
        };
    if report.signal_quality.level == QualityLevel::Poor {
        add(
            &mut found,
            "poor_signal",
            Severity::Moderate,
            format!(
                "Qualidade do sinal insuficiente (índice {:.2}): {}. As medidas abaixo podem estar erradas.",
                report.signal_quality.score,
                report.signal_quality.issues.join("; ")
            ),
            "Repetir o registro com a pele preparada, eletrodos bem fixados e o paciente em repouso.",
        );
    }
    let rate = report.rhythm.rate_bpm;
    match report.rhythm.label {
        RhythmLabel::SinusBradycardia => {
            let bpm = rate.unwrap_or_default();
            let severe = bpm < SEVERE_BRADYCARDIA_BPM;
            add(
                &mut found,
                "bradycardia",
                if severe {
                    Severity::High
                } else {
                    Severity::Low
                },
                format!(
                    "Frequência de {bpm:.0} bpm, abaixo de {BRADYCARDIA_BPM} bpm (diretriz ACC/AHA/HRS 2018). Pode ser fisiológica (atletas, sono) ou indicar disfunção sinusal, bloqueio ou efeito de medicamento (betabloqueador)."
                ),
                if severe {
                    "Avaliação médica prompta, sobretudo se houver tontura, síncope ou dispneia."
                } else {
                    "Correlacionar com sintomas e medicamentos em uso; avaliação de rotina."
                },
            );
        }
        RhythmLabel::SinusTachycardia => {
            let bpm = rate.unwrap_or_default();
            let severe = bpm > SEVERE_TACHYCARDIA_BPM;
            add(
                &mut found,
                "tachycardia",
                if severe {
                    Severity::High
                } else {
                    Severity::Moderate
                },
                format!(
                    "Frequência de {bpm:.0} bpm, acima de {TACHYCARDIA_BPM} bpm (diretriz ACC/AHA/HRS 2015). Pode ser resposta a esforço, febre, dor, anemia ou hipertireoidismo; acima de 150 bpm considerar taquiarritmia."
                ),
                if severe {
                    "Avaliação médica imediata com ECG de 12 derivações."
                } else {
                    "Investigar a causa (febre, dor, desidratação, anemia) e repetir em repouso."
                },
            );
        }
        RhythmLabel::IrregularPossibleAf => add(
            &mut found,
            "possible_atrial_fibrillation",
            Severity::High,
            format!(
                "Intervalos RR irregularmente irregulares (RMSSD normalizado {:.3} > {IRREGULARITY_THRESHOLD}, Dash et al. 2009). Sugere fibrilação atrial, que aumenta o risco de AVC; o diagnóstico exige registro de ao menos 30 s em ECG (diretriz ESC 2020, Hindricks et al.).",
                report.rhythm.irregularity.unwrap_or_default()
            ),
            "Confirmar com ECG de 12 derivações e avaliar risco tromboembólico (CHA2DS2-VASc) com o médico.",
        ),
        RhythmLabel::NormalSinus | RhythmLabel::InsufficientData => {}
    }
    if let Some(longest) = longest_rr_s.filter(|&s| s > PAUSE_S) {
        add(
            &mut found,
            "pause",
            Severity::High,
            format!(
                "Pausa de {longest:.1} s entre batimentos, acima de {PAUSE_S} s (diretriz ACC/AHA/HRS 2018): pode indicar pausa sinusal ou bloqueio atrioventricular."
            ),
            "Avaliação médica prompta; considerar Holter de 24 h.",
        );
    }
    // Prematurity is judged against the expected sinus interval: in an irregularly irregular
    // rhythm every short interval would count, so they are not reported as an abnormality.
    if !report.premature_beats.is_empty() && report.rhythm.label != RhythmLabel::IrregularPossibleAf
    {
        let per_hour = report.premature_beats.len() as f64 * 3600.0 / report.duration_s;
        let frequent = per_hour >= FREQUENT_PREMATURE_PER_HOUR;
        add(
            &mut found,
            "premature_beats",
            if frequent {
                Severity::Moderate
            } else {
                Severity::Low
            },
            format!(
                "{} batimento(s) ectópico(s), {per_hour:.0} por hora{}: {} supraventricular(es) (classe S da AAMI EC57: QRS da forma dominante com RR < 80% do RR local, regra de Malik 1989) e {} ventricular(es) (classe V: QRS de outra forma, largo ou de polaridade oposta; Surawicz et al. 2009){}.",
                report.premature_beats.len(),
                if frequent {
                    " — frequentes (≥ 30/h, Lown 1971)"
                } else {
                    " — isolados, em geral benignos em coração estruturalmente normal"
                },
                report.premature_counts.supraventricular,
                report.premature_counts.ventricular,
                positions(report),
            ),
            if frequent {
                "Holter de 24 h e avaliação cardiológica de rotina."
            } else {
                "Sem conduta específica se assintomático; correlacionar com sintomas."
            },
        );
    }
    if let Some(st) = report.st_deviation_mv {
        let elevation = st_elevation_threshold_mv(lead, patient);
        if st.median_mv >= elevation {
            add(
                &mut found,
                "st_elevation",
                Severity::High,
                format!(
                    "Supradesnivelamento de ST de {:.2} mV, acima de {elevation:.2} mV para esta derivação (Quarta Definição Universal de Infarto, Thygesen et al. 2018). Pode indicar lesão miocárdica aguda, pericardite ou repolarização precoce.",
                    st.median_mv
                ),
                "Emergência: ECG de 12 derivações e avaliação médica imediata se houver dor torácica.",
            );
        } else if st.median_mv <= -ST_DEPRESSION_MV {
            add(
                &mut found,
                "st_depression",
                Severity::Moderate,
                format!(
                    "Infradesnivelamento de ST de {:.2} mV, além de {ST_DEPRESSION_MV:.2} mV (Thygesen et al. 2018). Pode indicar isquemia, efeito de digitálico ou hipertrofia ventricular.",
                    -st.median_mv
                ),
                "ECG de 12 derivações e avaliação médica; com dor torácica, atendimento de urgência.",
            );
        }
    }
    found.sort_by_key(|a| std::cmp::Reverse(a.severity));
    report.recommendations = recommendations(&found, patient);
    report.abnormalities = found;
}

/// Where the first ectopic beats are, as `S em 12,3 s`: at most [`POSITIONS_LISTED`].
fn positions(report: &AnalyzeOutput) -> String {
    let listed: Vec<String> = report
        .premature_beats
        .iter()
        .take(POSITIONS_LISTED)
        .map(|p| {
            let class = match p.class {
                EctopicClass::Supraventricular => "S",
                EctopicClass::Ventricular => "V",
            };
            format!(
                "{class} em {:.1} s",
                p.sample as f64 / report.sampling_rate_hz
            )
        })
        .collect();
    let more = report
        .premature_beats
        .len()
        .saturating_sub(POSITIONS_LISTED);
    let tail = if more > 0 {
        format!(" e mais {more}")
    } else {
        String::new()
    };
    format!("; {}{tail}", listed.join(", "))
}

fn recommendations(found: &[Abnormality], patient: Option<Patient>) -> Vec<String> {
    let mut out = Vec::new();
    if found.iter().any(|a| a.severity == Severity::High) {
        out.push(
            "Há achado de gravidade alta: encaminhar para avaliação médica prioritária com ECG de 12 derivações."
                .to_owned(),
        );
    } else if found.is_empty() {
        out.push(
            "Nenhuma alteração detectada nesta derivação; manter o acompanhamento habitual."
                .to_owned(),
        );
    } else {
        out.push("Revisar os achados com o médico responsável na próxima consulta.".to_owned());
    }
    if patient.and_then(|p| p.age).is_some_and(|age| age < 16) {
        out.push(
            "Paciente pediátrico: os limites de frequência usados são de adultos; interpretar com valores de referência para a idade."
                .to_owned(),
        );
    }
    out.push(
        "Laudo final por médico, com registro no prontuário (CFM Resolução 2.314/2022).".to_owned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ecg::{Patient, Sex};

    use super::st_elevation_threshold_mv;

    #[test]
    fn st_elevation_thresholds_follow_the_fourth_universal_definition() {
        let p = |sex, age| {
            Some(Patient {
                age: Some(age),
                sex: Some(sex),
            })
        };
        assert_eq!(
            st_elevation_threshold_mv(Some("II"), p(Sex::Male, 30)),
            0.10
        );
        assert_eq!(st_elevation_threshold_mv(None, None), 0.10);
        assert_eq!(
            st_elevation_threshold_mv(Some("v2"), p(Sex::Male, 45)),
            0.20
        );
        assert_eq!(
            st_elevation_threshold_mv(Some("V3"), p(Sex::Male, 39)),
            0.25
        );
        assert_eq!(
            st_elevation_threshold_mv(Some("V2"), p(Sex::Female, 60)),
            0.15
        );
        assert_eq!(st_elevation_threshold_mv(Some("V2"), None), 0.15);
        assert_eq!(
            st_elevation_threshold_mv(Some("V2"), p(Sex::Other, 50)),
            0.15
        );
    }
}
