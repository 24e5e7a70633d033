//! The status of every session at one instant: the plan, today's day number, the state of
//! every date, adherence, the photo date, open pre-treatment items, and the red flags of the
//! last 48 hours. What the Today screen and `aftercare status` show.
//!
//! Pure: "now" and the device zone come in as arguments.

use crate::domain::adherence::{adherence, date_entries, Adherence, DateEntry, DateState};
use crate::domain::checkin::CheckInRecord;
use crate::domain::plan::{CompressionPlan, WearMode};
use crate::domain::session::{ChecklistItem, TreatmentSession};
use crate::domain::symptoms::{Symptom, Triage};
use crate::domain::zone::Tz;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

/// How long a reported red flag stays on the Today screen.
pub const RED_FLAG_WINDOW_HOURS: i64 = 48;

/// How many days back Today and the reminders look: a session dated earlier has nothing
/// left for either. Its plan is over (at most `MAX_DAYS` days, then a day's follow-up), its
/// photo prompt and follow-ups are past (three months, at most 92 days, then 21 days), and so
/// are the reminders caught up from the last 36 hours; two days spare for zones and quiet
/// hours.
pub const RECENT_DAYS: u64 = crate::domain::plan::MAX_DAYS as u64 + 1 + 92 + 21 + 2 + 2;

/// The first session id (a session's id begins with its date) that Today and the reminders
/// look at on `today`; the latest session counts too, whatever its date (Today shows it
/// when no plan runs).
pub fn recent_since(today: NaiveDate) -> String {
    (today - chrono::Days::new(RECENT_DAYS))
        .format("%Y-%m-%d")
        .to_string()
}

/// One session at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionStatus {
    pub session: TreatmentSession,
    pub plan: CompressionPlan,
    /// "Day k" while the plan runs, `None` before `wear_start` and from `wear_end` on.
    pub day_index: Option<i64>,
    /// The phase in force now.
    pub phase: Option<WearMode>,
    /// The session has not happened yet.
    pub future: bool,
    pub photo_due: NaiveDate,
    pub dates: Vec<DateEntry>,
    pub adherence: Adherence,
    /// Open checklist items (only for a future session).
    pub checklist_open: Vec<ChecklistItem>,
}

/// What the end of a plan can truthfully say of how the stockings were worn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanEnd {
    /// Every date of the plan recorded as worn as planned.
    WornThroughout,
    /// Anything else: `complete` of the plan's `dates` dates recorded as worn as planned.
    Recorded { complete: usize, dates: usize },
}

impl SessionStatus {
    /// The end-of-plan summary: praise only when the record bears it out; otherwise the
    /// plain count, which is information for the clinic and never a reproach.
    pub fn plan_end(&self) -> PlanEnd {
        let complete = self
            .dates
            .iter()
            .filter(|d| d.state == DateState::Complete)
            .count();
        if complete == self.dates.len() && complete > 0 {
            PlanEnd::WornThroughout
        } else {
            PlanEnd::Recorded {
                complete,
                dates: self.dates.len(),
            }
        }
    }
}

/// A red-flag symptom reported recently.
#[derive(Debug, Clone, PartialEq)]
pub struct RedFlagReport {
    pub session: String,
    pub date: NaiveDate,
    pub symptom: Symptom,
    pub level: Triage,
    pub recorded_at: DateTime<FixedOffset>,
}

/// Everything at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub now: DateTime<Utc>,
    pub zone: Tz,
    pub today: NaiveDate,
    pub sessions: Vec<SessionStatus>,
    pub red_flags: Vec<RedFlagReport>,
}

impl Status {
    /// The session a patient cares about today: the one whose plan is running, else the
    /// next future one, else the latest.
    pub fn current(&self) -> Option<&SessionStatus> {
        self.sessions
            .iter()
            .rev()
            .find(|s| s.day_index.is_some())
            .or_else(|| self.sessions.iter().find(|s| s.future))
            .or_else(|| self.sessions.last())
    }
}

