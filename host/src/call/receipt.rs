//! [`Receipt`]: a call's output with what answered it and where it was recorded.

/// A successful call: its output, the version that answered and its audit record.
///
/// The HTTP service puts the version and the record's sequence in response headers, so that a
/// clinic can trace any answer to the exact module and to its line in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt<T> {
    /// The output.
    pub output: T,
    /// The plugin that answered.
    pub plugin: String,
    /// Its version.
    pub version: String,
    /// The sha256 of the module that answered, lowercase hex.
    pub module_sha256: String,
    /// The sequence number of the call's audit record in the host's sink.
    pub audit_sequence: u64,
}
