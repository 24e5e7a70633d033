//! The symptom catalogue and its red-flag classification (PRODUCT.md, "Symptoms").
//!
//! Every symptom is expected (shown with reassurance), urgent (contact the clinic today) or an
//! emergency (call emergency services now). Pure data; no IO.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How serious a symptom is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Triage {
    /// Common after treatment; reassurance.
    Expected,
    /// A red flag: contact the clinic today (and loosen a stocking that is too tight).
    Urgent,
    /// A red flag: call emergency services now.
    Emergency,
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
}

impl Symptom {
    /// The whole catalogue, expected symptoms first.
    pub const ALL: [Symptom; 14] = [
        Symptom::Bruising,
        Symptom::Itching,
        Symptom::Redness,
        Symptom::Tenderness,
        Symptom::SmallLumps,
        Symptom::BrownMarks,
        Symptom::OneLegPainSwelling,
        Symptom::SkinSore,
        Symptom::ToesColdNumb,
        Symptom::ChestPain,
        Symptom::SuddenBreathlessness,
        Symptom::CoughingBlood,
        Symptom::FaceSwelling,
        Symptom::VisionSpeechChange,
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
        }
    }

    /// How serious this symptom is.
    pub fn triage(self) -> Triage {
        match self {
            Symptom::Bruising
            | Symptom::Itching
            | Symptom::Redness
            | Symptom::Tenderness
            | Symptom::SmallLumps
            | Symptom::BrownMarks => Triage::Expected,
            Symptom::OneLegPainSwelling | Symptom::SkinSore | Symptom::ToesColdNumb => {
                Triage::Urgent
            }
            Symptom::ChestPain
            | Symptom::SuddenBreathlessness
            | Symptom::CoughingBlood
            | Symptom::FaceSwelling
            | Symptom::VisionSpeechChange => Triage::Emergency,
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

/// What the advisory tells a patient, in English, for a triage level.
pub fn advice(level: Triage) -> &'static str {
    match level {
        Triage::Emergency => "Call emergency services now.",
        Triage::Urgent => {
            "Loosen or remove the stocking if it is too tight, and contact your clinic today."
        }
        Triage::Expected => {
            "This is common after treatment and usually fades over the coming weeks."
        }
    }
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
            ("one-leg-pain-swelling", Triage::Urgent),
            ("skin-sore", Triage::Urgent),
            ("toes-cold-numb", Triage::Urgent),
            ("chest-pain", Triage::Emergency),
            ("sudden-breathlessness", Triage::Emergency),
            ("coughing-blood", Triage::Emergency),
            ("face-swelling", Triage::Emergency),
            ("vision-speech-change", Triage::Emergency),
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
        assert!("headache"
            .parse::<Symptom>()
            .unwrap_err()
            .contains("headache"));
    }
}
