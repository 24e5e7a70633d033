//! Local wall-clock time to absolute instants, with the one DST policy of the product.
//!
//! Every conversion from a local date and time to an instant in this crate goes through
//! [`resolve_local`]: a local time that does not exist (DST gap) moves forward to the first
//! valid instant, and a local time that occurs twice (DST fold) takes the later instant.
//! This module reads no clock and does no IO, but for [`parse_zone`]: the first use of a zone
//! name reads its rules from the platform's time-zone database (`domain::zone`).

use crate::domain::zone::Tz;
use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};

/// Resolves a local date and time in `tz` to one instant, applying the product's DST policy.
///
/// - Gap (the local time does not exist): the first valid instant after it, which is the
///   instant the clocks jumped (02:30 on a Berlin spring-forward day becomes 03:00 CEST).
/// - Fold (the local time occurs twice): the later of the two instants.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(_, later) => later,
        LocalResult::None => first_instant_after_gap(tz, local),
    }
}

/// Resolves a local date at a local time of day in `tz` (see [`resolve_local`]).
pub fn resolve(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Tz> {
    resolve_local(tz, date.and_time(time))
}

/// Finds the first instant whose local time is at or after `local`, for a `local` inside a gap.
///
/// Gaps in the IANA database start and end on whole minutes, so scanning forward minute by
/// minute finds the end of the gap; the instant at that local time is the transition itself.
/// The scan is bounded by a day, far longer than any real gap.
fn first_instant_after_gap(tz: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    let start = local
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(local);
    for minutes in 1..=(24 * 60) {
        let candidate = start + Duration::minutes(minutes);
        match tz.from_local_datetime(&candidate) {
            LocalResult::Single(t) => return t,
            LocalResult::Ambiguous(earlier, _) => return earlier,
            LocalResult::None => continue,
        }
    }
    // No zone has a gap of a day; interpreting the local time as UTC keeps this total.
    Utc.from_utc_datetime(&local).with_timezone(&tz)
}

/// The local calendar date of an instant in `tz`.
pub fn local_date(tz: Tz, instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

/// Parses an IANA zone name, with a message that names the problem.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("unknown time zone '{name}' (expected an IANA name such as Europe/Berlin)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(zone: &str, local: &str, expect_rfc3339: &str) {
        let tz: Tz = zone.parse().unwrap();
        let local = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            resolve_local(tz, local).to_rfc3339(),
            expect_rfc3339,
            "{zone} {local}"
        );
    }

    #[test]
    fn ordinary_gap_and_fold_times() {
        check(
            "Europe/Berlin",
            "2026-03-10 14:00",
            "2026-03-10T14:00:00+01:00",
        );
        // Spring forward: 02:00-03:00 does not exist on 29 March 2026.
        check(
            "Europe/Berlin",
            "2026-03-29 02:30",
            "2026-03-29T03:00:00+02:00",
        );
        // Fall back: 02:00-03:00 happens twice on 25 October 2026; the later one is CET.
        check(
            "Europe/Berlin",
            "2026-10-25 02:30",
            "2026-10-25T02:30:00+01:00",
        );
        check(
            "America/New_York",
            "2026-03-08 02:15",
            "2026-03-08T03:00:00-04:00",
        );
        check(
            "America/New_York",
            "2026-11-01 01:30",
            "2026-11-01T01:30:00-05:00",
        );
        // Lord Howe moves by 30 minutes: 02:00 -> 02:30 on 4 October 2026.
        check(
            "Australia/Lord_Howe",
            "2026-10-04 02:10",
            "2026-10-04T02:30:00+11:00",
        );
        // And back 02:00 -> 01:30 on 5 April 2026: 01:45 happens twice.
        check(
            "Australia/Lord_Howe",
            "2026-04-05 01:45",
            "2026-04-05T01:45:00+10:30",
        );
        check(
            "Asia/Kolkata",
            "2026-03-29 02:30",
            "2026-03-29T02:30:00+05:30",
        );
    }

    #[test]
    fn unknown_zone_is_named() {
        let err = parse_zone("Mars/Olympus").unwrap_err();
        assert!(err.contains("Mars/Olympus"));
    }
}
