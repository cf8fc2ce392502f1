//! Text helpers shared by the recognizers: word boundaries, context windows, sentences,
//! paragraphs, and byte-to-character offsets.

use std::ops::Range;

/// Bytes searched on each side for a sentence or paragraph end; bounds the work per match so a
/// text without punctuation stays linear.
const MAX_SPAN: usize = 2_000;

/// Abbreviations whose period does not end a sentence (lower case, without the period).
const ABBREVIATIONS: [&str; 14] = [
    "sr", "sra", "srta", "dr", "dra", "prof", "profa", "enf", "pct", "pcte", "nº", "n", "tel",
    "cel",
];

/// The bytes that may end a sentence or a paragraph, as a table: one lookup per byte of text.
const MAY_END: [bool; 256] = {
    let mut table = [false; 256];
    table[b'\n' as usize] = true;
    table[b'.' as usize] = true;
    table[b'!' as usize] = true;
    table[b'?' as usize] = true;
    table[b';' as usize] = true;
    table
};

/// Portuguese function words — articles, prepositions and their contractions, conjunctions —
/// in lower case: they never name a medicine nor end a health term.
const FUNCTION_WORDS: [&str; 24] = [
    "e", "ou", "a", "o", "as", "os", "um", "uma", "de", "do", "da", "dos", "das", "em", "no", "na",
    "com", "sem", "por", "pra", "para", "até", "que", "se",
];

/// Whether `word` is one of [`FUNCTION_WORDS`], in any ASCII case ("Para", "ATÉ" as "ATé" is
/// not, which no text writes).
pub fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// A character that continues a word: alphanumeric in Unicode's sense, or `_`. Latin-1, which
/// is nearly all of Portuguese text, is answered without Unicode's tables.
pub fn is_word_char(c: char) -> bool {
    match c {
        '0'..='9' | 'a'..='z' | 'A'..='Z' | '_' => true,
        // Latin-1's letters and numbers (Unicode L* and N*): ª µ º, À–Ö, Ø–ö, ø–ÿ, ² ³ ¹ ¼ ½ ¾.
        'ª' | 'µ' | 'º' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ÿ' | '²' | '³' | '¹' | '¼'..='¾' => {
            true
        }
        '\0'..='\u{ff}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// The character before byte `at`, if any.
pub fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

/// The character at byte `at`, if any.
pub fn char_at(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// The identity of a value: its letters and digits, lower-cased. Two spellings of one value
/// (`529.982.247-25` and `52998224725`, `MARIA` and `Maria`) have one key.
pub fn value_key(raw: &str) -> String {
    let mut key = String::with_capacity(raw.len());
    for c in raw.chars() {
        // ASCII first: identifiers, contacts and most names need no Unicode table.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                key.push(c.to_ascii_lowercase());
            }
        } else if c.is_alphanumeric() {
            key.extend(c.to_lowercase());
        }
    }
    key
}

/// Where the line holding byte `at` starts, if it starts within `reach` bytes before `at`.
/// Bounded, so that a check made at every term stays linear in a text without line breaks.
pub fn line_start_within(text: &str, at: usize, reach: usize) -> Option<usize> {
    let from = text.floor_char_boundary(at.saturating_sub(reach));
    match text[from..at].rfind('\n') {
        Some(i) => Some(from + i + 1),
        None if from == 0 => Some(0),
        None => None,
    }
}

/// Where the line holding byte `at` ends, if it ends within `reach` bytes after `at`.
pub fn line_end_within(text: &str, at: usize, reach: usize) -> Option<usize> {
    let to = text.ceil_char_boundary((at + reach).min(text.len()));
    match text[at..to].find('\n') {
        Some(i) => Some(at + i),
        None if to == text.len() => Some(to),
        None => None,
    }
}

/// Up to `chars` characters before byte `at`, lower-cased.
pub fn window_before(text: &str, at: usize, chars: usize) -> String {
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    text[start..at].to_lowercase()
}

/// Sentence and paragraph boundaries of a text, found in one pass so that each match's
/// sentence is a binary search away.
///
/// Sentences end at a line break, or at `.`, `!`, `?` or `;` followed by a space, unless the
/// period closes an abbreviation (`Sr.`, `Dra.`) or a single letter. Paragraphs end at a blank
/// line. A range never reaches more than [`MAX_SPAN`] bytes from the byte it was asked about, so
/// a text without punctuation stays linear.
pub struct Segments {
    sentence_ends: Vec<usize>,
    paragraph_breaks: Vec<usize>,
    len: usize,
}

