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
use crate::text::{paragraph_around, sentence_around, window_before};

/// A CID-10 code: chapter letter, two digits, optional subcategory.
pub const CID_PATTERN: &str = r"[A-Z][0-9]{2}(?:\.[0-9X])?";

/// The lexicon, one alternation per kind. Case-insensitive; whole words (checked by the scanner).
pub const LEXICON: [(FindingKind, &str); 7] = [
    (
        FindingKind::HealthData,
        concat!(
            r"(?i)(?:",
            // A word followed by a dose is a medication: "pregabalina 75 mg", "ceftriaxona 2 g/dia".
            r"[a-zà-úç]{4,}(?: [a-zà-úç]{4,})? [0-9]+(?:[.,][0-9]+)?(?:/[0-9]+)? ?(?:mg|mcg|µg|g|UI|mL|ml)(?:/(?:dia|kg|h|min))*|",
            // A measured value with a laboratory unit.
            r"[0-9]+(?:[.,][0-9]+)? ?(?:mg/dL|g/dL|mUI/L|mUI/mL|µUI/mL|UI/mL|ng/mL|ng/dL|pg/mL|U/L|mmol/L|mEq/L|/mm³|c[ée]lulas/mm³|c[óo]pias/mL)|",
            // A sign, test or blood group with its reading.
            r"[a-zà-úç][a-zà-úç0-9-]{1,20}:? (?:n[ãa]o reagente|reagente|positiv[oa]|negativ[oa])|",
            // Words whose ending names a disease, a procedure or an inflammation (see NOT_CLINICAL).
            r"[a-zà-úç]{3,}(?:ites?|oses?|emias?|patias?|algias?|ectomias?|otomias?|plastias?|stomias?|omas?|ismo)|",
            // Heads of clinical phrases, with up to three words after them.
            r"(?:s[íi]ndrome|transtorno|doen[çc]a|insufici[êe]ncia|fratura|les[ãa]o|les[õo]es|h[ée]rnia|infec[çc][ãa]o|alergia|depend[êe]ncia|uso abusivo|crise|atraso|defici[êe]ncia|c[áa]rie|n[óo]dulo|tumor|trombose|hemorragia|perda auditiva|paralisia|fibrila[çc][ãa]o|apneia|pr[ée]-ecl[âa]mpsia|pneumonia|choque|sepse)(?: (?:de|do|da|dos|das|em|por|a|à|ao) ?[a-zà-úç0-9/-]+| [a-zà-úç0-9/-]+){0,3}|",
            // Diagnoses and conditions.
            r"depress[ãa]o(?: (?:maior|recorrente|grave|moderada|leve))?|epis[óo]dio depressivo(?: [a-zA-ZÀ-ÿ]+)?|transtorno (?:depressivo|bipolar|afetivo bipolar|de ansiedade(?: generalizada)?|de p[âa]nico|obsessivo[- ]compulsivo|de estresse p[óo]s-traum[áa]tico|do espectro autista|alimentar|de personalidade [a-zA-ZÀ-ÿ]+)|ansiedade generalizada|s[íi]ndrome do p[âa]nico|esquizofrenia|autismo|TDAH|burnout|",
            r"diabetes(?: mellitus)?(?: tipo (?:1|2|I|II))?|DM ?[12]|DM|hipertens[ãa]o(?: arterial)?(?: sist[êe]mica)?|HAS|HIV(?: reagente| positivo)?|AIDS|soropositiv[oa]|s[íi]filis(?: (?:prim[áa]ria|secund[áa]ria|terci[áa]ria|latente|recente|cong[êe]nita|em gestante))?|hepatite [ABC]|tuberculose(?: pulmonar)?|hansen[íi]ase|",
            r"c[âa]ncer(?: de (?:mama|pr[óo]stata|pulm[ãa]o|colo do [úu]tero|intestino|pele|tireoide))?|neoplasia(?: maligna)?(?: de (?:mama|pr[óo]stata|pulm[ãa]o|c[óo]lon))?|carcinoma(?: ductal| basocelular| espinocelular)?(?: invasivo)?|adenocarcinoma|linfoma(?: de Hodgkin| n[ãa]o Hodgkin)?|leucemia|melanoma|met[áa]stases?|",
            r"asma|DPOC|insufici[êe]ncia (?:card[íi]aca|renal)(?: cr[ôo]nica)?|ICC|IRC|DRC|doen[çc]a renal cr[ôo]nica|infarto(?: agudo do mioc[áa]rdio)?|IAM|AVC(?: isqu[êe]mico| hemorr[áa]gico)?|epilepsia|Alzheimer|Parkinson|dem[êe]ncia|esclerose m[úu]ltipla|l[úu]pus|artrite reumatoide|fibromialgia|obesidade(?: grau (?:I|II|III))?|anemia falciforme|hipotireoidismo|hipertireoidismo|cirrose(?: hep[áa]tica)?|alcoolismo|etilismo|tabagismo|depend[êe]ncia qu[íi]mica|gestante|gr[áa]vida|gesta[çc][ãa]o de [0-9]+ semanas|aborto|HPV|herpes genital|gonorreia|clam[íi]dia|COVID-19|dengue|",
            // Medications, with an optional dose.
            r"(?:fluoxetina|sertralina|escitalopram|citalopram|paroxetina|venlafaxina|desvenlafaxina|bupropiona|amitriptilina|nortriptilina|clonazepam|diazepam|alprazolam|lorazepam|zolpidem|quetiapina|risperidona|olanzapina|aripiprazol|haloperidol|carbonato de l[íi]tio|l[íi]tio|[áa]cido valproico|carbamazepina|lamotrigina|topiramato|metformina|insulina(?: NPH| regular| glargina)?|glibenclamida|gliclazida|dapagliflozina|empagliflozina|losartana|enalapril|captopril|anlodipino|hidroclorotiazida|atenolol|propranolol|carvedilol|espironolactona|furosemida|sinvastatina|atorvastatina|rosuvastatina|clopidogrel|varfarina|rivaroxabana|levotiroxina|prednisona|metotrexato|tamoxifeno|anastrozol|letrozol|trastuzumabe|zidovudina|tenofovir|lamivudina|dolutegravir|efavirenz|TARV|antirretrovirais?|metilfenidato|morfina|tramadol|metadona|naltrexona)(?: [0-9]+(?:,[0-9]+)? ?(?:mg|mcg|UI|ml|mL))?|",
            // Exam results with their value, and serologies with their reading.
            r"(?:HbA1c|hemoglobina glicada|glicemia(?: de jejum)?|colesterol(?: total| LDL| HDL)?|LDL|triglicer[íi]deos|creatinina|TSH|PSA|CD4|carga viral)[: ]*(?:de |= ?)?[0-9]+(?:,[0-9]+)? ?(?:%|mg/dL|mUI/L|ng/mL|c[ée]lulas/mm³|c[óo]pias/mL)?|",
            r"(?:sorologia|teste r[áa]pido|VDRL|anti-HIV|HBsAg|anti-HCV)(?: para (?:HIV|s[íi]filis|hepatite [BC]))?:? (?:reagente|n[ãa]o reagente|positiv[oa]|negativ[oa])(?: para (?:HIV|s[íi]filis|hepatite [BC]))?",
            r"hipertens[oa]|diab[ée]tic[oa]|fumante|tabagista|ex-tabagista|etilista|pr[ée]-diab[ée]tic[oa]|insulinodependente|press[ãa]o alta|febre|tosse(?: produtiva| seca)?|dispneia(?: aos? [a-zà-úç]+ esfor[çc]os)?|palpita[çc][õo]es|v[ôo]mitos|convuls[ãa]o|alucina[çc][õo]es(?: auditivas| visuais)?|del[íi]rios(?: persecut[óo]rios)?|maconha|crack|coca[íi]na|quimioterapia|radioterapia|hemodi[áa]lise|di[áa]lise|cesariana|marca-passo(?: card[íi]aco)?|imunossupress[ãa]o|PrEP|PEP|puérpera|BI-RADS [0-9][A-C]?|Gleason [0-9+=]+|Ki-67 [0-9]+ ?%|PASI [0-9]+|parestesia(?: em [a-zà-úç]+)?|hepatomegalia|icter[íi]cia(?: neonatal)?|bruxismo|gengivite(?: [a-zà-úç]+)?|periodontite(?: [a-zà-úç]+ [IV]+)?|osteoporose|psor[íi]ase(?: em placas)?|doen[çc]a de Crohn|miomatose(?: uterina)?|politrauma|TCE(?: leve| moderado| grave)?|IRA(?: dial[íi]tica)?",
            r")"
        ),
    ),
    (
        FindingKind::Genetic,
        r"(?i)(?:muta[çc][ãa]o(?: (?:patog[êe]nica|germinativa|som[áa]tica))?(?: (?:no|do) gene)?(?: (?:BRCA1|BRCA2|TP53|CFTR|HFE|MTHFR))?|BRCA[12]|teste gen[ée]tico|exame gen[ée]tico|painel gen[ée]tico|sequenciamento (?:do exoma|completo do genoma|gen[ée]tico)|exoma|cari[óo]tipo(?: [0-9]{2},[XY]+)?|variante patog[êe]nica|s[íi]ndrome de Down|trissomia(?: do)?(?: 13| 18| 21)?|aconselhamento gen[ée]tico|portador[a]? (?:do gene|de muta[çc][ãa]o)|variante(?: [a-zà-úç]+){0,5}(?: no gene [A-Z0-9]+| em [A-Z0-9]+)?|genotipagem(?: por [a-zà-úç]+)?|gen[óo]tipo(?: [A-Za-z]+)?|microarray(?: cromoss[ôo]mico)?|microarranjo|extra[çc][ãa]o de DNA|DNA|teste preditivo|sequenciamento(?: de nova gera[çc][ãa]o)?|c\.[0-9]+[-+_0-9]*(?:[ACGT]>[ACGT]|dup[ACGT]*|del[ACGT]*|ins[ACGT]*)|4[5-7],X[XY]*|s[íi]ndrome de Klinefelter|s[íi]ndrome do X fr[áa]gil|tra[çc]o falciforme)",
    ),
    (
        FindingKind::Biometric,
        r"(?i)(?:impress[ãa]o digital|impress[õo]es digitais|biometria(?: facial| digital)?|dados biom[ée]tricos|reconhecimento facial|leitura (?:da|de) [íi]ris|padr[ãa]o de voz|reconhecimento de voz|geometria da m[ãa]o)",
    ),
    (
        FindingKind::Religion,
        r"(?i)(?:testemunhas? de jeov[áa]|cat[óo]lic[oa]|evang[ée]lic[oa]|protestante|esp[íi]rita|umbandista|umbanda|candombl[ée]|candomblecista|judeu|judia|judaica|mu[çc]ulman[oa]|isl[âa]mic[oa]|budista|adventista|m[óo]rmon|ateu|ateia|agn[óo]stic[oa]|iyalorix[áa]|ialorix[áa]|babalorix[áa]|pai de santo|m[ãa]e de santo)",
    ),
    (
        FindingKind::Ethnicity,
        r"(?i)(?:(?:ra[çc]a/cor|ra[çc]a|cor|etnia)(?: \([^)]{1,20}\))?[ ]*:?[ ]*(?:[0-9] - )?(?:branca|preta|parda|amarela|ind[íi]gena|negra)|autodeclarad[oa] (?:branc|pret|pard|amarel|negr)[oa]|pard[oa]|ind[íi]gena|quilombola|afrodescendente|(?:mulher|homem|paciente|jovem|idos[oa]|senhora|senhor) (?:negr[oa]|pret[oa]|ind[íi]gena)|guarani(?: kaiow[áa]| mby[áa]| nhandeva)?|kaiow[áa]|terena|yanomami|patax[óo]|tikuna|xavante|kaingang)",
    ),
    (
        FindingKind::PoliticalOpinion,
        r"(?i)(?:filiad[oa] (?:a|ao|à) (?:partido|sindicato)(?: d[oa]s?(?: [a-zA-ZÀ-ÿ]+){1,2}| [a-zA-ZÀ-ÿ]+)?|filia[çc][ãa]o (?:partid[áa]ria|sindical)|militante(?: d[oa] (?:partido|movimento)(?: [a-zA-ZÀ-ÿ]+)?)?|sindicalizad[oa]|sindicalista|membro do (?:partido|sindicato)(?: [a-zA-ZÀ-ÿ]+)?|simpatizante d[oa] [a-zA-ZÀ-ÿ]+|eleitor(?:a)? d[oa] [a-zA-ZÀ-ÿ]+|petista|bolsonarista|lulista|comunista|anarquista|ativista pol[íi]tic[oa]|opini[ãa]o pol[íi]tica|(?:filiad[oa]|associad[oa]|dirigente|diretor[a]?(?: de base)?|delegad[oa] sindical|presidente|membro) (?:a[o]? |à |d[oa] )?sindicato(?: d[oa]s?(?: [A-Za-zÀ-ÿ]+){1,6})?|sindicato d[oa]s? [A-Za-zÀ-ÿ]+(?: [A-Za-zÀ-ÿ]+){0,5})",
    ),
    (
        FindingKind::SexualLife,
        r"(?i)(?:homossexual|bissexual|heterossexual|gay|l[ée]sbica|transexual|transg[êe]nero|travesti|HSH|orienta[çc][ãa]o sexual|vida sexual(?: ativa)?|sexualmente ativ[oa]|m[úu]ltipl[oa]s parceir[oa]s(?: sexuais)?|parceir[oa]s sexuais|rela[çc](?:[ãa]o|[õo]es) sexua(?:l|is)(?: desprotegidas?)?|sexo desprotegido|profissional do sexo|n[ãa]o usa preservativo|uso (?:irregular|inconsistente|eventual) de preservativo(?: em rela[çc][õo]es [a-zà-úç]+ [a-zà-úç]+)?|rela[çc](?:[ãa]o|[õo]es) (?:anais|anal|vaginal|vaginais|oral|orais)(?: [a-zà-úç]+)?|parceir[oa] eventual|parceir[oa]s eventuais)",
    ),
];

