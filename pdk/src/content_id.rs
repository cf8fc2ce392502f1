//! A deterministic id for an analysis: FNV-1a (64-bit) over what was analysed.
//!
//! The design documents' answers carry an `analysis_id` whose format they leave open. A plugin
//! has no clock and no random source (no WASI), and the same input must give the same output
//! (the conformance suite's `deterministic` check), so the id is a hash of the content: the same
//! signal analysed twice has the same id. FNV-1a (Fowler, Noll and Vo; IETF
//! draft-eastlake-fnv) is not cryptographic: the id names an analysis and protects nothing, and
//! the plugins compute it without the patient's id.

/// FNV-1a, 64-bit, fed field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentId(u64);

impl Default for ContentId {
    fn default() -> Self {
        Self::new()
    }
}

impl ContentId {
    /// FNV-1a's 64-bit offset basis.
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    /// FNV-1a's 64-bit prime.
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    /// A hash of nothing yet.
    pub const fn new() -> Self {
        Self(Self::OFFSET_BASIS)
    }

    /// Feeds `bytes` as they are (for fixed-size values such as a sample's eight bytes).
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME);
        }
        self
    }

    /// Feeds a variable-length field, its length first, so that `("ab", "c")` and `("a", "bc")`
    /// hash apart.
    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.bytes(&(bytes.len() as u64).to_le_bytes()).bytes(bytes)
    }

    /// The id: `prefix`, a dash and the hash in 16 lowercase hex digits (`ecg-00af…`).
    pub fn id(&self, prefix: &str) -> String {
        format!("{prefix}-{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::ContentId;

    #[test]
    fn known_fnv1a_values_and_field_boundaries() {
        // FNV-1a 64 of "" and of "a", from the reference tables.
        assert_eq!(ContentId::new().id("x"), "x-cbf29ce484222325");
        assert_eq!(ContentId::new().bytes(b"a").id("x"), "x-af63dc4c8601ec8c");
        let ab_c = ContentId::new().field(b"ab").field(b"c").id("x");
        let a_bc = ContentId::new().field(b"a").field(b"bc").id("x");
        assert_ne!(ab_c, a_bc);
    }
}
