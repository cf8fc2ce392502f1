//! How far a negation reaches. "Não perca: 50% off no clareamento" is not a denied price, and
//! "Sem dor, sem cortes, resultado garantido" is not a denied guarantee: a negation denies a
//! claim phrase only when that phrase follows it closely ([`WINDOW`] words) in the same clause
//! (no comma, colon, semicolon, dash, bracket or stop between them, no "mas"/"but"). A denial
//! of existence or evidence ("não há evidências de que…", "there is no cure", "não existe
//! tratamento que…") reaches the end of the sentence. A modal ("pode", "may") softens in the
//! same way: only what follows it closely in its clause.

use crate::cue::Cue;
use crate::lexicon::Match;
use crate::words::Word;

/// How many words after a negation a claim phrase may start and still be denied: "nem todos
/// os pacientes percebem melhora", "Nenhum exame isolado fecha um diagnóstico".
const WINDOW: usize = 6;

/// Words that open a new clause.
const CLAUSE_WORDS: [&str; 6] = ["mas", "porem", "but", "however", "although", "though"];

/// Whether a negation or denial among `matches` denies one of the claim phrases `claims`.
pub(crate) fn denies(text: &str, words: &[Word], matches: &[Match], claims: &[Match]) -> bool {
    matches.iter().any(|n| match n.cue {
        Cue::Denial => claims.iter().any(|c| c.end > n.first),
        Cue::Negation => reaches(text, words, n, claims),
        _ => false,
    })
}

/// Whether a modal among `matches` softens one of the claim phrases `claims`.
pub(crate) fn softens(text: &str, words: &[Word], matches: &[Match], claims: &[Match]) -> bool {
    matches
        .iter()
        .any(|m| m.cue == Cue::Modal && reaches(text, words, m, claims))
}

/// Whether a claim phrase starts within [`WINDOW`] words after `from` (or inside it), in its
/// clause.
fn reaches(text: &str, words: &[Word], from: &Match, claims: &[Match]) -> bool {
    claims.iter().any(|c| {
        c.end > from.first
            && c.first <= from.end - 1 + WINDOW
            && !clause_break(text, words, from.end - 1, c.first)
    })
}

/// Whether a clause ends between word `from` and word `to`.
pub(crate) fn clause_break(text: &str, words: &[Word], from: usize, to: usize) -> bool {
    (from..to).any(|k| {
        let gap = &text[words[k].end..words[k + 1].start];
        gap.contains([',', ';', ':', '—', '–', '(', ')', '.', '!', '?'])
            || CLAUSE_WORDS.contains(&words[k + 1].folded.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::words::words;
    use medplug_pdk::claims::ClaimType;

    fn denied(text: &str) -> bool {
        let lexicon = Lexicon::new(&[&[
            ("nao", Cue::Negation),
            ("no", Cue::Negation),
            ("nao ha", Cue::Denial),
            ("garant*", Cue::Claim(ClaimType::Guarantee)),
            ("melhora", Cue::Claim(ClaimType::Efficacy)),
            ("desconto", Cue::Lure),
        ]]);
        let all = words(text, 0, text.len());
        let found = lexicon.find(&all);
        let claims: Vec<Match> = found
            .iter()
            .copied()
            .filter(|m| !matches!(m.cue, Cue::Negation | Cue::Denial))
            .collect();
        denies(text, &all, &found, &claims)
    }

    #[test]
    fn a_negation_denies_only_what_follows_it_in_its_clause() {
        assert!(denied("O tratamento não garante o resultado."));
        assert!(!denied("Não perca: 50% de desconto."));
        assert!(!denied("Sem cortes e no pain, resultado garantido."));
        assert!(!denied(
            "Não é preciso jejum para o exame que mostra melhora em tudo."
        ));
        assert!(denied(
            "Não há evidências de que a terapia, usada sozinha, melhora o sono."
        ));
        assert!(!denied("O laser garante a melhora, mas não dói."));
    }
}
