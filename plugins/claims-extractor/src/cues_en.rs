//! English phrase lists, folded (lower case; see `words.rs`). English texts published by a
//! Brazilian clinic answer to the same rules as Portuguese ones (see `cues_pt.rs`).

use medplug_pdk::claims::{ClaimType as T, EvidenceKind as Ev};

use crate::cue::Cue::{self, *};

const EFFICACY: Cue = Claim(T::Efficacy);
const CURE: Cue = Claim(T::Cure);
const GUARANTEE: Cue = Claim(T::Guarantee);
const SAFETY: Cue = Claim(T::Safety);
const PREVENTION: Cue = Claim(T::Prevention);
const COMPARATIVE: Cue = Claim(T::Comparative);
const STATISTICAL: Cue = Claim(T::Statistical);
const DIAGNOSTIC: Cue = Claim(T::Diagnostic);
const PRICE: Cue = Claim(T::PricePromotion);

/// The English list.
#[rustfmt::skip]
pub(crate) const CUES: &[(&str, Cue)] = &[
    // Efficacy.
    ("treat", EFFICACY), ("treats", EFFICACY), ("helps", EFFICACY), ("repair*", EFFICACY),
    ("strengthen*", EFFICACY), ("fades", EFFICACY), ("fade", EFFICACY), ("brighten*", EFFICACY),
    ("smooths", EFFICACY), ("clears", EFFICACY), ("clear up", EFFICACY), ("lessen*", EFFICACY),
    ("eases", EFFICACY), ("alleviate*", EFFICACY), ("soothe*", EFFICACY), ("slim*", EFFICACY),
    ("detox*", EFFICACY), ("cleanse*", EFFICACY), ("regenerat*", EFFICACY),
    ("lose weight", EFFICACY), ("visible results", EFFICACY),
    ("reduce", EFFICACY), ("reduces", EFFICACY), ("reduced", EFFICACY), ("reduction", EFFICACY),
    ("reductions", EFFICACY), ("improve", EFFICACY), ("improves", EFFICACY), ("improved", EFFICACY),
    ("improvement", EFFICACY), ("relieve", EFFICACY), ("relieves", EFFICACY), ("relief", EFFICACY),
    ("effective", EFFICACY), ("effectiveness", EFFICACY), ("efficacy", EFFICACY),
    ("works", EFFICACY), ("work", EFFICACY), ("heal*", EFFICACY), ("restore*", EFFICACY),
    ("boost*", EFFICACY), ("melt away", EFFICACY), ("reset*", EFFICACY), ("lose up to", EFFICACY),
    ("weight loss", EFFICACY), ("first line", EFFICACY), ("shown to", EFFICACY),
    ("rejuvenat*", EFFICACY), ("tighten*", EFFICACY), ("burn fat", EFFICACY),
    ("before and after", EFFICACY), ("speeds up", EFFICACY),
    // Cure.
    ("say goodbye to", CURE), ("gone for good", CURE), ("heals completely", CURE),
    ("cure", CURE), ("cures", CURE), ("cured", CURE), ("curing", CURE), ("eliminate*", CURE),
    ("get rid of", CURE), ("eradicate*", CURE), ("reverse*", CURE), ("is curable", CurableDisease),
    ("are curable", CurableDisease), ("can be cured", CurableDisease),
    ("has a cure", CurableDisease),
    // Guarantee.
    ("100 % effective", GUARANTEE), ("proven results", GUARANTEE), ("instant results", GUARANTEE),
    ("immediate results", GUARANTEE), ("for good", GUARANTEE), ("once and for all", GUARANTEE),
    ("never fails", GUARANTEE), ("certain results", GUARANTEE),
    ("guarantee*", GUARANTEE), ("forever", GUARANTEE), ("permanent*", GUARANTEE),
    ("money back", GUARANTEE), ("zero complications", GUARANTEE), ("exactly", GUARANTEE),
    ("<n> lbs in <n> days", GUARANTEE), ("<n> kg in <n> days", GUARANTEE),
    ("results vary", GUARANTEE), ("promise of results", GUARANTEE), ("erases", GUARANTEE),
    // Safety.
    ("risk", SAFETY), ("risks", SAFETY), ("harmful", SAFETY), ("toxic", SAFETY),
    ("dangerous", SAFETY), ("harmless", SafetyPromise), ("zero side effects", SafetyPromise),
    ("without side effects", SafetyPromise), ("totally safe", SafetyPromise),
    ("perfectly safe", SafetyPromise), ("natural and safe", SafetyPromise),
    ("safe", SAFETY), ("safety", SAFETY), ("side effect", SAFETY), ("side effects", SAFETY),
    ("adverse", SAFETY), ("may cause", SAFETY), ("can cause", SAFETY), ("carries risks", SAFETY),
    ("complications", SAFETY), ("does not cause", SafetyAssertion),
    ("do not cause", SafetyAssertion), ("doesn t cause", SafetyAssertion),
    ("no side effects", SafetyPromise), ("completely safe", SafetyPromise),
    ("100 % safe", SafetyPromise), ("100 % natural", SafetyPromise), ("all natural", SafetyPromise),
    ("risk free", SafetyPromise), ("no risk", SafetyPromise), ("no risks", SafetyPromise),
    // Prevention.
    ("protects", PREVENTION), ("protection", PREVENTION), ("lowers the risk", PREVENTION),
    ("lowers risk", PREVENTION), ("cut the risk", PREVENTION), ("cuts the risk", PREVENTION),
    ("decrease the risk", PREVENTION), ("decreases the risk", PREVENTION),
    ("reduces your chances", PREVENTION),
    ("prevent", PREVENTION), ("prevents", PREVENTION), ("prevented", PREVENTION),
    ("protects against", PREVENTION), ("protect against", PREVENTION), ("lower risk", PREVENTION),
    ("lower the risk", PREVENTION), ("reduce the risk", PREVENTION),
    ("reduces the risk", PREVENTION), ("reduced risk", PREVENTION),
    // Comparison.
    ("outperform*", COMPARATIVE), ("as good as", COMPARATIVE), ("equal to", COMPARATIVE),
    ("equivalent", COMPARATIVE), ("beats", COMPARATIVE), ("faster than", COMPARATIVE),
    ("safer than", COMPARATIVE), ("the most", Superlative), ("number 1", Superlative),
    ("exclusive*", Superlative), ("unique", Superlative), ("unparalleled", Superlative),
    ("pioneer*", Superlative), ("world s best", Superlative), ("best rated", Superlative),
    ("premier", Superlative), ("the most common", Idiom), ("most common", Idiom),
    ("most people", Idiom), ("most patients", Idiom), ("most cases", Idiom),
    ("better than", COMPARATIVE), ("as well as", COMPARATIVE), ("as effective as", COMPARATIVE),
    ("similar to", COMPARATIVE), ("compared with", COMPARATIVE), ("compared to", COMPARATIVE),
    ("superior", COMPARATIVE), ("substitute", COMPARATIVE), ("more effective", COMPARATIVE),
    ("the best", Superlative), ("best in", Superlative), ("voted best", Superlative),
    ("the only", Superlative), ("# 1", Superlative), ("number one", Superlative),
    ("the top", Superlative), ("top rated", Superlative), ("the highest", Superlative),
    ("the leading", Superlative), ("most advanced", Superlative), ("most modern", Superlative),
    ("most trusted", Superlative), ("world class", Superlative), ("unmatched", Superlative),
    ("unrivalled", Superlative), ("only thing", OnlyAlternative), ("only option", OnlyAlternative),
    ("only solution", OnlyAlternative), ("only treatment", OnlyAlternative),
    ("only way", OnlyAlternative), ("only cure", OnlyAlternative),
    // Numbers.
    ("<n> times", STATISTICAL), ("per cent", STATISTICAL), ("half of", STATISTICAL),
    ("<n> %", STATISTICAL), ("<n> in <n>", STATISTICAL), ("<n> out of <n>", STATISTICAL),
    ("rate", STATISTICAL), ("rates", STATISTICAL), ("mortality", STATISTICAL),
    ("percent", STATISTICAL), ("incidence", STATISTICAL), ("prevalence", STATISTICAL),
    // Diagnosis.
    ("reveals", DIAGNOSTIC), ("reveal", DIAGNOSTIC), ("detecting", DIAGNOSTIC),
    ("diagnostic", DIAGNOSTIC), ("finds", DIAGNOSTIC), ("confirm*", DIAGNOSTIC),
    ("picks up", DIAGNOSTIC),
    ("detect", DIAGNOSTIC), ("detects", DIAGNOSTIC), ("detected", DIAGNOSTIC),
    ("detection", DIAGNOSTIC), ("diagnosis", DIAGNOSTIC), ("diagnose", DIAGNOSTIC),
    ("diagnoses", DIAGNOSTIC), ("identify", DIAGNOSTIC), ("identifies", DIAGNOSTIC),
    ("measures", DIAGNOSTIC), ("accuracy", DIAGNOSTIC), ("tells you", DIAGNOSTIC),
    ("sign of", DIAGNOSTIC), ("signs of", DIAGNOSTIC),
    // Prices and lures.
    ("complimentary", Lure), ("gift", Lure), ("bonus", Lure), ("win", Lure), ("raffle", Lure),
    ("deal", Lure), ("special offer", Lure), ("limited offer", Lure), ("refer a friend", Lure),
    ("<n> for <n>", Lure), ("two for one", Lure), ("save", Lure),
    ("r $ <n>", PRICE), ("$ <n>", PRICE), ("price", PRICE), ("prices", PRICE), ("cost", PRICE),
    ("costs", PRICE), ("installments", PRICE), ("free", Lure), ("discount*", Lure), ("off", Lure),
    ("sale", Lure), ("promo", Lure), ("promotion", Lure), ("bogo", Lure), ("half price", Lure),
    ("buy one", Lure), ("weekend only", Lure), ("today only", Lure), ("limited time", Lure),
    ("giveaway", Lure), ("coupon", Lure), ("for the price of", Lure),
    // Sensationalism and testimonials.
    ("before and after", BeforeAfter), ("miracle*", Sensational), ("miraculous", Sensational),
    ("amazing", Sensational), ("incredible", Sensational), ("revolutionary", Sensational),
    ("100 % success", Sensational), ("<n> % of our patients", Sensational),
    ("you will too", TestimonialPromise), ("you too", TestimonialPromise),
    // Medicines and selling.
    ("semaglutide", PrescriptionDrug), ("ozempic", PrescriptionDrug), ("wegovy", PrescriptionDrug),
    ("tirzepatide", PrescriptionDrug), ("liraglutide", PrescriptionDrug),
    ("tadalafil", PrescriptionDrug), ("sildenafil", PrescriptionDrug), ("viagra", PrescriptionDrug),
    ("gestrinone", PrescriptionDrug), ("oxandrolone", PrescriptionDrug), ("hcg", PrescriptionDrug),
    ("testosterone", PrescriptionDrug), ("isotretinoin", PrescriptionDrug),
    ("finasteride", PrescriptionDrug), ("oral minoxidil", PrescriptionDrug),
    ("ketamine", PrescriptionDrug), ("esketamine", PrescriptionDrug),
    ("amoxicillin", PrescriptionDrug), ("azithromycin", PrescriptionDrug),
    ("antibiotic*", PrescriptionDrug), ("buy", PurchaseUrge), ("order", PurchaseUrge),
    ("get your", PurchaseUrge), ("without a doctor", PurchaseUrge),
    ("without a prescription", PurchaseUrge), ("no prescription", PurchaseUrge),
    ("sign up", PurchaseUrge), ("fat", BodyPromise), ("lbs", BodyPromise), ("pounds", BodyPromise),
    ("kg", BodyPromise), ("belly", BodyPromise),
    // How it is said.
    ("often", Hedge), ("usually", Hedge), ("generally", Hedge), ("potentially", Hedge),
    ("perhaps", Hedge), ("probably", Hedge), ("seem*", Hedge), ("indicate*", Hedge),
    ("may", Hedge), ("might", Hedge), ("can", Hedge), ("could", Hedge), ("help", Hedge),
    ("helps", Hedge), ("suggest*", Hedge), ("associated", Hedge), ("linked to", Hedge),
    ("tend*", Hedge), ("likely", Hedge), ("possibly", Hedge), ("appear*", Hedge), ("not", Negation),
    ("no", Negation), ("never", Negation), ("none", Negation), ("cannot", Negation),
    ("can t", Negation), ("doesn t", Negation), ("don t", Negation), ("isn t", Negation),
    ("aren t", Negation), ("won t", Negation), ("hasn t", Negation), ("nothing", Negation),
    ("neither", Negation), ("results vary", Negation),
    ("free of", Idiom), ("pain free", Idiom), ("non melanoma", Idiom), ("if you don t", Idiom),
    ("if you do not", Idiom),
    // Sources.
    ("who", Evidence(Ev::Authority)), ("world health organization", Evidence(Ev::Authority)),
    ("cdc", Evidence(Ev::Authority)), ("fda", Evidence(Ev::Authority)),
    ("nih", Evidence(Ev::Authority)), ("nhs", Evidence(Ev::Authority)),
    ("nice", Evidence(Ev::Authority)), ("anvisa", Evidence(Ev::Authority)),
    ("american heart association", Evidence(Ev::Authority)),
    ("american academy", Evidence(Ev::Authority)),
    ("american cancer society", Evidence(Ev::Authority)),
    ("ministry of health", Evidence(Ev::Authority)), ("guideline*", Evidence(Ev::Authority)),
    ("journal", Evidence(Ev::Publication)), ("published in", Evidence(Ev::Publication)),
    ("lancet", Evidence(Ev::Publication)), ("jama", Evidence(Ev::Publication)),
    ("bmj", Evidence(Ev::Publication)), ("nejm", Evidence(Ev::Publication)),
    ("new england", Evidence(Ev::Publication)), ("cochrane", Evidence(Ev::Publication)),
    ("review in", Evidence(Ev::Publication)), ("meta analysis in", Evidence(Ev::Publication)),
    ("doi", Evidence(Ev::Doi)), ("pmid", Evidence(Ev::Pmid)), ("et al", Evidence(Ev::AuthorYear)),
];

/// Function words that tell English from Portuguese.
pub(crate) const FUNCTION_WORDS: &[&str] = &[
    "the", "and", "of", "to", "is", "with", "for", "your", "are", "in", "that", "it", "this",
    "you", "or", "be", "by", "not", "our", "on", "can", "at",
];
