//! What one sentence says: whether it is a claim, of which type, how assertive, what source it
//! cites and what it names, read from the phrase matches (`lexicon.rs`) and the sentence's
//! shape.
//!
//! A sentence is a claim when a phrase of a claim type is in it, or a promise `promises.rs`
//! infers from several phrases, unless it is a question or a heading in title case ("Adult
//! Acne: What Actually Works"). A testimonial is recognised by its shape — a quotation
//! followed by a dash and who said it — or by a result told in the first person ("minha pele",
//! "my melasma"). A negation denies only what it reaches (`scope.rs`). When several types are present
//! the most specific wins, in this order: testimonial, price, guarantee, cure, comparison,
//! safety, prevention, diagnosis, numbers, efficacy.

use medplug_pdk::claims::{Assertiveness, ClaimType, EntityKind, Evidence, EvidenceKind};

use crate::cue::Cue;
use crate::lexicon::Match;
use crate::words::Word;
use crate::{promises, scope};

/// The claim types, most specific first (see the module's documentation).
const TYPE_ORDER: [ClaimType; 10] = [
    ClaimType::Testimonial,
    ClaimType::PricePromotion,
    ClaimType::Guarantee,
    ClaimType::Cure,
    ClaimType::Comparative,
    ClaimType::Safety,
    ClaimType::Prevention,
    ClaimType::Diagnostic,
    ClaimType::Statistical,
    ClaimType::Efficacy,
];

/// A sentence read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reading {
    /// The claim's type; `None` when the sentence is not a claim.
    pub claim_type: Option<ClaimType>,
    /// How it is said.
    pub assertiveness: Assertiveness,
    /// The source it cites.
    pub evidence: Option<Evidence>,
    /// Entities it names: kind and word span.
    pub entities: Vec<(EntityKind, usize, usize)>,
    /// The cues found, with overlapping negations already set aside.
    pub cues: Vec<Cue>,
}

impl Reading {
    /// Whether a cue is present.
    pub fn has(&self, cue: Cue) -> bool {
        self.cues.contains(&cue)
    }
}

