//! [`Header`]: a WFDB header file (`.hea`), its record line and one [`SignalSpec`] per signal.
//!
//! The format is the WFDB Applications Guide's header(5),
//! <https://physionet.org/physiotools/wag/header-5.htm>; the storage formats are signal(5),
//! <https://physionet.org/physiotools/wag/signal-5.htm>. Defaults for absent fields are the ones
//! header(5) gives. Multi-segment records, several samples per frame and skew are refused with
//! [`WfdbError::Unsupported`]; formats other than 212 and 16 with [`WfdbError::UnsupportedFormat`].

use std::path::Path;

use super::signal_spec::{check_group, parse_signal_line};
use super::{SignalSpec, WfdbError};

/// Sampling frequency assumed when the record line gives none (header(5)).
pub const DEFAULT_SAMPLING_FREQUENCY: f64 = 250.0;

/// A parsed WFDB header: the record line and the signal lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Record name (letters, digits and underscores).
    pub record_name: String,
    /// Samples per second per signal; [`DEFAULT_SAMPLING_FREQUENCY`] when absent.
    pub sampling_frequency: f64,
    /// Counter ticks per second; the sampling frequency when absent or not positive.
    pub counter_frequency: f64,
    /// Counter value of sample 0; 0 when absent.
    pub base_counter: f64,
    /// Samples per signal; `None` when absent or zero (the length is then unspecified and
    /// checksums are not verified).
    pub samples_per_signal: Option<u64>,
    /// Time of day of sample 0 (`HH:MM:SS`), as written.
    pub base_time: Option<String>,
    /// Date of sample 0 (`DD/MM/YYYY`), as written.
    pub base_date: Option<String>,
    /// One entry per signal, in header order.
    pub signals: Vec<SignalSpec>,
    /// Info strings: comment lines after the last signal line, without their `#`.
    pub info: Vec<String>,
}

impl Header {
    /// Reads and parses the header file at `path`.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, WfdbError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| WfdbError::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses header text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, WfdbError> {
        let mut header: Option<Self> = None;
        let mut expected_signals = 0;
        for (index, raw) in text.lines().enumerate() {
            let at = LineAt {
                path,
                line: index + 1,
            };
            // `lines` leaves a carriage return that header(5) allows before each linefeed.
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            match &mut header {
                None if line.starts_with('#') => {}
                None => {
                    let (parsed, signals) = parse_record_line(line, &at)?;
                    expected_signals = signals;
                    header = Some(parsed);
                }
                Some(h) if line.starts_with('#') => {
                    if h.signals.len() == expected_signals {
                        h.info.push(line[1..].trim().to_owned());
                    }
                }
                // header(5): extra signal lines are disregarded.
                Some(h) if h.signals.len() == expected_signals => {}
                Some(h) => {
                    let spec = parse_signal_line(line, h.signals.len(), &at)?;
                    check_group(&h.signals, &spec, &at)?;
                    h.signals.push(spec);
                }
            }
        }
        let header = header.ok_or_else(|| WfdbError::MissingRecordLine {
            path: path.to_owned(),
        })?;
        if header.signals.len() < expected_signals {
            return Err(WfdbError::MissingSignalLines {
                path: path.to_owned(),
                expected: expected_signals,
                found: header.signals.len(),
            });
        }
        Ok(header)
    }
}

/// Where a line is, for errors.
pub(super) struct LineAt<'a> {
    pub(super) path: &'a Path,
    pub(super) line: usize,
}

impl LineAt<'_> {
    pub(super) fn error(&self, message: impl Into<String>) -> WfdbError {
        WfdbError::HeaderLine {
            path: self.path.to_owned(),
            line: self.line,
            message: message.into(),
        }
    }

    pub(super) fn unsupported(&self, feature: impl Into<String>) -> WfdbError {
        WfdbError::Unsupported {
            path: self.path.to_owned(),
            line: self.line,
            feature: feature.into(),
        }
    }
}

