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

/// A character that continues a word.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The character before byte `at`, if any.
pub fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

/// The character at byte `at`, if any.
pub fn char_at(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// Whether `start..end` is a whole word or number: no word character glued on either side.
pub fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    !char_before(text, start).is_some_and(is_word_char)
        && !char_at(text, end).is_some_and(is_word_char)
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

/// The last occurrence of `word` in `window` as a whole word; its byte offset.
pub fn rfind_word(window: &str, word: &str) -> Option<usize> {
    let mut end = window.len();
    while let Some(i) = window[..end].rfind(word) {
        if stands_alone(window, i, i + word.len()) {
            return Some(i);
        }
        end = i;
        if end == 0 {
            break;
        }
        end = window.floor_char_boundary(end);
    }
    None
}

/// The sentence around byte `at`: from after the previous sentence end to the next one.
///
/// Sentences end at a line break, or at `.`, `!`, `?` or `;` followed by a space, unless the
/// period closes an abbreviation (`Sr.`, `Dra.`) or sits between digits.
pub fn sentence_around(text: &str, at: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let lo = at.saturating_sub(MAX_SPAN);
    let hi = (at + MAX_SPAN).min(bytes.len());
    let ends_here = |i: usize| -> bool {
        match bytes[i] {
            b'\n' => true,
            b'!' | b'?' | b';' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
            b'.' => {
                bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
                    && !closes_abbreviation(text, i)
            }
            _ => false,
        }
    };
    let start = (lo..at).rev().find(|&i| ends_here(i)).map_or(lo, |i| i + 1);
    let end = (at..hi).find(|&i| ends_here(i)).unwrap_or(hi);
    text.floor_char_boundary(start)..text.floor_char_boundary(end)
}

fn closes_abbreviation(text: &str, period: usize) -> bool {
    let word_start = text[..period]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(period, |(i, _)| i);
    let word = text[word_start..period].to_lowercase();
    word.chars().count() == 1 || ABBREVIATIONS.contains(&word.as_str())
}

/// The paragraph around byte `at`: between blank lines (at most [`MAX_SPAN`] bytes each way).
pub fn paragraph_around(text: &str, at: usize) -> Range<usize> {
    let lo = text.floor_char_boundary(at.saturating_sub(MAX_SPAN));
    let hi = text.floor_char_boundary((at + MAX_SPAN).min(text.len()));
    let start = text[lo..at].rfind("\n\n").map_or(lo, |i| lo + i + 2);
    let end = text[at..hi].find("\n\n").map_or(hi, |i| at + i);
    start..end
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
mod tests {
    use super::*;

    #[test]
    fn sentences_skip_abbreviations_and_decimals() {
        let text = "Alta hoje. Sra. Ana tem HAS e F32.1 desde 2020. Retorno em 30 dias.";
        let at = text.find("HAS").unwrap();
        assert_eq!(
            &text[sentence_around(text, at)],
            " Sra. Ana tem HAS e F32.1 desde 2020"
        );
    }

    #[test]
    fn paragraphs_end_at_blank_lines() {
        let text = "um\n\ndois três\nquatro\n\ncinco";
        let at = text.find("três").unwrap();
        assert_eq!(&text[paragraph_around(text, at)], "dois três\nquatro");
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(rfind_word("cirurgia rg ", "rg"), Some(9));
        assert_eq!(rfind_word("cirurgia", "rg"), None);
        let text = "Ação: CPF 1";
        assert_eq!(window_before(text, text.find('1').unwrap(), 4), "cpf ");
        assert_eq!(
            char_ranges("ação ok ção", &[0..6, 10..15]),
            vec![0..4, 8..11]
        );
    }
}
