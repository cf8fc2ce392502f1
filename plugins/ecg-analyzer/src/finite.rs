//! `max` for values known to be finite.
//!
//! `f32::max` and `f64::max` follow IEEE 754 maxNum (a NaN operand loses), which wasm's
//! `f32.max`/`f64.max` do not (they return NaN), so on wasm32 LLVM compiles them to calls of
//! libm's `fmaxf`/`fmax`: a function call per sample in the detector's loops, 4 % of a call on
//! record 100 in a `perf` profile of the plugin. Every sample is checked finite when the signal
//! is read (`signal.rs`), so a compare and a select are exact here.

/// The larger of two finite values.
#[inline]
pub(crate) fn max_f32(a: f32, b: f32) -> f32 {
    if b > a { b } else { a }
}

/// The larger of two finite values.
#[inline]
pub(crate) fn max_f64(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::{max_f32, max_f64};

    #[test]
    fn agrees_with_the_standard_max_on_finite_values() {
        let values = [-3.5f32, -0.0, 0.0, 1e-30, 2.25, f32::MAX, f32::MIN];
        for a in values {
            for b in values {
                assert_eq!(max_f32(a, b), a.max(b), "{a} {b}");
                assert_eq!(
                    max_f64(f64::from(a), f64::from(b)),
                    f64::from(a).max(f64::from(b))
                );
            }
        }
    }
}
