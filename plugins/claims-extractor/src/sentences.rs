//! Sentence splitting for health content: prose, headings, list items and social-media posts.
//!
//! A line break always ends a sentence (headings and list items stand on their own lines).
//! Within a line, a sentence ends after `.`, `!`, `?` or `…` (with any closing quotes,
//! brackets and emoji after them) when white space and a sentence start follow: a capital
//! letter, a digit, an opening quote or bracket, or an emoji — not a dash, which after a
//! quotation introduces who said it. It does not end after an
//! abbreviation (Dr., Dra., Sr., Prof., et al., e.g., p. ex., nº …) or an initial (Helena M.
//! Prado), and decimals (2,5 mg; 3.5 %) never hold white space. Social posts often end a
//! sentence with emoji and no stop: emoji followed by a new capitalised sentence end one too.
//! A hashtag starts a sentence, unless only hashtags follow it on its line: a caption's
//! trailing tags stay with its last sentence.

/// One sentence: character offsets into the text, end exclusive, without surrounding space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sentence {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// First byte.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
}

/// Words after which a full stop does not end a sentence (lower case, without the stop).
const ABBREVIATIONS: [&str; 40] = [
    "dr", "dra", "drs", "dras", "sr", "sra", "srs", "sras", "srta", "prof", "profa", "profs", "al",
    "e.g", "i.e", "eg", "ie", "ex", "nº", "n°", "no", "nos", "vs", "fig", "jr", "mr", "mrs", "ms",
    "st", "approx", "aprox", "cf", "tel", "av", "dept", "inc", "ltda", "min", "máx", "mín",
];

/// The sentences of `text`, in order.
pub(crate) fn split(text: &str) -> Vec<Sentence> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c == '\n' {
            push(&chars, text.len(), start, i, &mut out);
            start = i + 1;
            i += 1;
            continue;
        }
        let after_stop = is_stop(c) && !is_abbreviation(&chars, start, i);
        let after_emoji = is_emoji(c) && has_words(&chars, start, i);
        if after_stop || after_emoji {
            // The sentence takes the stops, closing marks and emoji that follow.
            let mut end = i + 1;
            while end < chars.len() && (is_stop(chars[end].1) || is_closing(chars[end].1)) {
                end += 1;
            }
            let mut look = end;
            loop {
                let mut k = look;
                while k < chars.len() && chars[k].1 == ' ' {
                    k += 1;
                }
                if k < chars.len() && (is_emoji(chars[k].1) || is_closing(chars[k].1)) && k > look {
                    // Emoji after the stop, separated by a space: still this sentence's.
                    let mut e = k;
                    while e < chars.len() && (is_emoji(chars[e].1) || is_closing(chars[e].1)) {
                        e += 1;
                    }
                    if next_starts_sentence(&chars, e) {
                        end = e;
                        look = e;
                        continue;
                    }
                }
                break;
            }
            if next_starts_sentence(&chars, end) {
                push(&chars, text.len(), start, end, &mut out);
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    push(&chars, text.len(), start, chars.len(), &mut out);
    out
}

/// Adds `chars[from..to]` trimmed of white space, if anything is left.
fn push(chars: &[(usize, char)], len: usize, from: usize, to: usize, out: &mut Vec<Sentence>) {
    let mut a = from;
    let mut b = to;
    while a < b && chars[a].1.is_whitespace() {
        a += 1;
    }
    while b > a && chars[b - 1].1.is_whitespace() {
        b -= 1;
    }
    if a < b {
        out.push(Sentence {
            start: a,
            end: b,
            byte_start: chars[a].0,
            byte_end: chars.get(b).map_or(len, |c| c.0),
        });
    }
}

fn is_stop(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closing(c: char) -> bool {
    matches!(c, ')' | ']' | '"' | '\'' | '»' | '”' | '’')
}

/// Pictographs, dingbats and the like, with their joiners and variation selectors.
fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x2190..=0x21FF | 0x2300..=0x23FF | 0x2600..=0x27BF | 0x2B00..=0x2BFF
        | 0x1F000..=0x1FAFF | 0xFE0F | 0x200D)
}

/// Whether white space and then a sentence start come at `at`.
fn next_starts_sentence(chars: &[(usize, char)], at: usize) -> bool {
    let Some(&(_, space)) = chars.get(at) else {
        return true;
    };
    if space == '\n' {
        return true;
    }
    if !space.is_whitespace() {
        return false;
    }
    let mut k = at;
    while k < chars.len() && chars[k].1 == ' ' {
        k += 1;
    }
    let Some(&(_, next)) = chars.get(k) else {
        return true;
    };
    if next == '#' {
        return !trailing_hashtags(chars, k);
    }
    next.is_uppercase()
        || next.is_ascii_digit()
        || is_emoji(next)
        || matches!(next, '"' | '“' | '«' | '(' | '[' | '¿' | '¡' | '@' | '•')
}

/// Whether the line from `at` to its end holds only hashtags (and emoji): the tags a caption
/// ends with belong to its last sentence ("… essa transformação 😱 #antesedepois").
fn trailing_hashtags(chars: &[(usize, char)], at: usize) -> bool {
    let line = chars[at..]
        .iter()
        .map(|&(_, c)| c)
        .take_while(|&c| c != '\n');
    let mut in_tag = false;
    for c in line {
        if c == '#' {
            in_tag = true;
        } else if c.is_whitespace() {
            in_tag = false;
        } else if !(in_tag || is_emoji(c)) {
            return false;
        }
    }
    true
}

/// Whether the stop at `at` follows an abbreviation or an initial.
fn is_abbreviation(chars: &[(usize, char)], start: usize, at: usize) -> bool {
    if chars[at].1 != '.' {
        return false;
    }
    // The word before the stop: letters, digits, `º`, `°` and inner dots (e.g, i.e).
    let mut k = at;
    while k > start {
        let c = chars[k - 1].1;
        if c.is_alphanumeric() || c == '.' || c == 'º' || c == '°' {
            k -= 1;
        } else {
            break;
        }
    }
    let word: String = chars[k..at].iter().map(|(_, c)| c).collect::<String>();
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Whether `chars[start..at]` holds a letter (a sentence, not a lone emoji or bullet).
fn has_words(chars: &[(usize, char)], start: usize, at: usize) -> bool {
    chars[start..at].iter().any(|(_, c)| c.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split(text)
            .into_iter()
            .map(|s| text[s.byte_start..s.byte_end].to_owned())
            .collect()
    }

    #[test]
    fn abbreviations_decimals_and_initials_do_not_end_a_sentence() {
        assert_eq!(
            texts(
                "A Dra. Helena M. Prado usa 2,5 mg (p. ex. à noite). Segundo Silva et al. o efeito é de 3.5%. Veja!"
            ),
            [
                "A Dra. Helena M. Prado usa 2,5 mg (p. ex. à noite).",
                "Segundo Silva et al. o efeito é de 3.5%.",
                "Veja!"
            ]
        );
    }

    #[test]
    fn lines_headings_and_emoji_end_sentences() {
        assert_eq!(
            texts(
                "Melasma: causas\n\n- Reduz manchas\n✨ Com a Dra. Luana! ✨ Resultado já 💉😍 Somos os melhores"
            ),
            [
                "Melasma: causas",
                "- Reduz manchas",
                "✨ Com a Dra. Luana! ✨",
                "Resultado já 💉😍",
                "Somos os melhores"
            ]
        );
    }

    #[test]
    fn offsets_are_characters() {
        let s = split("Ação. Él");
        assert_eq!((s[0].start, s[0].end, s[1].start, s[1].end), (0, 5, 6, 8));
    }
}
