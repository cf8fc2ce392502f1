//! `analyze`'s output: beats, rate, variability, rhythm, ST deviation, quality and what to do.
//!
//! Clinical texts are in pt-BR; every threshold behind a label cites its source in the plugin's
//! code and in the `criterion` or `clinical_significance` the label carries.

use serde::{Deserialize, Serialize};

/// Output of `analyze`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AnalyzeOutput {
    /// The sampling rate the signal was read at, Hz.
    pub sampling_rate_hz: f64,
    /// The signal's length, seconds.
    pub duration_s: f64,
    /// Sample index (into the input) of every detected beat's R peak, in order.
    pub r_peaks: Vec<u64>,
    /// `r_peaks.len()`.
    pub beat_count: usize,
    /// Heart rate; absent with fewer than two beats.
    pub heart_rate: Option<HeartRate>,
    /// Variability over normal-to-normal intervals; absent with fewer than three of them.
    pub hrv: Option<Hrv>,
    /// The rhythm and the measure behind it.
    pub rhythm: Rhythm,
    /// Ectopic beats, in order: supraventricular ones that came early (premature) and
    /// ventricular ones (by their shape, premature or not).
    pub premature_beats: Vec<PrematureBeat>,
    /// How many of `premature_beats` are of each class.
    pub premature_counts: PrematureCounts,
    /// ST deviation over the normal beats; absent when no beat could be measured.
    pub st_deviation_mv: Option<StDeviation>,
    /// How usable the signal was.
    pub signal_quality: SignalQuality,
    /// What is outside normal limits, most severe first.
    pub abnormalities: Vec<Abnormality>,
    /// What to do next, in pt-BR.
    pub recommendations: Vec<String>,
    /// What this analysis is not, in pt-BR.
    pub disclaimer: String,
}

/// Heart rate, beats per minute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct HeartRate {
    /// Beats over time: 60 / mean RR interval.
    pub mean_bpm: f64,
    /// Lowest rate over any 8 consecutive RR intervals (the whole signal when shorter).
    pub min_bpm: f64,
    /// Highest rate over any 8 consecutive RR intervals.
    pub max_bpm: f64,
    /// Rate of the calmest minute: the lowest mean rate over any 60 s of beats (the whole
    /// signal when shorter).
    pub resting_bpm: f64,
}

/// Time-domain heart-rate variability (Task Force of the ESC and NASPE, Circulation
/// 93:1043–1065, 1996) over normal-to-normal intervals: intervals between two beats of which
/// neither is premature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Hrv {
    /// Standard deviation of NN intervals, ms.
    pub sdnn_ms: f64,
    /// Root mean square of successive NN differences, ms.
    pub rmssd_ms: f64,
    /// Share of successive NN differences over 50 ms, percent.
    pub pnn50_pct: f64,
    /// How many NN intervals the figures rest on.
    pub nn_count: usize,
    /// Whether the signal is long enough for short-term HRV (the Task Force asks for 5 minutes).
    pub meets_task_force_length: bool,
}

/// The rhythm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Rhythm {
    /// The label.
    pub label: RhythmLabel,
    /// Mean rate of the normal beats, bpm (absent with too few beats).
    pub rate_bpm: Option<f64>,
    /// RR irregularity: RMSSD of the RR intervals over their mean (Dash et al. 2009).
    pub irregularity: Option<f64>,
    /// The rule that gave the label, with its source, in pt-BR.
    pub criterion: String,
}

/// Rhythm labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RhythmLabel {
    /// Regular, 60–100 bpm.
    NormalSinus,
    /// Regular, under 60 bpm.
    SinusBradycardia,
    /// Regular, over 100 bpm.
    SinusTachycardia,
    /// Irregularly irregular RR intervals: possible atrial fibrillation.
    IrregularPossibleAf,
    /// Too few beats, too short or too noisy to say.
    InsufficientData,
}

/// One ectopic beat.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PrematureBeat {
    /// Its position among the detected beats (index into `r_peaks`).
    pub beat_index: usize,
    /// Its R peak's sample index.
    pub sample: u64,
    /// How early it came: 1 − RR / local RR, percent (negative when late; 0 when the local
    /// RR is not known yet).
    pub prematurity_pct: f64,
    /// Its origin, as ANSI/AAMI EC57 classes beats.
    pub class: EctopicClass,
}

/// The origin of an ectopic beat: ANSI/AAMI EC57:2012's classes S and V.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EctopicClass {
    /// Class S: a premature beat of the dominant QRS shape (atrial or junctional).
    Supraventricular,
    /// Class V: a QRS of another, wide or opposite shape (ventricular).
    Ventricular,
}

/// Ectopic beats by class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PrematureCounts {
    /// Class S beats.
    pub supraventricular: usize,
    /// Class V beats.
    pub ventricular: usize,
}

/// ST deviation after the J point, against the PR baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct StDeviation {
    /// Median over the measured beats, mV: positive is elevation.
    pub median_mv: f64,
    /// Where it was measured: milliseconds after the J point.
    pub measured_at_ms_after_j: f64,
    /// How many beats were measured.
    pub beats_measured: usize,
}

/// How usable the signal was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct SignalQuality {
    /// 0 (unusable) to 1 (clean).
    pub score: f64,
    /// The band `score` falls in.
    pub level: QualityLevel,
    /// What lowered it, in pt-BR.
    pub issues: Vec<String>,
}

/// Signal quality bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum QualityLevel {
    /// Score ≥ 0.8.
    Good,
    /// Score ≥ 0.5.
    Acceptable,
    /// Score < 0.5: the figures may be wrong.
    Poor,
}

/// A finding outside normal limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Abnormality {
    /// A stable identifier: `bradycardia`, `tachycardia`, `possible_atrial_fibrillation`,
    /// `premature_beats`, `pause`, `st_elevation`, `st_depression`, `poor_signal`.
    #[serde(rename = "type")]
    pub kind: String,
    /// How urgent.
    pub severity: Severity,
    /// What it may mean, with the threshold and its source, in pt-BR.
    pub clinical_significance: String,
    /// What to do, in pt-BR.
    pub recommended_action: String,
    /// The limits of this automatic finding, in pt-BR.
    pub disclaimer: String,
}

/// How urgent an abnormality is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth noting.
    Low,
    /// Worth a routine review.
    Moderate,
    /// Needs prompt medical review.
    High,
}
