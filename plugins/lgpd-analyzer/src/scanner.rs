//! One pass over the text for every word-based recognizer.
//!
//! Patterns are lower case and run over the case-folded text (`fold.rs`).
//! The cues of names and birth dates, the professional registrations, CID-10 codes and the
//! sensitive-data lexicon are compiled into one multi-pattern automaton (regex-automata's meta
//! engine: a lazy DFA with literal prefilters), so a 1 MB text is read once, not once per kind.
//! Each match says which recognizer it belongs to; the recognizer then reads around it.

use std::ops::Range;
use std::sync::LazyLock;

use medplug_pdk::lgpd::FindingKind;
use regex_automata::meta::Regex;

use crate::text::{char_at, char_before, is_word_char};
use crate::{birth_date, names, registration, sensitive};

/// Which recognizer a match belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// A word that introduces a birth date, with the date.
    BirthDate,
    /// A word that introduces a person's name (`paciente`, `Sra.`).
    Name,
    /// A council registration (`CRM-SP 123456`).
    Registration,
    /// A CID-10 code (`F32.1`).
    Cid,
    /// A term of the sensitive-data lexicon.
    Sensitive(FindingKind),
}

struct Scanner {
    regex: Regex,
    cues: Vec<Cue>,
}

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    let mut patterns: Vec<&str> = vec![
        birth_date::CUE_PATTERN,
        names::CUE_PATTERN,
        registration::PATTERN,
        sensitive::CID_PATTERN,
    ];
    let mut cues = vec![Cue::BirthDate, Cue::Name, Cue::Registration, Cue::Cid];
    for (kind, pattern) in sensitive::LEXICON {
        patterns.push(pattern);
        cues.push(Cue::Sensitive(kind));
    }
    let regex = Regex::builder()
        .configure(Regex::config().hybrid_cache_capacity(32 << 20))
        .build_many(&patterns)
        .expect("the built-in patterns compile");
    Scanner { regex, cues }
});

/// Whether a match neither starts nor ends inside a word. An edge that is itself punctuation or
/// space (`"- "` before a list item's name) is a boundary already.
fn whole_words(text: &str, start: usize, end: usize) -> bool {
    let inside = |edge: Option<char>, outside: Option<char>| {
        edge.is_some_and(is_word_char) && outside.is_some_and(is_word_char)
    };
    !inside(char_at(text, start), char_before(text, start))
        && !inside(char_before(text, end), char_at(text, end))
}

/// Every whole-word match in `folded` (the text after [`crate::fold::fold_case`]), in order,
/// with the recognizer it belongs to.
pub fn scan(folded: &str) -> Vec<(Cue, Range<usize>)> {
    let scanner = &*SCANNER;
    scanner
        .regex
        .find_iter(folded)
        .filter(|m| whole_words(folded, m.start(), m.end()))
        .map(|m| (scanner.cues[m.pattern().as_usize()], m.range()))
        .collect()
}
