//! The compression plan: when the stockings go on and come off, its phases, the planned
//! wear hours, and how those hours are split into check-in questions.
//!
//! Normative rules (PRODUCT.md, "Compression plan" and "Wear day and check-in"):
//! - `wear_start` is the session's end time; `wear_end` is the same wall-clock time `days`
//!   calendar days later in the session's zone, resolved with the DST policy of
//!   [`crate::domain::time`]. Phase boundaries follow the same rule.
//! - A continuous phase plans every hour; a daytime phase plans [`DAY_STARTS`]..[`NIGHT_STARTS`]
//!   of each local date.
//! - The check-in for date D has two questions: "last night", the hours of D before
//!   [`DAY_STARTS`], and "today", the hours of D from [`DAY_STARTS`] to midnight. So every
//!   planned hour belongs to exactly one question of exactly one date, and the check-in dates
//!   run from the start date to the end date inclusive.
//!
//! Pure: no clock, no IO. Instants come in as arguments.

use crate::domain::time::resolve;
use crate::domain::zone::Tz;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// Local time at which "today" begins and "last night" ends.
pub const DAY_STARTS: NaiveTime = match NaiveTime::from_hms_opt(7, 0, 0) {
    Some(t) => t,
    None => panic!("07:00 is a valid time"),
};
/// Local time at which daytime wear ends in a daytime-only phase.
pub const NIGHT_STARTS: NaiveTime = match NaiveTime::from_hms_opt(22, 0, 0) {
    Some(t) => t,
    None => panic!("22:00 is a valid time"),
};

/// Fewest and most days a clinic may configure.
pub const MIN_DAYS: u8 = 1;
pub const MAX_DAYS: u8 = 42;
/// The clinical default: 14 days and nights.
pub const DEFAULT_DAYS: u8 = 14;

/// How the stockings are worn during a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WearMode {
    /// Day and night.
    Continuous,
    /// Daytime only (07:00 to 22:00 local).
    Daytime,
}

/// One phase of a clinic's plan, e.g. "3 days continuous".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub days: u8,
    pub wear: WearMode,
}

/// A clinic's plan: the number of days and its phases (which add up to the days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanConfig {
    pub days: u8,
    pub phases: Vec<Phase>,
}

impl Default for PlanConfig {
    fn default() -> Self {
        PlanConfig::continuous(DEFAULT_DAYS)
    }
}

impl PlanConfig {
    /// A plan of `days` days, all continuous.
    pub fn continuous(days: u8) -> Self {
        PlanConfig {
            days,
            phases: vec![Phase {
                days,
                wear: WearMode::Continuous,
            }],
        }
    }

    /// Checks the limits: 1–42 days, at least one phase, phases of at least one day that add up.
    pub fn validate(&self) -> Result<(), String> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&self.days) {
            return Err(format!(
                "a plan lasts {MIN_DAYS} to {MAX_DAYS} days, not {}",
                self.days
            ));
        }
        if self.phases.is_empty() || self.phases.iter().any(|p| p.days == 0) {
            return Err("every phase of a plan lasts at least one day".into());
        }
        let sum: u32 = self.phases.iter().map(|p| u32::from(p.days)).sum();
        if sum != u32::from(self.days) {
            return Err(format!(
                "the phases add up to {sum} days but the plan has {}",
                self.days
            ));
        }
        Ok(())
    }

    /// Parses phases written as `3:continuous,11:daytime` and checks them against `days`.
    pub fn parse_phases(days: u8, text: &str) -> Result<Self, String> {
        let mut phases = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (n, mode) = part.split_once(':').ok_or_else(|| {
                format!("phase '{part}' should look like 3:continuous or 11:daytime")
            })?;
            let n: u8 = n
                .trim()
                .parse()
                .map_err(|_| format!("phase '{part}' has no whole number of days"))?;
            let wear = match mode.trim() {
                "continuous" => WearMode::Continuous,
                "daytime" => WearMode::Daytime,
                other => {
                    return Err(format!(
                        "unknown phase kind '{other}' (expected continuous or daytime)"
                    ))
                }
            };
            phases.push(Phase { days: n, wear });
        }
        let plan = PlanConfig { days, phases };
        plan.validate()?;
        Ok(plan)
    }
}

