//! Treatment sessions: when and where a session ended, what was treated, the clinic, the
//! plan, the pre-treatment checklist and the result-photo date.
//!
//! Pure: "now" and the device zone come in as arguments.

use crate::domain::area::TreatedArea;
use crate::domain::plan::{CompressionPlan, PlanConfig};
use crate::domain::time::resolve;
use crate::domain::zone::Tz;
use chrono::{DateTime, Days, FixedOffset, Months, NaiveDate, NaiveTime, Offset, Utc};
use serde::{Deserialize, Serialize};

/// The clinic's contact details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clinic {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The stockings prescribed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stockings {
    /// Compression class, e.g. "II (23–32 mmHg)".
    pub class: Option<String>,
    /// Length, e.g. "thigh" or "knee".
    pub length: Option<String>,
}

/// The pre-treatment checklist from the clinical source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreTreatmentChecklist {
    pub measured: bool,
    pub ordered: bool,
    pub ready: bool,
}

/// One item of the pre-treatment checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChecklistItem {
    /// Stockings measured.
    Measured,
    /// Stockings ordered.
    Ordered,
    /// Stockings ready to bring.
    Ready,
}

impl ChecklistItem {
    pub const ALL: [ChecklistItem; 3] = [
        ChecklistItem::Measured,
        ChecklistItem::Ordered,
        ChecklistItem::Ready,
    ];

    /// The identifier used in files and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            ChecklistItem::Measured => "measured",
            ChecklistItem::Ordered => "ordered",
            ChecklistItem::Ready => "ready",
        }
    }

    /// The English label.
    pub fn label(self) -> &'static str {
        match self {
            ChecklistItem::Measured => "Stockings measured",
            ChecklistItem::Ordered => "Stockings ordered",
            ChecklistItem::Ready => "Stockings ready to bring",
        }
    }
}

impl PreTreatmentChecklist {
    /// Whether an item is done.
    pub fn is_done(&self, item: ChecklistItem) -> bool {
        match item {
            ChecklistItem::Measured => self.measured,
            ChecklistItem::Ordered => self.ordered,
            ChecklistItem::Ready => self.ready,
        }
    }

    /// Marks an item done.
    pub fn mark(&mut self, item: ChecklistItem) {
        match item {
            ChecklistItem::Measured => self.measured = true,
            ChecklistItem::Ordered => self.ordered = true,
            ChecklistItem::Ready => self.ready = true,
        }
    }

    /// The items still open.
    pub fn open_items(&self) -> Vec<ChecklistItem> {
        ChecklistItem::ALL
            .into_iter()
            .filter(|i| !self.is_done(*i))
            .collect()
    }
}

/// A treatment session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentSession {
    /// Stable identifier: the session date, with `-2`, `-3`… for further sessions that day.
    pub id: String,
    pub date: NaiveDate,
    pub end_time: NaiveTime,
    /// The IANA zone the session took place in.
    pub tz: Tz,
    /// The UTC offset at the end of the session, in seconds (east positive).
    pub utc_offset_seconds: i32,
    pub areas: Vec<TreatedArea>,
    pub sclerosant: Option<String>,
    pub stockings: Stockings,
    pub clinic: Clinic,
    pub note: String,
    pub plan: PlanConfig,
    pub checklist: PreTreatmentChecklist,
    pub created_at: DateTime<FixedOffset>,
    /// When the patient said they will not take result photos (closes the prompt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photos_dismissed_at: Option<DateTime<FixedOffset>>,
}

/// What a patient enters for a new session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionDraft {
    pub date: NaiveDate,
    pub end_time: NaiveTime,
    pub tz: Tz,
    pub areas: Vec<TreatedArea>,
    pub sclerosant: Option<String>,
    pub stockings: Stockings,
    pub clinic: Clinic,
    pub note: String,
    pub plan: PlanConfig,
}

/// The first and last dates a session may have: every date, instant and file the app makes
/// from a session (the plan, three months on, reminders, ICS, FHIR, CSV) then stays within
/// four-digit years.
pub const FIRST_SESSION_DATE: (i32, u32, u32) = (2000, 1, 1);
pub const LAST_SESSION_DATE: (i32, u32, u32) = (2099, 12, 31);

fn check_date(date: NaiveDate) -> Result<(), String> {
    let (y0, m0, d0) = FIRST_SESSION_DATE;
    let (y1, m1, d1) = LAST_SESSION_DATE;
    let first = NaiveDate::from_ymd_opt(y0, m0, d0).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(y1, m1, d1).unwrap_or(NaiveDate::MAX);
    if date < first || date > last {
        return Err(format!(
            "the session date {date} is out of range ({first} to {last})"
        ));
    }
    Ok(())
}

