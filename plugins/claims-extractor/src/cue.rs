//! What a phrase in a sentence signals: a kind of claim, how it is said, a rule it may break,
//! a source it cites, or a thing it names.

use medplug_pdk::claims::{ClaimType, EntityKind, EvidenceKind};

/// A signal from the phrase lists (`cues_pt.rs`, `cues_en.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cue {
    /// The sentence makes this kind of claim.
    Claim(ClaimType),
    /// The claim is softened ("pode", "may", "estudos sugerem").
    Hedge,
    /// The claim is denied ("não", "nenhum", "there is no").
    Negation,
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
