//! The time rules of PRODUCT.md, as tables with hand-checked expectations.

use aftercare::domain::plan::{CompressionPlan, PlanConfig, Question};
use aftercare::domain::session::photo_due;
use aftercare::domain::zone::Tz;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn plan(zone: &str, date: &str, time: &str, days: u8) -> CompressionPlan {
    let tz: Tz = zone.parse().unwrap();
    let t = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    CompressionPlan::new(tz, d(date), t, &PlanConfig::continuous(days)).unwrap()
}

/// One row: a session's zone, date and end time, its days, and the expected wear_start,
/// wear_end (RFC 3339), minutes of wear and number of check-in dates.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    u8,
    &'static str,
    &'static str,
    i64,
    usize,
);

fn check(row: Row) {
    let (zone, date, time, days, start, end, minutes, dates) = row;
    let p = plan(zone, date, time, days);
    let case = format!("{zone} {date} {time} +{days}d");
    assert_eq!(p.wear_start.to_rfc3339(), start, "wear_start of {case}");
    assert_eq!(p.wear_end.to_rfc3339(), end, "wear_end of {case}");
    assert_eq!(
        (p.wear_end - p.wear_start).num_minutes(),
        minutes,
        "minutes of {case}"
    );
    assert_eq!(p.checkin_dates().len(), dates, "check-in dates of {case}");
}

#[test]
fn wear_end_across_dst_and_zones() {
    #[rustfmt::skip]
    let rows: &[Row] = &[
        // Plain 14 days, no transition: 336 hours, 15 dates for a session ending mid-day.
        ("Europe/Berlin", "2026-06-10", "14:00", 14, "2026-06-10T14:00:00+02:00", "2026-06-24T14:00:00+02:00", 336 * 60, 15),
        // Berlin spring forward on 29 March inside the 14 days: one hour fewer.
        ("Europe/Berlin", "2026-03-20", "10:00", 14, "2026-03-20T10:00:00+01:00", "2026-04-03T10:00:00+02:00", 335 * 60, 15),
        // Berlin fall back on 25 October inside the 14 days: one hour more.
        ("Europe/Berlin", "2026-10-20", "18:00", 14, "2026-10-20T18:00:00+02:00", "2026-11-03T18:00:00+01:00", 337 * 60, 15),
        // wear_end in the Berlin gap (02:30 on 29 March does not exist): forward to 03:00 CEST.
        ("Europe/Berlin", "2026-03-15", "02:30", 14, "2026-03-15T02:30:00+01:00", "2026-03-29T03:00:00+02:00", 335 * 60 + 30, 15),
        // wear_end in the Berlin fold (02:30 on 25 October happens twice): the later one.
        ("Europe/Berlin", "2026-10-11", "02:30", 14, "2026-10-11T02:30:00+02:00", "2026-10-25T02:30:00+01:00", 337 * 60, 15),
        // New York: spring forward 8 March, fall back 1 November; the gap and the fold.
        ("America/New_York", "2026-03-01", "15:00", 14, "2026-03-01T15:00:00-05:00", "2026-03-15T15:00:00-04:00", 335 * 60, 15),
        ("America/New_York", "2026-02-22", "02:15", 14, "2026-02-22T02:15:00-05:00", "2026-03-08T03:00:00-04:00", 335 * 60 + 45, 15),
        ("America/New_York", "2026-10-18", "01:30", 14, "2026-10-18T01:30:00-04:00", "2026-11-01T01:30:00-05:00", 337 * 60, 15),
        // Lord Howe falls back by 30 minutes on 5 April (02:00 -> 01:30): 336.5 hours.
        ("Australia/Lord_Howe", "2026-03-29", "09:00", 14, "2026-03-29T09:00:00+11:00", "2026-04-12T09:00:00+10:30", 336 * 60 + 30, 15),
        // A zone without DST.
        ("Asia/Kolkata", "2026-03-20", "10:00", 14, "2026-03-20T10:00:00+05:30", "2026-04-03T10:00:00+05:30", 336 * 60, 15),
        // A clinic plan of 7 days over a month end and a leap day.
        ("Europe/London", "2028-02-25", "12:00", 7, "2028-02-25T12:00:00+00:00", "2028-03-03T12:00:00+00:00", 168 * 60, 8),
    ];
    assert_eq!(rows.len(), 11);
    for row in rows {
        check(*row);
    }
}