/// Parses the record line; returns the header (without signals) and the number of signals.
fn parse_record_line(line: &str, at: &LineAt<'_>) -> Result<(Header, usize), WfdbError> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let name = fields[0];
    if let Some((_, segments)) = name.split_once('/') {
        return Err(at.unsupported(format!(
            "a multi-segment record ({segments} segments in `{name}`)"
        )));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(at.error(format!(
            "record name `{name}` may hold only letters, digits and underscores"
        )));
    }
    let signals_field = fields
        .get(1)
        .ok_or_else(|| at.error("the record line has no number of signals"))?;
    let signals: usize = signals_field.parse().map_err(|_| {
        at.error(format!(
            "number of signals `{signals_field}` is not a whole number"
        ))
    })?;
    let mut header = Header {
        record_name: name.to_owned(),
        sampling_frequency: DEFAULT_SAMPLING_FREQUENCY,
        counter_frequency: DEFAULT_SAMPLING_FREQUENCY,
        base_counter: 0.0,
        samples_per_signal: None,
        base_time: None,
        base_date: None,
        // Not `with_capacity(signals)`: the count is the file's word, and a header claiming
        // billions of signals must be refused for its missing lines, not abort on allocation.
        signals: Vec::new(),
        info: Vec::new(),
    };
    if let Some(field) = fields.get(2) {
        parse_frequencies(field, &mut header, at)?;
    }
    if let Some(field) = fields.get(3) {
        let samples: u64 = field.parse().map_err(|_| {
            at.error(format!(
                "number of samples per signal `{field}` is not a whole number"
            ))
        })?;
        header.samples_per_signal = (samples > 0).then_some(samples);
    }
    header.base_time = fields.get(4).map(|s| (*s).to_owned());
    header.base_date = fields.get(5).map(|s| (*s).to_owned());
    if let Some(extra) = fields.get(6) {
        return Err(at.error(format!("unexpected field `{extra}` after the base date")));
    }
    Ok((header, signals))
}

/// `freq[/counter_freq[(base_counter)]]`.
fn parse_frequencies(field: &str, header: &mut Header, at: &LineAt<'_>) -> Result<(), WfdbError> {
    let (sampling, counter) = match field.split_once('/') {
        Some((s, c)) => (s, Some(c)),
        None => (field, None),
    };
    header.sampling_frequency = positive(sampling).ok_or_else(|| {
        at.error(format!(
            "sampling frequency `{sampling}` is not a positive number"
        ))
    })?;
    header.counter_frequency = header.sampling_frequency;
    let Some(counter) = counter else {
        return Ok(());
    };
    let (frequency, base) = match counter.split_once('(') {
        Some((f, rest)) => {
            let base = rest.strip_suffix(')').ok_or_else(|| {
                at.error(format!(
                    "base counter value in `{field}` lacks its closing `)`"
                ))
            })?;
            (f, Some(base))
        }
        None => (counter, None),
    };
    let frequency: f64 = finite(frequency)
        .ok_or_else(|| at.error(format!("counter frequency `{frequency}` is not a number")))?;
    // header(5): a counter frequency that is not positive means the sampling frequency.
    if frequency > 0.0 {
        header.counter_frequency = frequency;
    }
    if let Some(base) = base {
        header.base_counter = finite(base)
            .ok_or_else(|| at.error(format!("base counter value `{base}` is not a number")))?;
    }
    Ok(())
}

