//! PhysioNet WFDB files (crate `medplug-wfdb`): headers, signal files, annotation files.
//!
//! - [`header`]: `Header::parse` on any UTF-8 text; a header that parses names signals whose
//!   physical values can be computed.
//! - [`signal`]: the bytes before the first NUL are a header, the bytes after it the content of
//!   every signal file the header names (written to a scratch directory), then `read_signals`.
//!   Only headers whose file names are short plain names are read (a header may name `/dev/zero`;
//!   following it is not the parser's business). Signals that read must have one length, the
//!   header's when it gives one.
//! - [`annotation`]: `parse_annotations` on any bytes; every annotation has a symbol.

use std::collections::BTreeSet;
use std::path::Path;

use medplug_wfdb::{Header, Record, parse_annotations, read_signals};

use crate::scratch::Scratch;

/// Signal files a fuzzed header may name (each gets a copy of the signal bytes).
const MAX_SIGNAL_FILES: usize = 4;

/// The longest signal file name written (a file system refuses longer ones).
const MAX_FILE_NAME: usize = 64;

/// Signals a fuzzed header may declare before reading stops being worth an execution.
const MAX_SIGNALS: usize = 64;

/// `Header::parse` on the bytes as text.
pub fn header(data: &[u8]) {
    let Some(text) = crate::text(data) else {
        return;
    };
    let Ok(header) = Header::parse(text, Path::new("fuzz.hea")) else {
        return;
    };
    for spec in &header.signals {
        let _ = spec.to_physical(i16::MIN) + spec.to_physical(i16::MAX);
        let _ = spec.format.number();
    }
}

/// A header, a NUL, then the bytes of its signal files.
pub fn signal(data: &[u8]) {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (text, rest) = data.split_at(split);
    let bytes = rest.get(1..).unwrap_or_default();
    let Some(text) = crate::text(text) else {
        return;
    };
    let Ok(header) = Header::parse(text, Path::new("fuzz.hea")) else {
        return;
    };
    let files: BTreeSet<&str> = header
        .signals
        .iter()
        .map(|s| s.file_name.as_str())
        .collect();
    let plain = |name: &&str| {
        !name.is_empty()
            && name.len() <= MAX_FILE_NAME
            && *name != "."
            && *name != ".."
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    };
    if header.signals.len() > MAX_SIGNALS
        || files.len() > MAX_SIGNAL_FILES
        || !files.iter().all(plain)
    {
        return;
    }
    let scratch = Scratch::new("wfdb");
    for name in &files {
        std::fs::write(scratch.path().join(name), bytes).expect("a scratch signal file");
    }
    let Ok(signals) = read_signals(&header, scratch.path()) else {
        return;
    };
    assert_eq!(signals.len(), header.signals.len(), "one vector per signal");
    let len = signals.first().map_or(0, Vec::len);
    assert!(
        signals.iter().all(|s| s.len() == len),
        "every signal of a record has the same length"
    );
    if let Some(expected) = header.samples_per_signal
        && !header.signals.is_empty()
    {
        assert_eq!(
            len as u64, expected,
            "the header's length is the length read"
        );
    }
    let record = Record { header, signals };
    for k in 0..record.header.signals.len() {
        let physical = record.physical(k).expect("a signal the header names");
        assert_eq!(physical.len(), record.len());
    }
}

/// `parse_annotations` on the bytes.
pub fn annotation(data: &[u8]) {
    let Ok(annotations) = parse_annotations(data, Path::new("fuzz.atr")) else {
        return;
    };
    for annotation in &annotations {
        let _ = (annotation.symbol(), annotation.is_beat());
    }
}