/// The two questions of a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    /// "Last night": the hours of the date before 07:00.
    Night,
    /// "Today": the hours of the date from 07:00.
    Day,
}

/// A half-open interval of planned wear, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub wear: WearMode,
}

impl Span {
    fn overlap_minutes(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> i64 {
        let s = self.start.max(start);
        let e = self.end.min(end);
        if e > s {
            (e - s).num_minutes()
        } else {
            0
        }
    }
}

/// The plan of one session, resolved to instants.
#[derive(Debug, Clone, PartialEq)]
pub struct CompressionPlan {
    pub tz: Tz,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub wear_start: DateTime<Tz>,
    pub wear_end: DateTime<Tz>,
    pub days_total: u8,
    /// Phases as instants, in order, covering `[wear_start, wear_end)`.
    pub phases: Vec<Span>,
}

impl CompressionPlan {
    /// Resolves a plan for a session that ended at `end_time` on `date` in `tz`.
    pub fn new(
        tz: Tz,
        date: NaiveDate,
        end_time: NaiveTime,
        config: &PlanConfig,
    ) -> Result<Self, String> {
        config.validate()?;
        let at = |days: u32| -> Result<DateTime<Tz>, String> {
            let d = date
                .checked_add_days(Days::new(u64::from(days)))
                .ok_or_else(|| format!("{date} plus {days} days is out of range"))?;
            Ok(resolve(tz, d, end_time))
        };
        let wear_start = at(0)?;
        let wear_end = at(u32::from(config.days))?;
        let mut phases = Vec::new();
        let mut elapsed = 0u32;
        for phase in &config.phases {
            let start = at(elapsed)?;
            elapsed += u32::from(phase.days);
            let end = at(elapsed)?;
            phases.push(Span {
                start: start.with_timezone(&Utc),
                end: end.with_timezone(&Utc),
                wear: phase.wear,
            });
        }
        Ok(CompressionPlan {
            tz,
            start_date: date,
            end_date: wear_end.date_naive(),
            wear_start,
            wear_end,
            days_total: config.days,
            phases,
        })
    }

    /// The planned wear as disjoint spans, in order.
    pub fn planned_spans(&self) -> Vec<Span> {
        let mut spans = Vec::new();
        for phase in &self.phases {
            match phase.wear {
                WearMode::Continuous => spans.push(*phase),
                WearMode::Daytime => {
                    let first = phase.start.with_timezone(&self.tz).date_naive();
                    let last = phase.end.with_timezone(&self.tz).date_naive();
                    for d in first.iter_days().take_while(|d| *d <= last) {
                        let s = resolve(self.tz, d, DAY_STARTS)
                            .with_timezone(&Utc)
                            .max(phase.start);
                        let e = resolve(self.tz, d, NIGHT_STARTS)
                            .with_timezone(&Utc)
                            .min(phase.end);
                        if e > s {
                            spans.push(Span {
                                start: s,
                                end: e,
                                wear: WearMode::Daytime,
                            });
                        }
                    }
                }
            }
        }
        spans
    }

    /// The window of time a question of date `date` is about, as instants `[start, end)`.
    pub fn question_window(&self, date: NaiveDate, q: Question) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = NaiveTime::MIN;
        let next = date.succ_opt().unwrap_or(date);
        let (from, to) = match q {
            Question::Night => (
                resolve(self.tz, date, midnight),
                resolve(self.tz, date, DAY_STARTS),
            ),
            Question::Day => (
                resolve(self.tz, date, DAY_STARTS),
                resolve(self.tz, next, midnight),
            ),
        };
        (from.with_timezone(&Utc), to.with_timezone(&Utc))
    }

    /// Planned minutes that a question of `date` is about (0 when the question is not asked).
    pub fn planned_minutes(&self, date: NaiveDate, q: Question) -> i64 {
        let (from, to) = self.question_window(date, q);
        self.planned_spans()
            .iter()
            .map(|s| s.overlap_minutes(from, to))
            .sum()
    }

