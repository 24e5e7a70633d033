//! The report model every export is drawn from: per chosen session, the plan, one row per
//! check-in date, the proportion of days covered, the red flags reported and the notes.
//!
//! Pure: built from a snapshot, an instant and a zone; no IO, no clock.

use crate::domain::adherence::{Adherence, DateState};
use crate::domain::backup::Snapshot;
use crate::domain::checkin::WearAnswer;
use crate::domain::photo::Photo;
use crate::domain::plan::{CompressionPlan, Question};
use crate::domain::session::TreatmentSession;
use crate::domain::status::status;
use crate::domain::symptoms::Symptom;
use crate::domain::zone::Tz;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// What the patient chose to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Session ids to include; empty means every session.
    pub sessions: Vec<String>,
    /// Free-text notes (the session's and each check-in's).
    pub notes: bool,
    /// Symptoms reported at check-ins (red flags included).
    pub symptoms: bool,
    /// The ids of the photos the patient ticked (for the PDF report and the FHIR bundle).
    pub photos: Vec<String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            sessions: Vec::new(),
            notes: true,
            symptoms: true,
            photos: Vec::new(),
        }
    }
}

/// How one question of one date was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The plan does not ask about this part of the date.
    NotAsked,
    /// Asked, but there is no check-in for the date (yet).
    NoAnswer,
    /// The patient's answer.
    Given(WearAnswer),
}

impl Answer {
    /// The identifier used in CSV and FHIR: `worn`, `partial`, `not-worn`, `not-asked`, or
    /// an empty string when there is no answer.
    pub fn id(self) -> &'static str {
        match self {
            Answer::NotAsked => "not-asked",
            Answer::NoAnswer => "",
            Answer::Given(WearAnswer::AllTheTime) => "worn",
            Answer::Given(WearAnswer::OffBriefly { .. }) => "partial",
            Answer::Given(WearAnswer::NotWorn) => "not-worn",
        }
    }

    /// Minutes off and the reason, when the stockings came off briefly.
    pub fn off(self) -> Option<(u16, crate::domain::checkin::RemovalReason)> {
        match self {
            Answer::Given(WearAnswer::OffBriefly { minutes, reason }) => Some((minutes, reason)),
            _ => None,
        }
    }
}

/// One check-in date of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub date: NaiveDate,
    /// "Day k" of the plan (1 on the start date).
    pub day: i64,
    pub state: DateState,
    pub night: Answer,
    pub daytime: Answer,
    /// The planned wear this date's check-in covers, in the session's zone.
    pub planned: Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)>,
    pub walking_minutes: Option<u16>,
    /// Empty when symptoms are not shared.
    pub symptoms: Vec<Symptom>,
    /// Empty when notes are not shared.
    pub note: String,
    pub recorded_at: Option<DateTime<FixedOffset>>,
    pub late: bool,
    /// Earlier versions kept (0 when never edited).
    pub earlier_versions: usize,
}

impl Row {
    /// The check-in was changed after it was first recorded.
    pub fn edited(&self) -> bool {
        self.earlier_versions > 0
    }
}

/// A red flag the patient reported at a check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedRedFlag {
    pub date: NaiveDate,
    pub symptom: Symptom,
    pub recorded_at: DateTime<FixedOffset>,
}

/// One session, ready to be written in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionReport {
    pub session: TreatmentSession,
    pub plan: CompressionPlan,
    /// The session has not happened yet.
    pub future: bool,
    pub rows: Vec<Row>,
    pub adherence: Adherence,
    /// Empty when symptoms are not shared.
    pub red_flags: Vec<ReportedRedFlag>,
    /// The session's own note; empty when notes are not shared.
    pub note: String,
    /// The photos the patient ticked, by area, then baseline before result, then date.
    pub photos: Vec<Photo>,
}

/// Everything an export needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// When the report was made.
    pub now: DateTime<Utc>,
    /// The device zone the report is made in.
    pub zone: Tz,
    pub today: NaiveDate,
    pub sessions: Vec<SessionReport>,
    pub options: ExportOptions,
}

