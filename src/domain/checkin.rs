//! The daily check-in: answers about last night and today, walking, symptoms and a note,
//! with the late flag and the history of earlier versions (PRODUCT.md, "Wear day and check-in").
//!
//! Pure: the recording instant comes in as an argument.

use crate::domain::plan::{CompressionPlan, Question};
use crate::domain::symptoms::Symptom;
use crate::domain::time::resolve;
use crate::domain::zone::Tz;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Why the stockings came off for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemovalReason {
    Shower,
    SkinCare,
    TooTight,
    Itching,
    Pain,
    Other,
}

impl RemovalReason {
    pub const ALL: [RemovalReason; 6] = [
        RemovalReason::Shower,
        RemovalReason::SkinCare,
        RemovalReason::TooTight,
        RemovalReason::Itching,
        RemovalReason::Pain,
        RemovalReason::Other,
    ];

    /// The identifier used in files and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            RemovalReason::Shower => "shower",
            RemovalReason::SkinCare => "skin-care",
            RemovalReason::TooTight => "too-tight",
            RemovalReason::Itching => "itching",
            RemovalReason::Pain => "pain",
            RemovalReason::Other => "other",
        }
    }
}

impl FromStr for RemovalReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RemovalReason::ALL
            .into_iter()
            .find(|r| r.id() == s.trim())
            .ok_or_else(|| format!("unknown reason '{s}' (expected shower, skin-care, too-tight, itching, pain or other)"))
    }
}

/// The answer to one question ("last night" or "today").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "worn", rename_all = "kebab-case")]
pub enum WearAnswer {
    /// Worn all the time.
    AllTheTime,
    /// Taken off briefly.
    OffBriefly { minutes: u16, reason: RemovalReason },
    /// Not worn.
    NotWorn,
}

/// The three answers of the command line, before minutes and reason are attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WearKind {
    Worn,
    Partial,
    NotWorn,
}

impl FromStr for WearKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "worn" => Ok(WearKind::Worn),
            "partial" => Ok(WearKind::Partial),
            "not-worn" => Ok(WearKind::NotWorn),
            other => Err(format!(
                "unknown answer '{other}' (expected worn, partial or not-worn)"
            )),
        }
    }
}

/// One version of a check-in, as the patient gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    /// "Last night"; `None` when the plan does not ask about it.
    pub night: Option<WearAnswer>,
    /// "Today"; `None` when the plan does not ask about it.
    pub day: Option<WearAnswer>,
    pub walking_minutes: Option<u16>,
    pub symptoms: Vec<Symptom>,
    pub note: String,
    /// When it was recorded, with the device's offset at that moment.
    pub recorded_at: DateTime<FixedOffset>,
    /// Recorded after noon of the day after its date.
    pub late: bool,
}

impl CheckIn {
    /// The answer to a question.
    pub fn answer(&self, q: Question) -> Option<WearAnswer> {
        match q {
            Question::Night => self.night,
            Question::Day => self.day,
        }
    }
}

/// The check-in of one session for one date, with every earlier version kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInRecord {
    pub session: String,
    pub date: NaiveDate,
    pub current: CheckIn,
    /// Earlier versions, oldest first.
    pub history: Vec<CheckIn>,
}

impl CheckInRecord {
    /// True when the check-in was changed after it was first recorded.
    pub fn edited(&self) -> bool {
        !self.history.is_empty()
    }

    /// Records a new version: the current one moves into the history.
    pub fn revise(mut self, next: CheckIn) -> Self {
        let previous = std::mem::replace(&mut self.current, next);
        self.history.push(previous);
        self
    }
}

/// Late when recorded after noon of the day after `date`, in the zone the device had then.
pub fn is_late(date: NaiveDate, recorded_at: DateTime<Utc>, device_tz: Tz) -> bool {
    let Some(next) = date.succ_opt() else {
        return false;
    };
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN);
    recorded_at > resolve(device_tz, next, noon).with_timezone(&Utc)
}

/// What a patient answered, before it is checked against the plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckInDraft {
    pub night: Option<WearAnswer>,
    pub day: Option<WearAnswer>,
    pub walking_minutes: Option<u16>,
    pub symptoms: Vec<Symptom>,
    pub note: String,
}

impl CheckInDraft {
    /// Worn all the time, answering exactly the `questions` the plan asks for the date.
    pub fn worn_throughout(questions: &[Question], note: String) -> Self {
        let worn_if_asked = |q| questions.contains(&q).then_some(WearAnswer::AllTheTime);
        CheckInDraft {
            night: worn_if_asked(Question::Night),
            day: worn_if_asked(Question::Day),
            note,
            ..CheckInDraft::default()
        }
    }
}

