//! [`WfdbError`]: every way reading a WFDB record or annotation file can fail, each naming the
//! file and what is wrong with it.

use std::path::PathBuf;

/// Everything that can go wrong reading a WFDB header, signal file or annotation file.
///
/// Messages are lowercase, name the file, and say what is wrong (a header line by its number, an
/// annotation file by its byte offset).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WfdbError {
    /// A file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A header line does not follow the header format.
    #[error("{path} line {line}: {message}")]
    HeaderLine {
        /// The header file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
    /// The header has no record line (it is empty or holds only comments).
    #[error("{path}: no record line (the file is empty or holds only comments)")]
    MissingRecordLine {
        /// The header file.
        path: PathBuf,
    },
    /// The header has fewer signal lines than its record line announces.
    #[error("{path}: the record line announces {expected} signals but {found} signal lines follow")]
    MissingSignalLines {
        /// The header file.
        path: PathBuf,
        /// Signals announced by the record line.
        expected: usize,
        /// Signal lines present.
        found: usize,
    },
    /// A signal is stored in a format this reader does not decode.
    #[error(
        "{path} line {line}: signal {signal} is stored in format {format}; only formats 212 and 16 are supported"
    )]
    UnsupportedFormat {
        /// The header file.
        path: PathBuf,
        /// 1-based line number of the signal line.
        line: usize,
        /// 0-based signal number.
        signal: usize,
        /// The WFDB format number.
        format: u32,
    },
    /// The header uses a WFDB feature this reader does not implement (multi-segment records,
    /// several samples per frame, skew).
    #[error("{path} line {line}: {feature} is not supported")]
    Unsupported {
        /// The header file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The feature, with the value found.
        feature: String,
    },
    /// A signal file holds a different number of samples than the header says.
    #[error(
        "{path} holds {found} samples per signal but the header says {expected}: the file is truncated or does not belong to this header"
    )]
    SampleCount {
        /// The signal file.
        path: PathBuf,
        /// Samples per signal the header announces.
        expected: u64,
        /// Whole samples per signal the file holds.
        found: u64,
    },
    /// The header gives no length and two signal files of the record hold different numbers of
    /// samples per signal.
    #[error("{path} holds {found} samples per signal but {other} holds {expected}")]
    UnequalLengths {
        /// The signal file.
        path: PathBuf,
        /// Whole samples per signal it holds.
        found: u64,
        /// An earlier signal file of the record.
        other: PathBuf,
        /// Samples per signal that one holds.
        expected: u64,
    },
    /// A signal file of a record whose header gives no length ends inside a frame.
    #[error(
        "{path} ends inside a frame: {len} bytes do not hold a whole number of {signals}-signal frames"
    )]
    PartialFrame {
        /// The signal file.
        path: PathBuf,
        /// File length in bytes (after the byte offset).
        len: u64,
        /// Signals stored in the file.
        signals: usize,
    },
    /// The 16-bit sum of a signal's samples differs from the header's checksum.
    #[error(
        "{path}: signal {signal} ({description}) has checksum {computed} but the header says {expected}: the signal file is corrupt"
    )]
    Checksum {
        /// The signal file.
        path: PathBuf,
        /// 0-based signal number.
        signal: usize,
        /// The signal's description in the header.
        description: String,
        /// The header's checksum.
        expected: i16,
        /// The sum of the samples read.
        computed: i16,
    },
    /// An annotation file ends in the middle of a word, a SKIP interval or an AUX string, or
    /// before its end-of-file word.
    #[error("{path} is truncated at byte {offset}: {message}")]
    AnnotationTruncated {
        /// The annotation file.
        path: PathBuf,
        /// Byte offset where data was missing.
        offset: u64,
        /// What was being read.
        message: String,
    },
    /// An annotation file holds something the MIT format does not allow.
    #[error("{path} byte {offset}: {message}")]
    InvalidAnnotation {
        /// The annotation file.
        path: PathBuf,
        /// Byte offset of the offending word.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// The MIT-BIH Arrhythmia Database records were not found where tests look for them.
    #[error(
        "mit-bih arrhythmia database not found: {reason}; {}",
        crate::MITDB_HOWTO
    )]
    MitdbNotFound {
        /// Where it was looked for, and why that failed.
        reason: String,
    },
}

impl WfdbError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