/// Words and shapes that make a sentence about one individual.
static INDIVIDUAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:^|[^a-zA-ZÀ-ÿ0-9])(?:",
        // Narrative about one patient.
        r"refere|relata|nega|queixa-se|apresentou|apresenta-se|evoluiu|evolui|internad[oa]|diagnosticad[oa]|portador[a]? d[eoa]|em uso de|faz uso|fez uso|usu[áa]ri[oa] de|iniciou|mant[ée]m|suspendeu|encaminhad[oa]|acompanhad[oa]|declarou|declara|informou|autodeclarad[oa]|",
        // One person, by age or sex.
        r"(?:paciente|pcte?|mulher|homem|crian[çc]a|idos[oa]|gestante|adolescente|senhora?|menin[oa])(?:,| do sexo [a-zA-ZÀ-ÿ]+,?)? (?:de|com) [0-9]{1,3} (?:anos|meses)|[0-9]{1,3} ?anos,? (?:sexo )?(?:feminino|masculino)|sexo: ?(?:feminino|masculino|f|m)|",
        // Record fields.
        r"hd:|hip[óo]tese diagn[óo]stica|diagn[óo]stico:|cid(?:-10)?:|comorbidades:|antecedentes:|medica[çc][õo]es(?: em uso)?:|em uso:|resultado:|religi[ãa]o:|ra[çc]a/cor|cor:|etnia:|",
        // The first person.
        r"tenho|tive|sou|estou|fui|tomo|meu|minha|meus|minhas|comigo",
        r")(?:$|[^a-zA-ZÀ-ÿ0-9])"
    ))
    .expect("valid regex")
});

