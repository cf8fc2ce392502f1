//! Names of patients and other private persons.
//!
//! A name is read after a cue — "paciente", "Sr.", "Sra.", "Dona", "Nome:", "mãe:", "filha de",
//! "acompanhada de" — as a run of capitalised words, with the Portuguese particles (da, das, de,
//! do, dos, e) between them; all-capital names as forms print them count too. Once a name is
//! known, its later mentions in the same document (the full name, or the first name alone) are
//! found too. Health professionals' names (after Dr., Dra., Enf.) are not patients' and are left.

use std::ops::Range;

use medplug_pdk::lgpd::FindingKind;
use std::collections::HashMap;

use crate::candidate::Candidate;
use crate::text::is_word_char;

/// The cue words, for the scanner (the name itself is read by [`read`]). A form's captions
/// ("Nome completo da paciente:", "Responsável legal (mãe):") are cued by their first word and
/// read to their colon by [`through_caption`]: in the pattern, "any character but a colon, up to
/// 25 times" multiplied the automaton's states, and its first-call cost, several times over.
pub const CUE_PATTERN: &str = r"(?:(?m:^)(?:[-•*]|[0-9]{1,2}[.)]|[a-z]\))[ ]|testemunha(?: [0-9])?:|companheir[oa],?|respons[áa]ve(?:l|is)|filh[oa]s?,|pais:|pai \(|m[ãa]e \(|representad[oa] por|meu nome [ée]|me chamo|\[[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4},? [0-9]{1,2}:[0-9]{2}\]|leito [0-9]+ ?[—–-]|eu,|nome|acompanhante|usu[áa]ri[oa]:|crian[çc]a:|candidat[oa]:|interessad[oa]:|benefici[áa]ri[oa]|avaliad[oa]:|requerente:|v[íi]tima:|segurad[oa]:|titular:|paciente|pcte?\.?|sr\.|sra\.|srta\.|sr|sra|srta|senhora|senhor|dona|m[ãa]e[ ]?:?|pai[ ]?:?|genitora|genitor|acompanhad[oa] (?:de|pel[oa]|da|do)|filh[oa] de|espos[oa]|marido|irm[ãa]o?|net[oa]|cuidadora?|titular[ ]?:)";

/// Capitalised words that follow a cue but are not names.
const NOT_NAMES: &[&str] = &[
    "Téc",
    "Centro",
    "Instituto",
    "Laboratório",
    "Associação",
    "Fundação",
    "Santa",
    "Casa",
    "Telefone",
    "Endereço",
    "Rua",
    "Avenida",
    "Av",
    "Profa",
    "Prof",
    "Sr",
    "Sra",
    "Srta",
    "Enf",
    "Psicóloga",
    "Psicólogo",
    "Recepção",
    "Atendimento",
    "Secretaria",
    "Equipe",
    "Setor",
    "Nossa",
    "A",
    "O",
    "As",
    "Os",
    "Ao",
    "No",
    "Na",
    "Em",
    "Com",
    "Sem",
    "Não",
    "Nao",
    "Sim",
    "Se",
    "Que",
    "Refere",
    "Relata",
    "Nega",
    "Apresenta",
    "Apresentou",
    "Comparece",
    "Compareceu",
    "Evolui",
    "Evoluiu",
    "Segue",
    "Mantém",
    "Encaminhado",
    "Encaminhada",
    "Orientado",
    "Orientada",
    "Informa",
    "Queixa",
    "Deu",
    "Está",
    "Foi",
    "Tem",
    "Teve",
    "Dr",
    "Dra",
    "Doutor",
    "Doutora",
    "Hospital",
    "Clínica",
    "Unidade",
    "UBS",
    "SUS",
    "CPF",
    "RG",
    "CNS",
    "Data",
    "Idade",
    "Sexo",
    "Feminino",
    "Masculino",
    "Paciente",
    "Nome",
    "Janeiro",
    "Fevereiro",
    "Março",
    "Abril",
    "Maio",
    "Junho",
];

const PARTICLES: [&str; 12] = [
    "da", "das", "de", "do", "dos", "e", "DA", "DAS", "DE", "DO", "DOS", "E",
];

