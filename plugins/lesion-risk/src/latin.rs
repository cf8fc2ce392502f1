//! Lower case for Portuguese text without the Unicode case tables: ASCII and Latin-1 capitals
//! (À–Þ, but ×) fold to their small letters, everything else stays. The report's texts and
//! the locations clinics write are Portuguese; `str::to_lowercase` cost the module 18,189
//! bytes of its 200,000-byte budget (198,091 → 179,902 after `cargo xtask build-plugins`).

/// `text` in lower case (ASCII and Latin-1).
pub(crate) fn lower(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' => char::from_u32(c as u32 + 32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn portuguese_capitals_fold_and_the_rest_stays() {
        assert_eq!(super::lower("ÁREA Ótima ÇÃO × Ω"), "área ótima ção × Ω");
    }
}
