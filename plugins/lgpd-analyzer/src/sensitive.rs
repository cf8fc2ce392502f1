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
use crate::text::{Segments, is_function_word, window_before};

/// A CID-10 code: chapter letter, two digits, optional subcategory.
pub const CID_PATTERN: &str = r"[a-z][0-9]{2}(?:\.[0-9x])?";

/// The lexicon, one alternation per kind. Case-insensitive; whole words (checked by the scanner).
pub const LEXICON: [(FindingKind, &str); 7] = [
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
            // Clinical scales with their score, as named by their authors: CURB-65 (Lim 2003),
            // CHA2DS2-VASc (Lip 2010), HAS-BLED, Braden, Morse, Glasgow, NIHSS, SOFA, Apgar,
            // Beck's BAI and BDI-II, PHQ-9, GAD-7, AUDIT, M-CHAT, MEEM, ECOG, Karnofsky, PASI,
            // and the WISC-IV's QI and index names.
            r"(?:curb-65|cha2ds2-vasc|has-bled|(?:escala de )?(?:braden|morse)|nihss|q?sofa|bai|bdi-ii|phq-9|gad-7|audit|m-chat(?:-r)?|meem|ecog|karnofsky|pasi|qi(?: total)?|[íi]ndice de placa|(?:[íi]ndice de )?(?:compreens[ãa]o verbal|organiza[çc][ãa]o perceptual|racioc[íi]nio perceptivo|mem[óo]ria operacional|velocidade de processamento))[: ]*(?:= ?|de )?\(?[0-9]+\)?(?: ?%)?(?: \([a-zà-úç]+(?: [a-zà-úç]+){0,2}\))?|",
            // Obstetric notation (Caderneta da Gestante, Ministério da Saúde): gestations,
            // births, caesareans, abortions; gestational age in weeks and days.
            r"g[0-9]{1,2} ?p[0-9]{1,2} ?(?:c[0-9] ?)?(?:n[0-9] ?)?a[0-9]|[0-9]{1,2} ?s ?[0-6] ?d|(?:ig|idade gestacional)[: ]*(?:de )?[0-9]{1,2} ?(?:semanas|s)(?: e [0-6] dias)?|(?:estou|est[áa]|t[ôo]) de [0-9]{1,2} semanas|puerp[ée]rio(?: sem intercorr[êe]ncias| imediato| tardio)?|parto (?:ces[áa]reo|normal|vaginal|prematuro|pr[ée]-termo)|nascid[oa] a termo|",
            // Neonatal screening tests (Ministério da Saúde, Triagem Neonatal) and exams
            // written with their verdict.
            r"(?:triagem auditiva(?: neonatal)?|teste (?:do cora[çc][ãa]ozinho|do pezinho|da orelhinha|do olhinho|da linguinha)):? (?:normal|alterad[oa]|passou(?: bilateralmente)?|falhou)|teste (?:oral )?de toler[âa]ncia [àa] glicose|totg|(?:espirometria|audiometria|eletrocardiograma|ecg|ecocardiograma)[: ]+(?:normal|alterad[oa])|desvio [àa] esquerda|",
            // Diagnoses and conditions (CID-10 category names in Portuguese, DATASUS).
            r"depress[ãa]o(?: (?:maior|recorrente|grave|moderada|leve))?|epis[óo]dio depressivo(?: [a-za-zà-ÿ]+)?|transtorno (?:depressivo|bipolar|afetivo bipolar(?: tipo (?:ii|i))?|de ansiedade(?: generalizada)?|de p[âa]nico|obsessivo[- ]compulsivo|de estresse p[óo]s-traum[áa]tico|do espectro autista|de d[ée]ficit de aten[çc][ãa]o(?:/hiperatividade| e hiperatividade)?|alimentar|de personalidade [a-za-zà-ÿ]+)|ansiedade generalizada|s[íi]ndrome do p[âa]nico|esquizofrenia|autismo|tdah|burnout|",
            r"diabetes(?: mellitus)?(?: gestacional| tipo (?:1|2|ii|i))?|dm ?[12](?: insulinodependente| descompensad[oa]| n[ãa]o controlad[oa])?|dm|(?:neuropatia|polineuropatia|nefropatia|retinopatia)(?: perif[ée]rica)? diab[ée]tica|p[ée] diab[ée]tico|hipertens[ãa]o(?: arterial)?(?: sist[êe]mica)?|has|hiv(?: reagente| positivo)?|aids|soropositiv[oa]|s[íi]filis(?: (?:prim[áa]ria|secund[áa]ria|terci[áa]ria|latente|recente|cong[êe]nita|em gestante))?|hepatite [abc]|tuberculose(?: pulmonar)?|hansen[íi]ase|",
            r"c[âa]ncer(?: de (?:mama|pr[óo]stata|pulm[ãa]o|colo do [úu]tero|intestino|pele|tireoide))?|neoplasia(?: maligna)?(?: de (?:mama|pr[óo]stata|pulm[ãa]o|c[óo]lon))?|carcinoma(?: ductal| basocelular| espinocelular)?(?: invasivo)?|adenocarcinoma|linfoma(?: de hodgkin| n[ãa]o hodgkin)?|leucemia|melanoma|met[áa]stases?|triplo-negativo|recidiva(?: bioqu[íi]mica| local)?|",
            r"asma|dpoc|insufici[êe]ncia (?:card[íi]aca|renal)(?: cr[ôo]nica)?|icc|irc|drc|doen[çc]a renal cr[ôo]nica|infarto(?: agudo do mioc[áa]rdio)?|iam|avc(?: isqu[êe]mico| hemorr[áa]gico)?|sequelas?(?: motoras?| neurol[óo]gicas?)?|epilepsia|alzheimer|parkinson|dem[êe]ncia|esclerose m[úu]ltipla|l[úu]pus|artrite reumatoide|fibromialgia|obesidade(?: grau (?:iii|ii|i))?|anemia(?: falciforme| ferropriva| megalobl[áa]stica| hemol[íi]tica| perniciosa)?|tra[çc]o falciforme|hiperplasia(?: ductal| lobular| prost[áa]tica| endometrial)?(?: at[íi]pica| benigna)?|ginecomastia|hipotireoidismo|hipertireoidismo|cirrose(?: hep[áa]tica)?|alcoolismo|etilismo|tabagismo|depend[êe]ncia qu[íi]mica|gestante|gr[áa]vida|gesta[çc][ãa]o de [0-9]+ semanas|aborto|hpv|herpes genital|gonorreia|clam[íi]dia|covid-19|dengue|gripe|resfriado|pair|colonizad[oa](?: por [a-zà-úç]+)?|coloniza[çc][ãa]o por [a-zà-úç]+(?: [a-zà-úç]+)?|",
            // Medications (RENAME 2022, Relação Nacional de Medicamentos Essenciais), with an
            // optional dose; names with a class suffix (-mabe, -azol, -cilina…) are read by shape
            // in clinical_words.rs.
            r"(?:fluoxetina|sertralina|escitalopram|citalopram|paroxetina|venlafaxina|desvenlafaxina|bupropiona|amitriptilina|nortriptilina|clonazepam|diazepam|alprazolam|lorazepam|zolpidem|quetiapina|risperidona|olanzapina|aripiprazol|haloperidol(?: decanoato)?|decanoato de haloperidol|carbonato de l[íi]tio|l[íi]tio|[áa]cido valproico|carbamazepina|lamotrigina|topiramato|levetiracetam|metformina|insulina(?: nph| regular| glargina)?|glibenclamida|gliclazida|dapagliflozina|empagliflozina|losartana|enalapril|captopril|anlodipino|hidroclorotiazida|atenolol|propranolol|carvedilol|espironolactona|furosemida|sinvastatina|atorvastatina|rosuvastatina|clopidogrel|varfarina|rivaroxabana|levotiroxina|prednisona|metotrexato|tamoxifeno|anastrozol|letrozol|trastuzumabe|zidovudina|tenofovir(?:/entricitabina|/lamivudina)?|lamivudina|dolutegravir|efavirenz|tarv|antirretrovira(?:l|is)|(?:terapia|tratamento) antirretroviral|metilfenidato|morfina|tramadol|metadona|naltrexona|dipirona|paracetamol|ibuprofeno|salbutamol(?: spray)?|ceftriaxona|cefalexina|ceftazidima(?:-avibactam)?|lidoca[íi]na(?: [0-9]+ ?%)?|epinefrina(?: 1:[0-9.]+)?|sulfato (?:ferroso|de magn[ée]sio)|[áa]cido f[óo]lico|sacarato de hidr[óo]xido f[ée]rrico|imunoglobulina anti-(?:d|rh)|(?:benzil)?penicilina(?: g)? benzatina(?: [0-9.]+ ?ui)?|isotretino[íi]na|fingolimode|fentanil|propofol|cetamina|corticoides?|corticoterapia|antibioticoterapia|antirreabsortivos?|imunossupressor(?:es)?|anticoagulantes?|antidepressivos?|antipsic[óo]ticos?)(?: [0-9]+(?:,[0-9]+)? ?(?:mg|mcg|ui|ml|ml))?|",
            // Vaccines of the PNI calendar (Programa Nacional de Imunizações) and a person's
            // vaccination status.
            r"vacinas? (?:em dia|atualizadas?)|esquema vacinal (?:completo|incompleto|em dia|atualizado)|bcg|pentavalente|pneumoc[óo]cica(?: conjugada| polissacar[íi]dica)?(?: [0-9]+-valente)?|meningoc[óo]cica(?: c| acwy)?|rotav[íi]rus|febre amarela|tr[íi]plice viral(?: [0-9] doses)?|tetra viral|varicela|influenza|revacina[çc][ãa]o|",
            // Signs, symptoms and the state of a patient on examination (semiology).
            r"dor(?: tor[áa]cica| abdominal| lombar| de cabe[çc]a| no peito| em [a-zà-úç]+(?: [a-zà-úç]+){0,2})?|cefaleia|tontura|vertigem|zumbido|s[íi]ncope|n[áa]useas?|diarreia|edema(?: de [a-zà-úç]+)?|ins[ôo]nia(?: inicial| terminal)?|prurido|urtic[áa]ria|fadiga|astenia|inapet[êe]ncia|emagrecimento|perda de peso|sangramento(?: [a-zà-úç]+)?|idea[çc][ãa]o suicida|tentativa de suic[íi]dio|automutila[çc][ãa]o|agita[çc][ãa]o(?: psicomotora| motora)?|irritabilidade|impulsividade|desaten[çc][ãa]o|anedonia|humor (?:deprimido|ansioso|eut[íi]mico|irrit[áa]vel)|tens[ãa]o muscular|sentimentos? de (?:culpa|inutilidade|desesperan[çc]a)|ecolalia(?: imediata| tardia)?|estereotipias?|seletividade alimentar|hipersensibilidade (?:auditiva|t[áa]til|sensorial)|contato visual (?:fugaz|ausente|reduzido|pobre)|discurso (?:acelerado|lentificado|desorganizado)|cr[íi]tica (?:ausente|parcial|preservada)|higiene prec[áa]ria|perda de consci[êe]ncia|taquicardia|bradicardia|arritmia|palidez|exantema|eritema|pet[ée]quias|escoria[çc](?:[ãa]o|[õo]es)|abscesso|f[íi]stula(?: arteriovenosa| vestibular)?|ferida operat[óo]ria|[úu]lcera(?: [a-zà-úç]+)?|ascite|esplenomegalia|linfonodomegalia|adenomegalia|hipoestesia|disartria|afasia|hemiparesia|hemiplegia|paraplegia|tetraplegia|poli[úu]ria|dis[úu]ria|hemat[úu]ria|olig[úu]ria|an[úu]ria|noct[úu]ria|polaci[úu]ria|prote[íi]n[úu]ria(?: [0-9]\+)?|disfagia|dispepsia|pirose|melena|constipa[çc][ãa]o|sinais flog[íi]sticos|melhora (?:cl[íi]nica|parcial|radiol[óo]gica|sustentada)|reflexos? (?:aquileu|patelar|cut[âa]neo-plantar|osteotendinosos?)(?: abolidos?| diminu[íi]dos?| exaltados?| presentes?)?|(?:alta|baixa) estatura|dificuldade de aprendizagem|(?:baixa |pouca )?aten[çc][ãa]o compartilhada|n[íi]vel [123] de suporte|pecs(?:,? fase [iv]+)?|microcalcifica[çc][õo]es|abdome (?:distendido|tenso|doloroso|fl[áa]cido)|pupilas (?:isoc[óo]ricas|anisoc[óo]ricas|midri[áa]ticas|mi[óo]ticas)|diurese (?:presente|ausente|espont[âa]nea|em fralda|por svd)|pulsos (?:pediosos|perif[ée]ricos|radiais|femorais)(?: palp[áa]veis| presentes| ausentes| diminu[íi]dos)?|sensibilidade protetora (?:diminu[íi]da|ausente|preservada)|rcr(?: em)? 2t(?: bnf)?(?: s/ sopros| sem sopros)?|mv ?\+|beg|reg|meg|lote|corad[oa]|descorad[oa]|hipocorad[oa]|hidratad[oa]|desidratad[oa]|afebril|febril|eupneic[oa]|taquipneic[oa]|dispneic[oa]|taquic[áa]rdic[oa]|acian[óo]tic[oa]|anict[ée]ric[oa]|sonolent[oa]|sedad[oa]|vigil|orientad[oa] (?:no tempo e (?:no )?espa[çc]o|em pessoa)|assintom[áa]tic[oa]|sintom[áa]tic[oa]|",
            // Therapies, procedures and care given to the person; dental ones as an odontogram
            // records them (CFO).
            r"fisioterapia(?: motora| respirat[óo]ria)?|psicoterapia|terapia ocupacional|terapia fonoaudiol[óo]gica|fototerapia|imunoterapia|hormonioterapia|acompanhamento (?:fonoaudiol[óo]gico|psicol[óo]gico|psiqui[áa]trico|nutricional)|tratamento (?:periodontal|endod[ôo]ntico|ortod[ôo]ntico|quimioter[áa]pico|radioter[áa]pico|psiqui[áa]trico)(?: b[áa]sico)?|bloqueio (?:androg[êe]nico|hormonal|foraminal|anest[ée]sico)|bi[óo]psia(?: [a-zà-úç]+)?|curativo(?: com [a-zà-úç]+)?|dieta (?:hiposs[óo]dica|hipocal[óo]rica|l[íi]quida|pastosa|branda|zero)|ventila[çc][ãa]o mec[âa]nica|intubad[oa]|traqueostomia|sonda (?:nasog[áa]strica|nasoenteral|vesical)|dreno(?: de [a-zà-úç]+| tor[áa]cico)?|sng|sne|svd|cvc|avp|tot|vm|cpap|bipap|o2 por cateter(?: nasal)?(?: [0-9]+ ?l/min)?|profilaxia|raspagem(?: supragengival| subgengival)?|rap (?:supra|sub)gengival|restaura[çc][ãa]o (?:em|de|com) (?:resina|am[áa]lgama|ion[ôo]mero)(?: composta| de vidro)?|restaura[çc][ãa]o [0-9]{2}(?:-[a-z]{1,3})?|les[ãa]o cariosa|mancha branca(?: ativa| inativa)?|mordida (?:aberta|cruzada|profunda)(?: anterior| posterior)?|placa miorrelaxante|pr[óo]tese (?:parcial|total|sobre implante)(?: remov[íi]vel)?|ppr|edentulismo(?: parcial| total)?|",
            r"hipertens[oa]|diab[ée]tic[oa]|fumante|tabagista|ex-tabagista|etilista|pr[ée]-diab[ée]tic[oa]|insulinodependente|press[ãa]o alta|febre|tosse(?: produtiva| seca)?|dispneia(?: aos? [a-zà-úç]+ esfor[çc]os)?|palpita[çc][õo]es|v[ôo]mitos|convuls[ãa]o|alucina[çc][õo]es(?: auditivas| visuais)?|del[íi]rios(?: persecut[óo]rios)?|maconha|crack|coca[íi]na|uso (?:(?:ocasional|abusivo|nocivo|regular|di[áa]rio|eventual) )?de (?:[áa]lcool|drogas?(?: injet[áa]veis)?|tabaco|benzodiazep[íi]nicos)|quimioterapia(?: neoadjuvante| adjuvante| paliativa)?|radioterapia|hemodi[áa]lise|di[áa]lise|cesariana|marca-passo(?: card[íi]aco)?|imunossupress[ãa]o|prep|pep|puérpera|bi-rads [0-9][a-c]?|gleason [0-9+=]+|ki-67 [0-9]+ ?%|pasi [0-9]+|parestesia(?: em [a-zà-úç]+)?|hepatomegalia|icter[íi]cia(?: neonatal)?|bruxismo|gengivite(?: [a-zà-úç]+)?|periodontite(?: [a-zà-úç]+ [iv]+)?|osteoporose|psor[íi]ase(?: em placas)?|doen[çc]a de crohn|miomatose(?: uterina)?|politrauma|tce(?: leve| moderado| grave)?|ira(?: dial[íi]tica)?|",
            // Heads of clinical phrases, last: a bare head with one qualifying word or
            // complement ("infecção urinária", "uso abusivo de maconha", "crise de pânico").
            r"(?:s[íi]ndrome|transtorno|doen[çc]a|insufici[êe]ncia|fratura|les[ãa]o|les[õo]es|h[ée]rnia|infec[çc][ãa]o|alergias?|depend[êe]ncia|uso abusivo|crise|atraso|defici[êe]ncia|c[áa]rie|n[óo]dulo|tumor|trombose|hemorragia|perda auditiva|paralisia|fibrila[çc][ãa]o|apneia|pr[ée]-ecl[âa]mpsia|pneumonia|choque|sepse|perfura[çc][ãa]o)(?: (?:de|do|da|dos|das|por|em|no|na|a|à|ao) [a-zà-úç]+| [a-zà-úç]+)?",
            r")"
        ),
    ),
    (
        FindingKind::Genetic,
        // Results, not the names of tests: "sequenciamento do exoma" heads a report whatever it
        // found, "mutação patogênica em BRCA1" is what it found.
        r"(?:muta[çc][ãa]o(?: (?:patog[êe]nica|germinativa|som[áa]tica))?(?: (?:no|do) gene)?(?: (?:brca1|brca2|tp53|cftr|hfe|mthfr))?|variantes? (?:patog[êe]nicas?|provavelmente patog[êe]nicas?|de significado incerto)(?: [a-zà-úç0-9]+){0,3}(?: no gene [a-z0-9]+| em [a-z0-9]+)?|herdad[oa] (?:do pai|da m[ãa]e|de ambos os pais)|heterozig[óo]tic[oa]|heterozigose|homozig[óo]tic[oa]|homozigose|gen[óo]tipo [a-za-z]+|c\.[0-9]+[-+_0-9]*(?:[acgt]>[acgt]|dup[acgt]*|del[acgt]*|ins[acgt]*)|p\.\(?[a-z][a-z]{2}[0-9]+[a-z][a-z]{2}\)?|4[5-7],x[xy]*|s[íi]ndrome de (?:down|klinefelter|turner|edwards|patau)|s[íi]ndrome do x fr[áa]gil|trissomia(?: do cromossomo| do)?(?: 13| 18| 21)?|portador[a]? (?:do gene|de muta[çc][ãa]o))",
    ),
    (
        FindingKind::Biometric,
        r"(?:impress[ãa]o digital|impress[õo]es digitais|biometria(?: facial| digital)?|reconhecimento facial|leitura (?:da|de) [íi]ris|padr[ãa]o de voz|reconhecimento de voz|geometria da m[ãa]o)",
    ),
    (
        FindingKind::Religion,
        // Denominations and roles as the IBGE 2010 census's religion table names them
        // (Censo Demográfico 2010, "Características gerais da população, religião").
        r"(?:testemunhas? de jeov[áa]|cat[óo]lic[oa]|evang[ée]lic[oa]|protestante|esp[íi]rita|umbandista|umbanda|candombl[ée]|candomblecista|judeu|judia|judaica|mu[çc]ulman[oa]|isl[âa]mic[oa]|budista|adventista|m[óo]rmon|ateu|ateia|agn[óo]stic[oa]|iyalorix[áa]|ialorix[áa]|babalorix[áa]|pai de santo|m[ãa]e de santo|assembleia de deus|congrega[çc][ãa]o crist[ãa](?: no brasil)?|igreja universal(?: do reino de deus)?|pentecostal|neopentecostal|presbiterian[oa]|luteran[oa]|kardecista)",
    ),
    (
        FindingKind::Ethnicity,
        r"(?:(?:ra[çc]a/cor|cor/ra[çc]a|ra[çc]a|cor|etnia)(?: autodeclarad[oa])?(?: \([^)]{1,20}\))?[ ]*:?[ ]*(?:[0-9] - )?(?:branca|preta|parda|amarela|ind[íi]gena|negra)|(?:declara-se|se declara|autodeclarad[oa]) (?:branc|pret|pard|amarel|negr)[oa]|autodeclarad[oa] (?:branc|pret|pard|amarel|negr)[oa]|pard[oa]|ind[íi]gena|quilombola|afrodescendente|(?:mulher|homem|paciente|jovem|idos[oa]|senhora|senhor) (?:negr[oa]|pret[oa]|ind[íi]gena)|guarani(?: kaiow[áa]| mby[áa]| nhandeva)?|kaiow[áa]|terena|yanomami|patax[óo]|tikuna|xavante|kaingang)",
    ),
    (
        FindingKind::PoliticalOpinion,
        r"(?:filiad[oa] (?:a|ao|à) (?:partido|sindicato)(?: d[oa]s?(?: [a-za-zà-ÿ]+){1,2}| [a-za-zà-ÿ]+)?|filia[çc][ãa]o (?:partid[áa]ria|sindical)|militante(?: d[oa] (?:partido|movimento)(?: [a-za-zà-ÿ]+)?)?|sindicalizad[oa]|sindicalista|membro do (?:partido|sindicato)(?: [a-za-zà-ÿ]+)?|simpatizante d[oa] [a-za-zà-ÿ]+|eleitor(?:a)? d[oa] [a-za-zà-ÿ]+|petista|bolsonarista|lulista|comunista|anarquista|ativista pol[íi]tic[oa]|opini[ãa]o pol[íi]tica|(?:filiad[oa]|associad[oa]|dirigente|diretor[a]?(?: de base)?|delegad[oa] sindical|presidente|membro) (?:a[o]? |à |d[oa] )?sindicato(?: d[oa]s?(?: [a-za-zà-ÿ]+){1,6})?|sindicato d[oa]s? [a-za-zà-ÿ]+(?: [a-za-zà-ÿ]+){0,5})",
    ),
    (
        FindingKind::SexualLife,
        r"(?:homossexual|bissexual|heterossexual|gay|l[ée]sbica|transexual|transg[êe]nero|travesti|hsh|vida sexual(?: ativa)?|sexualmente ativ[oa]|m[úu]ltipl[oa]s parceir[oa]s(?: sexuais)?|parceir[oa]s sexuais|rela[çc](?:[ãa]o|[õo]es) sexua(?:l|is)(?: desprotegidas?)?(?: com parceir[oa]s? eventua(?:l|is))?|sexo desprotegido|profissional do sexo|n[ãa]o usa preservativo|uso (?:irregular|inconsistente|eventual) de preservativo(?: em rela[çc][õo]es [a-zà-úç]+ [a-zà-úç]+)?|rela[çc](?:[ãa]o|[õo]es) (?:anais|anal|vaginal|vaginais|oral|orais)(?: [a-zà-úç]+)?)",
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
        r"(?:^|[^a-za-zà-ÿ0-9])(?:pacientes|pessoas|indiv[íi]duos|mulheres|homens|crian[çc]as|gestantes|idosos|usu[áa]rios|portadores|adultos|popula[çc][ãa]o|casos)(?:$|[^a-za-zà-ÿ0-9])",
    )
    .expect("valid regex")
});

