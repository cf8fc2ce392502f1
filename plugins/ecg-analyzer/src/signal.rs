//! The input signal: validated, decoded from `samples_mv` or `samples_i16`, in millivolts.

use base64::Engine as _;
use medplug_pdk::PluginError;
use medplug_pdk::ecg::AnalyzeInput;

/// Lowest and highest sampling rate accepted, Hz: below 50 Hz a QRS complex (80–120 ms) spans
/// too few samples to place its peak; above 5 kHz is beyond diagnostic ECG bandwidth (AHA
/// recommends ≥ 500 Hz for diagnostic ECGs: Kligfield et al., Circulation 115:1306, 2007).
pub(crate) const RATE_RANGE_HZ: (f64, f64) = (50.0, 5000.0);

/// Shortest signal analysed, seconds: two seconds hold at least two beats at 60 bpm.
pub(crate) const MIN_DURATION_S: f64 = 2.0;

/// One lead in millivolts at a known rate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signal {
    /// Samples per second.
    pub rate: f64,
    /// The samples, mV.
    pub mv: Vec<f32>,
}

impl Signal {
    /// Seconds → a number of samples at this rate (rounded, at least 1).
    pub fn samples(&self, seconds: f64) -> usize {
        ((seconds * self.rate).round() as usize).max(1)
    }
}

/// Checks `input` and decodes its samples; every error names the field.
pub(crate) fn read(input: &AnalyzeInput) -> Result<Signal, PluginError> {
    let rate = input.sampling_rate_hz;
    let (low, high) = RATE_RANGE_HZ;
    if !(rate.is_finite() && (low..=high).contains(&rate)) {
        return Err(PluginError::invalid_input(format!(
            "`sampling_rate_hz` must be between {low} and {high} Hz, got {rate}"
        )));
    }
    if let Some(age) = input.patient.and_then(|p| p.age)
        && age > 130
    {
        return Err(PluginError::invalid_input(format!(
            "`patient.age` must be 0 to 130 years, got {age}"
        )));
    }
    let mv = match (&input.samples_mv, &input.samples_i16) {
        (Some(_), Some(_)) => {
            return Err(PluginError::invalid_input(
                "give either `samples_mv` or `samples_i16`, not both",
            ));
        }
        (None, None) => {
            return Err(PluginError::invalid_input(
                "the signal is missing: give `samples_mv` (millivolts) or `samples_i16` (base64 of little-endian i16 with `adc_gain`)",
            ));
        }
        (Some(samples), None) => from_mv(input, samples)?,
        (None, Some(encoded)) => from_adc(input, encoded)?,
    };
    let duration = mv.len() as f64 / rate;
    if duration < MIN_DURATION_S {
        let field = if input.samples_mv.is_some() {
            "samples_mv"
        } else {
            "samples_i16"
        };
        return Err(PluginError::invalid_input(format!(
            "`{field}` holds {} samples, {duration:.3} s at {rate} Hz: at least {MIN_DURATION_S} s of signal is needed",
            mv.len()
        )));
    }
    Ok(Signal { rate, mv })
}

fn from_mv(input: &AnalyzeInput, samples: &[f64]) -> Result<Vec<f32>, PluginError> {
    let adc_field = [
        input.adc_gain.map(|_| "adc_gain"),
        input.adc_zero.map(|_| "adc_zero"),
    ]
    .into_iter()
    .flatten()
    .next();
    if let Some(field) = adc_field {
        return Err(PluginError::invalid_input(format!(
            "`{field}` applies to `samples_i16` only; `samples_mv` is already in millivolts"
        )));
    }
    samples
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.is_finite() && v.abs() <= f64::from(f32::MAX) {
                Ok(v as f32)
            } else {
                Err(PluginError::invalid_input(format!(
                    "`samples_mv[{i}]` is not a finite number ({v})"
                )))
            }
        })
        .collect()
}

fn from_adc(input: &AnalyzeInput, encoded: &str) -> Result<Vec<f32>, PluginError> {
    let gain = input.adc_gain.ok_or_else(|| {
        PluginError::invalid_input(
            "`adc_gain` (ADC units per millivolt) is required with `samples_i16`",
        )
    })?;
    if !(gain.is_finite() && gain > 0.0) {
        return Err(PluginError::invalid_input(format!(
            "`adc_gain` must be a positive number of ADC units per millivolt, got {gain}"
        )));
    }
    let zero = input.adc_zero.unwrap_or(0);
    let text = encoded.as_bytes();
    let mut mv = Vec::with_capacity(text.len() / 4 * 3 / 2);
    // Decoded a block at a time straight into millivolts: no 1.3 MB byte buffer in between.
    // Blocks of 4,096 characters decode to 3,072 bytes, an even number: only the last block
    // can hold padding or an odd byte.
    let mut bytes = [0u8; 3072];
    for (k, block) in text.chunks(4096).enumerate() {
        let n = base64::engine::general_purpose::STANDARD
            .decode_slice(block, &mut bytes)
            .map_err(|e| {
                PluginError::invalid_input(format!(
                    "`samples_i16` is not base64 (standard alphabet, padded): {}",
                    offset_error(e, k * 4096)
                ))
            })?;
        if n % 2 == 1 {
            return Err(PluginError::invalid_input(format!(
                "`samples_i16` decodes to {} bytes, an odd number: each sample is 2 bytes (little-endian i16)",
                2 * mv.len() + n
            )));
        }
        mv.extend(
            bytes[..n]
                .chunks_exact(2)
                .map(|b| to_mv(i16::from_le_bytes([b[0], b[1]]), zero, gain)),
        );
    }
    Ok(mv)
}