/// Words the disease and procedure endings catch that name neither.
const NOT_CLINICAL: [&str; 58] = [
    "limite",
    "limites",
    "convite",
    "apetite",
    "leite",
    "noite",
    "noites",
    "site",
    "sites",
    "elite",
    "palpite",
    "permite",
    "admite",
    "emite",
    "evite",
    "transmite",
    "repete",
    "acredite",
    "dose",
    "doses",
    "glicose",
    "lactose",
    "frutose",
    "pose",
    "close",
    "academia",
    "epidemia",
    "pandemia",
    "nostalgia",
    "anatomia",
    "sintoma",
    "sintomas",
    "diploma",
    "programa",
    "programas",
    "aroma",
    "idioma",
    "soma",
    "axioma",
    "plataforma",
    "forma",
    "norma",
    "normas",
    "turismo",
    "mecanismo",
    "organismo",
    "jornalismo",
    "comparecimento",
    "otimismo",
    "egoísmo",
    "altruísmo",
    "feminismo",
    "voluntarismo",
    "cristianismo",
    "prognose",
    "diagnose",
    "hipnose",
    "enfoque",
];

/// Subjects that make a sentence about a group, not one person ("pacientes com diabetes").
static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^a-zA-ZÀ-ÿ0-9])(?:pacientes|pessoas|indiv[íi]duos|mulheres|homens|crian[çc]as|gestantes|idosos|usu[áa]rios|portadores|adultos|popula[çc][ãa]o|casos)(?:$|[^a-zA-ZÀ-ÿ0-9])",
    )
    .expect("valid regex")
});

