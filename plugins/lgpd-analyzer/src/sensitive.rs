//! Sensitive personal data (LGPD Art. 5 II): health, genetic, biometric, religion, ethnicity,
//! political opinion, sex life.
//!
//! A term is personal data only when it concerns a person (Art. 5 I): "a depressão afeta 5% da
//! população" is not, "paciente refere depressão" is. So a lexicon match is reported only when
//! its sentence refers to an individual — a name, an identifier or another personal finding in
//! the same sentence or paragraph, a clinical-record field (`HD:`, `Religião:`), a narrative verb
//! about one patient (refere, relata, diagnosticada com), an age ("paciente de 45 anos") or the
//! first person ("tenho", "minha"). CID-10 codes (OMS, CID-10) are health data under the same
//! rule, and a bare code needs "CID" before it or a decimal to count as one.

use std::ops::Range;
use std::sync::LazyLock;

use medplug_pdk::lgpd::FindingKind;
use regex_automata::meta::Regex;

use crate::candidate::Candidate;
use crate::text::{Segments, is_function_word, line_end_within, line_start_within, window_before};

/// A CID-10 code: chapter letter, two digits, optional subcategory.
pub const CID_PATTERN: &str = r"[a-z][0-9]{2}(?:\.[0-9x])?";

/// The patterns with an open part (a number, a free word), one alternation per kind; whole words
/// (checked by the scanner). Plain terms are in the vocabulary (`vocabulary/`); biometric and
/// religious terms are all plain.
pub const LEXICON: [(FindingKind, &str); 5] = [
    (
        FindingKind::HealthData,
        // The alternation is leftmost-first: at one position the first alternative that
        // matches wins, even when a later one is longer. So specific phrases come before the
        // bare heads they start with ("transtorno de ansiedade generalizada" before
        // "transtorno"), and longer options before their prefixes ("grau iii" before "grau i").
        concat!(
            r"(?:",
            // Exam results with their value, and serologies with their reading.
            r"(?:sorologia|teste r[áa]pido|vdrl|anti-hiv|anti-hbs|hbsag|anti-hcv|hiv|s[íi]filis|hepatite [abc])(?: para (?:hiv|s[íi]filis|hepatite [bc]))?:? (?:reagente|n[ãa]o reagente|positiv[oa]|negativ[oa])(?: para (?:hiv|s[íi]filis|hepatite [bc]))?|",
            r"(?:hba1c|hemoglobina glicada|glicemia(?: de jejum)?|colesterol(?: total| ldl| hdl)?|ldl|triglicer[íi]deos|creatinina|tsh|psa|cd4|carga viral)[: ]*(?:de |= ?)?[0-9]+(?:,[0-9]+)? ?(?:%|mg/dl|mui/l|ng/ml|c[ée]lulas/mm³|c[óo]pias/ml)?|",
            // Oxygen readings and anthropometry with their value (the shape pass in
            // clinical_words.rs reads words only up to a digit, so "SpO2" is read here).
            r"(?:spo2|sato2|sat ?o2|fio2)[: ]*(?:de |= ?)?[0-9]+(?:,[0-9]+)? ?%|(?:peso|pesando|pesava|pesa)[: ]*(?:de )?[0-9]+(?:,[0-9]+)? ?kg|(?:perdi|perdeu|ganhei|ganhou|emagreci|emagreceu) (?:cerca de |mais de )?[0-9]+(?:,[0-9]+)? ?kg|",
            // Clinical scales with their score are read by term_extent.rs (vocabulary/scales.txt).
            // Obstetric notation (Caderneta da Gestante, Ministério da Saúde): gestations,
            // births, caesareans, abortions; gestational age in weeks and days.
            r"g[0-9]{1,2} ?p[0-9]{1,2} ?(?:c[0-9] ?)?(?:n[0-9] ?)?a[0-9]|[0-9]{1,2} ?s ?[0-6] ?d|(?:ig|idade gestacional)[: ]*(?:de )?[0-9]{1,2} ?(?:semanas|s)(?: e [0-6] dias)?|(?:estou|est[áa]|t[ôo]) de [0-9]{1,2} semanas|puerp[ée]rio(?: sem intercorr[êe]ncias| imediato| tardio)?|parto (?:ces[áa]reo|normal|vaginal|prematuro|pr[ée]-termo)|nascid[oa] a termo|",
            // Neonatal screening tests (Ministério da Saúde, Triagem Neonatal) and exams
            // written with their verdict.
            r"(?:triagem auditiva(?: neonatal)?|teste (?:do cora[çc][ãa]ozinho|do pezinho|da orelhinha|do olhinho|da linguinha)):? (?:normal|alterad[oa]|passou(?: bilateralmente)?|falhou)|teste (?:oral )?de toler[âa]ncia [àa] glicose|totg|(?:espirometria|audiometria|eletrocardiograma|ecg|ecocardiograma)[: ]+(?:normal|alterad[oa])|desvio [àa] esquerda|",
            // Diagnoses, medicines, vaccines, signs, symptoms, procedures, and the heads of
            // clinical phrases with their complement ("infecção urinária", term_extent.rs) are
            // named by the health vocabulary (vocabulary/, an FST built from the crate's
            // vocabulary/*.txt); here stay the terms with an open part: a free word, a number.
            r"epis[óo]dio depressivo [a-za-zà-ÿ]+|transtorno de personalidade [a-za-zà-ÿ]+|gesta[çc][ãa]o de [0-9]+ semanas|colonizad[oa] por [a-zà-úç]+|coloniza[çc][ãa]o por [a-zà-úç]+(?: [a-zà-úç]+)?|",
            r"pneumoc[óo]cica(?: conjugada| polissacar[íi]dica)? [0-9]+-valente|tr[íi]plice viral [0-9] doses|",
            // Signs and care with a complement (semiology; CFO odontogram).
            r"dor(?: tor[áa]cica| abdominal| lombar| de cabe[çc]a| no peito| em [a-zà-úç]+(?: [a-zà-úç]+){0,2})?|edema de [a-zà-úç]+|sangramento [a-zà-úç]+|[úu]lcera [a-zà-úç]+|prote[íi]n[úu]ria [0-9]\+|pecs,? fase [iv]+|",
            r"bi[óo]psia [a-zà-úç]+|curativo com [a-zà-úç]+|dreno de [a-zà-úç]+|o2 por cateter(?: nasal)?(?: [0-9]+ ?l/min)?|restaura[çc][ãa]o [0-9]{2}(?:-[a-z]{1,3})?|",
            // Tumour stage: TNM (AJCC/UICC, 8th edition) with its prefix or with N, and the
            // stage group.
            r"[cpy]t[0-4x](?:is)?[a-d]?(?:n[0-3x][a-c]?)?(?:m[01x])?|t[0-4x][a-d]?n[0-3x][a-c]?(?:m[01x])?|est[áa](?:dio|gio) (?:[0-4]|iv|i{1,3})[a-c]?|",
            r"dispneia aos? [a-zà-úç]+ esfor[çc]os|bi-rads [0-9][a-c]?|gleason [0-9+=]+|ki-67 [0-9]+ ?%|pasi [0-9]+|parestesia em [a-zà-úç]+|gengivite [a-zà-úç]+|periodontite [a-zà-úç]+ [iv]+",
            r")"
        ),
    ),
    (
        FindingKind::Genetic,
        r"(?:variantes? (?:patog[êe]nicas?|provavelmente patog[êe]nicas?|de significado incerto)(?: [a-zà-úç0-9]+){0,3}(?: no gene [a-z0-9]+| em [a-z0-9]+)?|gen[óo]tipo [a-za-z]+|c\.[0-9]+[-+_0-9]*(?:[acgt]>[acgt]|dup[acgt]*|del[acgt]*|ins[acgt]*)|p\.\(?[a-z][a-z]{2}[0-9]+[a-z][a-z]{2}\)?|4[5-7],x[xy]*)",
    ),
    (
        FindingKind::Ethnicity,
        r"(?:(?:ra[çc]a/cor|cor/ra[çc]a|ra[çc]a|cor|etnia)(?: autodeclarad[oa])?(?: \([^)]{1,20}\))?[ ]*:?[ ]*(?:[0-9] - )?(?:branca|preta|parda|amarela|ind[íi]gena|negra))",
    ),
    (
        FindingKind::PoliticalOpinion,
        r"(?:filiad[oa] (?:a|ao|à) (?:partido|sindicato)(?: d[oa]s?(?: [a-za-zà-ÿ]+){1,2}| [a-za-zà-ÿ]+)?|militante(?: d[oa] (?:partido|movimento)(?: [a-za-zà-ÿ]+)?)?|membro do (?:partido|sindicato)(?: [a-za-zà-ÿ]+)?|simpatizante d[oa] [a-za-zà-ÿ]+|eleitor(?:a)? d[oa] [a-za-zà-ÿ]+|(?:filiad[oa]|associad[oa]|dirigente|diretor[a]?(?: de base)?|delegad[oa] sindical|presidente|membro) (?:a[o]? |à |d[oa] )?sindicato(?: d[oa]s?(?: [a-za-zà-ÿ]+){1,6})?|sindicato d[oa]s? [a-za-zà-ÿ]+(?: [a-za-zà-ÿ]+){0,5})",
    ),
    (
        FindingKind::SexualLife,
        r"(?:uso (?:irregular|inconsistente|eventual) de preservativo(?: em rela[çc][õo]es [a-zà-úç]+ [a-zà-úç]+)?|rela[çc](?:[ãa]o|[õo]es) (?:anais|anal|vaginal|vaginais|oral|orais)(?: [a-zà-úç]+)?)",
    ),
];

