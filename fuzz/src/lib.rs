//! # medplug-fuzz — coverage-guided fuzzing of every parser of untrusted bytes
//!
//! One function per target, `fn(&[u8])`, that feeds the bytes to a parser and panics only on a
//! real bug: a panic inside the code under test, or an answer that breaks its own contract (a
//! plugin's output that does not validate against its published schema, a signature that does
//! not read back what it wrote). Everything a parser may legitimately refuse is an `Err`, and the
//! target returns.
//!
//! The same functions run in two places:
//! - `cargo xtask fuzz [TARGET] [--time S]`: the instrumented binary `medplug-fuzz` (feature
//!   `afl`, built by `cargo afl build`) under AFL++, the target named by its first argument;
//! - `tests/replay.rs`: every file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`,
//!   replayed as an ordinary test, so `cargo test --workspace` keeps them passing.
//!
//! The targets, by family: [`config`] (the policy TOML, signature files), [`module`] (module
//! loading and `inspect`), [`wfdb`] (headers, signals, annotations), [`schema`] (the schema guard
//! against every published schema), [`audit`] (`audit verify` on a database file), [`plugins`]
//! (each reference plugin natively, JSON and text). [`seeds`] writes the inputs that cannot be
//! files of the repository (a fresh audit database, hand-written modules, signed modules).

pub mod audit;
pub mod config;
pub mod module;
pub mod plugins;
pub mod schema;
mod scratch;
pub mod seeds;
pub mod wfdb;

/// A fuzz target: bytes in, a panic only on a bug.
pub type Target = fn(&[u8]);

/// Every target, by name: the names of `fuzz/corpus/<name>/` and of `cargo xtask fuzz <name>`.
pub const TARGETS: &[(&str, Target)] = &[
    ("policy", config::policy),
    ("signature", config::signature),
    ("module", module::module),
    ("wfdb_header", wfdb::header),
    ("wfdb_signal", wfdb::signal),
    ("wfdb_annotation", wfdb::annotation),
    ("schema_guard", schema::schema_guard),
    ("audit_verify", audit::audit_verify),
    ("lgpd", plugins::lgpd),
    ("ecg", plugins::ecg),
    ("claims", plugins::claims),
    ("lesion", plugins::lesion),
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The bytes as text, when they are UTF-8: most parsers here take `&str`, and their callers
/// refuse a file that is not UTF-8 before they see it.
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}
