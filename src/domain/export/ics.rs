//! The iCalendar export (RFC 5545, written with the `icalendar` crate): the wear period of
//! every chosen session, and the reminders still to come (daily check-ins, the heads-up and
//! "stockings can come off", the result-photo date, pre-treatment checks) as events with a
//! display alarm. It is a second reminder channel for a phone that stops the app.
//!
//! Instants are written in UTC (`…Z`), so no VTIMEZONE is needed and every calendar shows
//! them in its own zone. UIDs are the reminders' stable identities, so importing a newer file
//! updates events instead of duplicating them. Deterministic: DTSTAMP is the export instant.

use super::report::Report;
use crate::domain::backup::Snapshot;
use crate::domain::i18n::{fill, Locale};
use crate::domain::reminders::{plan_reminders_in, ReminderKind};
use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, Property};

/// Reminder kinds that become calendar events. Follow-ups are left out: they only make sense
/// when a check-in or a photo is still missing at the time, which a calendar cannot know.
const KINDS: [ReminderKind; 5] = [
    ReminderKind::Checkin,
    ReminderKind::OffHeadsUp,
    ReminderKind::Off,
    ReminderKind::Photo,
    ReminderKind::PreTreatment,
];

/// Writes the calendar.
pub fn write(
    report: &Report,
    snapshot: &Snapshot,
    locale: Locale,
    system_locale: &str,
) -> Result<Vec<u8>, String> {
    let t = locale.t();
    let now = report.now;
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new(
            "PRODID",
            "-//Aftercare//Aftercare plan 1//EN",
        ))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(t.app_name);
    let sessions: Vec<_> = report.sessions.iter().map(|s| s.session.clone()).collect();
    for s in &report.sessions {
        let plan = &s.plan;
        let phases: Vec<String> = plan
            .phases
            .iter()
            .map(|p| {
                let from = locale.date_medium(p.start.with_timezone(&report.zone).date_naive());
                let to = locale.date_medium(p.end.with_timezone(&report.zone).date_naive());
                let what = t.phase(p.wear);
                format!("{from} – {to}: {what}")
            })
            .collect();
        let mut wear = Event::new();
        wear.uid(&format!("wear:{}@aftercare", s.session.id))
            .timestamp(now)
            .summary(&fill(
                t.ics_wear_summary,
                &[("days", &plan.days_total.to_string())],
            ))
            .description(&phases.join("\n"))
            .starts(plan.wear_start.with_timezone(&Utc))
            .ends(plan.wear_end.with_timezone(&Utc))
            .append_property(Property::new("TRANSP", "TRANSPARENT"));
        cal.push(wear.done());
    }
    let reminders = plan_reminders_in(
        &sessions,
        &snapshot.checkins,
        &snapshot.photos,
        &snapshot.settings,
        now,
        report.zone,
        system_locale,
    );
    for r in reminders.iter().filter(|r| KINDS.contains(&r.kind)) {
        let at: DateTime<Utc> = r.at.with_timezone(&Utc);
        let uid = format!("{}@aftercare", r.id);
        let mut alarm = Alarm::display(&r.title, Duration::zero());
        alarm
            .timestamp(now)
            .uid(&format!("{}:alarm@aftercare", r.id));
        let mut event = Event::new();
        event
            .uid(&uid)
            .timestamp(now)
            .summary(&r.title)
            .description(&r.body)
            .starts(at)
            .ends(at + Duration::minutes(15))
            .append_property(Property::new("TRANSP", "TRANSPARENT"))
            .alarm(alarm);
        cal.push(event.done());
    }
    Ok(cal.done().to_string().into_bytes())
}
