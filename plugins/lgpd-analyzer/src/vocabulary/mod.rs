//! Health data named by a broad vocabulary: diseases and conditions, medicines and vaccines,
//! symptoms and signs, procedures and exams (LGPD Art. 5 II, "dado referente à saúde"), several
//! thousand terms from `plugins/lgpd-analyzer/vocabulary/*.txt` (lists and licences in each
//! file's header and in that folder's README).
//!
//! `build.rs` compiles the terms into a finite-state transducer (the `fst` crate) whose output
//! says which list a term came from; the module embeds its bytes and reads them in place, so a
//! fresh instance pays nothing to load it. One pass walks the transducer from every word start
//! of the case-folded text and keeps the longest term that ends on a word boundary, with accents
//! and runs of white space read as `key.rs` stores them. A match is only a candidate:
//! `sensitive::Anchors` reports it when its sentence is about a person, as for the lexicon.

pub mod key;
mod list;

use std::ops::Range;
use std::sync::LazyLock;

use fst::raw::{Fst, Node, Output};
use medplug_pdk::lgpd::FindingKind;

use crate::text::is_word_char;
use key::Step;
pub use list::List;

impl List {
    /// The kind of sensitive data (LGPD Art. 5 II) its terms are.
    pub const fn kind(self) -> FindingKind {
        match self {
            List::Head
            | List::Scale
            | List::Disease
            | List::Medicine
            | List::Symptom
            | List::Procedure
            | List::Exam
            | List::Lexicon => FindingKind::HealthData,
            List::Genetic => FindingKind::Genetic,
            List::Biometric => FindingKind::Biometric,
            List::Religion => FindingKind::Religion,
            List::Ethnicity => FindingKind::Ethnicity,
            List::PoliticalOpinion => FindingKind::PoliticalOpinion,
            List::SexualLife => FindingKind::SexualLife,
        }
    }
}

/// The transducer `build.rs` wrote.
static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vocabulary.fst"));

/// The filter of the terms' first words: a bit per [`key::WordHash`] (`build.rs`).
static FIRST_WORDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vocabulary.first_words"));

static VOCABULARY: LazyLock<Fst<&'static [u8]>> =
    LazyLock::new(|| Fst::new(BYTES).expect("build.rs writes a valid transducer"));

/// A term found in the text: its byte range and its list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// The list it comes from.
    pub list: List,
}

/// Every vocabulary term in `folded` (the text after [`crate::fold::fold_case`]), leftmost and
/// longest, none overlapping, in order.
pub fn find(folded: &str) -> Vec<Term> {
    let fst = &*VOCABULARY;
    // Decoded once: every walk starts here.
    let root = fst.root();
    let bytes = folded.as_bytes();
    let mut found = Vec::new();
    // Whether the character before `at` continues a word (a letter, a digit or a hyphen): no
    // term starts inside a word.
    let mut after_word = false;
    let mut at = 0;
    while at < bytes.len() {
        let (is_word, len) = match bytes[at] {
            byte @ 0..0x80 => (byte.is_ascii_alphanumeric() || byte == b'_', 1),
            _ => {
                let c = folded[at..].chars().next().unwrap_or_default();
                (is_word_char(c), c.len_utf8())
            }
        };
        if is_word
            && !after_word
            && may_start_a_term(&folded[at..])
            && let Some((end, list)) = longest_at(fst, &root, folded, at)
        {
            found.push(Term {
                range: at..end,
                list,
            });
            after_word = folded[..end]
                .chars()
                .next_back()
                .is_some_and(|c| is_word_char(c) || c == '-');
            at = end;
            continue;
        }
        after_word = is_word || bytes[at] == b'-';
        at += len;
    }
    found
}

/// Whether a term may start at the beginning of `text`: the filter has the bit of its first
/// word, or of the part of it before a joiner (`-`, `/`, `+`: "hiv" in "HIV/aids"). Most words
/// of a text start no term and are passed over here, without walking the transducer.
fn may_start_a_term(text: &str) -> bool {
    let set = |hash: key::WordHash| FIRST_WORDS[hash.bit() / 8] & (1 << (hash.bit() % 8)) != 0;
    let mut hash = key::WordHash::new();
    for c in text.chars() {
        match key::step(c) {
            Step::Byte(b @ (b'-' | b'/' | b'+')) => {
                if set(hash) {
                    return true;
                }
                hash = hash.push(b);
            }
            Step::Byte(b) => hash = hash.push(b),
            Step::Space | Step::Stop => break,
        }
    }
    set(hash)
}