pub(super) fn finite(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn positive(text: &str) -> Option<f64> {
    finite(text).filter(|v| *v > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    fn parse(text: &str) -> Result<Header, WfdbError> {
        Header::parse(text, Path::new("r.hea"))
    }

    #[test]
    fn parses_every_field_and_fills_defaults() -> anyhow::Result<()> {
        let h = parse(
            "# leading comment\r\n\
             rec_1 3 360/180(5) 1000 12:05:00 25/4/1989\r\n\
             a.dat 212 200(1000)/uV 11 1024 995 -22131 0 MLII lead\n\
             \n\
             a.dat 212 0 0 -3\n\
             b.dat 16+24\n\
             # 69 M\n\
             extra.dat 80\n",
        )?;
        assert_eq!(h.record_name, "rec_1");
        assert_eq!(h.sampling_frequency, 360.0);
        assert_eq!(h.counter_frequency, 180.0);
        assert_eq!(h.base_counter, 5.0);
        assert_eq!(h.samples_per_signal, Some(1000));
        assert_eq!(h.base_time.as_deref(), Some("12:05:00"));
        assert_eq!(h.base_date.as_deref(), Some("25/4/1989"));
        assert_eq!(h.info, ["69 M"]);
        assert_eq!(h.signals.len(), 3);
        let s = &h.signals[0];
        assert_eq!(
            (s.format, s.gain, s.baseline, s.units.as_str()),
            (Format::Packed12, 200.0, 1000, "uV")
        );
        assert_eq!(
            (s.adc_resolution, s.adc_zero, s.initial_value),
            (11, 1024, 995)
        );
        assert_eq!((s.checksum, s.block_size), (Some(-22131), 0));
        assert_eq!((s.description.as_str(), s.line), ("MLII lead", 3));
        // Gain 0 means uncalibrated: 200; the baseline and initial value follow the ADC zero.
        let s = &h.signals[1];
        assert_eq!(
            (s.gain, s.baseline, s.adc_zero, s.initial_value),
            (200.0, -3, -3, -3)
        );
        assert_eq!((s.adc_resolution, s.checksum, s.line), (12, None, 5));
        let s = &h.signals[2];
        assert_eq!((s.format, s.byte_offset, s.gain), (Format::Le16, 24, 200.0));
        assert_eq!((s.units.as_str(), s.description.as_str()), ("mV", ""));
        Ok(())
    }

    #[test]
    fn a_minimal_record_line_takes_the_defaults() -> anyhow::Result<()> {
        let h = parse("r 0\n")?;
        assert_eq!(h.sampling_frequency, 250.0);
        assert_eq!(h.counter_frequency, 250.0);
        assert_eq!(h.samples_per_signal, None);
        assert!(h.signals.is_empty());
        let h = parse("r 0 360/0 0\n")?;
        assert_eq!((h.counter_frequency, h.samples_per_signal), (360.0, None));
        Ok(())
    }

    #[test]
    fn a_bad_line_is_named_by_number() {
        let e = parse("# c\nr 1 360 10\nx.dat 212 abc\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 3: adc gain `abc` is not a number"
        );
        let e = parse("r two 360\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 1: number of signals `two` is not a whole number"
        );
        let e = parse("r 1 fast\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 1: sampling frequency `fast` is not a positive number"
        );
        let e = parse("r 1\nx.dat 212q\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 2: format `212q` is not <format>[x<samples per frame>][:<skew>][+<byte offset>]"
        );
        let e = parse("r 1\nx.dat 212 200 12 0 0 40000\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 2: checksum `40000` is not an integer in range"
        );
    }

    #[test]
    fn unsupported_formats_and_features_are_named() {
        let e = parse("r 2\nx.dat 212\ny.dat 80 200\n").unwrap_err();
        assert!(matches!(
            e,
            WfdbError::UnsupportedFormat {
                format: 80,
                signal: 1,
                line: 3,
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "r.hea line 3: signal 1 is stored in format 80; only formats 212 and 16 are supported"
        );
        let e = parse("r 1\nx.dat 212x4\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 2: 4 samples per frame (format `212x4`) is not supported"
        );
        let e = parse("r 1\nx.dat 16:3\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 2: a skew of 3 samples (format `16:3`) is not supported"
        );
        let e = parse("r/3 1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 1: a multi-segment record (3 segments in `r/3`) is not supported"
        );
        // One sample per frame and no skew are what this reader does anyway.
        assert!(parse("r 1\nx.dat 212x1:0+0\n").is_ok());
    }

    #[test]
    fn missing_lines_and_inconsistent_groups_are_refused() {
        let e = parse("# only a comment\n\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea: no record line (the file is empty or holds only comments)"
        );
        let e = parse("r 2\nx.dat 212\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea: the record line announces 2 signals but 1 signal lines follow"
        );
        let e = parse("r 2\nx.dat 212\nx.dat 16\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 3: signals in `x.dat` must share one format and byte offset (line 2 has 212+0, this line 16+0)"
        );
        let e = parse("r 3\nx.dat 16\ny.dat 16\nx.dat 16\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.hea line 4: signals in `x.dat` must be on consecutive lines (line 2 names it too)"
        );
    }

    #[test]
    fn physical_units_subtract_the_baseline_and_divide_by_the_gain() -> anyhow::Result<()> {
        let h = parse("r 1\nx.dat 212 200 11 1024\n")?;
        assert_eq!(h.signals[0].to_physical(1124), 0.5);
        assert_eq!(h.signals[0].to_physical(1024), 0.0);
        Ok(())
    }
}
