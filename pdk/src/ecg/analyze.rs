//! `analyze`'s input: one ECG lead, as millivolts or as compact ADC units, and who it is from.

use serde::{Deserialize, Serialize};

pub use crate::host_fns::Sex;

/// Input of `analyze`: exactly one of `samples_mv` and `samples_i16`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AnalyzeInput {
    /// Samples per second, 50 to 5000.
    pub sampling_rate_hz: f64,
    /// The signal in millivolts, one number per sample (at least 2 s of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples_mv: Option<Vec<f64>>,
    /// The signal compactly: base64 (standard alphabet, padded) of little-endian `i16` ADC
    /// units; millivolts are `(value - adc_zero) / adc_gain`, as in a WFDB header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples_i16: Option<String>,
    /// ADC units per millivolt; required with `samples_i16` (200 in the MIT-BIH records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adc_gain: Option<f64>,
    /// The ADC value of 0 mV; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adc_zero: Option<i32>,
    /// The lead's name (`II`, `MLII`, `V2`): the ST criteria of V2–V3 differ from other leads'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Who the signal is from, when known: the ST criteria depend on age and sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<Patient>,
}

impl AnalyzeInput {
    /// Input from millivolt samples, without lead or patient.
    pub fn from_mv(sampling_rate_hz: f64, samples_mv: Vec<f64>) -> Self {
        Self {
            sampling_rate_hz,
            samples_mv: Some(samples_mv),
            samples_i16: None,
            adc_gain: None,
            adc_zero: None,
            lead: None,
            patient: None,
        }
    }

    /// Input from ADC units, encoded as `samples_i16`, without lead or patient.
    pub fn from_adc(sampling_rate_hz: f64, samples: &[i16], adc_gain: f64, adc_zero: i32) -> Self {
        Self {
            sampling_rate_hz,
            samples_mv: None,
            samples_i16: Some(encode_i16(samples)),
            adc_gain: Some(adc_gain),
            adc_zero: Some(adc_zero),
            lead: None,
            patient: None,
        }
    }
}

/// Base64 (standard alphabet, padded) of `samples` as little-endian bytes.
pub fn encode_i16(samples: &[i16]) -> String {
    use base64::Engine as _;
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The person the signal is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Patient {
    /// Age in whole years, 0 to 130.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    /// Sex as the clinic records it (the `get_patient` host function's type), for the
    /// sex-specific ST criteria; `other` gets the criteria's lowest threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
}

#[cfg(test)]
mod tests {
    use super::encode_i16;

    #[test]
    fn samples_encode_as_little_endian_base64() {
        // 1 → 01 00, -2 → FE FF, 256 → 00 01: "AQD+/wAB".
        assert_eq!(encode_i16(&[1, -2, 256]), "AQD+/wAB");
        assert_eq!(encode_i16(&[1]), "AQA=");
        assert_eq!(encode_i16(&[1, 2]), "AQACAA==");
        assert_eq!(encode_i16(&[]), "");
    }
}