/// Words and shapes that make a sentence about one individual.
static INDIVIDUAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:^|[^a-za-zà-ÿ0-9])(?:",
        // Narrative about one patient.
        r"refere|relata|nega|queixa-se|apresentou|apresenta-se|evoluiu|evolui|internad[oa]|diagnosticad[oa]|portador[a]? d[eoa]|em uso de|faz uso|fez uso|usu[áa]ri[oa] de|iniciou|mant[ée]m|suspendeu|encaminhad[oa]|acompanhad[oa]|declarou|declara|informou|autodeclarad[oa]|",
        // One person, by age or sex.
        r"(?:paciente|pcte?|mulher|homem|crian[çc]a|idos[oa]|gestante|adolescente|senhora?|menin[oa])(?:,| do sexo [a-za-zà-ÿ]+,?)? (?:de|com) [0-9]{1,3} (?:anos|meses)|[0-9]{1,3} ?anos,? (?:sexo )?(?:feminino|masculino)|sexo: ?(?:feminino|masculino|f|m)|",
        // Record fields.
        r"hd:|hip[óo]tese diagn[óo]stica|diagn[óo]stico:|cid(?:-10)?:|comorbidades:|antecedentes:|medica[çc][õo]es(?: em uso)?:|em uso:|resultado:|religi[ãa]o:|ra[çc]a/cor|cor:|etnia:|",
        // The first person.
        r"tenho|tive|sou|estou|fui|tomo|meu|minha|meus|minhas|comigo",
        r")(?:$|[^a-za-zà-ÿ0-9])"
    ))
    .expect("valid regex")
});