    /// The questions the check-in for `date` asks: those with planned hours.
    pub fn questions(&self, date: NaiveDate) -> Vec<Question> {
        let spans = self.planned_spans();
        [Question::Night, Question::Day]
            .into_iter()
            .filter(|q| {
                let (from, to) = self.question_window(date, *q);
                spans.iter().any(|s| s.overlap_minutes(from, to) > 0)
            })
            .collect()
    }

    /// The check-in dates: every date from the start date to the end date that has planned hours.
    pub fn checkin_dates(&self) -> Vec<NaiveDate> {
        self.start_date
            .iter_days()
            .take_while(|d| *d <= self.end_date)
            .filter(|d| !self.questions(*d).is_empty())
            .collect()
    }

    /// The check-in dates up to and including `today`: those that can be recorded now.
    pub fn checkin_dates_until(&self, today: NaiveDate) -> Vec<NaiveDate> {
        self.checkin_dates()
            .into_iter()
            .filter(|d| *d <= today)
            .collect()
    }

    /// "Day k of N": k = (today − start date) + 1, for any `today`.
    pub fn day_number(&self, today: NaiveDate) -> i64 {
        (today - self.start_date).num_days() + 1
    }

    /// Day k while `now` lies inside the plan, `None` before `wear_start` or from `wear_end` on.
    pub fn day_index(&self, now: DateTime<Utc>, today: NaiveDate) -> Option<i64> {
        (now >= self.wear_start && now < self.wear_end).then(|| self.day_number(today))
    }

    /// The phase in force at `now`, if any.
    pub fn phase_at(&self, now: DateTime<Utc>) -> Option<WearMode> {
        self.phases
            .iter()
            .find(|p| p.start <= now && now < p.end)
            .map(|p| p.wear)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(zone: &str, date: &str, time: &str, config: &PlanConfig) -> CompressionPlan {
        let tz: Tz = zone.parse().unwrap();
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        let t = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
        CompressionPlan::new(tz, d, t, config).unwrap()
    }

    #[test]
    fn phases_parse_and_validate() {
        let p = PlanConfig::parse_phases(14, "3:continuous, 11:daytime").unwrap();
        assert_eq!(p.phases.len(), 2);
        assert!(PlanConfig::parse_phases(14, "3:continuous,10:daytime")
            .unwrap_err()
            .contains("13"));
        assert!(PlanConfig::continuous(43).validate().is_err());
        assert!(PlanConfig::continuous(0).validate().is_err());
        assert!(PlanConfig::parse_phases(5, "5:sometimes")
            .unwrap_err()
            .contains("sometimes"));
    }

    #[test]
    fn mid_day_session_has_fifteen_dates_and_questions_at_the_edges() {
        let p = plan(
            "Europe/London",
            "2026-06-10",
            "14:00",
            &PlanConfig::default(),
        );
        let dates = p.checkin_dates();
        assert_eq!(dates.len(), 15);
        assert_eq!(p.questions(dates[0]), vec![Question::Day]);
        assert_eq!(p.questions(dates[7]), vec![Question::Night, Question::Day]);
        assert_eq!(p.questions(dates[14]), vec![Question::Night, Question::Day]);
        assert_eq!(p.planned_minutes(dates[0], Question::Day), 10 * 60);
        assert_eq!(p.planned_minutes(dates[14], Question::Day), 7 * 60);
    }

    #[test]
    fn daytime_phase_plans_no_nights() {
        let config = PlanConfig::parse_phases(14, "3:continuous,11:daytime").unwrap();
        let p = plan("Europe/Berlin", "2026-06-10", "14:00", &config);
        // 13 June 14:00 is the switch; 14 June's night is not planned.
        let d = NaiveDate::from_ymd_opt(2026, 6, 14).unwrap();
        assert_eq!(p.questions(d), vec![Question::Day]);
        assert_eq!(p.planned_minutes(d, Question::Day), 15 * 60);
        let switch = NaiveDate::from_ymd_opt(2026, 6, 13).unwrap();
        assert_eq!(p.planned_minutes(switch, Question::Day), 15 * 60);
    }
}
