//! An exam is health data with its result, not by its name: "tomografia de crânio sem
//! alterações" says something about the person, "solicitada tomografia de crânio" only that it
//! was asked for (the labelling guideline, tests/corpus/lgpd-analyzer/README.md, HEALTH_DATA:
//! "an exam with its result"; LGPD Art. 5 II). Values with units ("Hb 10,2 g/dL") are read by
//! the lexicon's and `clinical_words`' result patterns; this reads the verdicts written in words.

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
    VERDICTS.iter().find_map(|verdict| {
        window.match_indices(verdict).find_map(|(at, _)| {
            let end = at + verdict.len();
            let before = window[..at].chars().next_back();
            let after = rest[end..].chars().next();
            let edge = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
            (edge(before) && edge(after)).then_some(span.start..span.end + end)
        })
    })
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
}