/// Reads the name after a cue; `None` when no name follows.
pub fn read(text: &str, cue: Range<usize>) -> Option<Candidate> {
    if professional_before(text, cue.start) {
        return None;
    }
    let cue = through_caption(text, cue)?;
    let after = &text[cue.end..];
    let after = after.strip_prefix("(a)").unwrap_or(after);
    let after = after.strip_prefix("(ª)").unwrap_or(after);
    let skipped = text.len()
        - cue.end
        - after
            .trim_start_matches([' ', ':', ',', '-', '\t', '.', '('])
            .len();
    let start = cue.end + skipped;
    // The name stands apart from its cue ("Sr. João", "Nome: Ana"): "SR.ZUC" is a code.
    let separated =
        text[cue.clone()].ends_with([' ', ':']) || text[cue.end..start].contains([' ', '\t']);
    if !separated {
        return None;
    }
    let len = name_length(&text[start..])?;
    // A list item is a name only when it has a surname: "- Aumentar dose" is not one.
    let list_item = text[cue.clone()].starts_with(|c: char| !c.is_alphabetic())
        || text[cue.clone()].ends_with(") ");
    if list_item && !text[start..start + len].contains(' ') {
        return None;
    }
    Some(Candidate::builtin(
        FindingKind::PatientName,
        start,
        start + len,
        0.9,
        None,
    ))
}

/// A caption's cue word read on to the end of its caption: "Nome" to the colon within 25
/// characters ("Nome completo da paciente:"), "Responsável" to a colon or parenthesis within 30,
/// "Acompanhante" to a colon within 20 or alone. `None` when a caption that needs its colon has
/// none on its line; any other cue is returned as it is.
fn through_caption(text: &str, cue: Range<usize>) -> Option<Range<usize>> {
    let word = text[cue.clone()].to_lowercase();
    let (reach, ends, alone): (usize, &[char], bool) = match word.as_str() {
        "nome" => (25, &[':'], false),
        "responsável" | "responsavel" | "responsáveis" | "responsaveis" => {
            (30, &[':', '('], false)
        }
        "acompanhante" => (20, &[':'], true),
        _ => return Some(cue),
    };
    for (n, (at, c)) in text[cue.end..].char_indices().enumerate() {
        if ends.contains(&c) {
            return Some(cue.start..cue.end + at + c.len_utf8());
        }
        if c == '\n' || n == reach {
            break;
        }
    }
    alone.then_some(cue)
}

/// Whether a health professional's title or role stands just before a cue ("psicóloga
/// responsável:"): the name that follows is not a patient's.
fn professional_before(text: &str, at: usize) -> bool {
    const ROLES: [&str; 14] = [
        "psicólog",
        "médic",
        "enfermeir",
        "dr.",
        "dra.",
        "profa",
        "prof.",
        "pesquisador",
        "técnic",
        "assistente social",
        "nutricionista",
        "fisioterapeut",
        "dentista",
        "cirurgi",
    ];
    let window = crate::text::window_before(text, at, 30);
    // By hand rather than `str::contains`: a substring searcher set up per role and per cue
    // costs more than these few byte comparisons.
    let window = window.as_bytes();
    (0..window.len()).any(|i| {
        ROLES.iter().any(|r| {
            let r = r.as_bytes();
            r[0] == window[i] && window[i..].starts_with(r)
        })
    })
}

/// The byte length of the name at the start of `s`: capitalised words joined by single spaces
/// and particles.
fn name_length(s: &str) -> Option<usize> {
    let mut end = 0;
    let mut words = 0;
    let mut all_caps = None;
    let mut pos = 0;
    loop {
        let word_len = s[pos..]
            .char_indices()
            .find(|&(_, c)| !(is_word_char(c) || c == '\'' || c == '-'))
            .map_or(s.len() - pos, |(i, _)| i);
        let word = s[pos..pos + word_len].trim_end_matches(['-', '\'']);
        if word.is_empty() {
            break;
        }
        if PARTICLES.contains(&word) && words == 0 {
            return None;
        }
        if PARTICLES.contains(&word) {
            // Kept only if a name word follows.
        } else if let Some(caps) = name_word(word, all_caps) {
            if words == 0 && NOT_NAMES.contains(&word) {
                return None;
            }
            if words > 0 && NOT_NAMES.contains(&word) {
                break;
            }
            all_caps.get_or_insert(caps);
            words += 1;
            end = pos + word.len();
        } else {
            break;
        }
        let next = pos + word_len;
        if s[next..].starts_with(' ') && !s[next + 1..].starts_with(' ') {
            pos = next + 1;
        } else {
            break;
        }
    }
    (words > 0).then_some(end)
}

