//! The symptom catalogue and its red-flag classification (PRODUCT.md, "Symptoms").
//!
//! Every symptom is expected (shown with reassurance), urgent (contact the clinic today;
//! loosen a stocking that is too tight), urgent now (a possible clot: the clinic now, else
//! urgent care or the emergency department today) or an emergency (call emergency services
//! now), and has one piece of advice. Pure data; no IO.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How serious a symptom is (PRODUCT.md, "Symptoms"), least serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Triage {
    /// Common after treatment; reassurance.
    Expected,
    /// A red flag: contact the clinic today.
    Urgent,
    /// A red flag that may be a blood clot: contact the clinic now; if they cannot be
    /// reached, urgent care or the emergency department today.
    UrgentNow,
    /// A red flag: call emergency services now.
    Emergency,
}

/// What a patient is told to do for one warning sign. Each symptom has exactly one; an
/// advisory lists every one that its symptoms call for, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Advice {
    /// Common after treatment: reassurance.
    Expected,
    /// Contact the clinic today (a sore, an infection, blisters).
    ClinicToday,
    /// The stocking is too tight: loosen it, do not cut it, and contact the clinic.
    LoosenStocking,
    /// A possible clot: contact the clinic now, else urgent care or the emergency department.
    ClinicNow,
    /// Call emergency services now.
    CallEmergency,
}

/// A symptom a patient can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Symptom {
    Bruising,
    Itching,
    Redness,
    Tenderness,
    SmallLumps,
    BrownMarks,
    /// Pain, swelling or warmth in one calf or thigh.
    OneLegPainSwelling,
    /// A sore or blackened patch of skin.
    SkinSore,
    /// Toes pale, blue, cold or numb (stocking too tight).
    ToesColdNumb,
    ChestPain,
    SuddenBreathlessness,
    CoughingBlood,
    /// Swelling of face or lips, or difficulty breathing.
    FaceSwelling,
    /// Sudden change in vision or speech.
    VisionSpeechChange,
    /// Dizziness or fainting.
    DizzyFaint,
    /// Weakness or numbness on one side of the body, or a drooping face (stroke signs).
    OneSidedWeakness,
    /// Fever, or redness and heat spreading from an injection site (infection).
    InjectionSiteInfection,
    /// Blisters under the stocking.
    Blisters,
}

impl Symptom {
    /// The whole catalogue, expected symptoms first.
    pub const ALL: [Symptom; 18] = [
        Symptom::Bruising,
        Symptom::Itching,
        Symptom::Redness,
        Symptom::Tenderness,
        Symptom::SmallLumps,
        Symptom::BrownMarks,
        Symptom::OneLegPainSwelling,
        Symptom::SkinSore,
        Symptom::InjectionSiteInfection,
        Symptom::Blisters,
        Symptom::ToesColdNumb,
        Symptom::ChestPain,
        Symptom::SuddenBreathlessness,
        Symptom::DizzyFaint,
        Symptom::CoughingBlood,
        Symptom::FaceSwelling,
        Symptom::VisionSpeechChange,
        Symptom::OneSidedWeakness,
    ];

    /// The identifier used in files and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Symptom::Bruising => "bruising",
            Symptom::Itching => "itching",
            Symptom::Redness => "redness",
            Symptom::Tenderness => "tenderness",
            Symptom::SmallLumps => "small-lumps",
            Symptom::BrownMarks => "brown-marks",
            Symptom::OneLegPainSwelling => "one-leg-pain-swelling",
            Symptom::SkinSore => "skin-sore",
            Symptom::ToesColdNumb => "toes-cold-numb",
            Symptom::ChestPain => "chest-pain",
            Symptom::SuddenBreathlessness => "sudden-breathlessness",
            Symptom::CoughingBlood => "coughing-blood",
            Symptom::FaceSwelling => "face-swelling",
            Symptom::VisionSpeechChange => "vision-speech-change",
            Symptom::DizzyFaint => "dizziness-fainting",
            Symptom::OneSidedWeakness => "one-sided-weakness",
            Symptom::InjectionSiteInfection => "fever-spreading-redness",
            Symptom::Blisters => "blisters",
        }
    }

    /// The plain-language English label a patient reads.
    pub fn label(self) -> &'static str {
        match self {
            Symptom::Bruising => "Bruising",
            Symptom::Itching => "Itching",
            Symptom::Redness => "Redness",
            Symptom::Tenderness => "Tenderness along the treated veins",
            Symptom::SmallLumps => "Small lumps along the treated veins",
            Symptom::BrownMarks => "Brown marks on the skin",
            Symptom::OneLegPainSwelling => "Pain, swelling or warmth in one calf or thigh",
            Symptom::SkinSore => "A sore or blackened patch of skin",
            Symptom::ToesColdNumb => "Toes pale, blue, cold or numb",
            Symptom::ChestPain => "Chest pain",
            Symptom::SuddenBreathlessness => "Sudden shortness of breath",
            Symptom::CoughingBlood => "Coughing up blood",
            Symptom::FaceSwelling => "Swelling of face or lips, or difficulty breathing",
            Symptom::VisionSpeechChange => "Sudden change in vision or speech",
            Symptom::DizzyFaint => "Dizziness or fainting",
            Symptom::OneSidedWeakness => {
                "Weakness or numbness on one side of the body, or a drooping face"
            }
            Symptom::InjectionSiteInfection => {
                "Fever, or redness and heat spreading from an injection site"
            }
            Symptom::Blisters => "Blisters under the stocking",
        }
    }

    /// How serious this symptom is: the level of its advice.
    pub fn triage(self) -> Triage {
        match self.advice() {
            Advice::Expected => Triage::Expected,
            Advice::ClinicToday | Advice::LoosenStocking => Triage::Urgent,
            Advice::ClinicNow => Triage::UrgentNow,
            Advice::CallEmergency => Triage::Emergency,
        }
    }

    /// What to do for this symptom (PRODUCT.md, "Symptoms").
    pub fn advice(self) -> Advice {
        match self {
            Symptom::Bruising
            | Symptom::Itching
            | Symptom::Redness
            | Symptom::Tenderness
            | Symptom::SmallLumps
            | Symptom::BrownMarks => Advice::Expected,
            Symptom::SkinSore | Symptom::InjectionSiteInfection | Symptom::Blisters => {
                Advice::ClinicToday
            }
            Symptom::ToesColdNumb => Advice::LoosenStocking,
            Symptom::OneLegPainSwelling => Advice::ClinicNow,
            Symptom::ChestPain
            | Symptom::SuddenBreathlessness
            | Symptom::DizzyFaint
            | Symptom::CoughingBlood
            | Symptom::FaceSwelling
            | Symptom::VisionSpeechChange
            | Symptom::OneSidedWeakness => Advice::CallEmergency,
        }
    }

    /// True for urgent and emergency symptoms.
    pub fn is_red_flag(self) -> bool {
        self.triage() != Triage::Expected
    }
}

