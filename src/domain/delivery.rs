//! The delivery log: which reminders have been delivered (and later opened or dismissed), so
//! that nothing is shown twice and what fell due while the app was closed can be caught up.
//! Pure: the log and the plan come in, the reminders still due go out.

use crate::domain::reminders::Reminder;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// How long after its time a reminder is still worth delivering as a notification.
pub const CATCH_UP_HOURS: i64 = 36;

/// What happened to a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryState {
    Delivered,
    Opened,
    Dismissed,
}

/// One entry of the log, keyed by the reminder's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: String,
    pub state: DeliveryState,
    /// When it was delivered, in the device's zone then.
    pub at: DateTime<FixedOffset>,
    pub title: String,
    pub body: String,
}

/// The start of the catch-up window for `now`: plan reminders from here on.
pub fn catch_up_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::hours(CATCH_UP_HOURS)
}

/// The planned reminders that are due at `now` and not yet in the log, oldest first.
pub fn due(planned: &[Reminder], log: &[Delivery], now: DateTime<Utc>) -> Vec<Reminder> {
    planned
        .iter()
        .filter(|r| r.at.with_timezone(&Utc) <= now && !log.iter().any(|d| d.id == r.id))
        .cloned()
        .collect()
}
