//! The reminder plan: table-driven cases in several zones, quiet hours, DST days, skipping
//! what is recorded, a zone change between planning and delivery, and its invariants.

use super::support::{add_session, cmd, ok};
use aftercare::domain::checkin::{CheckIn, CheckInRecord, WearAnswer};
use aftercare::domain::plan::PlanConfig;
use aftercare::domain::reminders::{
    diff, outside_quiet_hours, plan_reminders, Reminder, ReminderKind,
};
use aftercare::domain::session::{SessionDraft, TreatmentSession};
use aftercare::domain::settings::Settings;
use aftercare::domain::zone::Tz;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use proptest::prelude::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn session(zone: &str, date: &str, time: &str, days: u8) -> TreatmentSession {
    SessionDraft {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        end_time: NaiveTime::parse_from_str(time, "%H:%M").unwrap(),
        tz: zone.parse().unwrap(),
        areas: vec![],
        sclerosant: None,
        stockings: Default::default(),
        clinic: Default::default(),
        note: String::new(),
        plan: PlanConfig::continuous(days),
    }
    .into_session(&[], at("2026-01-01T00:00:00Z"))
    .unwrap()
}

fn record(s: &TreatmentSession, date: &str) -> CheckInRecord {
    CheckInRecord {
        session: s.id.clone(),
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        current: CheckIn {
            night: Some(WearAnswer::AllTheTime),
            day: Some(WearAnswer::AllTheTime),
            walking_minutes: None,
            symptoms: vec![],
            note: String::new(),
            recorded_at: Utc::now().fixed_offset(),
            late: false,
        },
        history: vec![],
    }
}

fn find<'a>(plan: &'a [Reminder], id: &str) -> Option<&'a Reminder> {
    plan.iter().find(|r| r.id == id)
}

fn when(plan: &[Reminder], id: &str) -> String {
    find(plan, id)
        .unwrap_or_else(|| panic!("no reminder {id}"))
        .at
        .to_rfc3339()
}

#[test]
fn a_plan_in_berlin() {
    let s = session("Europe/Berlin", "2026-11-20", "15:30", 14);
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let plan = plan_reminders(
        std::slice::from_ref(&s),
        &[],
        &Settings::default(),
        at("2026-11-20T18:00:00+01:00"),
        tz,
    );
    let rows = [
        ("checkin:2026-11-20:2026-11-20", "2026-11-20T20:00:00+01:00"),
        (
            "checkin-followup:2026-11-20:2026-11-20",
            "2026-11-21T09:00:00+01:00",
        ),
        ("checkin:2026-11-20:2026-12-04", "2026-12-04T20:00:00+01:00"),
        (
            "off-heads-up:2026-11-20:2026-12-03",
            "2026-12-03T20:00:00+01:00",
        ),
        ("off:2026-11-20:2026-12-04", "2026-12-04T15:30:00+01:00"),
        ("photo:2026-11-20:2027-02-20", "2027-02-20T10:00:00+01:00"),
        (
            "photo-followup:2026-11-20:2027-02-27",
            "2027-02-27T10:00:00+01:00",
        ),
    ];
    for (id, expect) in rows {
        assert_eq!(when(&plan, id), expect, "{id}");
    }
    assert_eq!(plan.first().unwrap().id, "checkin:2026-11-20:2026-11-20");
    // 15 check-ins, 15 follow-ups, heads-up, off, photo and two follow-ups; no morning notes by default.
    assert_eq!(plan.len(), 15 + 15 + 2 + 3);
    assert!(plan.iter().all(|r| r.kind != ReminderKind::Morning));
}

#[test]
fn recorded_dates_are_skipped_and_the_past_is_not_planned() {
    let s = session("Europe/Berlin", "2026-11-20", "15:30", 14);
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let now = at("2026-11-22T21:00:00+01:00");
    let records = [record(&s, "2026-11-20"), record(&s, "2026-11-22")];
    let plan = plan_reminders(
        std::slice::from_ref(&s),
        &records,
        &Settings::default(),
        now,
        tz,
    );
    assert!(
        find(&plan, "checkin:2026-11-20:2026-11-22").is_none(),
        "recorded"
    );
    assert!(
        find(&plan, "checkin-followup:2026-11-20:2026-11-22").is_none(),
        "recorded"
    );
    // 21 November is open: its follow-up has passed, nothing else is left for it.
    assert!(
        find(&plan, "checkin-followup:2026-11-20:2026-11-21").is_none(),
        "in the past"
    );
    assert!(plan.iter().all(|r| r.at.with_timezone(&Utc) >= now));
    assert_eq!(plan.first().unwrap().id, "checkin:2026-11-20:2026-11-23");
}