/// The most serious triage of a set of symptoms (`Expected` when there are none).
pub fn worst(symptoms: &[Symptom]) -> Triage {
    symptoms
        .iter()
        .map(|s| s.triage())
        .max()
        .unwrap_or(Triage::Expected)
}

/// Every piece of advice `symptoms` call for, each once, most serious first.
pub fn advices(symptoms: &[Symptom]) -> Vec<Advice> {
    let mut all: Vec<Advice> = symptoms.iter().map(|s| s.advice()).collect();
    all.sort_by(|a, b| b.cmp(a));
    all.dedup();
    all
}

/// The sentence every advisory carries.
pub const NOT_A_DIAGNOSIS: &str = "This is guidance, not a diagnosis.";

impl fmt::Display for Symptom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Symptom {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Symptom::ALL
            .into_iter()
            .find(|x| x.id() == wanted)
            .ok_or_else(|| {
                let known: Vec<&str> = Symptom::ALL.iter().map(|x| x.id()).collect();
                format!("unknown symptom '{s}' (known: {})", known.join(", "))
            })
    }
}

impl Serialize for Symptom {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Symptom {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_matches_the_product_text() {
        let table = [
            ("bruising", Triage::Expected),
            ("itching", Triage::Expected),
            ("redness", Triage::Expected),
            ("tenderness", Triage::Expected),
            ("small-lumps", Triage::Expected),
            ("brown-marks", Triage::Expected),
            ("one-leg-pain-swelling", Triage::UrgentNow),
            ("skin-sore", Triage::Urgent),
            ("fever-spreading-redness", Triage::Urgent),
            ("blisters", Triage::Urgent),
            ("toes-cold-numb", Triage::Urgent),
            ("chest-pain", Triage::Emergency),
            ("sudden-breathlessness", Triage::Emergency),
            ("dizziness-fainting", Triage::Emergency),
            ("coughing-blood", Triage::Emergency),
            ("face-swelling", Triage::Emergency),
            ("vision-speech-change", Triage::Emergency),
            ("one-sided-weakness", Triage::Emergency),
        ];
        assert_eq!(table.len(), Symptom::ALL.len());
        for (id, level) in table {
            let s: Symptom = id.parse().unwrap();
            assert_eq!(s.triage(), level, "{id}");
            assert_eq!(s.id(), id);
        }
        assert_eq!(
            worst(&[Symptom::Bruising, Symptom::SkinSore]),
            Triage::Urgent
        );
        assert_eq!(worst(&[]), Triage::Expected);
        // A possible clot is not a tight stocking: its own advice, more urgent.
        assert_eq!(Symptom::OneLegPainSwelling.advice(), Advice::ClinicNow);
        assert_eq!(Symptom::ToesColdNumb.advice(), Advice::LoosenStocking);
        assert_eq!(
            advices(&[
                Symptom::ToesColdNumb,
                Symptom::Bruising,
                Symptom::OneLegPainSwelling,
                Symptom::ChestPain,
                Symptom::SkinSore,
                Symptom::Blisters,
            ]),
            vec![
                Advice::CallEmergency,
                Advice::ClinicNow,
                Advice::LoosenStocking,
                Advice::ClinicToday,
                Advice::Expected
            ]
        );
        assert!("headache"
            .parse::<Symptom>()
            .unwrap_err()
            .contains("headache"));
    }
}
