//! The key a vocabulary term is stored under and a text is looked up by: lower case, accents
//! dropped, words joined by one space. `build.rs` includes this file to build the vocabulary's
//! FST and `vocabulary` walks the text with it, so both sides agree on every byte.
//!
//! Dropping accents lets one entry match the ways people type a word: "pré-eclâmpsia",
//! "pre-eclampsia", "PRÉ-ECLÂMPSIA". Portuguese needs only the Latin-1 letters (U+00C0–U+00FF);
//! any other character ends a term.

/// What one character contributes to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A letter, digit or joiner, as this ASCII byte.
    Byte(u8),
    /// White space between two words; a run of it is one space in the key.
    Space,
    /// A character no term contains: a term cannot run through it.
    Stop,
}

/// The step for one character.
pub fn step(c: char) -> Step {
    match c {
        'a'..='z' | '0'..='9' | '-' | '/' | '+' => Step::Byte(c as u8),
        'A'..='Z' => Step::Byte(c.to_ascii_lowercase() as u8),
        ' ' | '\t' | '\n' | '\r' | '\u{a0}' => Step::Space,
        'à'..='å' | 'À'..='Å' => Step::Byte(b'a'),
        'ç' | 'Ç' => Step::Byte(b'c'),
        'è'..='ë' | 'È'..='Ë' => Step::Byte(b'e'),
        'ì'..='ï' | 'Ì'..='Ï' => Step::Byte(b'i'),
        'ñ' | 'Ñ' => Step::Byte(b'n'),
        'ò'..='ö' | 'Ò'..='Ö' => Step::Byte(b'o'),
        'ù'..='ü' | 'Ù'..='Ü' => Step::Byte(b'u'),
        'ý' | 'ÿ' | 'Ý' => Step::Byte(b'y'),
        _ => Step::Stop,
    }
}

/// The key of a vocabulary term, or `None` when the term holds a character no text could match
/// (punctuation other than `-`, `/` and `+`) or no letter at all.
#[allow(
    dead_code,
    reason = "build.rs builds the keys; the module only steps through text"
)]
pub fn key(term: &str) -> Option<Vec<u8>> {
    let mut key = Vec::with_capacity(term.len());
    for c in term.trim().chars() {
        match step(c) {
            Step::Byte(b) => key.push(b),
            Step::Space if key.last() == Some(&b' ') => {}
            Step::Space => key.push(b' '),
            Step::Stop => return None,
        }
    }
    key.iter().any(u8::is_ascii_alphabetic).then_some(key)
}

/// The bits of the first-word filter: about 13,000 distinct first words set under 5% of them.
pub const FIRST_WORD_BITS: usize = 1 << 18;

/// FNV-1a (32 bits), fed one key byte at a time: the hash of a term's first word, and of a
/// text's word as the matcher reads it.
#[derive(Debug, Clone, Copy)]
pub struct WordHash(u32);

impl WordHash {
    /// The hash of no byte.
    pub const fn new() -> Self {
        Self(0x811c_9dc5)
    }

    /// The hash with `byte` appended.
    pub const fn push(self, byte: u8) -> Self {
        Self((self.0 ^ byte as u32).wrapping_mul(0x0100_0193))
    }

    /// Its bit in the first-word filter.
    pub const fn bit(self) -> usize {
        self.0 as usize % FIRST_WORD_BITS
    }
}

/// The first word of a key: up to its first space.
#[allow(
    dead_code,
    reason = "build.rs builds the filter; the module hashes text as it reads it"
)]
pub fn first_word(key: &[u8]) -> &[u8] {
    key.split(|&b| b == b' ').next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_drop_case_and_accents_and_collapse_space() {
        let k = |t: &str| key(t).map(|k| String::from_utf8(k).unwrap());
        assert_eq!(k("Pré-Eclâmpsia").as_deref(), Some("pre-eclampsia"));
        assert_eq!(
            k("  insuficiência   cardíaca ").as_deref(),
            Some("insuficiencia cardiaca")
        );
        assert_eq!(k("Ação Ñ ü").as_deref(), Some("acao n u"));
        assert_eq!(k("covid-19").as_deref(), Some("covid-19"));
        assert_eq!(k("dor (aguda)"), None);
        assert_eq!(k("12"), None);
    }

    #[test]
    fn a_first_word_hashes_alike_byte_by_byte() {
        let hash = |bytes: &[u8]| bytes.iter().fold(WordHash::new(), |h, &b| h.push(b)).bit();
        assert_eq!(first_word(b"diabetes mellitus"), b"diabetes");
        assert_eq!(first_word(b"asma"), b"asma");
        assert_eq!(hash(b"diabetes"), hash(first_word(b"diabetes mellitus")));
        assert_ne!(hash(b"diabetes"), hash(b"diabete"));
        assert!(hash(b"qualquer") < FIRST_WORD_BITS);
    }
}
