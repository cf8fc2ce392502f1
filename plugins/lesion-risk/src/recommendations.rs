//! What to do, in pt-BR: one recommendation per priority the lesions need, one for the
//! patient's history when it raises the risk, always sun protection; and the disclaimers.
//!
//! Texts name no result, no cure and no treatment: they pass `compliance.rs`, and a test walks
//! every text this file can produce through it.

use medplug_pdk::lesion::{LesionReport, PatientRisk, Priority, Recommendation};

/// URGENT: dermatology within 2 weeks. The window is the suspected-cancer referral of NICE
/// NG12 (2015), recommendation 1.7.1, for a pigmented lesion scoring 3 or more on a 7-point
/// checklist.
const URGENT_TEXT: &str = "Encaminhar para consulta com dermatologista em até 2 semanas: os \
    achados sugerem melanoma. A avaliação presencial com dermatoscopia decide a necessidade de \
    biópsia; só o exame histopatológico confirma o diagnóstico.";
const URGENT_SOURCE: &str = "NICE NG12 (2015), recomendação 1.7.1 (encaminhamento por suspeita \
    de câncer em até 2 semanas); Stolz et al. 1994; Argenziano et al. 1998";

/// ROUTINE: dermatology within 6–8 weeks, the design documents' window for a suspicious lesion
/// that does not meet a melanoma cut-off.
const ROUTINE_TEXT: &str = "Agendar consulta com dermatologista em 6 a 8 semanas para \
    reavaliação com dermatoscopia; antecipar a consulta se a lesão mudar de tamanho, forma ou cor.";
const ROUTINE_SOURCE: &str = "Triagem do medplug: TDS 4,75–5,45 (Stolz et al. 1994), 7 pontos \
    1–2 (Argenziano et al. 2011), lesão em evolução (Abbasi et al. 2004)";

/// MONITORING: self-examination by the ABCDE signs and the periodic visit.
const MONITORING_TEXT: &str = "Manter acompanhamento: autoexame mensal da pele pelos sinais \
    ABCDE e reavaliação no exame dermatológico periódico; procurar o dermatologista antes se a \
    lesão mudar de tamanho, forma ou cor, sangrar ou coçar.";
const MONITORING_SOURCE: &str = "Abbasi et al. 2004, JAMA 292:2771 (ABCDE, com E de evolução)";

/// PREVENTION, in every report: the Brazilian photoprotection consensus recommends SPF 30 or
/// more (Schalka S, et al. Consenso Brasileiro de Fotoproteção. An Bras Dermatol 2014;89(6
/// Supl 1):S1–74); ANVISA RDC 56/2009 bans tanning beds for aesthetic use in Brazil.
const PREVENTION_TEXT: &str = "Fotoproteção diária: protetor solar de amplo espectro com FPS 30 \
    ou mais, aplicado 15 a 30 minutos antes da exposição e reaplicado a cada 2 horas e após \
    banho ou suor; evitar o sol entre 10h e 16h; usar chapéu, óculos escuros e roupas com \
    proteção UV; não usar bronzeamento artificial.";
const PREVENTION_SOURCE: &str = "Sociedade Brasileira de Dermatologia, Consenso Brasileiro de \
    Fotoproteção (An Bras Dermatol 2014;89 Supl 1); ANVISA RDC 56/2009 (proíbe o bronzeamento \
    artificial estético)";

const PATIENT_SOURCE: &str = "Gandini et al. 2005, Eur J Cancer 41 (meta-análises I–III)";

/// The report's disclaimers.
pub(crate) const DISCLAIMERS: [&str; 4] = [
    "Estimativa automática de risco para apoio à decisão clínica; não é diagnóstico. O \
     diagnóstico de melanoma é histopatológico, e a conduta cabe ao médico responsável (CFM \
     Resolução 2.314/2022).",
    "A regra ABCD de Stolz e a lista de 7 pontos de Argenziano foram validadas em lesões \
     melanocíticas pigmentadas; não se aplicam a lesões não melanocíticas nem às regiões \
     acral, facial e mucosa, cujos padrões dermatoscópicos são outros.",
    "Os escores dependem dos achados informados: um campo ausente é tratado como não \
     examinado, nunca como normal.",
    "Software de apoio à decisão em saúde, sujeito à regulação da ANVISA (RDC 657/2022).",
];

/// The recommendations for `lesions` and `patient`, most urgent first, prevention last.
pub(crate) fn recommend(
    lesions: &[LesionReport],
    patient: Option<&PatientRisk>,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    for (priority, text, source) in [
        (Priority::Urgent, URGENT_TEXT, URGENT_SOURCE),
        (Priority::Routine, ROUTINE_TEXT, ROUTINE_SOURCE),
        (Priority::Monitoring, MONITORING_TEXT, MONITORING_SOURCE),
    ] {
        let ids: Vec<String> = lesions
            .iter()
            .filter(|l| l.priority == priority)
            .map(|l| l.id.clone())
            .collect();
        if !ids.is_empty() {
            out.push(Recommendation {
                priority,
                lesion_ids: ids,
                text: text.to_owned(),
                source: source.to_owned(),
            });
        }
    }
    if let Some(risk) = patient.filter(|r| r.relative_risk > 1.0) {
        out.push(Recommendation {
            priority: Priority::Monitoring,
            lesion_ids: Vec::new(),
            text: patient_text(risk.relative_risk),
            source: PATIENT_SOURCE.to_owned(),
        });
    }
    out.push(Recommendation {
        priority: Priority::Prevention,
        lesion_ids: Vec::new(),
        text: PREVENTION_TEXT.to_owned(),
        source: PREVENTION_SOURCE.to_owned(),
    });
    out
}

fn patient_text(relative_risk: f64) -> String {
    let rr = format!("{relative_risk:.2}").replace('.', ",");
    format!(
        "O histórico do paciente eleva o risco de melanoma (risco relativo estimado {rr} frente \
         à população de referência): exame dermatológico de corpo inteiro periódico, com \
         registro fotográfico das lesões, e autoexame mensal."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance;

    #[test]
    fn every_text_this_file_can_produce_passes_the_compliance_check() {
        let texts: Vec<String> = [URGENT_TEXT, ROUTINE_TEXT, MONITORING_TEXT, PREVENTION_TEXT]
            .into_iter()
            .chain(DISCLAIMERS)
            .map(str::to_owned)
            .chain([patient_text(43.82), patient_text(1.01)])
            .collect();
        let check = compliance::check(texts.iter().map(String::as_str));
        assert_eq!(check.violations, []);
        assert!(check.passed);
    }

    #[test]
    fn prevention_is_always_last_even_with_no_lesion_to_refer() {
        let recommendations = recommend(&[], None);
        assert_eq!(recommendations.len(), 1);
        assert_eq!(recommendations[0].priority, Priority::Prevention);
        assert!(recommendations[0].text.contains("FPS 30 ou mais"));
    }
}