/// Reads the sentence `text[from..to]`, whose words are `words` (offsets into `text`), with
/// `matches` from the language's cue and entity lists.
pub(crate) fn read(
    text: &str,
    (from, to): (usize, usize),
    words: &[Word],
    matches: &[Match],
) -> Reading {
    let own = &text[from..to];
    let testimonial = is_testimonial(own);
    // A negation inside a phrase that asserts (não causa, sem efeitos colaterais, nunca mais,
    // ninguém faz igual) does not negate the claim; a modal inside a phrase that vouches for
    // the result ("pode confiar", "pode tomar sem medo") does not hedge it; a lure inside a
    // safety promise ("risk-free") is not a price; no cue counts inside an idiom ("câncer de
    // pele não melanoma", "free of glasses"), except the qualifier of "most patients".
    let (absolute, taken) = promises::absolutes(text, words, matches);
    let set_aside = |m: &Match| {
        matches.iter().any(|o| {
            overlaps(m, o)
                && match (m.cue, o.cue) {
                    (Cue::Idiom | Cue::Qualifier, _) | (Cue::SafetyPromise, Cue::Idiom) => false,
                    (_, Cue::Idiom) => true,
                    // "never misses", "nunca erra", "no longer a threat": a guarantee or a
                    // cure that holds its negation.
                    (Cue::Negation, Cue::Claim(ClaimType::Guarantee | ClaimType::Cure)) => {
                        o.first <= m.first && m.end <= o.end && o.end - o.first > m.end - m.first
                    }
                    (Cue::Negation | Cue::Denial, other) => matches!(
                        other,
                        Cue::SafetyAssertion
                            | Cue::SafetyPromise
                            | Cue::Absence
                            | Cue::TestimonialPromise
                            | Cue::Superlative
                            | Cue::Sensational
                            | Cue::Lure
                    ),
                    // "Zero efeitos colaterais" promises safety, not a result.
                    (Cue::Claim(ClaimType::Guarantee), Cue::SafetyPromise) => m.first == o.first,
                    // "Garanta já a sua vaga" urges a booking; it guarantees nothing.
                    (Cue::Claim(ClaimType::Guarantee), Cue::PurchaseUrge) => true,
                    (Cue::Hedge | Cue::Modal, other) => {
                        matches!(other, Cue::Claim(ClaimType::Guarantee) | Cue::SafetyPromise)
                    }
                    (Cue::Lure, other) => other == Cue::SafetyPromise,
                    _ => false,
                }
        })
    };
    let kept: Vec<Match> = matches
        .iter()
        .enumerate()
        .filter(|(i, m)| !taken.contains(i) && !set_aside(m))
        .map(|(_, m)| *m)
        .collect();
    let mut cues: Vec<Cue> = kept.iter().map(|m| m.cue).collect();
    cues.extend(absolute);
    let evidence = evidence(text, words, matches);
    promises::infer(&mut cues, text, &kept, words, evidence.is_some());
    if first_person_account(words, &kept) {
        cues.push(Cue::FirstPerson);
    }
    let mut types: Vec<ClaimType> = cues.iter().filter_map(|c| implied_type(*c)).collect();
    // A first-person account of a result, or one that promises it to the reader ("se deu
    // certo comigo, vai dar com vocês"), is a testimonial.
    if testimonial
        || (cues.contains(&Cue::FirstPerson)
            && (!types.is_empty()
                || cues.contains(&Cue::TestimonialPromise)
                || cues.contains(&Cue::BodyPromise)))
    {
        types.push(ClaimType::Testimonial);
    }
    // A question asks, unless it sells: "Fechando até sexta, faço o clareamento de cortesia,
    // combinado?", "Chegou Mounjaro, quer que eu separe uma caneta?".
    let sells = cues.contains(&Cue::Lure)
        || (cues.contains(&Cue::PrescriptionDrug) && cues.contains(&Cue::PurchaseUrge));
    let question = own.trim_end().ends_with('?') && !sells;
    let not_a_claim = question || is_title_case_heading(own);
    let claim_type = if not_a_claim {
        None
    } else {
        TYPE_ORDER.into_iter().find(|t| types.contains(t))
    };
    let claim_phrases: Vec<Match> = kept
        .iter()
        .copied()
        .filter(|m| {
            implied_type(m.cue).is_some() || matches!(m.cue, Cue::Sensational | Cue::Unrecognised)
        })
        .collect();
    let assertiveness = if testimonial || cues.contains(&Cue::SafetyAssertion) {
        Assertiveness::Assertive
    } else if scope::denies(text, words, &kept, &claim_phrases) {
        Assertiveness::Negated
    } else if cues.contains(&Cue::Hedge)
        || (cues.contains(&Cue::Modal)
            && (!promotional(&cues) || scope::softens(text, words, &kept, &claim_phrases)))
    {
        Assertiveness::Hedged
    } else {
        Assertiveness::Assertive
    };
    Reading {
        claim_type,
        assertiveness,
        evidence,
        entities: matches
            .iter()
            .filter_map(|m| match m.cue {
                Cue::Entity(kind) => Some((kind, m.first, m.end)),
                _ => None,
            })
            .collect(),
        cues,
    }
}

/// Whether the sentence sells: a lure, a rank, a promise of safety, certainty or cure, a
/// before-and-after, sensational wording or an unrecognised technique. In such a sentence a
/// modal softens only the claim it reaches ("Agende já: as vagas podem acabar" still lures);
/// elsewhere it softens the sentence ("O hemograma avalia…, e pode indicar anemias").
fn promotional(cues: &[Cue]) -> bool {
    cues.iter().any(|c| {
        matches!(
            c,
            Cue::Lure
                | Cue::Superlative
                | Cue::OnlyAlternative
                | Cue::SafetyPromise
                | Cue::BeforeAfter
                | Cue::Sensational
                | Cue::Unrecognised
                | Cue::TimeBox
                | Cue::PurchaseUrge
                | Cue::Claim(ClaimType::Guarantee | ClaimType::Cure)
        )
    })
}

/// A patient's account in the first person: "minha pele", "my skin", "perdi", or a possessive
/// before a condition ("minha enxaqueca", "my melasma").
fn first_person_account(words: &[Word], matches: &[Match]) -> bool {
    matches.iter().any(|m| {
        m.cue == Cue::FirstPerson
            || (m.cue == Cue::Entity(EntityKind::Condition)
                && m.first > 0
                && matches!(
                    words[m.first - 1].folded.as_str(),
                    "my" | "minha" | "meu" | "minhas" | "meus"
                ))
    })
}

