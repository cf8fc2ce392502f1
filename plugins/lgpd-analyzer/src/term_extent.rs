//! How far a vocabulary term reaches when its name alone is not the fact: an exam to its
//! verdict, a clinical scale to its score, the head of a clinical phrase to its complement.
//!
//! An exam is health data with its result, not by its name: "tomografia de crânio sem
//! alterações" says something about the person, "solicitada tomografia de crânio" only that it
//! was asked for (the labelling guideline, tests/corpus/lgpd-analyzer/README.md, HEALTH_DATA:
//! "an exam with its result"; LGPD Art. 5 II). So is a scale with its score ("CURB-65 = 3"). Values
//! with units ("Hb 10,2 g/dL") are read by the lexicon's and `clinical_words`' result patterns.
//! A head ("infecção", "crise", "uso abusivo") takes the one word or complement that qualifies
//! it ("infecção urinária", "crise de pânico"), as the hand lexicon's pattern did.

use std::ops::Range;

/// Verdicts written after an exam's name, longest first where one starts another. Reports
/// phrase them so (laudos of imaging and laboratory, SBPC/ML and CBR usage).
const VERDICTS: [&str; 25] = [
    "dentro dos limites da normalidade",
    "dentro da normalidade",
    "sem alterações",
    "sem alteração",
    "sem anormalidades",
    "não reagente",
    "nao reagente",
    "normais",
    "normal",
    "alterados",
    "alteradas",
    "alterado",
    "alterada",
    "reagente",
    "positivos",
    "positivo",
    "positiva",
    "negativos",
    "negativo",
    "negativa",
    "compatível com",
    "sugestivo de",
    "sugestiva de",
    "evidenciou",
    "mostrou",
];

/// How far past the exam's name its verdict may start, in bytes: a colon, a date or a word
/// ("ecocardiograma de 12/03: normal", "hemograma completo — normal").
const REACH: usize = 24;

/// The exam at `span` of `folded` (the case-folded text) with the verdict that follows it, or
/// `None` when no verdict follows within its line.
pub fn with_result(folded: &str, span: Range<usize>) -> Option<Range<usize>> {
    let rest = &folded[span.end..];
    let window = &rest[..rest.floor_char_boundary(REACH.min(rest.len()))];
    let window = window.split(['\n', '.', ';']).next().unwrap_or_default();
    let edge = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
    // A verdict starts a word: the window's few word starts, found once.
    let starts: Vec<usize> = window
        .char_indices()
        .filter(|&(at, c)| c.is_alphanumeric() && edge(window[..at].chars().next_back()))
        .map(|(at, _)| at)
        .collect();
    VERDICTS.iter().find_map(|verdict| {
        starts.iter().find_map(|&at| {
            let end = at + verdict.len();
            (window[at..].starts_with(verdict) && edge(rest[end..].chars().next()))
                .then_some(span.start..span.end + end)
        })
    })
}

/// Words that join a head to its complement ("crise de pânico", "infecção por HPV").
const JOINERS: [&str; 12] = [
    "de", "do", "da", "dos", "das", "por", "em", "no", "na", "a", "à", "ao",
];

/// The head at `span` of `folded` with its complement: a joiner and a word, or one word, or
/// nothing. A complement that is itself a function word is cut later (`sensitive.rs`).
pub fn with_complement(folded: &str, span: Range<usize>) -> Range<usize> {
    let word_at = |at: usize| -> Option<usize> {
        let rest = folded[at..].strip_prefix(' ')?;
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_alphabetic() && !c.is_uppercase())
            .map(char::len_utf8)
            .sum();
        let follows = rest[len..].chars().next();
        (len > 0 && !follows.is_some_and(|c| c.is_alphanumeric())).then_some(at + 1 + len)
    };
    let Some(first) = word_at(span.end) else {
        return span;
    };
    let joined = JOINERS.contains(&&folded[span.end + 1..first]);
    match word_at(first) {
        Some(second) if joined => span.start..second,
        _ => span.start..first,
    }
}

