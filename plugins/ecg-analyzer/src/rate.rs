//! Heart rate, from the R peaks.

use medplug_pdk::ecg::HeartRate;

/// `min_bpm` and `max_bpm` are rates over this many consecutive intervals, so that one missed or
/// extra beat does not become the extreme.
const RATE_SPAN: usize = 8;
/// The resting rate is the calmest mean over this long, s.
const RESTING_WINDOW_S: f64 = 60.0;

/// RR intervals in samples: `r[k] − r[k−1]`.
pub(crate) fn intervals(r_peaks: &[usize]) -> Vec<usize> {
    r_peaks.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Mean, extreme and resting rates; `None` with fewer than two beats.
pub(crate) fn heart_rate(r_peaks: &[usize], rate: f64) -> Option<HeartRate> {
    let rr = intervals(r_peaks);
    if rr.is_empty() {
        return None;
    }
    let bpm = |samples: usize, beats: usize| 60.0 * beats as f64 * rate / samples as f64;
    let total: usize = rr.iter().sum();
    let mean = bpm(total, rr.len());
    let span = RATE_SPAN.min(rr.len());
    let (mut min, mut max) = (f64::INFINITY, 0.0f64);
    for w in rr.windows(span) {
        let v = bpm(w.iter().sum(), span);
        min = min.min(v);
        max = max.max(v);
    }
    Some(HeartRate {
        mean_bpm: round1(mean),
        min_bpm: round1(min),
        max_bpm: round1(max),
        resting_bpm: round1(resting(r_peaks, rate).unwrap_or(mean)),
    })
}

/// The lowest mean rate over any [`RESTING_WINDOW_S`] of beats; `None` when the beats span less.
fn resting(r_peaks: &[usize], rate: f64) -> Option<f64> {
    let window = (RESTING_WINDOW_S * rate) as usize;
    let mut best: Option<f64> = None;
    let mut end = 0;
    for start in 0..r_peaks.len() {
        while end + 1 < r_peaks.len() && r_peaks[end + 1] - r_peaks[start] <= window {
            end += 1;
        }
        let span = r_peaks[end] - r_peaks[start];
        // Only windows that really hold a minute of beats (no room for one more interval).
        if end + 1 >= r_peaks.len() || span + (r_peaks[end + 1] - r_peaks[end]) <= window {
            break;
        }
        let v = 60.0 * (end - start) as f64 * rate / span as f64;
        best = Some(best.map_or(v, |b: f64| b.min(v)));
    }
    best
}

/// Rounds to one decimal: the output reports rates and percentages at that precision.
pub(crate) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_from_regular_and_slowing_beats() {
        // 1 s apart at 250 Hz for 2 minutes, then 1.5 s apart for 2 minutes.
        let mut r: Vec<usize> = (0..=120).map(|k| k * 250).collect();
        let last = *r.last().unwrap();
        r.extend((1..=80).map(|k| last + k * 375));
        let hr = heart_rate(&r, 250.0).unwrap();
        // 200 intervals over 120 + 120 s.
        assert_eq!(hr.mean_bpm, 50.0);
        assert_eq!((hr.min_bpm, hr.max_bpm), (40.0, 60.0));
        assert_eq!(hr.resting_bpm, 40.0);
    }

    #[test]
    fn rates_of_a_few_beats() {
        let r = [1000, 1200, 1400];
        let hr = heart_rate(&r, 250.0).unwrap();
        assert_eq!((hr.mean_bpm, hr.resting_bpm), (75.0, 75.0));
        assert_eq!(heart_rate(&r[..1], 250.0), None);
    }
}
