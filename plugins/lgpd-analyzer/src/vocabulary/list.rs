//! The vocabulary's lists, numbered as the transducer's outputs: `build.rs` includes this file
//! to number them, and the matcher reads a match's number back as its list and kind.

/// Which list a term comes from (the transducer's output; `build.rs` numbers them so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// `heads.txt`: heads of clinical phrases, health data with their complement.
    Head,
    /// `scales.txt`: clinical scales, health data with their score.
    Scale,
    /// `diseases.txt`: diagnoses and conditions.
    Disease,
    /// `medicines.txt`: medicines (DCB names), therapeutic classes and vaccines.
    Medicine,
    /// `symptoms.txt`: symptoms, signs and findings on examination.
    Symptom,
    /// `procedures.txt`: procedures, therapies and care devices.
    Procedure,
    /// `exams.txt`: imaging, laboratory and endoscopic exams, health data only with their result.
    Exam,
    /// `lexicon.txt`: the analyzer's earlier hand lexicon of health terms.
    Lexicon,
    /// `genetic.txt`: genetic results.
    Genetic,
    /// `biometric.txt`: biometric traits.
    Biometric,
    /// `religion.txt`: religions and their roles.
    Religion,
    /// `ethnicity.txt`: racial and ethnic origin.
    Ethnicity,
    /// `political_opinion.txt`: political and union affiliation.
    PoliticalOpinion,
    /// `sexual_life.txt`: sex life and orientation.
    SexualLife,
}

impl List {
    /// Every list, in the order of its number; a term in two lists keeps the first.
    pub const ALL: [List; 14] = [
        List::Head,
        List::Scale,
        List::Disease,
        List::Medicine,
        List::Symptom,
        List::Procedure,
        List::Exam,
        List::Lexicon,
        List::Genetic,
        List::Biometric,
        List::Religion,
        List::Ethnicity,
        List::PoliticalOpinion,
        List::SexualLife,
    ];

    /// The file the list is read from, in `vocabulary/`.
    #[allow(dead_code, reason = "build.rs reads the files")]
    pub const fn file(self) -> &'static str {
        match self {
            List::Head => "heads.txt",
            List::Scale => "scales.txt",
            List::Disease => "diseases.txt",
            List::Medicine => "medicines.txt",
            List::Symptom => "symptoms.txt",
            List::Procedure => "procedures.txt",
            List::Exam => "exams.txt",
            List::Lexicon => "lexicon.txt",
            List::Genetic => "genetic.txt",
            List::Biometric => "biometric.txt",
            List::Religion => "religion.txt",
            List::Ethnicity => "ethnicity.txt",
            List::PoliticalOpinion => "political_opinion.txt",
            List::SexualLife => "sexual_life.txt",
        }
    }
}