/// Whether a CID-10 match is used as a code: after "CID", or with its subcategory.
pub fn is_cid_code(text: &str, span: &Range<usize>) -> bool {
    let in_parentheses =
        text[..span.start].ends_with('(') && text[span.end..].starts_with([')', ',', ';']);
    text[span.clone()].contains('.')
        || in_parentheses
        || window_before(text, span.start, 12).contains("cid")
}

/// Reads a sensitive match: reported when its sentence is about an individual, when a
/// personal finding shares its paragraph (`identified` holds their byte ranges, sorted), or —
/// less surely — when the document identifies someone anywhere: a record about a person is
/// presumed to be about that person throughout, the cautious reading for a publisher.
pub fn read(
    text: &str,
    kind: FindingKind,
    span: Range<usize>,
    identified: &[Range<usize>],
) -> Option<Candidate> {
    if NOT_CLINICAL.contains(&text[span.clone()].to_lowercase().as_str()) {
        return None;
    }
    let sentence = sentence_around(text, span.start);
    let paragraph = paragraph_around(text, span.start);
    let in_range = |r: &Range<usize>| {
        let first = identified.partition_point(|f| f.end <= r.start);
        identified.get(first).is_some_and(|f| f.start < r.end)
    };
    let generic = GENERIC.is_match(&text[sentence.clone()]);
    let confidence = if in_range(&sentence) {
        0.9
    } else if generic {
        return None;
    } else if INDIVIDUAL.is_match(&text[sentence.clone()]) || in_range(&paragraph) {
        0.8
    } else if !identified.is_empty() {
        0.7
    } else {
        return None;
    };
    Some(Candidate::builtin(
        kind, span.start, span.end, confidence, None,
    ))
}
