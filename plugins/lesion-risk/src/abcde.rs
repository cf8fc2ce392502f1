//! The clinical ABCDE signs of melanoma: Friedman RJ, Rigel DS, Kopf AW. Early detection of
//! malignant melanoma: the role of physician examination and self-examination of the skin. CA
//! Cancer J Clin 1985;35:130–151 (A asymmetry, B border irregularity, C colour variegation, D
//! diameter above 6 mm); Abbasi NR, Shaw HM, Rigel DS, et al. Early diagnosis of cutaneous
//! melanoma: revisiting the ABCD criteria. JAMA 2004;292:2771–2776 (E evolving).

use medplug_pdk::lesion::{Abcde, Lesion};

/// D: a diameter above this many millimetres is a sign (Friedman 1985).
pub(crate) const DIAMETER_SIGN_ABOVE_MM: f64 = 6.0;

/// The ABCDE signs of `lesion`; a sign not examined stays `None`.
pub(crate) fn signs(lesion: &Lesion) -> Abcde {
    let clinical = lesion.clinical.unwrap_or_default();
    let mut abcde = Abcde {
        asymmetry: clinical.asymmetry,
        border_irregular: clinical.border_irregular,
        color_variegated: clinical.color_variegated,
        diameter_over_6mm: lesion.diameter_mm.map(|d| d > DIAMETER_SIGN_ABOVE_MM),
        evolving: lesion.evolving,
        positive: 0,
        examined: 0,
    };
    let all = each(&abcde);
    abcde.positive = all.iter().filter(|(s, _)| *s == Some(true)).count() as u32;
    abcde.examined = all.iter().filter(|(s, _)| s.is_some()).count() as u32;
    abcde
}

/// The five signs with the input field each comes from.
pub(crate) fn each(abcde: &Abcde) -> [(Option<bool>, &'static str); 5] {
    [
        (abcde.asymmetry, "clinical.asymmetry"),
        (abcde.border_irregular, "clinical.border_irregular"),
        (abcde.color_variegated, "clinical.color_variegated"),
        (abcde.diameter_over_6mm, "diameter_mm"),
        (abcde.evolving, "evolving"),
    ]
}

/// The input fields of the signs that were not examined.
pub(crate) fn missing(abcde: &Abcde) -> Vec<String> {
    each(abcde)
        .into_iter()
        .filter(|(s, _)| s.is_none())
        .map(|(_, field)| field.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use medplug_pdk::lesion::ClinicalSigns;

    use super::*;

    #[test]
    fn six_millimetres_is_not_a_sign_and_what_was_not_examined_is_not_counted() {
        let lesion = Lesion {
            id: "L1".into(),
            clinical: Some(ClinicalSigns {
                asymmetry: Some(true),
                border_irregular: Some(false),
                color_variegated: None,
            }),
            diameter_mm: Some(6.0),
            ..Lesion::default()
        };
        let abcde = signs(&lesion);
        assert_eq!(abcde.diameter_over_6mm, Some(false));
        assert_eq!((abcde.positive, abcde.examined), (1, 3));
        assert_eq!(missing(&abcde), ["clinical.color_variegated", "evolving"]);
        let wider = signs(&Lesion {
            diameter_mm: Some(6.1),
            evolving: Some(true),
            ..lesion
        });
        assert_eq!((wider.positive, wider.examined), (3, 4));
    }
}
