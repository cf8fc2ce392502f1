//! [`SignalSpec`]: one signal line of a WFDB header, and the [`Format`] of the signal's file.
//!
//! Fields, suffixes and defaults are the WFDB Applications Guide's header(5),
//! <https://physionet.org/physiotools/wag/header-5.htm>; formats are signal(5),
//! <https://physionet.org/physiotools/wag/signal-5.htm>.

use super::WfdbError;
use super::header::{LineAt, finite};

/// ADC gain, in ADC units per physical unit, assumed when a signal line gives none or zero
/// (header(5): the signal is then uncalibrated).
pub const DEFAULT_GAIN: f64 = 200.0;
/// ADC resolution, in bits, assumed for amplitude formats when a signal line gives none or zero.
pub const DEFAULT_ADC_RESOLUTION: u32 = 12;
/// Physical unit assumed when a signal line gives none (header(5): one millivolt).
pub const DEFAULT_UNITS: &str = "mV";

/// How a signal's samples are stored in its file (signal(5)); the two formats this reader
/// decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Format 212: pairs of 12-bit two's-complement samples packed into three bytes.
    Packed12,
    /// Format 16: 16-bit two's-complement samples, least significant byte first.
    Le16,
}

impl Format {
    /// The WFDB format number: 212 or 16.
    pub fn number(self) -> u32 {
        match self {
            Self::Packed12 => 212,
            Self::Le16 => 16,
        }
    }

    fn from_number(number: u32) -> Option<Self> {
        match number {
            212 => Some(Self::Packed12),
            16 => Some(Self::Le16),
            _ => None,
        }
    }
}

/// One signal line of a header: where and how a signal is stored, and how to calibrate it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalSpec {
    /// The signal file, relative to the header's directory. Signals that share a file are
    /// interleaved in it, in header order.
    pub file_name: String,
    /// Storage format.
    pub format: Format,
    /// Bytes to skip at the start of the file before sample 0 (the `+offset` format suffix; 0
    /// when absent).
    pub byte_offset: u64,
    /// ADC units per physical unit; [`DEFAULT_GAIN`] when the line gives none or zero.
    pub gain: f64,
    /// The sample value of 0 physical units; the ADC zero when the line gives none.
    pub baseline: i32,
    /// Physical unit; [`DEFAULT_UNITS`] when the line gives none.
    pub units: String,
    /// ADC resolution in bits; [`DEFAULT_ADC_RESOLUTION`] when the line gives none or zero.
    pub adc_resolution: u32,
    /// The sample value of the middle of the ADC's input range; 0 when absent.
    pub adc_zero: i32,
    /// The value of the first sample (used by difference formats); the ADC zero when absent.
    pub initial_value: i32,
    /// The 16-bit sum of all samples, when the line gives one.
    pub checksum: Option<i16>,
    /// Block size in bytes (0: none); 0 when absent.
    pub block_size: i32,
    /// Free-text description (the signal's name, e.g. the lead); empty when absent.
    pub description: String,
    /// The 1-based line of the header that specifies this signal.
    pub line: usize,
}

impl SignalSpec {
    /// Converts a sample value in ADC units to physical units (mV for ECGs):
    /// `(value - baseline) / gain`.
    pub fn to_physical(&self, value: i16) -> f64 {
        (f64::from(value) - f64::from(self.baseline)) / self.gain
    }
}