/// Builds the report of the chosen sessions. An unknown session id or a store without
/// sessions is an error with a message for the patient.
pub fn build(
    snapshot: &Snapshot,
    options: &ExportOptions,
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<Report, String> {
    if snapshot.sessions.is_empty() {
        return Err("there is nothing to share yet: add a treatment session first".into());
    }
    for id in &options.sessions {
        if !snapshot.sessions.iter().any(|s| &s.id == id) {
            let known: Vec<&str> = snapshot.sessions.iter().map(|s| s.id.as_str()).collect();
            return Err(format!(
                "there is no session '{id}' (sessions: {})",
                known.join(", ")
            ));
        }
    }
    let (st, problems) = status(&snapshot.sessions, &snapshot.checkins, now, zone);
    let chosen = |id: &str| options.sessions.is_empty() || options.sessions.iter().any(|s| s == id);
    for p in &problems {
        let id = p
            .strip_prefix("session ")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or_default();
        if chosen(id) {
            return Err(format!("cannot make the report: {p}"));
        }
    }
    for id in &options.photos {
        let photo = snapshot
            .photos
            .iter()
            .find(|p| &p.id == id)
            .ok_or_else(|| format!("there is no photo '{id}'"))?;
        if !chosen(&photo.session) {
            return Err(format!(
                "photo {id} belongs to session {}, which is not chosen",
                photo.session
            ));
        }
    }
    let sessions = st
        .sessions
        .iter()
        .filter(|s| chosen(&s.session.id))
        .map(|s| {
            let mut report = session_report(s, options);
            report.photos = snapshot
                .photos
                .iter()
                .filter(|p| p.session == s.session.id && options.photos.contains(&p.id))
                .cloned()
                .collect();
            report.photos.sort_by_key(|p| (p.area, p.kind, p.taken_at));
            report
        })
        .collect();
    Ok(Report {
        now,
        zone,
        today: st.today,
        sessions,
        options: options.clone(),
    })
}

fn session_report(
    s: &crate::domain::status::SessionStatus,
    options: &ExportOptions,
) -> SessionReport {
    let plan = &s.plan;
    let session_zone = plan.tz;
    let mut rows = Vec::new();
    let mut red_flags = Vec::new();
    for entry in &s.dates {
        let record = entry.record.as_ref();
        let answer = |q: Question| {
            if !entry.questions.contains(&q) {
                Answer::NotAsked
            } else {
                match record.and_then(|r| r.current.answer(q)) {
                    Some(a) => Answer::Given(a),
                    None => Answer::NoAnswer,
                }
            }
        };
        let windows: Vec<_> = entry
            .questions
            .iter()
            .map(|q| plan.question_window(entry.date, *q))
            .collect();
        let planned = windows
            .iter()
            .map(|w| w.0)
            .min()
            .zip(windows.iter().map(|w| w.1).max())
            .map(|(a, b)| {
                (
                    a.with_timezone(&session_zone).fixed_offset(),
                    b.with_timezone(&session_zone).fixed_offset(),
                )
            });
        if let Some(r) = record {
            if options.symptoms {
                red_flags.extend(
                    r.current
                        .symptoms
                        .iter()
                        .filter(|x| x.is_red_flag())
                        .map(|x| ReportedRedFlag {
                            date: r.date,
                            symptom: *x,
                            recorded_at: r.current.recorded_at,
                        }),
                );
            }
        }
        rows.push(Row {
            date: entry.date,
            day: plan.day_number(entry.date),
            state: entry.state,
            night: answer(Question::Night),
            daytime: answer(Question::Day),
            planned,
            walking_minutes: record.and_then(|r| r.current.walking_minutes),
            symptoms: match record {
                Some(r) if options.symptoms => r.current.symptoms.clone(),
                _ => Vec::new(),
            },
            note: match record {
                Some(r) if options.notes => r.current.note.trim().to_string(),
                _ => String::new(),
            },
            recorded_at: record.map(|r| r.current.recorded_at),
            late: record.is_some_and(|r| r.current.late),
            earlier_versions: record.map_or(0, |r| r.history.len()),
        });
    }
    SessionReport {
        session: s.session.clone(),
        plan: plan.clone(),
        future: s.future,
        rows,
        adherence: s.adherence,
        red_flags,
        note: if options.notes {
            s.session.note.trim().to_string()
        } else {
            String::new()
        },
        photos: Vec::new(),
    }
}
