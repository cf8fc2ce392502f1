//! Words of a sentence, folded for matching: lower case without diacritics ("Não" → "nao",
//! "ÚNICO" → "unico"), so that cue lists are written once and match accented, unaccented and
//! capitalised text alike. Numbers keep their inner `.` and `,` (2,5; 1.500,00), and `%`, `$`,
//! `#` and `+` are words of their own, as are the emoji with which social posts show off a
//! result ([`SHOWCASE_EMOJI`]: 😱 🤯 😍 🔥 🤩), so that the phrase lists can name them.

/// One word: its folded form and where it is in the text, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Lower case, without diacritics.
    pub folded: String,
    /// First byte in the text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Word {
    /// Whether the word is a number (digits with inner `.` or `,`).
    pub fn is_number(&self) -> bool {
        self.folded.starts_with(|c: char| c.is_ascii_digit())
    }
}

/// Emoji that read as words: astonishment and desire at a result shown.
pub(crate) const SHOWCASE_EMOJI: [char; 9] = ['😱', '🤯', '😍', '🔥', '😮', '😳', '🤩', '😲', '💥'];

/// The words of `text[from..to]`, with byte offsets into `text`.
pub(crate) fn words(text: &str, from: usize, to: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let slice = &text[from..to];
    let mut chars = slice.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            let mut folded = String::new();
            push_folded(c, &mut folded);
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                let inner_mark = (d == '.' || d == ',') && c.is_ascii_digit();
                if d.is_alphanumeric() {
                    push_folded(d, &mut folded);
                } else if inner_mark && next_is_digit(slice, j + 1) {
                    folded.push(d);
                } else {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push(Word {
                folded,
                start: from + i,
                end: from + end,
            });
        } else if matches!(c, '%' | '$' | '#' | '+') || SHOWCASE_EMOJI.contains(&c) {
            out.push(Word {
                folded: c.to_string(),
                start: from + i,
                end: from + i + c.len_utf8(),
            });
        }
    }
    out
}

fn next_is_digit(s: &str, at: usize) -> bool {
    s[at..].starts_with(|c: char| c.is_ascii_digit())
}

/// Appends `c` lower-cased and without its diacritic.
fn push_folded(c: char, out: &mut String) {
    let plain = match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        other => {
            out.extend(other.to_lowercase());
            return;
        }
    };
    out.push(plain);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        words(text, 0, text.len())
            .into_iter()
            .map(|w| w.folded)
            .collect()
    }

    #[test]
    fn words_fold_case_and_accents_and_keep_numbers_whole() {
        assert_eq!(
            folded("Não há CURA: 2,5 mg, R$ 1.500,00 e 97% dos pacientes."),
            [
                "nao",
                "ha",
                "cura",
                "2,5",
                "mg",
                "r",
                "$",
                "1.500,00",
                "e",
                "97",
                "%",
                "dos",
                "pacientes"
            ]
        );
        let text = "Única ação";
        let w = words(text, 0, text.len());
        assert_eq!(&text[w[1].start..w[1].end], "ação");
    }
}