/// Builds the status of every session. Sessions whose plan cannot be resolved are skipped
/// with their error returned beside the status, so one bad record never hides the rest.
pub fn status(
    sessions: &[TreatmentSession],
    records: &[CheckInRecord],
    now: DateTime<Utc>,
    device_tz: Tz,
) -> (Status, Vec<String>) {
    let today = now.with_timezone(&device_tz).date_naive();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut ordered: Vec<&TreatmentSession> = sessions.iter().collect();
    ordered.sort_by(|a, b| (a.date, a.end_time, &a.id).cmp(&(b.date, b.end_time, &b.id)));
    // Each session's records, found once (a long history has thousands).
    let mut by_session: std::collections::HashMap<&str, Vec<CheckInRecord>> =
        std::collections::HashMap::new();
    for r in records {
        by_session
            .entry(r.session.as_str())
            .or_default()
            .push(r.clone());
    }
    for session in ordered {
        let plan = match session.compression_plan() {
            Ok(p) => p,
            Err(e) => {
                problems.push(format!("session {}: {e}", session.id));
                continue;
            }
        };
        let own = by_session.remove(session.id.as_str()).unwrap_or_default();
        let dates = date_entries(&plan, &own, today);
        let future = session.is_future(now);
        out.push(SessionStatus {
            day_index: plan.day_index(now, today),
            phase: plan.phase_at(now),
            future,
            photo_due: session.photo_due(),
            adherence: adherence(&dates),
            checklist_open: if future {
                session.checklist.open_items()
            } else {
                Vec::new()
            },
            dates,
            plan,
            session: session.clone(),
        });
    }
    let since = now - Duration::hours(RED_FLAG_WINDOW_HOURS);
    let mut red_flags: Vec<RedFlagReport> = records
        .iter()
        .filter(|r| {
            let at = r.current.recorded_at.with_timezone(&Utc);
            at >= since && at <= now
        })
        .flat_map(|r| {
            r.current
                .symptoms
                .iter()
                .filter(|s| s.is_red_flag())
                .map(move |s| RedFlagReport {
                    session: r.session.clone(),
                    date: r.date,
                    symptom: *s,
                    level: s.triage(),
                    recorded_at: r.current.recorded_at,
                })
        })
        .collect();
    red_flags.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.recorded_at.cmp(&a.recorded_at))
    });
    (
        Status {
            now,
            zone: device_tz,
            today,
            sessions: out,
            red_flags,
        },
        problems,
    )
}

fn wear_json(a: Option<crate::domain::checkin::WearAnswer>) -> serde_json::Value {
    serde_json::to_value(a).unwrap_or(serde_json::Value::Null)
}

/// The status as the JSON of `aftercare status --json` (documented in docs/cli.md).
pub fn to_json(status: &Status) -> serde_json::Value {
    use serde_json::json;
    let sessions: Vec<serde_json::Value> = status
        .sessions
        .iter()
        .map(|s| {
            let dates: Vec<serde_json::Value> = s
                .dates
                .iter()
                .map(|d| {
                    let mut v = json!({ "date": d.date.to_string(), "state": d.state.id() });
                    if let Some(r) = &d.record {
                        v["night"] = wear_json(r.current.night);
                        v["day"] = wear_json(r.current.day);
                        v["walking_minutes"] = json!(r.current.walking_minutes);
                        v["symptoms"] = json!(r.current.symptoms);
                        v["late"] = json!(r.current.late);
                        v["edited"] = json!(r.edited());
                    }
                    v
                })
                .collect();
            json!({
                "id": s.session.id,
                "date": s.session.date.to_string(),
                "end_time": s.session.end_time.format("%H:%M").to_string(),
                "tz": s.session.tz.name(),
                "areas": s.session.areas,
                "wear_start": s.plan.wear_start.to_rfc3339(),
                "wear_end": s.plan.wear_end.to_rfc3339(),
                "days_total": s.plan.days_total,
                "day_index": s.day_index,
                "phase": s.phase,
                "future": s.future,
                "photo_due": s.photo_due.to_string(),
                "adherence": {
                    "day": s.adherence.day.fraction(),
                    "night": s.adherence.night.fraction(),
                    "day_dates": s.adherence.day.dates,
                    "night_dates": s.adherence.night.dates,
                },
                "checklist_open": s.checklist_open,
                "dates": dates,
            })
        })
        .collect();
    let red_flags: Vec<serde_json::Value> = status
        .red_flags
        .iter()
        .map(|f| {
            json!({
                "session": f.session,
                "date": f.date.to_string(),
                "symptom": f.symptom,
                "level": f.level,
                "recorded_at": f.recorded_at.to_rfc3339(),
            })
        })
        .collect();
    json!({
        "now": status.now.with_timezone(&status.zone).to_rfc3339(),
        "zone": status.zone.name(),
        "today": status.today.to_string(),
        "sessions": sessions,
        "red_flags": red_flags,
    })
}
