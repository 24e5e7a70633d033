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
            return name.parse::<Tz>().map_err(|_| {
                format!("TZ='{tz}' is not an IANA time zone name (such as Europe/Berlin)")
            });
        }
    }
    Ok(system_zone().unwrap_or(Tz::UTC))
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
