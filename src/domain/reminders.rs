//! The reminder plan: every reminder the app should deliver, computed from the sessions, the
//! check-ins and the settings (PRODUCT.md, "Reminders").
//!
//! Each reminder has a stable identity `kind:session:date`, so a platform adapter can replace
//! its pending set with this list idempotently: planning twice gives the same list, and a
//! change gives only the difference. Times are local wall-clock times in the device's current
//! zone, resolved with the DST policy of [`crate::domain::time`]; quiet hours push a reminder
//! to their end. Pure: "now" and the zone come in as arguments.

use crate::domain::checkin::CheckInRecord;
use crate::domain::i18n::{fill, Locale};
use crate::domain::photo::{self, Photo};
use crate::domain::plan::CompressionPlan;
use crate::domain::session::TreatmentSession;
use crate::domain::settings::Settings;
use crate::domain::time::resolve;
use crate::domain::zone::Tz;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a reminder is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReminderKind {
    /// The daily check-in (skipped once that date is recorded).
    Checkin,
    /// Next morning, when the previous date is still not recorded.
    CheckinFollowup,
    /// The optional morning note on wear days.
    Morning,
    /// The evening before the stockings can come off.
    OffHeadsUp,
    /// The stockings can come off (at `wear_end`).
    Off,
    /// The 3-month result photos.
    Photo,
    /// Follow-ups of the photo prompt.
    PhotoFollowup,
    /// Pre-treatment checklist, 7 days and 1 day before a future session.
    PreTreatment,
    /// "Send a test reminder" from the settings: never planned, never logged.
    Test,
}

impl ReminderKind {
    /// The identifier used in reminder ids and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            ReminderKind::Checkin => "checkin",
            ReminderKind::CheckinFollowup => "checkin-followup",
            ReminderKind::Morning => "morning",
            ReminderKind::OffHeadsUp => "off-heads-up",
            ReminderKind::Off => "off",
            ReminderKind::Photo => "photo",
            ReminderKind::PhotoFollowup => "photo-followup",
            ReminderKind::PreTreatment => "pre-treatment",
            ReminderKind::Test => "test",
        }
    }
}

/// One planned reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// Stable identity: `kind:session:date`.
    pub id: String,
    pub kind: ReminderKind,
    pub session: String,
    /// The date the reminder is about (a check-in date, the photo date, …).
    pub date: NaiveDate,
    /// When it is due, in the device zone it was planned in.
    pub at: DateTime<Tz>,
    pub title: String,
    pub body: String,
}

/// Days after the photo date on which the prompt follows up while it is not done.
pub const PHOTO_FOLLOWUP_DAYS: [u64; 2] = [7, 21];
/// Local time of the photo prompt.
pub const PHOTO_TIME: NaiveTime = match NaiveTime::from_hms_opt(10, 0, 0) {
    Some(t) => t,
    None => panic!("10:00 is a valid time"),
};

/// Pushes an instant out of the quiet hours to their end, in `tz`.
pub fn outside_quiet_hours(at: DateTime<Tz>, settings: &Settings) -> DateTime<Tz> {
    let (start, end) = (settings.quiet_start, settings.quiet_end);
    if start == end {
        return at;
    }
    let local = at.time();
    let date = at.date_naive();
    let quiet = if start < end {
        local >= start && local < end
    } else {
        local >= start || local < end
    };
    if !quiet {
        return at;
    }
    // In the evening part of quiet hours that wrap midnight, the end is tomorrow.
    let end_date = if start > end && local >= start {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    resolve(at.timezone(), end_date, end)
}

struct Planner<'a> {
    tz: Tz,
    locale: Locale,
    settings: &'a Settings,
    now: DateTime<Utc>,
    out: Vec<Reminder>,
}

