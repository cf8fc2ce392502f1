//! Any input the wire types admit gets a report or an `invalid_input` error: never a panic
//! (an `internal` error in wasm) and never an `internal` error. 5,000 pseudo-random lesion sets,
//! with values in and out of range, repeated colours, odd ids and locations, and histories.

use lesion_risk::score;
use medplug_pdk::ErrorCode;
use medplug_pdk::lesion::{
    ClinicalSigns, DermoscopicColor as C, DermoscopicStructure as S, Dermoscopy, EyeColor,
    Freckling, HairColor, Lesion, PatientHistory, ScoreInput, SevenPoint, SevenPointCriterion,
    SkinType,
};

const COLORS: [C; 6] = [
    C::White,
    C::Red,
    C::LightBrown,
    C::DarkBrown,
    C::BlueGray,
    C::Black,
];
const STRUCTURES: [S; 5] = [
    S::Network,
    S::Structureless,
    S::Dots,
    S::Globules,
    S::Streaks,
];
const NAMES: [&str; 6] = ["L1", "", "Lábio superior", "ROSTO", "✨", "palma\u{301}"];

/// A linear congruential generator: the same inputs on every run.
struct Draw(u64);

impl Draw {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % n
    }
    /// Three times in four, a value made by `make`; otherwise `None`.
    fn maybe<T>(&mut self, make: impl FnOnce(&mut Self) -> T) -> Option<T> {
        (self.next(4) != 0).then(|| make(self))
    }
    fn flag(&mut self) -> Option<bool> {
        [None, Some(false), Some(true)][self.next(3)]
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> Vec<T> {
        (0..self.next(from.len() + 2))
            .map(|_| from[self.next(from.len())])
            .collect()
    }
}

fn lesion(d: &mut Draw, i: usize) -> Lesion {
    let mut seven = SevenPoint::default();
    for criterion in SevenPointCriterion::ALL {
        if let Some(present) = d.flag() {
            seven.set(criterion, present);
        }
    }
    let id = format!("{}{}", NAMES[d.next(NAMES.len())], i % 3);
    Lesion {
        id,
        dermoscopy: d.maybe(|d| Dermoscopy {
            asymmetry_axes: d.maybe(|d| d.next(4) as u32),
            border_segments: d.maybe(|d| d.next(10) as u32),
            colors: d.maybe(|d| d.pick(&COLORS)),
            structures: d.maybe(|d| d.pick(&STRUCTURES)),
        }),
        seven_point: d.maybe(|_| seven),
        clinical: d.maybe(|d| ClinicalSigns {
            asymmetry: d.flag(),
            border_irregular: d.flag(),
            color_variegated: d.flag(),
        }),
        diameter_mm: d.maybe(|d| [-1.0, 0.0, 3.5, 6.0, 6.01, 40.0, 2_000.0][d.next(7)]),
        evolving: d.flag(),
        location: d.maybe(|d| NAMES[d.next(NAMES.len())].repeat(1 + d.next(30))),
    }
}

#[test]
fn every_input_gets_a_report_or_invalid_input() {
    let mut d = Draw(0x2545_f491_4f6c_dd1d);
    let (mut reports, mut refusals) = (0, 0);
    for _ in 0..5_000 {
        let lesions = (0..d.next(4)).map(|i| lesion(&mut d, i)).collect();
        let patient = d.maybe(|d| PatientHistory {
            common_nevi: d.maybe(|d| [0, 15, 16, 120, 121, 10_001][d.next(6)]),
            atypical_nevi: d.maybe(|d| d.next(8) as u32),
            family_history: d.flag(),
            skin_type: d.maybe(|d| [SkinType::I, SkinType::III, SkinType::VI][d.next(3)]),
            hair_color: d.maybe(|d| [HairColor::Red, HairColor::Blond][d.next(2)]),
            eye_color: d.maybe(|d| [EyeColor::Blue, EyeColor::Hazel][d.next(2)]),
            freckling: d.maybe(|d| [Freckling::None, Freckling::Many][d.next(2)]),
            sunburn_history: d.flag(),
            previous_skin_cancer: d.flag(),
            actinic_damage: d.flag(),
        });
        match score(ScoreInput { lesions, patient }) {
            Ok(report) => {
                assert!(report.compliance.passed);
                reports += 1;
            }
            Err(error) => {
                assert_eq!(error.code, ErrorCode::InvalidInput, "{}", error.message);
                refusals += 1;
            }
        }
    }
    // Both outcomes are exercised: these draws give 274 reports and 4,726 refusals.
    assert!(
        reports >= 200 && refusals >= 200,
        "{reports} reports, {refusals} refusals"
    );
}
