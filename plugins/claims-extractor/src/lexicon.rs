//! Phrase lists and the matcher that finds them among a sentence's folded words.
//!
//! A phrase is written as folded words separated by spaces (`sem efeitos colaterais`). A word
//! ending in `*` matches any word it begins (`garant*`: garantia, garantido, garantimos), `<n>`
//! matches a number, `<q>` a number or a small number written out ("uma", "duas", "five"), and
//! `_` any one word. Phrases are indexed by their first word, so a
//! sentence costs a hash look-up per word (and one more by the word's first three bytes for
//! phrases that open with a stem).

use std::collections::HashMap;

use crate::cue::Cue;
use crate::words::Word;

/// A phrase found in a sentence: its cue and the words it spans (`first..end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Match {
    /// What the phrase signals.
    pub cue: Cue,
    /// Index of its first word.
    pub first: usize,
    /// One past its last word.
    pub end: usize,
}

#[derive(Debug)]
enum Pattern {
    Exact(&'static str),
    Prefix(&'static str),
    Number,
    Quantity,
    Any,
}

/// Small numbers written out, in both languages: "em duas sessões", "in just five sessions".
pub(crate) const NUMBER_WORDS: [&str; 23] = [
    "um", "uma", "dois", "duas", "tres", "quatro", "cinco", "seis", "sete", "oito", "dez", "unica",
    "one", "two", "three", "four", "five", "six", "seven", "eight", "ten", "single", "unico",
];

impl Pattern {
    fn parse(token: &'static str) -> Self {
        match token {
            "<n>" => Self::Number,
            "<q>" => Self::Quantity,
            "_" => Self::Any,
            _ => match token.strip_suffix('*') {
                Some(stem) => Self::Prefix(stem),
                None => Self::Exact(token),
            },
        }
    }

    fn matches(&self, word: &Word) -> bool {
        match self {
            Self::Exact(w) => word.folded == *w,
            Self::Prefix(stem) => word.folded.starts_with(stem),
            Self::Number => word.is_number(),
            Self::Quantity => word.is_number() || NUMBER_WORDS.contains(&word.folded.as_str()),
            Self::Any => true,
        }
    }
}

/// How many leading bytes of a stem (`garant*`) index it: every stem has at least this many.
const STEM_KEY: usize = 3;

/// A compiled phrase list.
#[derive(Debug)]
pub(crate) struct Lexicon {
    phrases: Vec<(Vec<Pattern>, Cue)>,
    /// Phrases by their exact first word.
    by_first_word: HashMap<&'static str, Vec<usize>, BuildFnv>,
    /// Phrases opening with a stem, by the stem's first [`STEM_KEY`] bytes.
    by_stem_key: HashMap<&'static str, Vec<usize>, BuildFnv>,
    /// Phrases opening with `<n>`, tried only at a number.
    opening_with_number: Vec<usize>,
}

impl Lexicon {
    /// Compiles `lists`: `(phrase, cue)` pairs.
    ///
    /// Panics on a phrase that opens with `_` or with a stem shorter than three bytes: the
    /// lists are constants, and the unit tests compile every one of them.
    pub fn new(lists: &[&[(&'static str, Cue)]]) -> Self {
        let mut lexicon = Self {
            phrases: Vec::new(),
            by_first_word: HashMap::default(),
            by_stem_key: HashMap::default(),
            opening_with_number: Vec::new(),
        };
        for &(phrase, cue) in lists.iter().copied().flatten() {
            let i = lexicon.phrases.len();
            let patterns: Vec<Pattern> = phrase.split(' ').map(Pattern::parse).collect();
            match patterns.first() {
                Some(Pattern::Exact(word)) => {
                    lexicon.by_first_word.entry(word).or_default().push(i);
                }
                Some(Pattern::Prefix(stem)) if stem.len() >= STEM_KEY => {
                    let key = &stem[..STEM_KEY];
                    lexicon.by_stem_key.entry(key).or_default().push(i);
                }
                Some(Pattern::Number) => lexicon.opening_with_number.push(i),
                _ => panic!("phrase `{phrase}` must open with a word, a 3-byte stem or <n>"),
            }
            lexicon.phrases.push((patterns, cue));
        }
        lexicon
    }

    /// Every phrase found in `words`, in the order of their first words.
    pub fn find(&self, words: &[Word]) -> Vec<Match> {
        let mut found = Vec::new();
        for (first, word) in words.iter().enumerate() {
            let text = word.folded.as_str();
            let exact = self.by_first_word.get(text).map_or(&[][..], Vec::as_slice);
            let stems = text
                .get(..STEM_KEY)
                .and_then(|key| self.by_stem_key.get(key))
                .map_or(&[][..], Vec::as_slice);
            let numbers = if word.is_number() {
                self.opening_with_number.as_slice()
            } else {
                &[]
            };
            for &i in exact.iter().chain(stems).chain(numbers) {
                let (patterns, cue) = &self.phrases[i];
                let end = first + patterns.len();
                if end <= words.len()
                    && patterns
                        .iter()
                        .zip(&words[first..end])
                        .all(|(p, w)| p.matches(w))
                {
                    found.push(Match {
                        cue: *cue,
                        first,
                        end,
                    });
                }
            }
        }
        found
    }
}

/// FNV-1a: the keys are short words from a fixed list, so a fast hash without DoS resistance
/// serves (SipHash, the default, costs more per word than the look-up).
#[derive(Debug, Default, Clone, Copy)]
struct BuildFnv;

impl std::hash::BuildHasher for BuildFnv {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

/// The FNV-1a state.
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use medplug_pdk::claims::ClaimType;

    use super::*;
    use crate::words::words;

    #[test]
    fn phrases_stems_numbers_and_gaps_match() {
        let lexicon = Lexicon::new(&[&[
            ("sem efeitos colaterais", Cue::SafetyPromise),
            ("garant*", Cue::Claim(ClaimType::Guarantee)),
            ("<n> %", Cue::Claim(ClaimType::Statistical)),
            ("pague _ leve", Cue::Lure),
        ]]);
        let text = "Resultado garantido, sem efeitos colaterais: 97 % pague 1 leve 2.";
        let found: Vec<(Cue, &str)> = lexicon
            .find(&words(text, 0, text.len()))
            .into_iter()
            .map(|m| {
                let w = words(text, 0, text.len());
                (m.cue, &text[w[m.first].start..w[m.end - 1].end])
            })
            .collect();
        assert_eq!(
            found,
            [
                (Cue::Claim(ClaimType::Guarantee), "garantido"),
                (Cue::SafetyPromise, "sem efeitos colaterais"),
                (Cue::Claim(ClaimType::Statistical), "97 %"),
                (Cue::Lure, "pague 1 leve"),
            ]
        );
    }

    #[test]
    fn every_phrase_list_compiles() {
        use crate::{cues_en, cues_pt, entities};
        for list in [cues_pt::CUES, cues_en::CUES, entities::ENTITIES] {
            let lexicon = Lexicon::new(&[list]);
            assert_eq!(lexicon.phrases.len(), list.len());
        }
    }
}