/// The claim type a cue implies on its own.
pub(crate) fn implied_type(cue: Cue) -> Option<ClaimType> {
    match cue {
        Cue::Claim(t) => Some(t),
        Cue::Superlative | Cue::OnlyAlternative => Some(ClaimType::Comparative),
        Cue::SafetyPromise | Cue::SafetyAssertion => Some(ClaimType::Safety),
        Cue::Lure => Some(ClaimType::PricePromotion),
        Cue::CurableDisease => Some(ClaimType::Cure),
        _ => None,
    }
}

fn overlaps(a: &Match, b: &Match) -> bool {
    a.first < b.end && b.first < a.end
}

/// A quotation followed by a dash and who said it: `"…" – Carla, paciente`.
fn is_testimonial(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(['"', '“']) else {
        return false;
    };
    rest.char_indices()
        .find(|(_, c)| matches!(c, '"' | '”'))
        .is_some_and(|(close, quote)| {
            rest[close + quote.len_utf8()..]
                .trim_start()
                .starts_with(['–', '—', '-'])
        })
}

/// A line with no closing stop whose longer words are mostly capitalised: a heading.
fn is_title_case_heading(text: &str) -> bool {
    if text.trim_end().ends_with(['.', '!', '…']) {
        return false;
    }
    let long: Vec<&str> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .collect();
    let title = long
        .iter()
        .filter(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase)
        })
        .count();
    long.len() >= 2 && title * 3 >= long.len() * 2
}

/// The strongest citation in the sentence: a DOI, a PubMed id, an author and year, a
/// publication, then an authority. An acronym authority (WHO, NICE, OMS) counts only in
/// capitals, so that "who" and "nice" stay words. Offsets are into `text`.
fn evidence(text: &str, words: &[Word], matches: &[Match]) -> Option<Evidence> {
    let rank = |kind: EvidenceKind| match kind {
        EvidenceKind::Doi => 0,
        EvidenceKind::Pmid => 1,
        EvidenceKind::AuthorYear => 2,
        EvidenceKind::Publication => 3,
        EvidenceKind::Authority => 4,
    };
    matches
        .iter()
        .filter_map(|m| match m.cue {
            Cue::Evidence(kind) => Some((kind, m)),
            _ => None,
        })
        // "Sorriso de revista" promises a look; it cites no magazine.
        .filter(|(_, m)| {
            !matches
                .iter()
                .any(|o| o.cue == Cue::ResultPromise && o.first < m.end && m.first < o.end)
        })
        .filter(|(kind, m)| {
            let raw = &text[words[m.first].start..words[m.end - 1].end];
            *kind != EvidenceKind::Authority
                || m.end - m.first > 1
                || raw.chars().count() > 5
                || raw.chars().all(|c| !c.is_lowercase())
        })
        .min_by_key(|(kind, m)| (rank(*kind), m.first))
        .map(|(kind, m)| Evidence {
            kind,
            text: text[citation_start(text, words, m)..citation_end(text, words, m)].to_owned(),
        })
        .or_else(|| attributed(text, words, matches))
}

/// Titles of a person: "segundo a Dra. Ana" names a person, not an identifiable source.
const TITLES: [&str; 7] = [
    "dr",
    "dra",
    "doutor",
    "doutora",
    "doctor",
    "prof",
    "professor",
];

/// An attribution followed by a capitalised name that no list holds ("segundo a SBEM",
/// "according to NICE guidance", "de acordo com a Sociedade Europeia…"): an authority.
fn attributed(text: &str, words: &[Word], matches: &[Match]) -> Option<Evidence> {
    matches
        .iter()
        .filter(|m| m.cue == Cue::Attribution)
        .find_map(|m| {
            let mut k = m.end;
            if words
                .get(k)
                .is_some_and(|w| matches!(w.folded.as_str(), "a" | "o" | "the" | "as" | "os"))
            {
                k += 1;
            }
            let name = words.get(k)?;
            let capital = text[name.start..].starts_with(char::is_uppercase);
            (capital && !TITLES.contains(&name.folded.as_str())).then(|| {
                let at = Match {
                    cue: Cue::Evidence(EvidenceKind::Authority),
                    first: k,
                    end: k + 1,
                };
                Evidence {
                    kind: EvidenceKind::Authority,
                    text: text[name.start..citation_end(text, words, &at)].to_owned(),
                }
            })
        })
}

