//! Case folding that keeps every byte offset: the word recognizers match lower-case patterns
//! against a folded copy of the text and report offsets into the original.
//!
//! ASCII `A`–`Z` and the Latin-1 capitals `À`–`Þ` (U+00C0–U+00DE, but not `×`) fold to their
//! lower case, whose UTF-8 encoding has the same length; every other character is copied as is.
//! That covers Portuguese, and spares the regex engine Unicode case tables (about 48 KB of wasm).

/// `text` with ASCII and Latin-1 capitals in lower case, byte for byte the same length.
///
/// ASCII first, in one pass that needs no UTF-8 check afterwards; then the Latin-1 capitals,
/// found by their lead byte `C3` (which never occurs inside another character).
pub fn fold_case(text: &str) -> String {
    let mut folded = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memchr(0xC3, &folded.as_bytes()[from..]).map(|i| from + i) {
        // U+00C0..=U+00DE is C3 80..=C3 9E; its lower case is C3 A0..=C3 BE. U+00D7 (×) is
        // C3 97 and has none.
        if let Some(&b) = folded.as_bytes().get(at + 1)
            && (0x80..=0x9E).contains(&b)
            && b != 0x97
        {
            let lower = char::from_u32(0xE0 + u32::from(b - 0x80)).expect("U+00E0..=U+00FE");
            folded.replace_range(at..at + 2, lower.encode_utf8(&mut [0; 2]));
        }
        from = at + 1;
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_portuguese_capitals_in_place() {
        let text = "ÁGUA, Ção, MÃE × São PAULO — Ü";
        let folded = fold_case(text);
        assert_eq!(folded, "água, ção, mãe × são paulo — ü");
        assert_eq!(folded.len(), text.len());
        // Every Latin-1 capital and its neighbours, against the Unicode lower case.
        let all: String = ('\u{A0}'..='\u{FF}').collect();
        let want: String = all
            .chars()
            .map(|c| match c {
                'À'..='Þ' if c != '×' => c.to_lowercase().next().unwrap_or(c),
                _ => c,
            })
            .collect();
        assert_eq!(fold_case(&all), want);
    }
}