/// The longest term starting at byte `start` that ends on a word boundary.
fn longest_at(
    fst: &Fst<&[u8]>,
    root: &Node<'_>,
    text: &str,
    start: usize,
) -> Option<(usize, List)> {
    let mut node = *root;
    let mut output = Output::zero();
    let mut best = None;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let byte = match key::step(c) {
            Step::Byte(b) => b,
            Step::Space => {
                // A run of white space is one space, but a blank line ends the term.
                let mut newlines = usize::from(c == '\n');
                while let Some(&(_, next)) = chars.peek() {
                    if key::step(next) != Step::Space {
                        break;
                    }
                    newlines += usize::from(next == '\n');
                    chars.next();
                }
                if newlines > 1 {
                    break;
                }
                b' '
            }
            Step::Stop => break,
        };
        let Some(index) = node.find_input(byte) else {
            break;
        };
        let transition = node.transition(index);
        output = output.cat(transition.out);
        node = fst.node(transition.addr);
        let end = start + offset + c.len_utf8();
        if node.is_final() && byte != b' ' && ends_word(text, end) {
            let list = output.cat(node.final_output()).value();
            best = Some((end, List::ALL[list as usize]));
        }
    }
    best
}

/// Whether a term may end at byte `end`: no letter or digit follows, nor a hyphen that joins
/// another word ("covid" does not end inside "covid-19").
fn ends_word(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        None => true,
        Some('-') => !after.next().is_some_and(is_word_char),
        Some(c) => !is_word_char(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold_case;

    fn terms(text: &str) -> Vec<(&str, List)> {
        let folded = fold_case(text);
        find(&folded)
            .into_iter()
            .map(|t| (&text[t.range], t.list))
            .collect()
    }

    /// Issue #20 asks for health data from a broad vocabulary, not a hand list: thousands of
    /// terms in each health list (after duplicates across lists are dropped), within the module
    /// budget (the whole optimised module ≤ 1.5 MB, tests/all/contract.rs).
    #[test]
    fn the_vocabulary_is_broad_and_compact() {
        let floors = [
            (List::Disease, 5_000),
            (List::Medicine, 2_000),
            (List::Symptom, 4_000),
            (List::Procedure, 2_000),
            (List::Exam, 1_000),
        ];
        for (list, floor) in floors {
            let n = count(list);
            assert!(n >= floor, "{} holds {n} terms, under {floor}", list.file());
        }
        assert!(
            BYTES.len() < 300_000,
            "the transducer is {} bytes",
            BYTES.len()
        );
    }

    fn count(list: List) -> usize {
        let mut stream = VOCABULARY.stream();
        let mut n = 0;
        use fst::Streamer;
        while let Some((_, out)) = stream.next() {
            n += usize::from(List::ALL[out.value() as usize] == list);
        }
        n
    }

    #[test]
    fn longest_term_whatever_the_accents_case_and_spacing() {
        assert_eq!(
            terms("Paciente com INSUFICIENCIA   cardíaca congestiva e pré-eclâmpsia."),
            [
                ("INSUFICIENCIA   cardíaca congestiva", List::Disease),
                ("pré-eclâmpsia", List::Head),
            ]
        );
    }

    #[test]
    fn terms_end_on_word_boundaries() {
        // "asma" is a term; "asmas" and "fantasma" are not it, nor "covid" inside "covid-19x".
        assert_eq!(terms("asmas fantasma"), []);
        assert_eq!(terms("asma."), [("asma", List::Disease)]);
        // One line break inside a term is a space; a blank line ends it.
        assert_eq!(
            terms("insuficiência cardíaca\ncongestiva"),
            [("insuficiência cardíaca\ncongestiva", List::Disease)]
        );
        assert_eq!(
            terms("insuficiência cardíaca\n\ncongestiva"),
            [("insuficiência cardíaca", List::Disease)]
        );
    }

    #[test]
    fn every_sensitive_kind_has_its_list() {
        let kinds: Vec<_> = terms("Testemunha de Jeová, quilombola, homozigose, biometria facial.")
            .into_iter()
            .map(|(t, list)| (t, list.kind()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("Testemunha de Jeová", FindingKind::Religion),
                ("quilombola", FindingKind::Ethnicity),
                ("homozigose", FindingKind::Genetic),
                ("biometria facial", FindingKind::Biometric),
            ]
        );
    }
}
