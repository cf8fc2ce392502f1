//! The bands of the LGPD risk score.

use serde::{Deserialize, Serialize};

/// Risk bands of `risk_score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// 0–20.
    BaixoRisco,
    /// 21–50.
    MedioRisco,
    /// 51–80.
    AltoRisco,
    /// Above 80.
    Critico,
}

impl RiskLevel {
    /// The band a score falls in.
    pub fn from_score(score: u8) -> Self {
        match score {
            0..=20 => Self::BaixoRisco,
            21..=50 => Self::MedioRisco,
            51..=80 => Self::AltoRisco,
            _ => Self::Critico,
        }
    }

    /// The lowest score of the band.
    pub fn floor(self) -> u8 {
        match self {
            Self::BaixoRisco => 0,
            Self::MedioRisco => 21,
            Self::AltoRisco => 51,
            Self::Critico => 81,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_have_their_documented_edges() {
        let bands: Vec<_> = [0, 20, 21, 50, 51, 80, 81, 100]
            .map(RiskLevel::from_score)
            .into();
        use RiskLevel::*;
        assert_eq!(
            bands,
            [
                BaixoRisco, BaixoRisco, MedioRisco, MedioRisco, AltoRisco, AltoRisco, Critico,
                Critico
            ]
        );
        for level in [BaixoRisco, MedioRisco, AltoRisco, Critico] {
            assert_eq!(RiskLevel::from_score(level.floor()), level);
        }
        assert_eq!(
            serde_json::to_string(&MedioRisco).unwrap(),
            r#""medio_risco""#
        );
    }
}