/// Words the disease and procedure endings catch that name neither, sorted (binary search).
const NOT_CLINICAL: [&str; 58] = [
    "academia",
    "acredite",
    "admite",
    "altruísmo",
    "anatomia",
    "apetite",
    "aroma",
    "axioma",
    "close",
    "comparecimento",
    "convite",
    "cristianismo",
    "diagnose",
    "diploma",
    "dose",
    "doses",
    "egoísmo",
    "elite",
    "emite",
    "enfoque",
    "epidemia",
    "evite",
    "feminismo",
    "forma",
    "frutose",
    "glicose",
    "hipnose",
    "idioma",
    "jornalismo",
    "lactose",
    "leite",
    "limite",
    "limites",
    "mecanismo",
    "noite",
    "noites",
    "norma",
    "normas",
    "nostalgia",
    "organismo",
    "otimismo",
    "palpite",
    "pandemia",
    "permite",
    "plataforma",
    "pose",
    "prognose",
    "programa",
    "programas",
    "repete",
    "sintoma",
    "sintomas",
    "site",
    "sites",
    "soma",
    "transmite",
    "turismo",
    "voluntarismo",
];

/// Subjects that make a sentence about a group, not one person ("pacientes com diabetes").
static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^a-za-zà-ÿ0-9])(?:pacientes|pessoas|indiv[íi]duos|mulheres|homens|crian[çc]as|gestantes|idosos|usu[áa]rios|portadores|adultos|popula[çc][ãa]o|casos)(?:$|[^a-za-zà-ÿ0-9])",
    )
    .expect("valid regex")
});

/// Abbreviations that are reported only when written in capitals: each is also a word or a name
/// ("lote" a vaccine batch, "Itu" a city of São Paulo).
const CAPITALS_ONLY: [&str; 15] = [
    "beg", "reg", "meg", "lote", "has", "dm", "ira", "pep", "vm", "tot", "avp", "tea", "pair",
    "ppr", "itu",
];

