//! Phrase lists and the matcher that finds them among a sentence's folded words.
//!
//! A phrase is written as folded words separated by spaces (`sem efeitos colaterais`). A word
//! ending in `*` matches any word it begins (`garant*`: garantia, garantido, garantimos), `<n>`
//! matches a number, and `_` any one word. Phrases are indexed by their first word, so a
//! sentence costs one hash look-up per word plus the few phrases that open with a pattern.

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
    Any,
}

impl Pattern {
    fn parse(token: &'static str) -> Self {
        match token {
            "<n>" => Self::Number,
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
            Self::Any => true,
        }
    }
}

/// A compiled phrase list.
#[derive(Debug)]
pub(crate) struct Lexicon {
    phrases: Vec<(Vec<Pattern>, Cue)>,
    by_first_word: HashMap<&'static str, Vec<usize>>,
    opening_with_pattern: Vec<usize>,
}

impl Lexicon {
    /// Compiles `list`: `(phrase, cue)` pairs.
    pub fn new(list: &[(&'static str, Cue)]) -> Self {
        let mut lexicon = Self {
            phrases: Vec::with_capacity(list.len()),
            by_first_word: HashMap::new(),
            opening_with_pattern: Vec::new(),
        };
        for (i, &(phrase, cue)) in list.iter().enumerate() {
            let patterns: Vec<Pattern> = phrase.split(' ').map(Pattern::parse).collect();
            match patterns.first() {
                Some(Pattern::Exact(word)) => {
                    lexicon.by_first_word.entry(word).or_default().push(i);
                }
                _ => lexicon.opening_with_pattern.push(i),
            }
            lexicon.phrases.push((patterns, cue));
        }
        lexicon
    }

    /// Every phrase found in `words`, by first word, then by list order.
    pub fn find(&self, words: &[Word]) -> Vec<Match> {
        let mut found = Vec::new();
        for first in 0..words.len() {
            let exact = self
                .by_first_word
                .get(words[first].folded.as_str())
                .map_or(&[][..], Vec::as_slice);
            for &i in exact.iter().chain(&self.opening_with_pattern) {
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

#[cfg(test)]
mod tests {
    use medplug_pdk::claims::ClaimType;

    use super::*;
    use crate::words::words;

    #[test]
    fn phrases_stems_numbers_and_gaps_match() {
        let lexicon = Lexicon::new(&[
            ("sem efeitos colaterais", Cue::SafetyPromise),
            ("garant*", Cue::Claim(ClaimType::Guarantee)),
            ("<n> %", Cue::Claim(ClaimType::Statistical)),
            ("pague _ leve", Cue::Lure),
        ]);
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
}
