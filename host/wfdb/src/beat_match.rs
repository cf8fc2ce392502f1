//! [`BeatMatch`]: beat-by-beat comparison of detected beats with reference beat annotations.
//!
//! The rule is the one ANSI/AAMI EC57 prescribes and the WFDB `bxb` program implements: walk both
//! sorted lists in time order; the earlier of the current reference beat and the current
//! detection is paired with the other one when the two lie within the match window and no
//! closer partner follows (the next detection for a detection, the next reference beat for a
//! reference beat); otherwise it is counted unmatched (a false positive or a false negative) and
//! the walk moves past it. Every beat is paired at most once.
//!
//! Unlike `bxb`, this compares the whole lists: EC57 leaves the first five minutes of a record out
//! of the statistics (a learning period), which a caller does by filtering both lists first.

/// The EC57 match window, 150 ms, in samples at `sampling_frequency` (54 at 360 Hz).
pub fn match_window(sampling_frequency: f64) -> u64 {
    (0.150 * sampling_frequency).round() as u64
}

/// The outcome of [`match_beats`]: counts and the beats left unmatched on each side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BeatMatch {
    /// Reference beats paired with a detection.
    pub true_positives: usize,
    /// Reference beats with no detection.
    pub false_negatives: usize,
    /// Detections with no reference beat.
    pub false_positives: usize,
    /// The sample of each unmatched reference beat, in order.
    pub missed: Vec<u64>,
    /// The sample of each unmatched detection, in order.
    pub extra: Vec<u64>,
}

impl BeatMatch {
    /// TP / (TP + FN): the share of reference beats detected; `None` with no reference beats.
    pub fn sensitivity(&self) -> Option<f64> {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// TP / (TP + FP): the share of detections that are beats; `None` with no detections.
    pub fn positive_predictivity(&self) -> Option<f64> {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Compares `detected` beat samples with `reference` beat samples under a match window of
/// `window` samples (inclusive; see [`match_window`]). Neither list needs to be sorted.
pub fn match_beats(reference: &[u64], detected: &[u64], window: u64) -> BeatMatch {
    let mut reference = reference.to_vec();
    reference.sort_unstable();
    let mut detected = detected.to_vec();
    detected.sort_unstable();
    // Distance to the next beat on the same side; past the end there is none, so none closer.
    let distance = |x: u64, next: Option<&u64>| next.map_or(u64::MAX, |n| x.abs_diff(*n));

    let mut result = BeatMatch::default();
    let (mut i, mut j) = (0, 0);
    loop {
        match (reference.get(i), detected.get(j)) {
            (None, None) => break,
            (Some(&r), None) => {
                result.missed.push(r);
                i += 1;
            }
            (None, Some(&d)) => {
                result.extra.push(d);
                j += 1;
            }
            (Some(&r), Some(&d)) if d < r => {
                if r - d <= window && r - d < distance(r, detected.get(j + 1)) {
                    result.true_positives += 1;
                    i += 1;
                } else {
                    result.extra.push(d);
                }
                j += 1;
            }
            (Some(&r), Some(&d)) => {
                if d - r <= window && d - r < distance(d, reference.get(i + 1)) {
                    result.true_positives += 1;
                    j += 1;
                } else {
                    result.missed.push(r);
                }
                i += 1;
            }
        }
    }
    result.false_negatives = result.missed.len();
    result.false_positives = result.extra.len();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u64 = 54;

    fn counts(m: &BeatMatch) -> (usize, usize, usize) {
        (m.true_positives, m.false_negatives, m.false_positives)
    }

    #[test]
    fn the_window_is_150_ms() {
        assert_eq!(match_window(360.0), 54);
        assert_eq!(match_window(250.0), 38);
        assert_eq!(match_window(1000.0), 150);
    }

    #[test]
    fn identical_and_shifted_lists_match_fully() {
        let m = match_beats(&[100, 400, 700], &[100, 400, 700], W);
        assert_eq!(counts(&m), (3, 0, 0));
        assert_eq!(
            (m.sensitivity(), m.positive_predictivity()),
            (Some(1.0), Some(1.0))
        );
        let m = match_beats(&[100, 400, 700], &[154, 346, 730], W);
        assert_eq!(counts(&m), (3, 0, 0));
    }

    #[test]
    fn a_shift_past_the_window_is_one_miss_and_one_extra() {
        let m = match_beats(&[100, 400], &[155, 400], W);
        assert_eq!(counts(&m), (1, 1, 1));
        assert_eq!((m.missed, m.extra), (vec![100], vec![155]));
    }

    #[test]
    fn missing_and_extra_detections_are_counted_and_listed() {
        let m = match_beats(&[100, 400, 700, 1000], &[102, 698, 1001], W);
        assert_eq!(counts(&m), (3, 1, 0));
        assert_eq!(m.missed, [400]);
        assert_eq!(m.sensitivity(), Some(0.75));
        let m = match_beats(&[100, 400], &[100, 250, 400, 900], W);
        assert_eq!(counts(&m), (2, 0, 2));
        assert_eq!(m.extra, [250, 900]);
        assert_eq!(m.positive_predictivity(), Some(0.5));
    }

    #[test]
    fn of_two_detections_near_one_beat_the_closer_pairs() {
        let m = match_beats(&[400], &[390, 405], W);
        assert_eq!(counts(&m), (1, 0, 1));
        assert_eq!(m.extra, [390]);
        let m = match_beats(&[400], &[398, 420], W);
        assert_eq!(counts(&m), (1, 0, 1));
        assert_eq!(m.extra, [420]);
    }

    #[test]
    fn a_detection_between_two_beats_pairs_once() {
        // Equidistant: the earlier beat yields to the later one, as in bxb.
        let m = match_beats(&[100, 160], &[130], W);
        assert_eq!(counts(&m), (1, 1, 0));
        assert_eq!(m.missed, [100]);
        let m = match_beats(&[100, 160], &[120], W);
        assert_eq!(m.missed, [160]);
    }

    #[test]
    fn order_does_not_matter_and_empty_lists_have_no_ratios() {
        let m = match_beats(&[700, 100, 400], &[401, 99], W);
        assert_eq!(counts(&m), (2, 1, 0));
        assert_eq!(m.missed, [700]);
        let m = match_beats(&[], &[], W);
        assert_eq!(counts(&m), (0, 0, 0));
        assert_eq!((m.sensitivity(), m.positive_predictivity()), (None, None));
        let m = match_beats(&[5], &[], W);
        assert_eq!(
            (m.sensitivity(), m.positive_predictivity()),
            (Some(0.0), None)
        );
    }
}
