//! Case folding that keeps every byte offset: the word recognizers match lower-case patterns
//! against a folded copy of the text and report offsets into the original.
//!
//! ASCII `A`–`Z` and the Latin-1 capitals `À`–`Þ` (U+00C0–U+00DE, but not `×`) fold to their
//! lower case, whose UTF-8 encoding has the same length; every other character is copied as is.
//! That covers Portuguese, and spares the regex engine Unicode case tables (about 48 KB of wasm).

/// `text` with ASCII and Latin-1 capitals in lower case, byte for byte the same length.
pub fn fold_case(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'A'..=b'Z' => bytes[i] += 32,
            // U+00C0..=U+00DE is C3 80..=C3 9E; its lower case is C3 A0..=C3 BE. U+00D7 (×) is
            // C3 97 and has none.
            0xC3 if matches!(bytes.get(i + 1), Some(&b) if (0x80..=0x9E).contains(&b) && b != 0x97) =>
            {
                bytes[i + 1] += 32;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    String::from_utf8(bytes).expect("folding keeps UTF-8 valid")
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
    }
}
