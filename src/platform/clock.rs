//! The clock adapter: the only place that reads the system time and the device's zone.

use crate::app::{Clock, FixedClock};
use crate::domain::zone::Tz;
use chrono::{DateTime, Utc};

/// The device's current IANA zone: `TZ` when set, else the system zone, else UTC.
pub fn device_zone() -> Result<Tz, String> {
    if let Ok(tz) = std::env::var("TZ") {
        let name = tz.trim().trim_start_matches(':');
        let name = name.strip_prefix("/usr/share/zoneinfo/").unwrap_or(name);
        if !name.is_empty() {
            if let Ok(zone) = name.parse::<Tz>() {
                return Ok(zone);
            }
            // A POSIX TZ string ("UTC0", "<+03>-3", "EST5"): a fixed offset of whole hours
            // is the IANA zone Etc/GMT±N (same sign convention); one with summer-time rules
            // cannot be followed exactly, so the system zone is used, with a warning.
            if let Some(zone) = posix_fixed_offset(name).and_then(|n| n.parse::<Tz>().ok()) {
                return Ok(zone);
            }
            if name.contains(|c: char| c.is_ascii_digit() || c == '<' || c == ',') {
                let zone = system_zone().unwrap_or(Tz::UTC);
                static WARNED: std::sync::Once = std::sync::Once::new();
                WARNED.call_once(|| {
                    eprintln!(
                        "aftercare: warning: TZ='{tz}' is a POSIX rule, not an IANA zone name; using {} instead",
                        zone.name()
                    )
                });
                return Ok(zone);
            }
            return Err(format!(
                "TZ='{tz}' is not an IANA time zone name (such as Europe/Berlin)"
            ));
        }
    }
    Ok(system_zone().unwrap_or(Tz::UTC))
}

/// The IANA name of a POSIX TZ string that is a fixed offset of whole hours ("UTC0" → "UTC",
/// "<+03>-3" → "Etc/GMT-3", "EST5" → "Etc/GMT+5"); `None` for anything else.
fn posix_fixed_offset(tz: &str) -> Option<String> {
    let offset = match tz.strip_prefix('<') {
        Some(quoted) => quoted.split_once('>')?.1,
        None => {
            let rest = tz.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            (tz.len() - rest.len() >= 3).then_some(rest)?
        }
    };
    let (sign, digits) = match offset.as_bytes().first()? {
        b'-' => ('-', &offset[1..]),
        b'+' => ('+', &offset[1..]),
        _ => ('+', offset),
    };
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: u8 = digits.parse().ok()?;
    match (hours, sign) {
        (0, _) => Some("UTC".into()),
        (1..=12, _) | (13..=14, '-') => Some(format!("Etc/GMT{sign}{hours}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::posix_fixed_offset;

    #[test]
    fn posix_fixed_offsets_become_etc_zones() {
        for (posix, iana) in [
            ("UTC0", Some("UTC")),
            ("GMT0", Some("UTC")),
            ("<+03>-3", Some("Etc/GMT-3")),
            ("<+0530>-5:30", None),
            ("EST5", Some("Etc/GMT+5")),
            ("CET-1CEST,M3.5.0,M10.5.0/3", None),
            ("Europe/Berlin", None),
            ("X5", None),
        ] {
            assert_eq!(posix_fixed_offset(posix).as_deref(), iana, "{posix}");
        }
    }
}

/// The system's zone (on Android and iOS the zone set in the phone's settings).
fn system_zone() -> Option<Tz> {
    iana_time_zone::get_timezone().ok()?.parse().ok()
}

/// The real clock; the zone is read again at every call, so a zone change is seen at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn zone(&self) -> Tz {
        device_zone().unwrap_or(Tz::UTC)
    }
}

/// A clock that started at a chosen instant and runs at the system's pace, in the device's
/// current zone: `--now T --clock-runs`, for tests of the running app's reminder timer.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    /// Added to the system time.
    pub offset: chrono::Duration,
}

impl ShiftedClock {
    /// A clock that reads `start` now.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        ShiftedClock {
            offset: start - Utc::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
    fn zone(&self) -> Tz {
        device_zone().unwrap_or(Tz::UTC)
    }
}

/// The clock for this run: `--now` frozen (or running from there), else the system's.
#[derive(Debug, Clone, Copy)]
pub enum RunClock {
    System(SystemClock),
    Fixed(FixedClock),
    Shifted(ShiftedClock),
}

impl RunClock {
    /// Whether time passes on this clock (a frozen one has nothing to wait for).
    pub fn runs(&self) -> bool {
        !matches!(self, RunClock::Fixed(_))
    }
}

impl Clock for RunClock {
    fn now(&self) -> DateTime<Utc> {
        match self {
            RunClock::System(c) => c.now(),
            RunClock::Fixed(c) => c.now(),
            RunClock::Shifted(c) => c.now(),
        }
    }
    fn zone(&self) -> Tz {
        match self {
            RunClock::System(c) => c.zone(),
            RunClock::Fixed(c) => c.zone(),
            RunClock::Shifted(c) => c.zone(),
        }
    }
}