#[test]
fn lord_howe_half_hour_shift_is_exact() {
    // 14 days minus 30 minutes across the October shift.
    let p = plan("Australia/Lord_Howe", "2026-09-25", "11:00", 14);
    assert_eq!((p.wear_end - p.wear_start).num_minutes(), 336 * 60 - 30);
    // wear_end in the Lord Howe gap: 02:15 on 4 October does not exist; forward to 02:30.
    let p = plan("Australia/Lord_Howe", "2026-09-20", "02:15", 14);
    assert_eq!(p.wear_end.to_rfc3339(), "2026-10-04T02:30:00+11:00");
    // wear_end in the Lord Howe fold: 01:45 on 5 April happens twice; the later is +10:30.
    let p = plan("Australia/Lord_Howe", "2026-03-22", "01:45", 14);
    assert_eq!(p.wear_end.to_rfc3339(), "2026-04-05T01:45:00+10:30");
}

#[test]
fn session_ending_just_before_midnight() {
    let p = plan("Europe/Berlin", "2026-06-10", "23:50", 14);
    let dates = p.checkin_dates();
    assert_eq!(dates.len(), 15);
    assert_eq!(dates[0], d("2026-06-10"));
    assert_eq!(dates[14], d("2026-06-24"));
    // The start date asks only about its last ten minutes.
    assert_eq!(p.questions(dates[0]), vec![Question::Day]);
    assert_eq!(p.planned_minutes(dates[0], Question::Day), 10);
    // The end date asks about last night and the day until 23:50.
    assert_eq!(p.planned_minutes(dates[14], Question::Night), 7 * 60);
    assert_eq!(p.planned_minutes(dates[14], Question::Day), 16 * 60 + 50);
}

#[test]
fn session_ending_at_dawn_has_a_night_on_its_start_date() {
    let p = plan("America/New_York", "2026-06-10", "06:00", 14);
    let dates = p.checkin_dates();
    assert_eq!(p.questions(dates[0]), vec![Question::Night, Question::Day]);
    assert_eq!(p.planned_minutes(dates[0], Question::Night), 60);
    // The end date ends at 06:00: only last night is asked.
    assert_eq!(p.questions(*dates.last().unwrap()), vec![Question::Night]);
}

#[test]
fn day_index_follows_the_device_zone() {
    let p = plan("Europe/Berlin", "2026-06-10", "14:00", 14);
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let today = |instant: DateTime<Utc>, zone: &str| {
        instant
            .with_timezone(&zone.parse::<Tz>().unwrap())
            .date_naive()
    };
    let rows = [
        // (instant, device zone, expected day index)
        ("2026-06-10T13:59:00+02:00", "Europe/Berlin", None),
        ("2026-06-10T14:00:00+02:00", "Europe/Berlin", Some(1)),
        ("2026-06-11T00:30:00+02:00", "Europe/Berlin", Some(2)),
        // The same instant seen from New York is still 10 June: day 1.
        ("2026-06-11T00:30:00+02:00", "America/New_York", Some(1)),
        // The final morning is day 15; wear_end itself is outside the plan.
        ("2026-06-24T09:00:00+02:00", "Europe/Berlin", Some(15)),
        ("2026-06-24T14:00:00+02:00", "Europe/Berlin", None),
        // After flying to Tokyo on day 5, the date there decides.
        ("2026-06-14T20:00:00+02:00", "Asia/Tokyo", Some(6)),
    ];
    for (instant, zone, expect) in rows {
        let now = at(instant);
        assert_eq!(
            p.day_index(now, today(now, zone)),
            expect,
            "{instant} in {zone}"
        );
    }
    // Travel does not move wear_end: it is one instant, shown in any zone.
    let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
    assert_eq!(
        p.wear_end.with_timezone(&tokyo).to_rfc3339(),
        "2026-06-24T21:00:00+09:00"
    );
}

#[test]
fn photo_date_is_three_calendar_months_clamped() {
    for (start, due) in [
        ("2026-01-31", "2026-04-30"),
        ("2026-08-31", "2026-11-30"),
        ("2026-11-29", "2027-02-28"),
        ("2027-11-29", "2028-02-29"),
        ("2027-11-30", "2028-02-29"),
        ("2028-02-29", "2028-05-29"),
        ("2026-12-15", "2027-03-15"),
    ] {
        assert_eq!(photo_due(d(start)), d(due), "{start}");
    }
}