/// Lexicon abbreviations that are reported only when written in capitals.
const CAPITALS_ONLY: [&str; 14] = [
    "beg", "reg", "meg", "lote", "has", "dm", "ira", "pep", "vm", "tot", "avp", "tea", "pair",
    "ppr",
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
}

impl<'a> Anchors<'a> {
    /// Anchors for `folded` (the case-folded text).
    pub fn new(folded: &'a str, segments: &'a Segments, identified: &'a [Range<usize>]) -> Self {
        Self {
            folded,
            segments,
            identified,
            last_sentence: None,
        }
    }

    fn in_range(&self, r: &Range<usize>) -> bool {
        let first = self.identified.partition_point(|f| f.end <= r.start);
        self.identified.get(first).is_some_and(|f| f.start < r.end)
    }

    /// Whether the sentence is about a group, and whether it is about one individual.
    fn sentence_verdict(&mut self, sentence: &Range<usize>) -> (bool, bool) {
        if let Some((r, generic, individual)) = &self.last_sentence
            && r == sentence
        {
            return (*generic, *individual);
        }
        let words = &self.folded[sentence.clone()];
        let verdict = (GENERIC.is_match(words), INDIVIDUAL.is_match(words));
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
        if NOT_CLINICAL.contains(&term) {
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
        let from = self
            .folded
            .floor_char_boundary(span.start.saturating_sub(64));
        let before = &self.folded[from..span.start];
        let line = match before.rfind('\n') {
            Some(i) => &before[i + 1..],
            None if from == 0 => before,
            None => "",
        };
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
