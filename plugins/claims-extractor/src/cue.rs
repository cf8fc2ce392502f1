//! What a phrase in a sentence signals: a kind of claim, how it is said, a rule it may break,
//! a source it cites, or a thing it names.

use medplug_pdk::claims::{ClaimType, EntityKind, EvidenceKind};

/// A signal from the phrase lists (`cues_pt.rs`, `cues_en.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cue {
    /// The sentence makes this kind of claim.
    Claim(ClaimType),
    /// The claim is softened ("estudos sugerem", "geralmente", "ajuda a"), wherever it is in
    /// the sentence.
    Hedge,
    /// A modal ("pode", "may", "can"): it softens a claim phrase that follows it closely in the
    /// same clause (`scope.rs`), not "Agende já: as vagas podem acabar".
    Modal,
    /// A negation ("não", "nenhum", "no"): it denies a claim phrase that follows it closely in
    /// the same clause (`scope.rs`), not one elsewhere in the sentence ("Não perca: 50% off").
    Negation,
    /// A denial of existence or evidence ("não há", "não existe", "there is no", "no evidence"):
    /// it denies every claim phrase after it in the sentence.
    Denial,
    /// "não causa", "does not cause": a denial that asserts safety, not a negated claim.
    SafetyAssertion,
    /// "tem cura", "is curable": a disease's prognosis, not a promise.
    CurableDisease,
    /// A superlative about a professional, clinic, method or result ("o melhor", "único").
    Superlative,
    /// A product as the only way ("a única solução", "the only thing").
    OnlyAlternative,
    /// Safety as a selling point ("sem riscos", "sem efeitos colaterais", "100% natural").
    SafetyPromise,
    /// A price used as a lure ("desconto", "grátis", "pague 1 leve 2").
    Lure,
    /// Before-and-after pictures.
    BeforeAfter,
    /// Sensationalism ("milagre", "100% de sucesso", "97% of our patients").
    Sensational,
    /// A result a testimonial promises to others ("nunca mais", "vocês também vão").
    TestimonialPromise,
    /// A medicine sold only under prescription.
    PrescriptionDrug,
    /// An urge to buy or use ("compre", "get your", "sem receita").
    PurchaseUrge,
    /// A weight or body promise ("gordura", "emagreça", "lbs").
    BodyPromise,
    /// A result promised in a set time or number of sessions ("em 2 sessões", "in just one
    /// session", "na mesma hora"): with an effect, a certain result (CFM 2.336/2023 Art. 11).
    TimeBox,
    /// A result the patient leaves with ("sai com", "walk out"): an effect when time-boxed.
    ResultPromise,
    /// A medicine or medicine-like product ("remédio", "suplemento", "drops", "natural"): the
    /// ANVISA rules, not the CFM ones, judge what is said of it.
    Product,
    /// The public health system ("SUS", "Secretaria de Saúde"): a free public service is not a
    /// price used as a lure.
    PublicService,
    /// A technique or test without scientific recognition ("ozonioterapia", "biorressonância",
    /// "hormônios bioidênticos", DNA diet panels).
    Unrecognised,
    /// A showcase of a result ("olha esse resultado", "transformação", 😱): what makes
    /// before-and-after pictures a promise rather than education.
    Showcase,
    /// A universal reach ("para todos", "qualquer pessoa", "every patient"): with an effect,
    /// an absolute promise.
    Universal,
    /// Approval by patients ("aprovaram", "confiam", "trusted us"): with the clinic's own
    /// count of them, social proof used as sensationalism.
    Approval,
    /// A qualified fact ("na maioria", "most", "the vast majority"): a prognosis, not a promise.
    Qualifier,
    /// A patient's own account in the first person ("minha pele", "my melasma").
    FirstPerson,
    /// A word of degree ("mais", "maior", "melhor", "most", "best", "leading"): with a
    /// [`Cue::Place`] after it, a ranking ("o cirurgião mais top do Brasil").
    Degree,
    /// The field a ranking is claimed in ("do Brasil", "da cidade", "in Latin America").
    Place,
    /// A relapse or a miss ("volta", "come back", "passa despercebido"): denied by a negation
    /// just before it ("não volta", "never comes back", "nenhum caso passa despercebido"), an
    /// absolute promise (`promises.rs`).
    Lapse,
    /// A harm ("hurt", "machucar", "dar errado"): denied by "nada", "nothing", "never", a
    /// promise that nothing can go wrong (`promises.rs`).
    Harm,
    /// An absence of a procedure's discomforts ("sem cortes", "sem dor", "no downtime"): two
    /// together, a promise of a procedure without risk (`promises.rs`).
    Absence,
    /// How long a result lasts ("pro resto da vida", "for years"): with a result, a guarantee.
    Permanence,
    /// A denial that rivals exist ("ninguém", "nobody", "none of"): with a comparison after it
    /// ("como", "like", "came close", "com o nosso"), a superlative (`promises.rs`).
    Rival,
    /// A natural origin ("natural", "plant-derived", "fitoterápico"): offered as the reason a
    /// product is safe, the ANVISA safety claim.
    NaturalOrigin,
    /// A result told to the reader as certain ("você vai", "you will", "you'll"): with an
    /// effect, a guarantee.
    Certainty,
    /// An attribution ("segundo a", "according to"): followed by a capitalised name ("segundo a
    /// SBEM", "according to NICE guidance"), an identifiable source.
    Attribution,
    /// A fixed phrase whose words are not cues ("não melanoma", "se você não", "free of"):
    /// cues inside it are set aside.
    Idiom,
    /// The sentence cites a source of this kind.
    Evidence(EvidenceKind),
    /// The sentence names a thing of this kind.
    Entity(EntityKind),
}

/// Shorthands the phrase lists use for the claim types.
pub(crate) const EFFICACY: Cue = Cue::Claim(ClaimType::Efficacy);
/// See [`EFFICACY`].
pub(crate) const CURE: Cue = Cue::Claim(ClaimType::Cure);
/// See [`EFFICACY`].
pub(crate) const GUARANTEE: Cue = Cue::Claim(ClaimType::Guarantee);
/// See [`EFFICACY`].
pub(crate) const SAFETY: Cue = Cue::Claim(ClaimType::Safety);
/// See [`EFFICACY`].
pub(crate) const PREVENTION: Cue = Cue::Claim(ClaimType::Prevention);
/// See [`EFFICACY`].
pub(crate) const COMPARATIVE: Cue = Cue::Claim(ClaimType::Comparative);
/// See [`EFFICACY`].
pub(crate) const STATISTICAL: Cue = Cue::Claim(ClaimType::Statistical);
/// See [`EFFICACY`].
pub(crate) const DIAGNOSTIC: Cue = Cue::Claim(ClaimType::Diagnostic);
/// See [`EFFICACY`].
pub(crate) const PRICE: Cue = Cue::Claim(ClaimType::PricePromotion);
