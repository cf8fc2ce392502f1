//! Promises no single phrase makes, inferred from several: a result in a set time ("as manchas
//! somem em 30 dias", "fixes any back problem in just five sessions") is a certain result; a
//! before-and-after shown off ("antes x depois com apenas 1 sessão 😍") is a promise, while a
//! plain pointer to one ("swipe to see this patient's before/after") is not; a clinic's own
//! outcome figure ("98% de melhora", "taxa de satisfação de 99%") is sensationalism; a rank
//! in a field ("o cirurgião mais top do Brasil") is a superlative; a prescription medicine
//! with a body promise or an urge to buy ("gestrinona: mais disposição, mais libido") is
//! advertised to the public. CFM Resolução 2.336/2023, Art. 11, forbids the first four; ANVISA
//! RDC 96/2008 and Lei 6.360/1976, Art. 58, § 1º, the last.

use medplug_pdk::claims::{ClaimType, EntityKind};

use crate::cue::{Cue, EFFICACY, GUARANTEE};
use crate::lexicon::{Match, NUMBER_WORDS};
use crate::words::Word;

/// How many words a rank's field may follow its degree: "a maior taxa de gravidez do país".
const RANK_WINDOW: usize = 6;

/// A percentage at or above this, of a clinic's own outcomes, is sensational on its own.
const BOAST_PERCENT: f64 = 90.0;

/// Words a boasted percentage is of: outcomes and the clinic's patients.
const OUTCOMES: [&str; 20] = [
    "melhora",
    "sucesso",
    "satisfacao",
    "aprovacao",
    "acerto",
    "cura",
    "remissao",
    "resultado",
    "resultados",
    "pacientes",
    "clientes",
    "improvement",
    "success",
    "satisfaction",
    "approval",
    "cure",
    "patients",
    "clients",
    "customers",
    "results",
];

/// Words that name a provider of care, or speak for one.
const PROVIDERS: [&str; 34] = [
    "clinica",
    "clinicas",
    "consultorio",
    "hospital",
    "centro",
    "equipe",
    "medico",
    "medica",
    "dr",
    "dra",
    "doutor",
    "doutora",
    "cirurgiao",
    "dentista",
    "dermatologista",
    "especialista",
    "profissional",
    "laboratorio",
    "nosso",
    "nossa",
    "nossos",
    "nossas",
    "somos",
    "temos",
    "clinic",
    "center",
    "centre",
    "team",
    "doctor",
    "surgeon",
    "dentist",
    "specialist",
    "our",
    "we",
];

/// Words that make a figure the clinic's own.
const OWN: [&str; 8] = [
    "nossos", "nossas", "nosso", "nossa", "our", "aqui", "here", "conosco",
];

/// Adds to `cues` (read from `kept`, the sentence's matches) the promises they make together;
/// `sourced` when the sentence cites a source, which makes a figure or a rank a report.
pub(crate) fn infer(
    cues: &mut Vec<Cue>,
    text: &str,
    kept: &[Match],
    words: &[Word],
    sourced: bool,
) {
    let has = |cues: &[Cue], cue: Cue| cues.contains(&cue);
    let effect = |cues: &[Cue]| {
        cues.iter().any(|c| {
            matches!(
                c,
                Cue::Claim(ClaimType::Efficacy | ClaimType::Cure | ClaimType::Guarantee)
                    | Cue::CurableDisease
                    | Cue::ResultPromise
                    | Cue::BodyPromise
            )
        })
    };
    if !sourced && (boasts(words) || (has(cues, Cue::Approval) && counts_own(words))) {
        cues.push(Cue::Sensational);
    }
    // The reader's own condition in a set time is a promised effect too: "will lift your
    // depression in a single session".
    let yours = kept.iter().any(|m| {
        m.cue == Cue::Entity(EntityKind::Condition)
            && m.first > 0
            && matches!(
                words[m.first - 1].folded.as_str(),
                "your" | "sua" | "seu" | "suas" | "seus"
            )
    });
    if time_boxed(text, words) {
        cues.push(Cue::TimeBox);
    }
    if (has(cues, Cue::TimeBox) || has(cues, Cue::Universal))
        && !sourced
        && (effect(cues) || yours)
        && !has(cues, Cue::Qualifier)
        && (!has(cues, Cue::Claim(ClaimType::Statistical)) || has(cues, Cue::Sensational))
    {
        cues.push(GUARANTEE);
    }
    if has(cues, Cue::BeforeAfter) {
        let framed = [Cue::Showcase, Cue::TimeBox, Cue::Sensational]
            .iter()
            .any(|c| has(cues, *c))
            || effect(cues);
        if framed {
            cues.push(EFFICACY);
        } else {
            cues.retain(|c| *c != Cue::BeforeAfter);
        }
    }
    if has(cues, Cue::Sensational) {
        cues.push(EFFICACY);
    }
    if !sourced && ranks(text, kept, words) {
        cues.push(Cue::Superlative);
    }
    if has(cues, Cue::PrescriptionDrug)
        && (has(cues, Cue::BodyPromise) || has(cues, Cue::PurchaseUrge))
    {
        cues.push(EFFICACY);
    }
}