#[test]
fn quiet_hours_push_to_their_end() {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let s = Settings::default();
    let local = |d: &str| {
        tz.from_local_datetime(&chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M").unwrap())
            .unwrap()
    };
    let rows = [
        ("2026-11-20 23:00", "2026-11-21T07:00:00+01:00"),
        ("2026-11-20 22:00", "2026-11-21T07:00:00+01:00"),
        ("2026-11-21 06:59", "2026-11-21T07:00:00+01:00"),
        ("2026-11-21 07:00", "2026-11-21T07:00:00+01:00"),
        ("2026-11-21 21:59", "2026-11-21T21:59:00+01:00"),
    ];
    for (local_time, expect) in rows {
        assert_eq!(
            outside_quiet_hours(local(local_time), &s).to_rfc3339(),
            expect,
            "{local_time}"
        );
    }
    // Quiet hours that do not wrap midnight.
    let lunch = Settings {
        quiet_start: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        quiet_end: NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
        ..Settings::default()
    };
    assert_eq!(
        outside_quiet_hours(local("2026-11-21 13:00"), &lunch).to_rfc3339(),
        "2026-11-21T14:00:00+01:00"
    );
    assert_eq!(
        outside_quiet_hours(local("2026-11-21 23:00"), &lunch).to_rfc3339(),
        "2026-11-21T23:00:00+01:00"
    );
    // A check-in time set inside quiet hours moves every check-in reminder to the next morning.
    let late = Settings {
        checkin_time: NaiveTime::from_hms_opt(23, 30, 0).unwrap(),
        ..Settings::default()
    };
    let sess = session("Europe/Berlin", "2026-11-20", "15:30", 14);
    let plan = plan_reminders(
        std::slice::from_ref(&sess),
        &[],
        &late,
        at("2026-11-20T18:00:00+01:00"),
        tz,
    );
    assert_eq!(
        when(&plan, "checkin:2026-11-20:2026-11-20"),
        "2026-11-21T07:00:00+01:00"
    );
}

#[test]
fn dst_days_neither_skip_nor_repeat() {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let no_quiet = Settings {
        checkin_time: NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        quiet_start: NaiveTime::MIN,
        quiet_end: NaiveTime::MIN,
        ..Settings::default()
    };
    // Spring forward: 02:30 on 29 March does not exist; the reminder comes at 03:00 CEST.
    let s = session("Europe/Berlin", "2026-03-20", "10:00", 14);
    let plan = plan_reminders(
        std::slice::from_ref(&s),
        &[],
        &no_quiet,
        at("2026-03-20T00:00:00Z"),
        tz,
    );
    assert_eq!(
        when(&plan, "checkin:2026-03-20:2026-03-29"),
        "2026-03-29T03:00:00+02:00"
    );
    // Fall back: 02:30 on 25 October happens twice; one reminder, at the later instant.
    let s = session("Europe/Berlin", "2026-10-20", "10:00", 14);
    let plan = plan_reminders(
        std::slice::from_ref(&s),
        &[],
        &no_quiet,
        at("2026-10-20T00:00:00Z"),
        tz,
    );
    let on_25th: Vec<&Reminder> = plan
        .iter()
        .filter(|r| r.id == "checkin:2026-10-20:2026-10-25")
        .collect();
    assert_eq!(on_25th.len(), 1);
    assert_eq!(on_25th[0].at.to_rfc3339(), "2026-10-25T02:30:00+01:00");
    // New York's spring forward, in the device zone of a session planned in Berlin.
    let ny: Tz = "America/New_York".parse().unwrap();
    let s = session("Europe/Berlin", "2026-03-01", "10:00", 14);
    let plan = plan_reminders(
        std::slice::from_ref(&s),
        &[],
        &no_quiet,
        at("2026-03-01T00:00:00Z"),
        ny,
    );
    assert_eq!(
        when(&plan, "checkin:2026-03-01:2026-03-08"),
        "2026-03-08T03:00:00-04:00"
    );
}

#[test]
fn a_zone_change_moves_wall_clock_reminders_but_not_wear_end() {
    let s = session("Europe/Berlin", "2026-11-20", "15:30", 14);
    let now = at("2026-11-24T12:00:00+01:00");
    let berlin = plan_reminders(
        std::slice::from_ref(&s),
        &[],
        &Settings::default(),
        now,
        "Europe/Berlin".parse().unwrap(),
    );
    let tokyo = plan_reminders(
        std::slice::from_ref(&s),
        &[],
        &Settings::default(),
        now,
        "Asia/Tokyo".parse().unwrap(),
    );
    assert_eq!(
        when(&tokyo, "checkin:2026-11-20:2026-11-25"),
        "2026-11-25T20:00:00+09:00"
    );
    // wear_end is one instant: 15:30 in Berlin is 23:30 in Tokyo, inside quiet hours there,
    // so the "off" reminder waits for 07:00 Tokyo time.
    assert_eq!(
        when(&berlin, "off:2026-11-20:2026-12-04"),
        "2026-12-04T15:30:00+01:00"
    );
    assert_eq!(
        when(&tokyo, "off:2026-11-20:2026-12-04"),
        "2026-12-05T07:00:00+09:00"
    );
    // The identities stay; only times move, so nothing is cancelled and every reminder
    // whose local time moved is rescheduled.
    let d = diff(&berlin, &tokyo);
    assert!(d.cancel.is_empty(), "{:?}", d.cancel);
    assert!(d
        .schedule
        .iter()
        .any(|r| r.id == "off:2026-11-20:2026-12-04"));
    assert!(d
        .schedule
        .iter()
        .any(|r| r.id == "checkin:2026-11-20:2026-11-25"));
    // Nothing changes when nothing changed.
    assert_eq!(diff(&berlin, &berlin), Default::default());
}

#[test]
fn a_check_in_changes_only_its_own_reminders() {
    let s = session("Europe/Berlin", "2026-11-20", "15:30", 14);
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let now = at("2026-11-24T12:00:00+01:00");
    let before = plan_reminders(std::slice::from_ref(&s), &[], &Settings::default(), now, tz);
    let after = plan_reminders(
        std::slice::from_ref(&s),
        &[record(&s, "2026-11-24")],
        &Settings::default(),
        now,
        tz,
    );
    let d = diff(&before, &after);
    assert_eq!(
        d.cancel,
        vec![
            "checkin-followup:2026-11-20:2026-11-24".to_string(),
            "checkin:2026-11-20:2026-11-24".to_string()
        ]
    );
    assert!(d.schedule.is_empty());
}

#[test]
fn morning_notes_and_pre_treatment_reminders() {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let s = session("Europe/Berlin", "2026-11-20", "15:30", 14);
    let settings = Settings {
        morning_note: true,
        ..Settings::default()
    };
    let plan = plan_reminders(
        std::slice::from_ref(&s),
        &[],
        &settings,
        at("2026-11-20T18:00:00+01:00"),
        tz,
    );
    let mornings: Vec<&Reminder> = plan
        .iter()
        .filter(|r| r.kind == ReminderKind::Morning)
        .collect();
    // Days 2 to 14 get a morning note.
    assert_eq!(mornings.len(), 13);
    assert_eq!(mornings[1].title, "Day 3 of 14");
    assert_eq!(mornings[1].at.to_rfc3339(), "2026-11-22T08:00:00+01:00");
    // A future session with open checklist items: 7 days and 1 day before, at 10:00.
    let future = session("Europe/Berlin", "2026-12-20", "11:00", 14);
    let plan = plan_reminders(
        std::slice::from_ref(&future),
        &[],
        &Settings::default(),
        at("2026-11-20T18:00:00+01:00"),
        tz,
    );
    assert_eq!(
        when(&plan, "pre-treatment:2026-12-20:2026-12-13"),
        "2026-12-13T10:00:00+01:00"
    );
    assert_eq!(
        when(&plan, "pre-treatment:2026-12-20:2026-12-19"),
        "2026-12-19T10:00:00+01:00"
    );
    assert!(find(&plan, "pre-treatment:2026-12-20:2026-12-19")
        .unwrap()
        .body
        .contains("Stockings measured"));
    let mut done = future.clone();
    for item in aftercare::domain::session::ChecklistItem::ALL {
        done.checklist.mark(item);
    }
    let plan = plan_reminders(
        &[done],
        &[],
        &Settings::default(),
        at("2026-11-20T18:00:00+01:00"),
        tz,
    );
    assert!(plan.iter().all(|r| r.kind != ReminderKind::PreTreatment));
}

#[test]
fn cli_lists_reminders_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let now = "2026-11-20T18:00:00+01:00";
    add_session(dir.path(), now);
    let out = ok(dir.path(), "Europe/Berlin", now, &["reminders", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &list[0];
    assert_eq!(first["id"], "checkin:2026-11-20:2026-11-20");
    assert_eq!(first["kind"], "checkin");
    assert_eq!(first["at"], "2026-11-20T20:00:00+01:00");
    assert_eq!(first["title"], "Time for today's check-in");
    assert!(first["body"].as_str().unwrap().contains("last night"));
    let kinds: std::collections::BTreeSet<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        vec![
            "checkin",
            "checkin-followup",
            "off",
            "off-heads-up",
            "photo",
            "photo-followup"
        ]
    );
}

const ZONES: [&str; 5] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "UTC",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn identities_are_unique_and_planning_is_idempotent(
        z in 0usize..ZONES.len(), dz in 0usize..ZONES.len(), day in 0u32..1000, h in 0u32..24,
        days in 1u8..=42, offset in 0i64..60, morning in any::<bool>(), recorded in proptest::collection::vec(any::<bool>(), 43)
    ) {
        let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(i64::from(day));
        let s = session(ZONES[z], &date.to_string(), &format!("{h:02}:15"), days);
        let plan = s.compression_plan().unwrap();
        let records: Vec<CheckInRecord> = plan
            .checkin_dates()
            .into_iter()
            .zip(recorded)
            .filter(|(_, r)| *r)
            .map(|(d, _)| record(&s, &d.to_string()))
            .collect();
        let now = plan.wear_start.with_timezone(&Utc) + chrono::Duration::hours(offset * 7 - 48);
        let tz: Tz = ZONES[dz].parse().unwrap();
        let settings = Settings { morning_note: morning, ..Settings::default() };
        let a = plan_reminders(std::slice::from_ref(&s), &records, &settings, now, tz);
        let b = plan_reminders(std::slice::from_ref(&s), &records, &settings, now, tz);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(diff(&a, &b), Default::default());
        let mut ids: Vec<&str> = a.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        prop_assert_eq!(ids.len(), n, "duplicate identities");
        prop_assert!(a.iter().all(|r| r.at.with_timezone(&Utc) >= now));
        prop_assert!(a.windows(2).all(|w| w[0].at <= w[1].at));
    }
}

