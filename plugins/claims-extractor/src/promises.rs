//! Promises no single phrase makes, inferred from several: a result in a set time ("as manchas
//! somem em 30 dias", "fixes any back problem in just five sessions") is a certain result; a
//! before-and-after shown off ("antes x depois com apenas 1 sessão 😍") is a promise, while a
//! plain pointer to one ("swipe to see this patient's before/after") is not; a clinic's own
//! outcome figure ("98% de melhora", "taxa de satisfação de 99%") is sensationalism; a rank
//! in a field ("o cirurgião mais top do Brasil") is a superlative; a prescription medicine
//! with a body promise or an urge to buy ("gestrinona: mais disposição, mais libido") is
//! advertised to the public. CFM Resolução 2.336/2023, Art. 11, forbids the first four; ANVISA
//! RDC 96/2008 and Lei 6.360/1976, Art. 58, § 1º, the last.
//!
//! Some promises are made by a negation with what follows it ([`absolutes`]): a relapse denied
//! ("não volta", "never comes back") is a certain result and a rival denied ("ninguém faz como
//! a nossa equipe") a superlative, both CFM 2.336/2023, Art. 11; "nada pode fazer mal" promises
//! safety, the ANVISA RDC 96/2008 safety claim for a product and a procedure "sem riscos"
//! (CFM, Art. 11) otherwise. Others by kind: two absences of discomfort ("sem cortes, sem
//! dor") promise a procedure without risk; a lasting look ("pro resto da vida") or a result
//! told as certain ("você vai") is a guarantee; natural origin offered with safety is the ANVISA
//! safety claim; a clinic's own ratio ("9 em cada 10 pacientes") or a large approving count is
//! sensationalism (CFM, Art. 11).

use medplug_pdk::claims::{ClaimType, EntityKind};

use crate::cue::{Cue, EFFICACY, GUARANTEE};
use crate::lexicon::{Match, NUMBER_WORDS};
use crate::words::Word;

/// How many words a rank's field may follow its degree: "a maior taxa de gravidez do país".
const RANK_WINDOW: usize = 6;

/// A percentage at or above this, of a clinic's own outcomes, is sensational on its own.
const BOAST_PERCENT: f64 = 90.0;

