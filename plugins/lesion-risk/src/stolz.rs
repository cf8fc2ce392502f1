//! The ABCD rule of dermoscopy: Stolz W, Riemann A, Cognetta AB, et al. ABCD rule of
//! dermatoscopy: a new practical method for early recognition of malignant melanoma. Eur J
//! Dermatol 1994;4:521–527; validated by Nachbar F, Stolz W, Merkle T, et al. The ABCD rule of
//! dermatoscopy. J Am Acad Dermatol 1994;30:551–559.
//!
//! TDS = 1.3·A + 0.1·B + 0.5·C + 0.5·D, with A the axes of asymmetry (0–2), B the abrupt border
//! segments (0–8), C the colours (1–6) and D the differential structures (1–5). TDS below 4.75
//! is benign, 4.75 to 5.45 suspicious, above 5.45 highly suspicious of melanoma.
//!
//! The score is kept in hundredths, in integers: 4.75 and 5.45 are then exact, and a TDS on a
//! threshold lands on the side the paper puts it, which floating point would not promise.

use medplug_pdk::lesion::{Dermoscopy, Tds, TdsClass};

/// Weights of A, B, C and D, in hundredths of a TDS point (1.3, 0.1, 0.5, 0.5; Stolz 1994).
const WEIGHTS: [u32; 4] = [130, 10, 50, 50];

/// From this TDS, in hundredths, a lesion is suspicious: 4.75 (Stolz 1994; Nachbar 1994).
pub(crate) const SUSPICIOUS_FROM: u32 = 475;

/// Above this TDS, in hundredths, highly suspicious of melanoma: 5.45 (Stolz 1994; Nachbar 1994).
pub(crate) const HIGHLY_SUSPICIOUS_ABOVE: u32 = 545;

/// The TDS in hundredths of `a`, `b`, `c`, `d` (already checked to be in range).
pub(crate) fn total_hundredths(a: u32, b: u32, c: u32, d: u32) -> u32 {
    WEIGHTS[0] * a + WEIGHTS[1] * b + WEIGHTS[2] * c + WEIGHTS[3] * d
}

/// The class of a TDS given in hundredths.
pub(crate) fn class(hundredths: u32) -> TdsClass {
    if hundredths > HIGHLY_SUSPICIOUS_ABOVE {
        TdsClass::HighlySuspicious
    } else if hundredths >= SUSPICIOUS_FROM {
        TdsClass::Suspicious
    } else {
        TdsClass::Benign
    }
}

/// The TDS of `dermoscopy`, or the fields it lacks (`dermoscopy.colors`, …).
pub(crate) fn score(dermoscopy: &Dermoscopy) -> Result<Tds, Vec<String>> {
    let a = dermoscopy.asymmetry_axes;
    let b = dermoscopy.border_segments;
    let c = dermoscopy.colors.as_ref().map(|c| c.len() as u32);
    let d = dermoscopy.structures.as_ref().map(|s| s.len() as u32);
    let (Some(a), Some(b), Some(c), Some(d)) = (a, b, c, d) else {
        return Err(missing(dermoscopy));
    };
    let hundredths = total_hundredths(a, b, c, d);
    Ok(Tds {
        value: f64::from(hundredths) / 100.0,
        class: class(hundredths),
        asymmetry: a,
        border: b,
        colors: c,
        structures: d,
    })
}

/// The criteria of `dermoscopy` that were not examined.
pub(crate) fn missing(dermoscopy: &Dermoscopy) -> Vec<String> {
    [
        (dermoscopy.asymmetry_axes.is_none(), "asymmetry_axes"),
        (dermoscopy.border_segments.is_none(), "border_segments"),
        (dermoscopy.colors.is_none(), "colors"),
        (dermoscopy.structures.is_none(), "structures"),
    ]
    .into_iter()
    .filter(|(absent, _)| *absent)
    .map(|(_, field)| format!("dermoscopy.{field}"))
    .collect()
}

#[cfg(test)]
mod tests {
    use medplug_pdk::lesion::{DermoscopicColor::*, DermoscopicStructure::*};

    use super::*;

    #[test]
    fn thresholds_fall_where_the_paper_puts_them() {
        // A=1, B=4, C=2, D=3: 1.3 + 0.4 + 1.0 + 1.5 = 4.2.
        assert_eq!(total_hundredths(1, 4, 2, 3), 420);
        // A=0, B=5, C=4, D=5: 0.5 + 2.0 + 2.5 = 5.0.
        assert_eq!(total_hundredths(0, 5, 4, 5), 500);
        // The edges: 4.75 and 5.45 are suspicious (the score moves in tenths, so a real lesion
        // scores 4.7 or 4.8, 5.4 or 5.5).
        assert_eq!(class(474), TdsClass::Benign);
        assert_eq!(class(475), TdsClass::Suspicious);
        assert_eq!(class(545), TdsClass::Suspicious);
        assert_eq!(class(546), TdsClass::HighlySuspicious);
    }

    #[test]
    fn a_full_examination_gives_its_score_and_class() {
        // A textbook melanoma: asymmetric in both axes, 6 abrupt segments, 4 colours, 4
        // structures: 2.6 + 0.6 + 2.0 + 2.0 = 7.2, highly suspicious.
        let tds = score(&Dermoscopy {
            asymmetry_axes: Some(2),
            border_segments: Some(6),
            colors: Some(vec![LightBrown, DarkBrown, BlueGray, Black]),
            structures: Some(vec![Network, Structureless, Dots, Streaks]),
        })
        .expect("complete");
        assert_eq!(tds.value, 7.2);
        assert_eq!(tds.class, TdsClass::HighlySuspicious);
        assert_eq!(
            (tds.asymmetry, tds.border, tds.colors, tds.structures),
            (2, 6, 4, 4)
        );
    }

    #[test]
    fn a_partial_examination_names_what_it_lacks() {
        let partial = Dermoscopy {
            asymmetry_axes: Some(1),
            colors: Some(vec![LightBrown]),
            ..Dermoscopy::default()
        };
        assert_eq!(
            score(&partial),
            Err(vec![
                "dermoscopy.border_segments".to_owned(),
                "dermoscopy.structures".to_owned()
            ])
        );
    }
}
