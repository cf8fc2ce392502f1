//! `audit verify` (`verify_file`, host/src/services/audit/verify.rs) on a mutated database file.
//!
//! The bytes are written as the database file of a scratch directory (no WAL beside it) and
//! verified. SQLite refuses what is not a database; what the fuzzer reaches is the walk over
//! records whose columns and JSON are wrong in every way. The contract: a database that cannot
//! be read is an `Err`, a broken chain is a report that names its break, and neither panics.
//! The seed is a real trail of a few records ([`crate::seeds`]).

use medplug_host::audit::verify_file;

use crate::scratch::Scratch;

/// `verify_file` on the bytes as a database file.
pub fn audit_verify(data: &[u8]) {
    let scratch = Scratch::new("audit");
    let path = scratch.path().join("audit.db");
    std::fs::write(&path, data).expect("a scratch database file");
    match verify_file(&path) {
        Ok(report) => {
            let _ = report.to_string();
            if let Some(brk) = &report.first_break {
                assert!(!report.is_intact());
                let _ = brk.to_string();
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}