/// Words before an ethnic term that make it a place, a service or a language, not a person's
/// origin: FUNAI's "Terra Indígena" and "Reserva Indígena", SESAI's "Saúde Indígena", "aldeia",
/// and "língua", "idioma" or an interpreter ("intérprete (Guarani)").
const NOT_A_PERSONS_ORIGIN: [&str; 7] = [
    "terra",
    "reserva",
    "aldeia",
    "saúde",
    "língua",
    "idioma",
    "intérprete",
];

/// Whether a CID-10 match is used as a code: after "CID", or with its subcategory.
pub fn is_cid_code(text: &str, span: &Range<usize>) -> bool {
    if !text.as_bytes()[span.start].is_ascii_uppercase() {
        return false;
    }
    let in_parentheses =
        text[..span.start].ends_with('(') && text[span.end..].starts_with([')', ',', ';']);
    text[span.clone()].contains('.')
        || in_parentheses
        || window_before(text, span.start, 12).contains("cid")
}

/// What anchors sensitive terms to a person in one text: its sentences, the byte ranges of the
/// findings that identify someone (sorted), and the verdict on the last sentence asked about —
/// terms come in order, and several often share a sentence.
pub struct Anchors<'a> {
    folded: &'a str,
    segments: &'a Segments,
    identified: &'a [Range<usize>],
    last_sentence: Option<(Range<usize>, bool, bool)>,
    /// The last sentence asked about for hypothetical cues, and its cues (absolute ranges).
    last_cues: Option<(Range<usize>, Vec<Range<usize>>)>,
}

impl<'a> Anchors<'a> {
    /// Anchors for `folded` (the case-folded text).
    pub fn new(folded: &'a str, segments: &'a Segments, identified: &'a [Range<usize>]) -> Self {
        Self {
            folded,
            segments,
            identified,
            last_sentence: None,
            last_cues: None,
        }
    }

    fn in_range(&self, r: &Range<usize>) -> bool {
        let first = self.identified.partition_point(|f| f.end <= r.start);
        self.identified.get(first).is_some_and(|f| f.start < r.end)
    }

    /// Whether a cue of [`HYPOTHETICAL`] in `sentence` governs the term at byte `at`. A sentence's
    /// cues are found once, however many terms it holds.
    fn hypothetical(&mut self, sentence: &Range<usize>, at: usize) -> bool {
        if self.last_cues.as_ref().is_none_or(|(r, _)| r != sentence) {
            let cues = hypothetical_cues(&self.folded[sentence.clone()])
                .into_iter()
                .map(|c| sentence.start + c.start..sentence.start + c.end)
                .collect();
            self.last_cues = Some((sentence.clone(), cues));
        }
        self.last_cues
            .as_ref()
            .is_some_and(|(_, cues)| governs(cues, at))
    }

    /// Whether the sentence is about a group, and whether it is about one individual.
    fn sentence_verdict(&mut self, sentence: &Range<usize>) -> (bool, bool) {
        if let Some((r, generic, individual)) = &self.last_sentence
            && r == sentence
        {
            return (*generic, *individual);
        }
        let words = &self.folded[sentence.clone()];
        let verdict = (
            GENERIC.is_match(without_parentheticals(words).as_ref()),
            INDIVIDUAL.is_match(words),
        );
        self.last_sentence = Some((sentence.clone(), verdict.0, verdict.1));
        verdict
    }