impl Planner<'_> {
    fn add(
        &mut self,
        kind: ReminderKind,
        session: &str,
        date: NaiveDate,
        at: DateTime<Tz>,
        title: String,
        body: String,
    ) {
        let at = outside_quiet_hours(at.with_timezone(&self.tz), self.settings);
        if at.with_timezone(&Utc) < self.now {
            return;
        }
        self.out.push(Reminder {
            id: format!("{}:{session}:{date}", kind.id()),
            kind,
            session: session.to_string(),
            date,
            at,
            title,
            body,
        });
    }

    fn local(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Tz> {
        resolve(self.tz, date, time)
    }
}

/// Plans every reminder due at or after `now`, sorted by time and then identity, with
/// English text where the settings leave the language to the system.
pub fn plan_reminders(
    sessions: &[TreatmentSession],
    checkins: &[CheckInRecord],
    settings: &Settings,
    now: DateTime<Utc>,
    device_tz: Tz,
) -> Vec<Reminder> {
    plan_reminders_in(sessions, checkins, &[], settings, now, device_tz, "en")
}

/// Plans every reminder due at or after `now`, sorted by time and then identity, with text
/// in the settings' language, else in the system locale's (`system_locale`, e.g. "es-ES").
/// The photo prompt and its follow-ups are left out once a session's result photos are done
/// or dismissed.
pub fn plan_reminders_in(
    sessions: &[TreatmentSession],
    checkins: &[CheckInRecord],
    photos: &[Photo],
    settings: &Settings,
    now: DateTime<Utc>,
    device_tz: Tz,
    system_locale: &str,
) -> Vec<Reminder> {
    let mut p = Planner {
        locale: Locale::choose(settings.language.as_deref(), settings.hour24, system_locale),
        tz: device_tz,
        settings,
        now,
        out: Vec::new(),
    };
    // The dates checked in, per session, found once (a long history has thousands).
    let recorded: std::collections::HashSet<(&str, NaiveDate)> = checkins
        .iter()
        .map(|c| (c.session.as_str(), c.date))
        .collect();
    for session in sessions {
        let Ok(plan) = session.compression_plan() else {
            continue;
        };
        let photos_closed = photo::prompt(session, photos, session.date).is_closed();
        plan_session(&mut p, session, &plan, &recorded, photos_closed);
    }
    let mut out = p.out;
    out.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    out
}