/// Turns a command-line style answer into a [`WearAnswer`], asking for minutes and a reason
/// when the stockings were taken off briefly.
pub fn wear_answer(
    what: &str,
    kind: WearKind,
    minutes: Option<u16>,
    reason: Option<RemovalReason>,
) -> Result<WearAnswer, String> {
    match kind {
        WearKind::Worn => Ok(WearAnswer::AllTheTime),
        WearKind::NotWorn => Ok(WearAnswer::NotWorn),
        WearKind::Partial => match (minutes, reason) {
            (Some(0), _) => Err(format!("{what} partial needs more than 0 minutes off")),
            (Some(minutes), Some(reason)) => Ok(WearAnswer::OffBriefly { minutes, reason }),
            _ => Err(format!("{what} partial needs the minutes off and a reason")),
        },
    }
}

/// Longest walk a single day can hold.
pub const MAX_WALKING_MINUTES: u16 = 24 * 60;

/// Checks a draft against the plan for `date` and the patient's `today`, and makes it a
/// check-in recorded at `now`. Every question the plan asks must be answered, and only those.
pub fn validate(
    plan: &CompressionPlan,
    date: NaiveDate,
    today: NaiveDate,
    draft: CheckInDraft,
    now: DateTime<Utc>,
    device_tz: Tz,
) -> Result<CheckIn, String> {
    let dates = plan.checkin_dates();
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
        return Err("this plan has no check-in dates".into());
    };
    if !dates.contains(&date) {
        return Err(format!("{date} is outside the plan ({first} to {last})"));
    }
    if date > today {
        return Err(format!("{date} has not come yet (today is {today}); a check-in can be recorded for today or a past date"));
    }
    let mut symptoms = draft.symptoms;
    symptoms.sort();
    symptoms.dedup();
    let checkin = CheckIn {
        night: draft.night,
        day: draft.day,
        walking_minutes: draft.walking_minutes,
        symptoms,
        note: draft.note.trim().to_string(),
        recorded_at: now.with_timezone(&device_tz).fixed_offset(),
        late: is_late(date, now, device_tz),
    };
    check_answers(plan, date, &checkin)?;
    Ok(checkin)
}

/// The answers' rules, the same for a check-in entered and one restored from a backup: every
/// question the plan asks for `date` answered, and only those; minutes off shorter than the
/// planned time; walking within a day; the note within `domain::text`'s limits.
pub fn check_answers(plan: &CompressionPlan, date: NaiveDate, c: &CheckIn) -> Result<(), String> {
    let asked = plan.questions(date);
    for (q, answer, flag) in [
        (Question::Night, c.night, "--night"),
        (Question::Day, c.day, "--day"),
    ] {
        let name = match q {
            Question::Night => "last night",
            Question::Day => "the daytime",
        };
        match (asked.contains(&q), answer) {
            (true, None) => {
                return Err(format!("the check-in for {date} asks about {name}: answer it ({flag} worn|partial|not-worn)"))
            }
            (false, Some(_)) => return Err(format!("{name} of {date} is not part of the plan: leave out {flag}")),
            (true, Some(WearAnswer::OffBriefly { minutes, .. })) => {
                let planned = plan.planned_minutes(date, q);
                if i64::from(minutes) >= planned {
                    return Err(format!(
                        "{minutes} minutes off is not brief for {name} of {date}, which has {planned} planned minutes: answer not-worn instead"
                    ));
                }
            }
            _ => {}
        }
    }
    if c.walking_minutes.is_some_and(|m| m > MAX_WALKING_MINUTES) {
        return Err(format!(
            "walking minutes must be at most {MAX_WALKING_MINUTES}"
        ));
    }
    crate::domain::text::check_note("note", &c.note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_after_noon_of_the_next_day() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 6, 10).unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(!is_late(d, at("2026-06-11T12:00:00+02:00"), tz));
        assert!(is_late(d, at("2026-06-11T12:00:01+02:00"), tz));
        assert!(!is_late(d, at("2026-06-10T23:00:00+02:00"), tz));
    }

    #[test]
    fn partial_needs_minutes_and_reason() {
        assert!(wear_answer("--day", WearKind::Partial, Some(10), None).is_err());
        assert!(wear_answer(
            "--day",
            WearKind::Partial,
            Some(0),
            Some(RemovalReason::Shower)
        )
        .is_err());
        assert_eq!(
            wear_answer(
                "--day",
                WearKind::Partial,
                Some(10),
                Some(RemovalReason::Shower)
            )
            .unwrap(),
            WearAnswer::OffBriefly {
                minutes: 10,
                reason: RemovalReason::Shower
            }
        );
    }
}