    /// Reads a sensitive match: reported when its sentence is about an individual, when a
    /// finding that identifies someone shares its paragraph, or — less surely — when the text
    /// identifies someone anywhere: a record about a person is presumed to be about that person
    /// throughout, the cautious reading for a publisher. Never when the sentence is about a group.
    pub fn read(&mut self, text: &str, kind: FindingKind, span: Range<usize>) -> Option<Candidate> {
        let span = without_trailing_function_word(self.folded, span);
        let term = &self.folded[span.clone()];
        if NOT_CLINICAL.binary_search(&term).is_ok() {
            return None;
        }
        // Abbreviations that are also words count only in capitals: "LOTE" is an exam finding,
        // "lote" a vaccine batch.
        if CAPITALS_ONLY.contains(&term)
            && text[span.clone()].bytes().any(|b| b.is_ascii_lowercase())
        {
            return None;
        }
        // A form's option left unticked ("(   ) leitura de íris") states nothing about anyone.
        // Only the last bytes before the term matter, since such a line is short; bounded so that
        // a text without line breaks stays linear.
        let line = line_start_within(self.folded, span.start, 64)
            .map_or("", |start| &self.folded[start..span.start]);
        if let Some(inside) = line
            .trim()
            .strip_prefix(['(', '['])
            .and_then(|b| b.strip_suffix([')', ']']))
            && inside.trim().is_empty()
        {
            return None;
        }
        if kind == FindingKind::Ethnicity {
            let before = self.folded[..span.start].trim_end_matches([' ', '(']);
            if NOT_A_PERSONS_ORIGIN.iter().any(|w| before.ends_with(w)) {
                return None;
            }
        }
        let sentence = self.segments.sentence(span.start);
        if self.hypothetical(&sentence, span.start) || is_heading(text, &span) {
            return None;
        }
        let confidence = if self.in_range(&sentence) {
            0.9
        } else {
            let (generic, individual) = self.sentence_verdict(&sentence);
            if generic {
                return None;
            } else if individual || self.in_range(&self.segments.paragraph(span.start)) {
                0.8
            } else if !self.identified.is_empty() {
                0.7
            } else {
                return None;
            }
        };
        Some(Candidate::builtin(
            kind, span.start, span.end, confidence, None,
        ))
    }
}

/// Words that make what follows them in a sentence a possibility, a warning or a risk rather
/// than a fact about the person: an orientation about warning signs ("em caso de sangramento,
/// procure…"), a consent form's list of risks, a medicine's side effects. The labelling guideline
/// (tests/corpus/lgpd-analyzer/README.md, "Who it is about") excludes them, after LGPD Art. 5 I:
/// they state nothing about an identified person.
const HYPOTHETICAL: [&str; 17] = [
    "em caso de",
    "caso apresente",
    "caso haja",
    "caso tenha",
    "se houver",
    "se apresentar",
    "sinais de alerta",
    "sinais de alarme",
    "sinais de perigo",
    "riscos",
    "pode causar",
    "podem causar",
    "que causam",
    "efeitos colaterais",
    "efeitos adversos",
    "reações adversas",
    "possíveis complicações",
];

/// How far back in its sentence a cue of [`HYPOTHETICAL`] still governs a term, in bytes: a list
/// after "riscos:" runs about a line.
const HYPOTHETICAL_REACH: usize = 160;

/// The byte ranges, in `sentence`, of the [`HYPOTHETICAL`] cues it holds as whole words. One
/// pass over the sentence: a cue is tried only where a word starts with a cue's first byte.
fn hypothetical_cues(sentence: &str) -> Vec<Range<usize>> {
    let edge = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
    let mut cues = Vec::new();
    let bytes = sentence.as_bytes();
    for (at, &byte) in bytes.iter().enumerate() {
        // A cue starts a word: after a space or punctuation (a non-ASCII byte before it is part
        // of a letter, or of a dash or quote, which no cue follows in practice).
        let after_edge =
            at == 0 || (bytes[at - 1] < 0x80 && !bytes[at - 1].is_ascii_alphanumeric());
        if !HYPOTHETICAL_FIRST_BYTES.contains(&byte) || !after_edge {
            continue;
        }
        for cue in HYPOTHETICAL.iter().filter(|cue| cue.as_bytes()[0] == byte) {
            let end = at + cue.len();
            if sentence[at..].starts_with(cue) && edge(sentence[end..].chars().next()) {
                cues.push(at..end);
            }
        }
    }
    cues
}

/// The first bytes of the [`HYPOTHETICAL`] cues.
const HYPOTHETICAL_FIRST_BYTES: [u8; 6] = [b'e', b'c', b's', b'r', b'p', b'q'];

/// Whether one of `cues` governs a term at byte `at` of their sentence: it ends before the term
/// and starts within [`HYPOTHETICAL_REACH`] bytes of it.
fn governs(cues: &[Range<usize>], at: usize) -> bool {
    cues.iter()
        .any(|cue| cue.end <= at && cue.start + HYPOTHETICAL_REACH >= at)
}

/// Whether `before` (the folded sentence up to a term) puts the term in a hypothetical or
/// instructional context.
#[cfg(test)]
fn is_hypothetical(before: &str) -> bool {
    governs(&hypothetical_cues(before), before.len())
}