/// Whether `word` is a name word: `Maria`, `D'Ávila`, `Ana-Lúcia`, or in an all-capitals name
/// `MARIA`. Returns whether it is all capitals.
fn name_word(word: &str, all_caps: Option<bool>) -> Option<bool> {
    if word.chars().count() < 2 || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut caps = true;
    let mut capitalised = true;
    for part in word.split(['\'', '-']) {
        let mut chars = part.chars();
        let first = chars.next()?;
        let rest: Vec<char> = chars.collect();
        if !first.is_uppercase() || !rest.iter().all(|c| c.is_alphabetic()) {
            return None;
        }
        caps &= rest.iter().all(|c| c.is_uppercase());
        capitalised &= rest.iter().all(|c| c.is_lowercase());
    }
    match all_caps {
        None if caps && word.chars().count() >= 3 => Some(true),
        Some(true) if caps => Some(true),
        None | Some(false) if capitalised => Some(false),
        _ => None,
    }
}

/// Later mentions of names already found: the full name anywhere, and the first name alone.
///
/// One pass over the text's words, looking each capitalised word up among the names' first
/// words: no automaton is built per call.
pub fn mentions(text: &str, found: &[Candidate]) -> Vec<Candidate> {
    let mut by_first: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in found {
        let name = &text[c.start..c.end];
        let first = name.split(' ').next().unwrap_or(name);
        by_first.entry(first).or_default().push(name);
        if first.chars().count() >= 3 && first != name && !NOT_NAMES.contains(&first) {
            by_first.entry(first).or_default().push(first);
        }
    }
    if by_first.is_empty() {
        return Vec::new();
    }
    for names in by_first.values_mut() {
        // Longest first: the full name wins over the first name alone.
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        names.dedup();
    }
    let bytes = text.as_bytes();
    let letter = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_uppercase() && bytes[i] < 0x80 || (i > 0 && letter(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let end = (i..bytes.len())
            .find(|&j| !letter(bytes[j]))
            .unwrap_or(bytes.len());
        let Some(names) = text.get(i..end).and_then(|word| by_first.get(word)) else {
            i = end.max(i + 1);
            continue;
        };
        let hit = names.iter().find(|n| {
            text[i..].starts_with(*n) && !bytes.get(i + n.len()).is_some_and(|&b| letter(b))
        });
        match hit {
            Some(name) => {
                let confidence = if name.contains(' ') { 0.85 } else { 0.7 };
                out.push(Candidate::builtin(
                    FindingKind::PatientName,
                    i,
                    i + name.len(),
                    confidence,
                    None,
                ));
                i += name.len();
            }
            None => i = end.max(i + 1),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Option<&str> {
        name_length(s).map(|n| &s[..n])
    }

    #[test]
    fn names_with_particles_and_accents() {
        assert_eq!(
            name("Maria das Graças Souza, 54 anos"),
            Some("Maria das Graças Souza")
        );
        assert_eq!(name("João de Deus refere dor"), Some("João de Deus"));
        assert_eq!(name("Ana e Pedro"), Some("Ana e Pedro"));
        assert_eq!(
            name("MARIA DA SILVA COSTA\nCPF"),
            Some("MARIA DA SILVA COSTA")
        );
        assert_eq!(name("Sebastião D'Ávila."), Some("Sebastião D'Ávila"));
        assert_eq!(name("refere dor"), None);
        assert_eq!(name("Refere dor"), None);
        assert_eq!(name("Maria da"), Some("Maria"));
    }
}