impl Segments {
    /// Finds the boundaries of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut sentence_ends = Vec::new();
        let mut paragraph_breaks = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            if !MAY_END[usize::from(b)] {
                continue;
            }
            let spaced = || bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
            let ends = match b {
                b'\n' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        paragraph_breaks.push(i);
                    }
                    true
                }
                b'!' | b'?' | b';' => spaced(),
                b'.' => spaced() && !closes_abbreviation(text, i),
                _ => false,
            };
            if ends {
                sentence_ends.push(i);
            }
        }
        Self {
            sentence_ends,
            paragraph_breaks,
            len: text.len(),
        }
    }

    /// The sentence around byte `at`.
    pub fn sentence(&self, at: usize) -> Range<usize> {
        self.around(&self.sentence_ends, 1, at)
    }

    /// The paragraph around byte `at`.
    pub fn paragraph(&self, at: usize) -> Range<usize> {
        self.around(&self.paragraph_breaks, 2, at)
    }

    fn around(&self, ends: &[usize], width: usize, at: usize) -> Range<usize> {
        let next = ends.partition_point(|&e| e < at);
        let start = next.checked_sub(1).map_or(0, |p| ends[p] + width);
        let end = ends.get(next).copied().unwrap_or(self.len);
        start.max(at.saturating_sub(MAX_SPAN)).min(at)..end.min(at + MAX_SPAN).max(at)
    }
}

fn closes_abbreviation(text: &str, period: usize) -> bool {
    let word_start = text[..period]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(period, |(i, _)| i);
    let word = &text[word_start..period];
    word.chars().count() == 1
        || ABBREVIATIONS
            .iter()
            .any(|a| a.len() == word.len() && a.eq_ignore_ascii_case(word))
}

/// Converts sorted, non-overlapping byte ranges to character ranges in one pass.
pub fn char_ranges(text: &str, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let (mut byte, mut chars) = (0usize, 0usize);
    let mut advance = |to: usize| {
        chars += text[byte..to].chars().count();
        byte = to;
        chars
    };
    ranges
        .iter()
        .map(|r| {
            let start = advance(r.start);
            start..advance(r.end)
        })
        .collect()
}

#[cfg(test)]
mod latin1_tests {
    use super::{is_word_char, line_end_within, line_start_within};

    #[test]
    fn a_line_is_found_only_within_reach() {
        let text = "abc\ndef ghi\njkl";
        assert_eq!(line_start_within(text, 8, 10), Some(4));
        assert_eq!(line_start_within(text, 2, 10), Some(0));
        assert_eq!(line_start_within(text, 8, 3), None);
        assert_eq!(line_end_within(text, 4, 10), Some(11));
        assert_eq!(line_end_within(text, 13, 10), Some(15));
        assert_eq!(line_end_within(text, 4, 3), None);
    }

    #[test]
    fn latin1_word_characters_agree_with_unicode() {
        for c in '\0'..='\u{ff}' {
            assert_eq!(is_word_char(c), c.is_alphanumeric() || c == '_', "{c:?}");
        }
        assert!(is_word_char('ł') && !is_word_char('—'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_skip_abbreviations_and_decimals() {
        let text = "Alta hoje. Sra. Ana tem HAS e F32.1 desde 2020. Retorno em 30 dias.";
        let at = text.find("HAS").unwrap();
        assert_eq!(
            &text[Segments::new(text).sentence(at)],
            " Sra. Ana tem HAS e F32.1 desde 2020"
        );
    }

    #[test]
    fn paragraphs_end_at_blank_lines() {
        let text = "um\n\ndois três\nquatro\n\ncinco";
        let at = text.find("três").unwrap();
        assert_eq!(
            &text[Segments::new(text).paragraph(at)],
            "dois três\nquatro"
        );
        assert_eq!(&text[Segments::new(text).paragraph(1)], "um");
    }

    #[test]
    fn value_keys_fold_case_and_drop_punctuation() {
        assert_eq!(value_key("529.982.247-25"), "52998224725");
        assert_eq!(value_key("MARIA da CONCEIÇÃO"), "mariadaconceição");
        assert_eq!(value_key("Ana-Lúcia D'Ávila"), "analúciadávila");
    }

    #[test]
    fn whole_words_only() {
        let text = "Ação: CPF 1";
        assert_eq!(window_before(text, text.find('1').unwrap(), 4), "cpf ");
        assert_eq!(
            char_ranges("ação ok ção", &[0..6, 10..15]),
            vec![0..4, 8..11]
        );
    }
}