/// Whether the term sits in a heading: a short line in capitals with no field separator
/// ("CENTRO DE REFERÊNCIA PARA IMUNOBIOLÓGICOS ESPECIAIS", "FICHA — SÍFILIS EM GESTANTE"). The
/// guideline does not label a form's or a service's title; a field in capitals ("HD: HIV") has
/// its colon.
fn is_heading(text: &str, span: &Range<usize>) -> bool {
    const SHORT_LINE: usize = 80;
    // A heading is in capitals: a term with a lower-case letter is in none.
    if text[span.clone()].chars().any(char::is_lowercase) {
        return false;
    }
    // Only the bytes just before and after the term can belong to a short line: bounded, so
    // that a text without line breaks stays linear.
    let (Some(start), Some(end)) = (
        line_start_within(text, span.start, SHORT_LINE + 1),
        line_end_within(text, span.end, SHORT_LINE + 1),
    ) else {
        return false;
    };
    let line = &text[start..end];
    line.len() <= SHORT_LINE
        && !line.contains(':')
        && line.chars().filter(|c| c.is_alphabetic()).count() >= 8
        && !line.chars().any(char::is_lowercase)
}

/// `sentence` without what stands in parentheses: an aside about a group ("meta PAS < 180 (…)
/// de pacientes não trombolisados") does not make the sentence around it about one.
fn without_parentheticals(sentence: &str) -> std::borrow::Cow<'_, str> {
    if !sentence.contains('(') {
        return sentence.into();
    }
    let mut kept = String::with_capacity(sentence.len());
    let mut depth = 0usize;
    for c in sentence.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    kept.into()
}

/// `span` without a trailing function word ("trombose e" → "trombose"): a head's one-word
/// complement (`dor em <word>`, `crise <word>`) must not take the conjunction or article after
/// it. `folded` is the case-folded text.
fn without_trailing_function_word(folded: &str, span: Range<usize>) -> Range<usize> {
    let term = &folded[span.clone()];
    match term.rsplit_once(' ') {
        Some((head, last)) if is_function_word(last) => span.start..span.start + head.len(),
        _ => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aside_about_a_group_leaves_the_sentence_about_the_person() {
        assert_eq!(
            without_parentheticals(
                "pa 158x92 mmhg, mantida conduta (meta de pacientes (adultos)) às 22h"
            ),
            "pa 158x92 mmhg, mantida conduta  às 22h"
        );
        assert_eq!(without_parentheticals("sem parênteses"), "sem parênteses");
    }

    #[test]
    fn the_exceptions_are_sorted_for_binary_search() {
        assert!(NOT_CLINICAL.is_sorted());
        assert_eq!(
            NOT_CLINICAL.binary_search(&"glicose"),
            Ok(NOT_CLINICAL.iter().position(|w| *w == "glicose").unwrap())
        );
    }

    #[test]
    fn warnings_risks_and_side_effects_are_hypothetical() {
        assert!(is_hypothetical("em caso de "));
        assert!(is_hypothetical("orientada quanto a sinais de alerta ("));
        assert!(is_hypothetical("riscos do procedimento: sangramento, "));
        assert!(!is_hypothetical("paciente refere "));
        // A cue inside a longer word is no cue ("descaso de" is not "caso de").
        assert!(!is_hypothetical("por descaso haja "));
        // Beyond its reach the cue no longer governs.
        let far = format!("em caso de dúvida, {}", "x".repeat(HYPOTHETICAL_REACH));
        assert!(!is_hypothetical(&far));
    }

    #[test]
    fn short_lines_in_capitals_without_a_colon_are_headings() {
        let text = "FICHA — SÍFILIS EM GESTANTE\nHD: SÍFILIS\nRefere sífilis.";
        let at = |word: &str, nth: usize| {
            let start = text.match_indices(word).nth(nth).unwrap().0;
            start..start + word.len()
        };
        assert!(is_heading(text, &at("SÍFILIS", 0)));
        assert!(!is_heading(text, &at("SÍFILIS", 1)));
        assert!(!is_heading(text, &at("sífilis", 0)));
    }

    #[test]
    fn a_complement_never_ends_on_a_function_word() {
        let cut = |t: &str| {
            let span = without_trailing_function_word(t, 0..t.len());
            t[span].to_owned()
        };
        assert_eq!(cut("trombose e"), "trombose");
        assert_eq!(cut("lesões e"), "lesões");
        assert_eq!(cut("dor em joelho"), "dor em joelho");
        assert_eq!(cut("crise de"), "crise");
        assert_eq!(cut("asma"), "asma");
    }
}
