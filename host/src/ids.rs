//! Ids — of tenants, plugins, patients, specialties and keys — and how values appear in errors.
//!
//! One rule for every id: 1 to [`MAX_ID_BYTES`] bytes of ASCII letters, digits, `_`, `.` and
//! `-`, so that an id fits in a file name, a SQL row and a log line without escaping.

/// The longest id, in bytes.
pub(crate) const MAX_ID_BYTES: usize = 64;

/// Whether `b` may appear in an id.
pub(crate) fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Whether `id` follows the rule.
pub(crate) fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_BYTES && id.bytes().all(is_id_byte)
}

/// `value` quoted with escapes (no line breaks reach a log), cut to 64 characters.
pub(crate) fn quote(value: &str) -> String {
    const MAX_CHARS: usize = 64;
    match value.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{:?}…", &value[..end]),
        None => format!("{value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_and_cuts() {
        assert_eq!(quote("a\nb"), r#""a\nb""#);
        let long = "x".repeat(100);
        assert_eq!(quote(&long), format!("{:?}…", "x".repeat(64)));
    }

    #[test]
    fn ids_are_short_plain_ascii() {
        assert!(is_valid_id("clinica-horizonte"));
        assert!(is_valid_id("HZ_0001.v2"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("clínica"));
        assert!(!is_valid_id("a b"));
        assert!(is_valid_id(&"a".repeat(64)));
        assert!(!is_valid_id(&"a".repeat(65)));
    }
}