/// The whitespace-separated fields of a line, with where each starts (the description, the
/// last field, runs to the end of the line and may hold spaces).
fn fields_with_offsets(line: &str) -> Vec<(usize, &str)> {
    let mut fields = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                fields.push((s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        fields.push((s, &line[s..]));
    }
    fields
}

/// The format field: `format[xsamples_per_frame][:skew][+byte_offset]`.
struct FormatField {
    number: u32,
    samples_per_frame: Option<u32>,
    skew: Option<u32>,
    byte_offset: Option<u64>,
}

fn parse_format_field(field: &str, at: &LineAt<'_>) -> Result<FormatField, WfdbError> {
    let bad = || {
        at.error(format!(
            "format `{field}` is not <format>[x<samples per frame>][:<skew>][+<byte offset>]"
        ))
    };
    let (rest, byte_offset) = match field.split_once('+') {
        Some((r, o)) => (r, Some(o.parse().map_err(|_| bad())?)),
        None => (field, None),
    };
    let (rest, skew) = match rest.split_once(':') {
        Some((r, s)) => (r, Some(s.parse().map_err(|_| bad())?)),
        None => (rest, None),
    };
    let (number, samples_per_frame) = match rest.split_once('x') {
        Some((n, s)) => (n, Some(s.parse().map_err(|_| bad())?)),
        None => (rest, None),
    };
    Ok(FormatField {
        number: number.parse().map_err(|_| bad())?,
        samples_per_frame,
        skew,
        byte_offset,
    })
}

/// The gain field: `gain[(baseline)][/units]`.
fn parse_gain_field(
    field: &str,
    at: &LineAt<'_>,
) -> Result<(f64, Option<i32>, Option<String>), WfdbError> {
    let (rest, units) = match field.split_once('/') {
        Some((r, u)) if !u.is_empty() => (r, Some(u.to_owned())),
        Some(_) => return Err(at.error(format!("adc gain `{field}` has an empty unit after `/`"))),
        None => (field, None),
    };
    let (gain, baseline) = match rest.split_once('(') {
        Some((g, b)) => {
            let b = b.strip_suffix(')').ok_or_else(|| {
                at.error(format!(
                    "baseline in adc gain `{field}` lacks its closing `)`"
                ))
            })?;
            let baseline = b
                .parse()
                .map_err(|_| at.error(format!("baseline `{b}` is not an integer")))?;
            (g, Some(baseline))
        }
        None => (rest, None),
    };
    let gain =
        finite(gain).ok_or_else(|| at.error(format!("adc gain `{gain}` is not a number")))?;
    Ok((gain, baseline, units))
}

fn parse_int<T: std::str::FromStr>(
    field: Option<&(usize, &str)>,
    name: &str,
    at: &LineAt<'_>,
) -> Result<Option<T>, WfdbError> {
    field
        .map(|(_, text)| {
            text.parse()
                .map_err(|_| at.error(format!("{name} `{text}` is not an integer in range")))
        })
        .transpose()
}

/// Parses the signal line of signal number `signal`.
pub(super) fn parse_signal_line(
    line: &str,
    signal: usize,
    at: &LineAt<'_>,
) -> Result<SignalSpec, WfdbError> {
    let fields = fields_with_offsets(line);
    let file_name = fields[0].1.to_owned();
    let format_text = fields
        .get(1)
        .map(|(_, f)| *f)
        .ok_or_else(|| at.error(format!("signal {signal} has no format")))?;
    let format_field = parse_format_field(format_text, at)?;
    let format =
        Format::from_number(format_field.number).ok_or_else(|| WfdbError::UnsupportedFormat {
            path: at.path.to_owned(),
            line: at.line,
            signal,
            format: format_field.number,
        })?;
    match format_field.samples_per_frame {
        Some(0) => return Err(at.error(format!("format `{format_text}` has 0 samples per frame"))),
        Some(n) if n > 1 => {
            return Err(at.unsupported(format!("{n} samples per frame (format `{format_text}`)")));
        }
        _ => {}
    }
    if let Some(skew) = format_field.skew.filter(|s| *s != 0) {
        return Err(at.unsupported(format!("a skew of {skew} samples (format `{format_text}`)")));
    }
    if file_name == "-" {
        return Err(at.unsupported("reading signals from standard input (file name `-`)"));
    }

    let (gain, baseline, units) = match fields.get(2) {
        Some((_, field)) => parse_gain_field(field, at)?,
        None => (0.0, None, None),
    };
    let adc_resolution: Option<u32> = parse_int(fields.get(3), "adc resolution", at)?;
    let adc_zero: i32 = parse_int(fields.get(4), "adc zero", at)?.unwrap_or(0);
    let initial_value: Option<i32> = parse_int(fields.get(5), "initial value", at)?;
    let checksum: Option<i16> = parse_int(fields.get(6), "checksum", at)?;
    let block_size: i32 = parse_int(fields.get(7), "block size", at)?.unwrap_or(0);
    let description = fields
        .get(8)
        .map(|(start, _)| line[*start..].trim_end().to_owned())
        .unwrap_or_default();

    Ok(SignalSpec {
        file_name,
        format,
        byte_offset: format_field.byte_offset.unwrap_or(0),
        gain: if gain == 0.0 { DEFAULT_GAIN } else { gain },
        baseline: baseline.unwrap_or(adc_zero),
        units: units.unwrap_or_else(|| DEFAULT_UNITS.to_owned()),
        adc_resolution: adc_resolution
            .filter(|r| *r != 0)
            .unwrap_or(DEFAULT_ADC_RESOLUTION),
        adc_zero,
        initial_value: initial_value.unwrap_or(adc_zero),
        checksum,
        block_size,
        description,
        line: at.line,
    })
}

/// header(5): the signals of one file are consecutive and share its format and byte offset.
pub(super) fn check_group(
    previous: &[SignalSpec],
    spec: &SignalSpec,
    at: &LineAt<'_>,
) -> Result<(), WfdbError> {
    let Some(last) = previous.last() else {
        return Ok(());
    };
    if last.file_name == spec.file_name {
        if last.format != spec.format || last.byte_offset != spec.byte_offset {
            return Err(at.error(format!(
                "signals in `{}` must share one format and byte offset (line {} has {}+{}, this line {}+{})",
                spec.file_name,
                last.line,
                last.format.number(),
                last.byte_offset,
                spec.format.number(),
                spec.byte_offset
            )));
        }
    } else if let Some(earlier) = previous.iter().find(|s| s.file_name == spec.file_name) {
        return Err(at.error(format!(
            "signals in `{}` must be on consecutive lines (line {} names it too)",
            spec.file_name, earlier.line
        )));
    }
    Ok(())
}
