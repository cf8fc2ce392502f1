//! [`Record`]: a WFDB record read whole, its header and the samples of every signal.

use std::path::Path;

use super::with_suffix;
use super::{Header, WfdbError, read_signals};

/// A WFDB record: its header and, per signal, its samples in ADC units.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The parsed header.
    pub header: Header,
    /// One vector per signal, in header order, all of the same length.
    pub signals: Vec<Vec<i16>>,
}

impl Record {
    /// Reads the record `record` (a path without extension, e.g. `data/mitdb/100`): its header
    /// `<record>.hea` and the signal files it names, from the header's directory.
    ///
    /// Sample counts and, where the header gives them, checksums are verified.
    pub fn open(record: impl AsRef<Path>) -> Result<Self, WfdbError> {
        let header_path = with_suffix(record.as_ref(), "hea");
        let header = Header::read(&header_path)?;
        let dir = match header_path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let signals = read_signals(&header, dir)?;
        Ok(Self { header, signals })
    }

    /// Samples per signal.
    pub fn len(&self) -> usize {
        self.signals.first().map_or(0, Vec::len)
    }

    /// Whether the record holds no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Signal `signal` in physical units (mV for ECGs): `(value - baseline) / gain`; `None` if
    /// the record has no such signal.
    pub fn physical(&self, signal: usize) -> Option<Vec<f64>> {
        let spec = self.header.signals.get(signal)?;
        Some(
            self.signals[signal]
                .iter()
                .map(|v| spec.to_physical(*v))
                .collect(),
        )
    }
}
