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
        // In a function of its own in the wasm module (`outline.rs`).
        (None, Some(encoded)) => crate::outline::opaque(
            from_adc as fn(&AnalyzeInput, &str) -> Result<Vec<f32>, PluginError>,
        )(input, encoded)?,
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
    let mut to_mv = Millivolts::new(zero, gain);
    match decode_fast(text, &mut to_mv) {
        Some(mv) => Ok(mv),
        None => decode_checked(text, &mut to_mv),
    }
}

/// ADC values to millivolts by [`to_mv`], each value computed once: a recorder's ADC spans
/// 11–12 bits and a record holds far more samples than values, and an f64 division per sample
/// was the costliest step of reading a record.
struct Millivolts {
    /// Each value's millivolts (indexed by its bits), NaN until computed: `to_mv` of a finite
    /// positive gain is never NaN.
    table: Box<[f32; 1 << 16]>,
    zero: i32,
    gain: f64,
}

impl Millivolts {
    fn new(zero: i32, gain: f64) -> Self {
        Self {
            // Filled on the heap: a 256 KB array built first on wasm's stack could overflow it.
            table: vec![f32::NAN; 1 << 16]
                .into_boxed_slice()
                .try_into()
                .unwrap_or_else(|_| unreachable!("a table of 65,536 entries")),
            zero,
            gain,
        }
    }

    #[inline]
    fn of(&mut self, value: i16) -> f32 {
        let mv = &mut self.table[usize::from(value as u16)];
        if mv.is_nan() {
            *mv = to_mv(value, self.zero, self.gain);
        }
        *mv
    }

    /// The sample of two little-endian bytes.
    #[inline]
    fn of_bytes(&mut self, low: u8, high: u8) -> f32 {
        self.of(i16::from_le_bytes([low, high]))
    }
}

/// Each base64 character's 6 bits; 255 for a character outside the standard alphabet
/// (RFC 4648 §4), `=` included.
const BASE64_VALUES: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [255u8; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// `text` decoded when it is well-formed, 8 characters (6 bytes, 3 samples) at a time, the
/// last 1–8 characters (which hold any padding) by the `base64` crate; `None` at anything
/// else — a character outside the alphabet, bad padding, an odd number of bytes — for
/// [`decode_checked`] to find and name. Both give the same samples for a valid input.
fn decode_fast(text: &[u8], to_mv: &mut Millivolts) -> Option<Vec<f32>> {
    let body = text.len().saturating_sub(1) / 8 * 8;
    let mut mv = vec![0.0f32; body / 8 * 3];
    for (group, out) in text[..body].chunks_exact(8).zip(mv.chunks_exact_mut(3)) {
        let (mut bits, mut invalid) = (0u64, 0u8);
        for &c in group {
            let v = BASE64_VALUES[usize::from(c)];
            invalid |= v;
            bits = bits << 6 | u64::from(v & 63);
        }
        if invalid >= 64 {
            return None;
        }
        let b = bits.to_be_bytes();
        out[0] = to_mv.of_bytes(b[2], b[3]);
        out[1] = to_mv.of_bytes(b[4], b[5]);
        out[2] = to_mv.of_bytes(b[6], b[7]);
    }
    let mut tail = [0u8; 6];
    let n = base64::engine::general_purpose::STANDARD
        .decode_slice(&text[body..], &mut tail)
        .ok()?;
    if n % 2 == 1 {
        return None;
    }
    mv.extend(
        tail[..n]
            .chunks_exact(2)
            .map(|b| to_mv.of_bytes(b[0], b[1])),
    );
    Some(mv)
}

/// `text` decoded by the `base64` crate a block at a time, every error named with its offset.
fn decode_checked(text: &[u8], to_mv: &mut Millivolts) -> Result<Vec<f32>, PluginError> {
    let mut mv = Vec::with_capacity(text.len() / 4 * 3 / 2);
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
                .map(|b| to_mv.of_bytes(b[0], b[1])),
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
    fn the_fast_decoder_agrees_with_the_base64_crate() {
        use base64::Engine as _;
        let mut x = 12_345u32;
        for n in 0..40 {
            let bytes: Vec<u8> = (0..2 * n)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let mut to_mv = super::Millivolts::new(-7, 200.0);
            let fast = super::decode_fast(text.as_bytes(), &mut to_mv).expect("well-formed");
            let checked = super::decode_checked(text.as_bytes(), &mut to_mv).unwrap();
            assert_eq!(fast, checked, "{n} samples");
            // A character outside the alphabet, anywhere, is left to the checked decoder.
            for at in 0..text.len() {
                let mut bad = text.clone().into_bytes();
                bad[at] = b'!';
                assert!(super::decode_fast(&bad, &mut to_mv).is_none());
            }
        }
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