/// A degree followed closely by a field: "mais top do Brasil", "leading … in Latin America".
/// Only a provider's rank is self-promotion: "o Brasil tem uma das maiores taxas do mundo" is
/// epidemiology.
fn ranks(text: &str, kept: &[Match], words: &[Word]) -> bool {
    let provider = words.iter().any(|w| PROVIDERS.contains(&w.folded.as_str()));
    provider
        && kept.iter().filter(|m| m.cue == Cue::Degree).any(|d| {
            let field = d.end..(d.end + RANK_WINDOW).min(words.len());
            kept.iter()
                .any(|p| p.cue == Cue::Place && field.contains(&p.first))
                || field.clone().any(|i| named_place(text, words, i))
        })
}

/// Whether word `i` opens a named place: "de Curitiba", "em São Paulo", "in the Midwest".
fn named_place(text: &str, words: &[Word], i: usize) -> bool {
    if !matches!(
        words[i].folded.as_str(),
        "de" | "do" | "da" | "em" | "no" | "na" | "in" | "of"
    ) {
        return false;
    }
    let mut next = i + 1;
    if words.get(next).is_some_and(|w| w.folded == "the") {
        next += 1;
    }
    words
        .get(next)
        .is_some_and(|w| text[w.start..].starts_with(char::is_uppercase))
}

/// Words that open a span of time or of treatment: "em", "com", "in", "within". Not "after"
/// or "depois de", which as often say how long a result takes ("só aparece depois de 6
/// meses") as promise one.
const SPAN_OPENERS: [&str; 8] = ["em", "com", "apos", "numa", "num", "in", "within", "with"];

/// Units of time and of treatment.
const UNITS: [&str; 38] = [
    "dia",
    "dias",
    "semana",
    "semanas",
    "mes",
    "meses",
    "hora",
    "horas",
    "minuto",
    "minutos",
    "sessao",
    "sessoes",
    "aplicacao",
    "aplicacoes",
    "consulta",
    "consultas",
    "tratamento",
    "tratamentos",
    "visita",
    "visitas",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "hour",
    "hours",
    "minute",
    "minutes",
    "session",
    "sessions",
    "treatment",
    "treatments",
    "appointment",
    "appointments",
    "visit",
    "visits",
];

/// A count of time or treatment after an opener, in the same phrase (nothing but spaces
/// between), with up to two words between them and one between the count and its unit: "em 2
/// semanas", "com 1 aplicação", "in a single session", "em apenas uma única sessão".
fn time_boxed(text: &str, words: &[Word]) -> bool {
    let quantity = |w: &Word| w.is_number() || NUMBER_WORDS.contains(&w.folded.as_str());
    let unit = |w: Option<&Word>| w.is_some_and(|w| UNITS.contains(&w.folded.as_str()));
    let phrase = |a: usize, b: usize| {
        (a..b).all(|k| {
            text[words[k].end..words[k + 1].start]
                .chars()
                .all(|c| c == ' ')
        })
    };
    words.iter().enumerate().any(|(i, w)| {
        SPAN_OPENERS.contains(&w.folded.as_str())
            && (i + 1..(i + 4).min(words.len())).any(|j| {
                quantity(&words[j])
                    && phrase(i, j)
                    && (unit(words.get(j + 1)) || unit(words.get(j + 2)))
            })
    })
}

/// A clinic's own count of patients: "mais de 5 mil famílias … na nossa equipe".
fn counts_own(words: &[Word]) -> bool {
    words.iter().any(|w| OWN.contains(&w.folded.as_str()))
        && words
            .iter()
            .any(|w| w.is_number() || matches!(w.folded.as_str(), "mil" | "thousands" | "milhares"))
}

/// A clinic's outcome figure: a percentage of outcomes or patients (named within three words
/// either side) that is its own or at least [`BOAST_PERCENT`].
fn boasts(words: &[Word]) -> bool {
    let own = words.iter().any(|w| OWN.contains(&w.folded.as_str()));
    words.windows(2).enumerate().any(|(i, pair)| {
        let value = pair[0].folded.replace('.', "").replace(',', ".");
        let Ok(value) = value.parse::<f64>() else {
            return false;
        };
        pair[1].folded == "%"
            && (own || value >= BOAST_PERCENT)
            && words[i.saturating_sub(3)..words.len().min(i + 5)]
                .iter()
                .any(|w| OUTCOMES.contains(&w.folded.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::words;

    fn boast(text: &str) -> bool {
        boasts(&words(text, 0, text.len()))
    }

    #[test]
    fn a_clinics_own_figures_are_boasts_and_reported_ones_are_not() {
        assert!(boast("Taxa de satisfação de 99% dos pacientes."));
        assert!(boast("Aplicado em 300 pacientes com 98% de melhora."));
        assert!(boast("Nossos números: 70% de sucesso."));
        assert!(!boast(
            "Em estudo de fase 3, 45% dos pacientes tiveram melhora."
        ));
        assert!(!boast("Duas doses conferem cerca de 97% de proteção."));
    }
}
