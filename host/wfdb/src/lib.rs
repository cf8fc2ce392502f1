//! # medplug-wfdb — PhysioNet's waveform database format
//!
//! Dataset tooling, not part of running plugins: the `medplug ecg` command, the conformance
//! suite, the benchmarks and the demo score the ECG analyzer with it. It lives outside the host
//! library so that an embedder compiles none of it.
//!
//! Reads what the ECG analyzer is tested against: WFDB records (a header, [`Header`], and signal
//! files in formats 212 or 16, read whole into a [`Record`]), MIT-format annotation files
//! ([`read_annotations`]), and compares detected beats with reference annotations the way
//! ANSI/AAMI EC57 prescribes ([`match_beats`]).
//!
//! ```no_run
//! use medplug_wfdb::{Record, match_beats, match_window, read_annotations};
//!
//! # fn main() -> Result<(), medplug_wfdb::WfdbError> {
//! let record = Record::open("data/mitdb/100")?;
//! let lead = record.physical(0).unwrap_or_default(); // mV
//! let reference: Vec<u64> = read_annotations("data/mitdb/100", "atr")?
//!     .iter()
//!     .filter(|a| a.is_beat())
//!     .map(|a| a.sample)
//!     .collect();
//! # fn detect(_: &[f64]) -> Vec<u64> { Vec::new() }
//! let detected = detect(&lead); // R-peak samples from the detector under test
//! let score = match_beats(&reference, &detected, match_window(record.header.sampling_frequency));
//! println!("sensitivity {:?}", score.sensitivity());
//! # Ok(()) }
//! ```
//!
//! The formats are those of the WFDB Applications Guide: header(5)
//! <https://physionet.org/physiotools/wag/header-5.htm>, signal(5)
//! <https://physionet.org/physiotools/wag/signal-5.htm> and annot(5)
//! <https://physionet.org/physiotools/wag/annot-5.htm>. Every failure is a [`WfdbError`] naming
//! the file and what is wrong.

use std::path::{Path, PathBuf};

mod annotation;
mod beat_match;
mod error;
mod header;
mod mitdb;
mod record;
mod signal;
mod signal_spec;

pub use annotation::{Annotation, is_beat, parse_annotations, read_annotations, symbol};
pub use beat_match::{BeatMatch, match_beats, match_window};
pub use error::WfdbError;
pub use header::{DEFAULT_SAMPLING_FREQUENCY, Header};
pub use mitdb::{MITDB_DIR_ENV, MITDB_HOWTO, mitdb_dir};
pub use record::Record;
pub use signal::{checksum, read_signals};
pub use signal_spec::{DEFAULT_ADC_RESOLUTION, DEFAULT_GAIN, DEFAULT_UNITS, Format, SignalSpec};

/// `<record>.<suffix>`: a record's header (`hea`) or annotation file (`atr`, ...).
fn with_suffix(record: &Path, suffix: &str) -> PathBuf {
    let mut name = record.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod mitdb_100;
