//! Which language a text is in: Portuguese or English, by counting each language's function
//! words among the text's words. A tie (or no function word at all) reads as Portuguese, the
//! platform's first language.

use medplug_pdk::claims::Language;

use crate::words::Word;
use crate::{cues_en, cues_pt};

/// The language `words` are most likely in.
pub(crate) fn detect(words: &[Word]) -> Language {
    let count = |list: &[&str]| {
        words
            .iter()
            .filter(|w| list.contains(&w.folded.as_str()))
            .count()
    };
    if count(cues_en::FUNCTION_WORDS) > count(cues_pt::FUNCTION_WORDS) {
        Language::En
    } else {
        Language::Pt
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::words;

    fn language(text: &str) -> Language {
        detect(&words(text, 0, text.len()))
    }

    #[test]
    fn function_words_decide() {
        assert_eq!(
            language("O laser reduz as manchas da pele em poucas semanas."),
            Language::Pt
        );
        assert_eq!(
            language("The laser reduces the spots on your skin in a few weeks."),
            Language::En
        );
        assert_eq!(language("Botox!"), Language::Pt);
    }
}