/// The scale at `span` of `folded` with its score — `[: ]*`, then `=` or `de`, then a number,
/// maybe in parentheses, maybe a percentage, maybe a reading in parentheses ("MEEM 18 (déficit
/// moderado)") —, or `None` when no number follows.
pub fn with_score(folded: &str, span: Range<usize>) -> Option<Range<usize>> {
    let bytes = folded.as_bytes();
    let mut at = span.end;
    while matches!(bytes.get(at), Some(b':' | b' ')) {
        at += 1;
    }
    if folded[at..].starts_with("= ") {
        at += 2;
    } else if folded[at..].starts_with(['=']) {
        at += 1;
    } else if folded[at..].starts_with("de ") {
        at += 3;
    }
    if bytes.get(at) == Some(&b'(') {
        at += 1;
    }
    let digits = bytes[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    at += digits;
    if bytes.get(at) == Some(&b')') {
        at += 1;
    }
    if folded[at..].starts_with(" %") {
        at += 2;
    } else if bytes.get(at) == Some(&b'%') {
        at += 1;
    }
    if let Some(rest) = folded[at..].strip_prefix(" (")
        && let Some(close) = rest.find(')')
        && rest[..close].split(' ').count() <= 3
        && rest[..close]
            .split(' ')
            .all(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
    {
        at += 2 + close + 1;
    }
    (bytes.get(at).is_none_or(|b| !b.is_ascii_alphanumeric())).then_some(span.start..at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(text: &str, exam: &str) -> Option<String> {
        let start = text.find(exam).unwrap();
        with_result(text, start..start + exam.len()).map(|r| text[r].to_owned())
    }

    #[test]
    fn an_exam_counts_with_its_verdict() {
        assert_eq!(
            result(
                "tomografia de crânio sem alterações.",
                "tomografia de crânio"
            )
            .as_deref(),
            Some("tomografia de crânio sem alterações")
        );
        assert_eq!(
            result("vdrl: não reagente", "vdrl").as_deref(),
            Some("vdrl: não reagente")
        );
        assert_eq!(
            result("ecocardiograma de 12/03: normal", "ecocardiograma").as_deref(),
            Some("ecocardiograma de 12/03: normal")
        );
    }

    #[test]
    fn an_exam_without_a_verdict_is_no_finding() {
        assert_eq!(
            result("solicito hemograma completo.", "hemograma completo"),
            None
        );
        // The verdict belongs to the next sentence, or is part of a longer word.
        assert_eq!(result("fez hemograma. normal o resto", "hemograma"), None);
        assert_eq!(result("hemograma normalizado", "hemograma"), None);
    }

    fn extent(
        text: &str,
        term: &str,
        read: fn(&str, Range<usize>) -> Option<Range<usize>>,
    ) -> Option<String> {
        let start = text.find(term).unwrap();
        read(text, start..start + term.len()).map(|r| text[r].to_owned())
    }

    #[test]
    fn a_scale_counts_with_its_score() {
        let score = |text: &str, scale: &str| extent(text, scale, with_score);
        assert_eq!(
            score("curb-65 = 3.", "curb-65").as_deref(),
            Some("curb-65 = 3")
        );
        assert_eq!(
            score("braden: 12 pontos", "braden").as_deref(),
            Some("braden: 12")
        );
        assert_eq!(
            score("meem 18 (déficit moderado)", "meem").as_deref(),
            Some("meem 18 (déficit moderado)")
        );
        assert_eq!(score("ecog (2)", "ecog").as_deref(), Some("ecog (2)"));
        assert_eq!(score("aplicado o audit na consulta", "audit"), None);
        assert_eq!(score("phq-9 2a", "phq-9"), None);
    }

    #[test]
    fn a_head_takes_its_complement() {
        let complement =
            |text: &str, head: &str| extent(text, head, |t, r| Some(with_complement(t, r)));
        assert_eq!(
            complement("infecção urinária.", "infecção").as_deref(),
            Some("infecção urinária")
        );
        assert_eq!(
            complement("crise de pânico", "crise").as_deref(),
            Some("crise de pânico")
        );
        assert_eq!(
            complement("uso abusivo de maconha", "uso abusivo").as_deref(),
            Some("uso abusivo de maconha")
        );
        assert_eq!(
            complement("fratura, sem desvio", "fratura").as_deref(),
            Some("fratura")
        );
        // A complement ends at its word: a number or a capital is no complement.
        assert_eq!(complement("lesão 2 cm", "lesão").as_deref(), Some("lesão"));
        assert_eq!(complement("crise de", "crise").as_deref(), Some("crise de"));
    }
}