/// `aftercare remind` against a real notification server (dunst) on a private D-Bus session:
/// it delivers exactly the due reminders with their text, and a second run delivers none.
/// dbus-monitor records the Notify calls independently of the app.
#[test]
fn remind_delivers_due_reminders_once_to_a_real_notification_server() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    let script = r#"
"$AFTERCARE" remind > "$OUT/first.txt" 2>&1; echo $? > "$OUT/first.rc"
"$AFTERCARE" remind > "$OUT/second.txt" 2>&1; echo $? > "$OUT/second.rc"
sleep 0.5
"#;
    super::delivery::with_notification_server(
        dir.path(),
        script,
        &[("AFTERCARE_NOW", "2026-11-21T09:30:00+01:00")],
    );
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
    assert_eq!(
        read("first.rc").trim(),
        "0",
        "{}\n{}",
        read("first.txt"),
        read("dunst.log")
    );
    assert_eq!(read("second.rc").trim(), "0", "{}", read("second.txt"));
    let first = read("first.txt");
    assert!(first.starts_with("Delivered 2 reminder(s)"), "{first}");
    assert!(first.contains("checkin:2026-11-20:2026-11-20"), "{first}");
    assert!(
        first.contains("checkin-followup:2026-11-20:2026-11-20"),
        "{first}"
    );
    assert!(
        read("second.txt").starts_with("Delivered 0 reminder(s)"),
        "{}",
        read("second.txt")
    );
    let monitor = read("monitor.log");
    assert_eq!(monitor.matches("member=Notify").count(), 2, "{monitor}");
    assert!(monitor.contains("Time for today's check-in"), "{monitor}");
    assert!(
        monitor.contains("Yesterday's check-in is open"),
        "{monitor}"
    );
    assert!(monitor.contains("string \"Aftercare\""), "{monitor}");
    // The delivery log is in the store, and so in the backup.
    let backup = read("auto-backup.json");
    assert!(backup.contains("\"state\": \"delivered\""), "{backup}");
}

#[test]
fn reminder_text_follows_the_system_language_unless_the_settings_choose() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    let at = "2026-12-03T08:00:00+01:00";
    let spanish = cmd(dir.path(), "Europe/Berlin", at)
        .env("LC_ALL", "es_ES.UTF-8")
        .args(["reminders", "--json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&spanish.stdout);
    assert!(
        text.contains("Mañana a las 15:30 podrá quitarse las medias."),
        "{text}"
    );
    assert!(text.contains("Es la hora del registro de hoy"), "{text}");
    let english = ok(dir.path(), "Europe/Berlin", at, &["reminders", "--json"]);
    assert!(
        english.contains("Your stockings can come off tomorrow at 15:30."),
        "{english}"
    );
}