fn plan_session(
    p: &mut Planner,
    session: &TreatmentSession,
    plan: &CompressionPlan,
    checked_in: &std::collections::HashSet<(&str, NaiveDate)>,
    photos_closed: bool,
) {
    let id = session.id.as_str();
    let recorded = |d: NaiveDate| checked_in.contains(&(id, d));
    let total = plan.days_total;
    let locale = p.locale;
    let t = locale.t();
    for date in plan.checkin_dates() {
        if !recorded(date) {
            let at = p.local(date, p.settings.checkin_time);
            p.add(
                ReminderKind::Checkin,
                id,
                date,
                at,
                t.rem_checkin_title.into(),
                t.rem_checkin_body.into(),
            );
            if let Some(next) = date.succ_opt() {
                let at = p.local(next, p.settings.followup_time);
                p.add(
                    ReminderKind::CheckinFollowup,
                    id,
                    date,
                    at,
                    t.rem_followup_title.into(),
                    fill(t.rem_followup_body, &[("date", &locale.date_medium(date))]),
                );
            }
        }
        let k = plan.day_number(date);
        if p.settings.morning_note && k >= 2 && k <= i64::from(total) {
            let at = p.local(date, p.settings.morning_time);
            p.add(
                ReminderKind::Morning,
                id,
                date,
                at,
                fill(
                    t.day_k_of_n,
                    &[("k", &k.to_string()), ("n", &total.to_string())],
                ),
                t.rem_morning_body.into(),
            );
        }
    }
    // Identities use the plan's end date (session zone), so a zone change keeps them; the
    // times follow the device zone.
    let off_local = plan.wear_end.with_timezone(&p.tz);
    if let (Some(eve), Some(id_eve)) = (off_local.date_naive().pred_opt(), plan.end_date.pred_opt())
    {
        let at = p.local(eve, p.settings.checkin_time);
        p.add(
            ReminderKind::OffHeadsUp,
            id,
            id_eve,
            at,
            t.rem_heads_up_title.into(),
            fill(
                t.rem_heads_up_body,
                &[("time", &locale.time(off_local.time()))],
            ),
        );
    }
    p.add(
        ReminderKind::Off,
        id,
        plan.end_date,
        off_local,
        t.rem_off_title.into(),
        t.rem_off_body.into(),
    );
    if !photos_closed {
        let photo = session.photo_due();
        let at = p.local(photo, PHOTO_TIME);
        p.add(
            ReminderKind::Photo,
            id,
            photo,
            at,
            t.rem_photo_title.into(),
            t.rem_photo_body.into(),
        );
        for days in PHOTO_FOLLOWUP_DAYS {
            if let Some(d) = photo.checked_add_days(Days::new(days)) {
                let at = p.local(d, PHOTO_TIME);
                p.add(
                    ReminderKind::PhotoFollowup,
                    id,
                    d,
                    at,
                    t.rem_photo_followup_title.into(),
                    t.rem_photo_followup_body.into(),
                );
            }
        }
    }
    if !session.checklist.open_items().is_empty() {
        for d in session.checklist_reminder_dates() {
            let open: Vec<&str> = session
                .checklist
                .open_items()
                .iter()
                .map(|i| t.checklist(*i))
                .collect();
            let at = p.local(d, PHOTO_TIME);
            p.add(
                ReminderKind::PreTreatment,
                id,
                d,
                at,
                fill(
                    t.rem_pre_title,
                    &[("date", &locale.date_medium(session.date))],
                ),
                fill(t.rem_pre_body, &[("items", &open.join("; "))]),
            );
        }
    }
}

/// The reminder "send a test reminder" shows, in `locale`'s language, at `at`.
pub fn test_reminder(locale: Locale, at: DateTime<Tz>) -> Reminder {
    let t = locale.t();
    Reminder {
        id: format!("test::{}", at.date_naive()),
        kind: ReminderKind::Test,
        session: String::new(),
        date: at.date_naive(),
        at,
        title: t.rem_test_title.to_string(),
        body: t.rem_test_body.to_string(),
    }
}

/// The difference between two plans: what to cancel and what to (re)schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderDiff {
    /// Identities no longer planned.
    pub cancel: Vec<String>,
    /// New reminders, and planned ones whose time or text changed.
    pub schedule: Vec<Reminder>,
}

/// Computes the minimal change from `old` to `new`.
pub fn diff(old: &[Reminder], new: &[Reminder]) -> ReminderDiff {
    let old_by_id: BTreeMap<&str, &Reminder> = old.iter().map(|r| (r.id.as_str(), r)).collect();
    let new_by_id: BTreeMap<&str, &Reminder> = new.iter().map(|r| (r.id.as_str(), r)).collect();
    ReminderDiff {
        cancel: old_by_id
            .keys()
            .filter(|id| !new_by_id.contains_key(*id))
            .map(|id| id.to_string())
            .collect(),
        schedule: new
            .iter()
            .filter(|r| {
                old_by_id
                    .get(r.id.as_str())
                    .is_none_or(|o| o.at != r.at || o.title != r.title || o.body != r.body)
            })
            .cloned()
            .collect(),
    }
}

/// The plan as the JSON of `aftercare reminders --json`.
pub fn to_json(reminders: &[Reminder]) -> serde_json::Value {
    serde_json::Value::Array(
        reminders
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "kind": r.kind.id(),
                    "session": r.session,
                    "date": r.date.to_string(),
                    "at": r.at.to_rfc3339(),
                    "title": r.title,
                    "body": r.body,
                })
            })
            .collect(),
    )
}