/// Checks a session's free text against the limits of `domain::text`: the same rules for a
/// session entered and one restored from a backup.
fn check_text(
    clinic: &Clinic,
    sclerosant: &Option<String>,
    stockings: &Stockings,
    note: &str,
) -> Result<(), String> {
    use crate::domain::text::{check_field, check_note};
    for (what, value) in [
        ("clinic name", &clinic.name),
        ("clinic phone", &clinic.phone),
        ("clinic e-mail", &clinic.email),
        ("sclerosant", sclerosant),
        ("stockings' class", &stockings.class),
        ("stockings' length", &stockings.length),
    ] {
        check_field(what, value.as_deref().unwrap_or_default())?;
    }
    check_note("session note", note)
}

impl SessionDraft {
    /// Checks the free text of the draft against the limits of `domain::text`.
    fn check_text(&self) -> Result<(), String> {
        check_text(&self.clinic, &self.sclerosant, &self.stockings, &self.note)
    }

    /// Checks the draft and makes it a session with a fresh identifier, given the identifiers
    /// already taken.
    pub fn into_session(
        self,
        taken: &[String],
        now: DateTime<Utc>,
    ) -> Result<TreatmentSession, String> {
        check_date(self.date)?;
        self.plan.validate()?;
        CompressionPlan::new(self.tz, self.date, self.end_time, &self.plan)?;
        self.check_text()?;
        if let Some(email) = &self.clinic.email {
            if !email.contains('@') {
                return Err(format!("clinic e-mail '{email}' has no @"));
            }
        }
        let base = self.date.format("%Y-%m-%d").to_string();
        let id = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or(base);
        let end = resolve(self.tz, self.date, self.end_time);
        Ok(TreatmentSession {
            id,
            date: self.date,
            end_time: self.end_time,
            tz: self.tz,
            utc_offset_seconds: end.offset().fix().local_minus_utc(),
            areas: self.areas,
            sclerosant: self.sclerosant,
            stockings: self.stockings,
            clinic: self.clinic,
            note: self.note.trim().to_string(),
            plan: self.plan,
            checklist: PreTreatmentChecklist::default(),
            created_at: now.with_timezone(&self.tz).fixed_offset(),
            photos_dismissed_at: None,
        })
    }
}

impl TreatmentSession {
    /// Checks a session read from a backup with the rules a session entered passes: an id
    /// the app would have given it (its date, then `-2`, `-3`, … for another session that
    /// day), a valid plan, and bounded text free of control characters.
    pub fn check(&self) -> Result<(), String> {
        let base = self.date.format("%Y-%m-%d").to_string();
        let suffix_ok = match self.id.strip_prefix(&base) {
            Some("") => true,
            Some(rest) => rest
                .strip_prefix('-')
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n >= 2 && rest == format!("-{n}")),
            None => false,
        };
        if !suffix_ok {
            return Err(format!(
                "a session has the id {:?}, which does not match its date {base}",
                self.id
            ));
        }
        check_date(self.date)?;
        self.plan.validate()?;
        self.compression_plan()?;
        check_text(&self.clinic, &self.sclerosant, &self.stockings, &self.note)
    }

    /// The resolved compression plan.
    pub fn compression_plan(&self) -> Result<CompressionPlan, String> {
        CompressionPlan::new(self.tz, self.date, self.end_time, &self.plan)
    }

    /// True while the session has not ended yet.
    pub fn is_future(&self, now: DateTime<Utc>) -> bool {
        resolve(self.tz, self.date, self.end_time).with_timezone(&Utc) > now
    }

    /// The date of the result-photo prompt (start date + 3 calendar months, clamped).
    pub fn photo_due(&self) -> NaiveDate {
        photo_due(self.date)
    }

    /// The dates of the pre-treatment reminders: 7 days and 1 day before the session.
    pub fn checklist_reminder_dates(&self) -> Vec<NaiveDate> {
        [7u64, 1]
            .into_iter()
            .filter_map(|n| self.date.checked_sub_days(Days::new(n)))
            .collect()
    }
}

/// Start date + 3 calendar months, clamped to the month's end (31 Jan → 30 Apr), always
/// computed from the start date.
pub fn photo_due(start: NaiveDate) -> NaiveDate {
    start
        .checked_add_months(Months::new(3))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn photo_due_clamps_month_ends_and_leap_years() {
        for (start, due) in [
            ("2026-01-31", "2026-04-30"),
            ("2026-11-30", "2027-02-28"),
            ("2027-11-30", "2028-02-29"),
            ("2027-11-29", "2028-02-29"),
            ("2028-02-29", "2028-05-29"),
            ("2026-03-31", "2026-06-30"),
            ("2026-05-31", "2026-08-31"),
            ("2026-10-15", "2027-01-15"),
        ] {
            assert_eq!(photo_due(d(start)), d(due), "{start}");
        }
    }

    #[test]
    fn checklist_tracks_open_items() {
        let mut c = PreTreatmentChecklist::default();
        assert_eq!(c.open_items().len(), 3);
        c.mark(ChecklistItem::Ordered);
        assert_eq!(
            c.open_items(),
            vec![ChecklistItem::Measured, ChecklistItem::Ready]
        );
    }
}
