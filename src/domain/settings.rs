//! The patient's settings: reminder times, quiet hours, language. Pure data with defaults;
//! fields added later get serde defaults so older stores and backups keep loading.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// Settings with the defaults of PRODUCT.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Daily check-in reminder (default 20:00).
    pub checkin_time: NaiveTime,
    /// Next-morning follow-up for an unrecorded date (default 09:00).
    pub followup_time: NaiveTime,
    /// The optional morning note on wear days.
    pub morning_note: bool,
    /// When the morning note comes (default 08:00).
    pub morning_time: NaiveTime,
    /// Quiet hours start (default 22:00).
    pub quiet_start: NaiveTime,
    /// Quiet hours end (default 07:00).
    pub quiet_end: NaiveTime,
    /// Language tag ("en", "es"); `None` follows the system.
    pub language: Option<String>,
    /// 24-hour clock; `None` follows the locale.
    pub hour24: Option<bool>,
    /// The emergency number to call, when the patient (or clinic) sets one; `None` follows
    /// the device's region (`domain::emergency`).
    pub emergency_number: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            checkin_time: hm(20, 0),
            followup_time: hm(9, 0),
            morning_note: false,
            morning_time: hm(8, 0),
            quiet_start: hm(22, 0),
            quiet_end: hm(7, 0),
            language: None,
            hour24: None,
            emergency_number: None,
        }
    }
}