/// Words a boasted percentage is of: outcomes and the clinic's patients.
const OUTCOMES: [&str; 24] = [
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
    "survival",
    "sobrevida",
    "pregnancy",
    "gravidez",
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
                    | Cue::Sensational
            )
        })
    };
    // A technique without recognition offered for sale or for a body ("Chegou o soro com
    // glutationa", "Implante hormonal: mais energia e libido") presents it as established: an
    // efficacy claim. Named in a definition or a heading, it claims nothing.
    if has(cues, Cue::Unrecognised)
        && !cues.iter().any(|c| matches!(c, Cue::Claim(_)))
        && [
            Cue::PurchaseUrge,
            Cue::BodyPromise,
            Cue::ResultPromise,
            Cue::Showcase,
            Cue::Lure,
        ]
        .iter()
        .any(|c| has(cues, *c))
    {
        cues.push(EFFICACY);
    }
    // Two absences of a procedure's discomforts ("sem cortes, sem dor e sem pós-operatório",
    // "no cuts, no pain") promise a procedure without risk.
    if kept.iter().filter(|m| m.cue == Cue::Absence).count() >= 2 {
        cues.push(Cue::SafetyPromise);
    }
    // A natural origin offered with safety ("plant-derived, so gentler and safer") is natural
    // as proof of safety (ANVISA RDC 96/2008).
    if has(cues, Cue::NaturalOrigin) && has(cues, Cue::Claim(ClaimType::Safety)) && !sourced {
        cues.push(Cue::SafetyPromise);
    }
    if !sourced
        && (boasts(words)
            || (has(cues, Cue::Approval) && (counts_own(words) || counts_many(words))))
    {
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
    // A result that lasts ("sorriso de revista pro resto da vida", "results that last for
    // years") is a certain one; "insulina para o resto da vida" promises nothing.
    if has(cues, Cue::Permanence) && !sourced && effect(cues) && !has(cues, Cue::Qualifier) {
        cues.push(GUARANTEE);
    }
    // A result told to the reader as certain ("você vai sair com o sorriso dos sonhos", "you
    // will lose two dress sizes") is a guarantee; "você vai sentir um leve ardor" tells what
    // to expect.
    if has(cues, Cue::Certainty) && !sourced && effect(cues) && !has(cues, Cue::Qualifier) {
        cues.push(GUARANTEE);
    }
    // Sensational wording is the effect only when no figure carries the sentence: "flawless
    // skin after one visit" is a promise, "97% … pain-free after 3 sessions!" a boast.
    let shown = |cues: &[Cue]| {
        effect(cues)
            && (cues.iter().any(|c| *c != Cue::Sensational && effect(&[*c]))
                || !has(cues, Cue::Claim(ClaimType::Statistical)))
    };
    if (has(cues, Cue::TimeBox) || has(cues, Cue::Universal))
        && !sourced
        && (shown(cues) || yours)
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

/// How many words after a negation a lapse or a harm may start and still be denied by it:
/// "nenhum caso de câncer de colo passa despercebido".
const ABSOLUTE_WINDOW: usize = 6;

/// Words that deny every instance, so that a harm after them is promised away: "nothing that
/// can hurt you", "nada dá errado". Not "never": "would never have caused harm" reports.
const EVERY_NEGATION: [&str; 7] = [
    "nothing", "nada", "nenhum", "nenhuma", "nobody", "ninguem", "zero",
];

/// Words that compare with the rivals a [`Cue::Rival`] denies: "como", "igual", "like",
/// "close" ("none of them came close"), "pés" ("chega aos pés"), "nosso" ("com o nosso
/// acabamento"), "than" ("nobody in Rio has corrected more eyes than Dr. Vieira").
const COMPARISONS: [&str; 15] = [
    "como", "igual", "like", "close", "pes", "perto", "nosso", "nossa", "nossos", "nossas", "our",
    "melhor", "better", "chega", "than",
];

/// Who "como"/"like" after a [`Cue::Rival`] compares with: the clinic, its team, its doctor.
const RIVALLED: [&str; 16] = [
    "nosso", "nossa", "nossos", "nossas", "our", "we", "us", "gente", "nos", "dr", "dra", "doutor",
    "doutora", "ela", "ele", "she",
];

/// Promises a negation makes with what follows it: "não volta", "never comes back" and
/// "nenhum caso passa despercebido" (a negation, or "sem", before a [`Cue::Lapse`]) are
/// certain results; "nothing that can hurt you" and "nada pode dar errado" (an
/// [`EVERY_NEGATION`] before a [`Cue::Harm`]) promise safety; "Ninguém no Nordeste faz lentes
/// com o nosso acabamento" and "none of them came close" (a [`Cue::Rival`] before a
/// comparison) rank a provider. Returns the cues, and the indices into `matches` of the
/// negations they take up, which then deny nothing. A negation inside an idiom ("se não")
/// takes part in none.
pub(crate) fn absolutes(text: &str, words: &[Word], matches: &[Match]) -> (Vec<Cue>, Vec<usize>) {
    let mut cues = Vec::new();
    let mut taken = Vec::new();
    let idiom = |first: usize, end: usize| {
        matches
            .iter()
            .any(|o| o.cue == Cue::Idiom && o.first < end && first < o.end)
    };
    // A lapse followed by "a"/"to" starts something again ("voltar a crescer", "return to
    // work"): denied, it is a limit, not a promise.
    let resumes = |m: &Match| {
        m.cue == Cue::Lapse
            && words
                .get(m.end)
                .is_some_and(|w| matches!(w.folded.as_str(), "a" | "ao" | "to"))
    };
    let follows = |from: usize, cue: Cue, window: usize| {
        matches.iter().any(|m| {
            m.cue == cue
                && !resumes(m)
                && m.first >= from
                && m.first < from + window
                && !crate::scope::clause_break(text, words, from.saturating_sub(1), m.first)
        })
    };
    // Negations, and "sem", which the lists do not call a negation.
    let mut negations: Vec<(Option<usize>, usize, usize)> = matches
        .iter()
        .enumerate()
        .filter(|(_, m)| m.cue == Cue::Negation && !idiom(m.first, m.end))
        .map(|(i, m)| (Some(i), m.first, m.end))
        .collect();
    negations.extend(
        words
            .iter()
            .enumerate()
            .filter(|(_, w)| w.folded == "sem")
            .map(|(k, _)| (None, k, k + 1)),
    );
    for &(index, first, end) in &negations {
        let mut take = false;
        if follows(end, Cue::Lapse, ABSOLUTE_WINDOW) {
            cues.push(GUARANTEE);
            take = true;
        }
        if EVERY_NEGATION.contains(&words[first].folded.as_str())
            && follows(end, Cue::Harm, ABSOLUTE_WINDOW + 1)
        {
            cues.push(Cue::SafetyPromise);
            take = true;
        }
        if take {
            taken.extend(index);
            // Negative concord: "não deixa nenhuma sequela" is one negation.
            taken.extend(matches.iter().enumerate().filter_map(|(i, m)| {
                (m.cue == Cue::Negation && m.end <= first && m.end + 2 >= first).then_some(i)
            }));
        }
    }
    for rival in matches.iter().filter(|m| m.cue == Cue::Rival) {
        let compared = (rival.end..(rival.end + 8).min(words.len())).any(|k| {
            let word = words[k].folded.as_str();
            // "como"/"like" compare with someone ("como a nossa equipe", "like we do"), not
            // with a time ("como antigamente").
            let with_someone = !matches!(word, "como" | "like")
                || words[k + 1..(k + 4).min(words.len())]
                    .iter()
                    .any(|w| RIVALLED.contains(&w.folded.as_str()));
            COMPARISONS.contains(&word)
                && with_someone
                && !crate::scope::clause_break(text, words, rival.end - 1, k)
        });
        if compared {
            cues.push(Cue::Superlative);
            taken.extend(matches.iter().enumerate().filter_map(|(i, m)| {
                (m.cue == Cue::Negation && m.first < rival.end && rival.first < m.end).then_some(i)
            }));
        }
    }
    (cues, taken)
}

/// A degree followed closely by a field: "mais top do Brasil", "leading … in Latin America".
/// Only a provider's rank is self-promotion: "o Brasil tem uma das maiores taxas do mundo" is
/// epidemiology.
fn ranks(text: &str, kept: &[Match], words: &[Word]) -> bool {
    let provider = words.iter().any(|w| is_provider(&w.folded));
    // "Brazil's highest pregnancy rates", "the city's top injector": a place owns the rank.
    let possessed = |d: &Match| {
        d.first >= 2
            && words[d.first - 1].folded == "s"
            && (text[words[d.first - 2].start..].starts_with(char::is_uppercase)
                || matches!(
                    words[d.first - 2].folded.as_str(),
                    "city" | "town" | "country" | "state" | "region" | "world" | "nation"
                ))
    };
    let outcome = words.iter().any(|w| OUTCOMES.contains(&w.folded.as_str()));
    if (provider || outcome) && kept.iter().any(|d| d.cue == Cue::Degree && possessed(d)) {
        return true;
    }
    provider
        && kept.iter().filter(|m| m.cue == Cue::Degree).any(|d| {
            let field = d.end..(d.end + RANK_WINDOW).min(words.len());
            kept.iter()
                .any(|p| p.cue == Cue::Place && field.contains(&p.first))
                || field.clone().any(|i| named_place(text, words, i))
        })
}

/// Whether a word names a provider of care: a listed one, or an agent noun of a trade
/// ("harmonizador", "esteticista", "otorrinolaringologista", "dermatologist").
fn is_provider(word: &str) -> bool {
    PROVIDERS.contains(&word)
        || (word.len() >= 7
            && [
                "ista", "istas", "ologo", "ologa", "izador", "izadora", "ologist", "ologists",
            ]
            .iter()
            .any(|s| word.ends_with(s)))
}

/// Words of direction that may stand between a preposition and a named place: "in southern
/// Brazil".
const DIRECTIONS: [&str; 8] = [
    "southern",
    "northern",
    "eastern",
    "western",
    "central",
    "northeastern",
    "southeastern",
    "all",
];

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
    if words
        .get(next)
        .is_some_and(|w| DIRECTIONS.contains(&w.folded.as_str()))
    {
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

/// A large count of people served ("Over 2,000 happy faces and counting"): a thousand or
/// more.
fn counts_many(words: &[Word]) -> bool {
    words.iter().any(|w| {
        matches!(w.folded.as_str(), "mil" | "thousands" | "milhares")
            || w.folded
                .replace(['.', ','], "")
                .parse::<u64>()
                // A bare 1900–2100 is a year; "2,000" or "2.000" is a count.
                .is_ok_and(|n| {
                    n >= 1000 && (w.folded.contains([',', '.']) || !(1900..=2100).contains(&n))
                })
    })
}

/// Words for the people a clinic treats.
const PATIENTS: [&str; 8] = [
    "pacientes",
    "clientes",
    "paciente",
    "cliente",
    "patients",
    "clients",
    "customers",
    "patient",
];

/// A clinic's outcome figure: a percentage of outcomes or patients (named within three words
/// either side) that is its own or at least [`BOAST_PERCENT`].
fn boasts(words: &[Word]) -> bool {
    let own = words.iter().any(|w| OWN.contains(&w.folded.as_str()));
    // "Our clients lose an average of 18%", "Nossas pacientes amaram: 100% voltaram": any
    // figure about the clinic's own patients.
    let own_patients = words.windows(2).any(|pair| {
        OWN.contains(&pair[0].folded.as_str()) && PATIENTS.contains(&pair[1].folded.as_str())
    });
    let number = |w: &Word| {
        w.folded
            .replace('.', "")
            .replace(',', ".")
            .parse::<f64>()
            .ok()
    };
    // "9 em cada 10 pacientes", "19 out of 20 patients": a ratio is a percentage.
    let ratio = words.windows(4).enumerate().find_map(|(i, w)| {
        let of = matches!(
            (w[1].folded.as_str(), w[2].folded.as_str()),
            ("em", "cada") | ("de", "cada") | ("out", "of")
        );
        let (n, d) = (number(&w[0])?, number(&w[3])?);
        (of && d > 0.0 && n <= d).then_some((i, 100.0 * n / d))
    });
    if let Some((i, value)) = ratio
        && (own_patients || own || value >= BOAST_PERCENT)
        && words[i..words.len().min(i + 7)]
            .iter()
            .any(|w| OUTCOMES.contains(&w.folded.as_str()))
    {
        return true;
    }
    words.windows(2).enumerate().any(|(i, pair)| {
        let Some(value) = number(&pair[0]) else {
            return false;
        };
        pair[1].folded == "%"
            && (own_patients
                || ((own || value >= BOAST_PERCENT)
                    && words[i.saturating_sub(3)..words.len().min(i + 5)]
                        .iter()
                        .any(|w| OUTCOMES.contains(&w.folded.as_str()))))
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