/// One ADC value in millivolts, computed in f64 as a caller converting to `samples_mv` would:
/// both forms give the same samples.
fn to_mv(value: i16, zero: i32, gain: f64) -> f32 {
    (f64::from(i32::from(value) - zero) / gain) as f32
}

/// A base64 error with its offset counted from the start of the whole field.
fn offset_error(error: base64::DecodeSliceError, block_start: usize) -> String {
    use base64::DecodeError;
    match error {
        base64::DecodeSliceError::DecodeError(e) => match e {
            DecodeError::InvalidByte(at, byte) => {
                DecodeError::InvalidByte(block_start + at, byte).to_string()
            }
            DecodeError::InvalidLastSymbol(at, byte) => {
                DecodeError::InvalidLastSymbol(block_start + at, byte).to_string()
            }
            DecodeError::InvalidPadding => "invalid padding".to_owned(),
            DecodeError::InvalidLength(n) => {
                format!("invalid length ({} characters)", block_start + n)
            }
        },
        base64::DecodeSliceError::OutputSliceTooSmall => "invalid length".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;
    use medplug_pdk::ecg::{AnalyzeInput, Patient};

    use super::read;

    fn message(input: &AnalyzeInput) -> String {
        let err = read(input).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        err.message
    }

    #[test]
    fn adc_units_become_millivolts() {
        let samples: Vec<i16> = (0..1000).map(|i| (i % 7) as i16 * 100 - 300).collect();
        let signal = read(&AnalyzeInput::from_adc(500.0, &samples, 200.0, -100)).unwrap();
        assert_eq!(signal.mv.len(), 1000);
        // (-300 - (-100)) / 200 = -1 mV; (300 + 100) / 200 = 2 mV.
        assert_eq!(&signal.mv[..2], &[-1.0, -0.5]);
        assert_eq!(signal.mv[6], 2.0);
    }

    #[test]
    fn each_bad_field_is_named() {
        let ok = AnalyzeInput::from_mv(250.0, vec![0.0; 500]);
        assert!(read(&ok).is_ok());
        let with = |f: &dyn Fn(&mut AnalyzeInput)| {
            let mut input = ok.clone();
            f(&mut input);
            message(&input)
        };
        assert_eq!(
            with(&|i| i.sampling_rate_hz = 40.0),
            "`sampling_rate_hz` must be between 50 and 5000 Hz, got 40"
        );
        assert!(with(&|i| i.sampling_rate_hz = f64::NAN).starts_with("`sampling_rate_hz`"));
        assert_eq!(
            with(&|i| i.samples_mv = Some(vec![0.0; 499])),
            "`samples_mv` holds 499 samples, 1.996 s at 250 Hz: at least 2 s of signal is needed"
        );
        assert_eq!(
            with(&|i| i.samples_mv.as_mut().unwrap()[7] = f64::INFINITY),
            "`samples_mv[7]` is not a finite number (inf)"
        );
        assert_eq!(
            with(&|i| i.samples_i16 = Some("AAAA".into())),
            "give either `samples_mv` or `samples_i16`, not both"
        );
        assert!(with(&|i| i.samples_mv = None).starts_with("the signal is missing"));
        assert!(with(&|i| i.adc_gain = Some(200.0)).starts_with("`adc_gain` applies to"));
        assert_eq!(
            with(&|i| i.patient = Some(Patient {
                age: Some(200),
                sex: None
            })),
            "`patient.age` must be 0 to 130 years, got 200"
        );
    }

    #[test]
    fn bad_compact_samples_are_named() {
        let adc = |encoded: &str, gain: Option<f64>| {
            let mut input = AnalyzeInput::from_adc(250.0, &[0; 600], 200.0, 0);
            input.samples_i16 = Some(encoded.to_owned());
            input.adc_gain = gain;
            message(&input)
        };
        assert!(adc("not base64!", Some(200.0)).starts_with("`samples_i16` is not base64"));
        assert!(adc("AQA=", None).starts_with("`adc_gain` (ADC units per millivolt) is required"));
        assert_eq!(
            adc("AQA=", Some(0.0)),
            "`adc_gain` must be a positive number of ADC units per millivolt, got 0"
        );
        assert!(adc("AQAB", Some(200.0)).contains("3 bytes, an odd number"));
    }
}