/// Where a citation's text starts, in bytes of the text: "et al" takes the author before it.
fn citation_start(text: &str, words: &[Word], m: &Match) -> usize {
    let start = words[m.first].start;
    match m.first.checked_sub(1) {
        Some(author)
            if words[m.first].folded == "et"
                && text[words[author].start..].starts_with(char::is_uppercase) =>
        {
            words[author].start
        }
        _ => start,
    }
}

/// Where a citation's text ends, in bytes of the text: a DOI or PubMed id runs on to the next
/// white space, `)` or `;` (`doi:10.1000/jdr.2019.0412`, `PMID: 31234567`); a named source
/// runs on over the rest of its name and a bracketed acronym ("Sociedade Brasileira de
/// Dermatologia (SBD)", "New England Journal of Medicine").
fn citation_end(text: &str, words: &[Word], m: &Match) -> usize {
    let mut end = words[m.end - 1].end;
    if matches!(words[m.first].folded.as_str(), "doi" | "pmid") {
        let mut started = false;
        for c in text[end..].chars() {
            let separator = c == ':' || c == ' ';
            if started && (c.is_whitespace() || c == ')' || c == ';') {
                break;
            }
            started |= !separator;
            end += c.len_utf8();
        }
        return end;
    }
    if words[m.first].folded == "et" {
        // "et al., 2021" or "et al. 2021": the year is part of the citation.
        let rest = &text[end..];
        let year = rest.trim_start_matches(['.', ',', ' ']);
        if year.bytes().take(4).filter(u8::is_ascii_digit).count() == 4 {
            return end + (rest.len() - year.len()) + 4;
        }
        return end;
    }
    const CONNECTORS: [&str; 9] = ["de", "da", "do", "das", "dos", "of", "the", "for", "and"];
    let mut last = m.end;
    while let Some(next) = words.get(last) {
        let gap = &text[words[last - 1].end..next.start];
        let capital = text[next.start..].starts_with(char::is_uppercase);
        let connector = CONNECTORS.contains(&next.folded.as_str())
            && words
                .get(last + 1)
                .is_some_and(|w| text[w.start..].starts_with(char::is_uppercase));
        if gap != " " || !(capital || connector) {
            break;
        }
        last += 1;
    }
    end = words[last - 1].end;
    let rest = &text[end..];
    if let Some(bracketed) = rest.strip_prefix(" (")
        && let Some(close) = bracketed.find(')')
        && bracketed[..close]
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        end += 2 + close + 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn testimonials_and_headings_are_recognised_by_shape() {
        assert!(is_testimonial("\"Perdi 8 kg!\" – Patrícia, aluna"));
        assert!(is_testimonial("“I was back in two weeks.” — R.M., patient"));
        assert!(!is_testimonial(
            "Leia também: \"Protetor solar: qual FPS escolher?\""
        ));
        assert!(is_title_case_heading("Adult Acne: What Actually Works"));
        assert!(!is_title_case_heading(
            "Resultado GARANTIDO já na primeira sessão"
        ));
        assert!(!is_title_case_heading(
            "Hanseníase tem tratamento e tem cura"
        ));
    }

    #[test]
    fn a_named_source_is_quoted_whole() {
        let text = "Segundo a Sociedade Brasileira de Dermatologia (SBD), o filtro protege. \
                    Published in the New England Journal of Medicine in 2020 (Silva et al., 2020).";
        let all = crate::words::words(text, 0, text.len());
        let lexicon = crate::lexicon::Lexicon::new(&[&[
            (
                "sociedade brasileira",
                Cue::Evidence(EvidenceKind::Authority),
            ),
            ("new england", Cue::Evidence(EvidenceKind::Publication)),
            ("et al", Cue::Evidence(EvidenceKind::AuthorYear)),
        ]]);
        let quoted: Vec<&str> = lexicon
            .find(&all)
            .iter()
            .map(|m| &text[citation_start(text, &all, m)..citation_end(text, &all, m)])
            .collect();
        assert_eq!(
            quoted,
            [
                "Sociedade Brasileira de Dermatologia (SBD)",
                "New England Journal of Medicine",
                "Silva et al., 2020"
            ]
        );
    }
}
