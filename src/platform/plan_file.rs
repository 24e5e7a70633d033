//! The reminder plan file shared with the Android module (`android/`, `ReminderPlan.kt`):
//! what Rust writes for Kotlin to arm, and the log of what Kotlin posted, read back at start.
//! Plain files, so that Kotlin never opens the store; pure functions here, tested on desktop.

use crate::domain::reminders::Reminder;
use chrono::{DateTime, TimeZone, Utc};
use std::path::Path;

/// The plan file's name in the app's files folder (as in `ReminderPlan.kt`).
pub const PLAN_FILE: &str = "reminders-plan.json";
/// The delivered log's name (as in `ReminderPlan.kt`).
pub const DELIVERED_FILE: &str = "reminders-delivered.log";

/// The plan file: what `ReminderPlan.arm` reads.
pub fn plan_json(upcoming: &[Reminder], channel_name: &str, channel_description: &str) -> String {
    serde_json::json!({
        "version": 1,
        "channel": { "name": channel_name, "description": channel_description },
        "reminders": upcoming.iter().map(|r| serde_json::json!({
            "id": r.id,
            "at_ms": r.at.timestamp_millis(),
            "title": r.title,
            "body": r.body,
        })).collect::<Vec<_>>(),
    })
    .to_string()
}

/// Reads and empties the delivered log: (reminder id, when Kotlin posted it).
pub fn take_delivered(files_dir: &Path) -> Vec<(String, DateTime<Utc>)> {
    let path = files_dir.join(DELIVERED_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let _ = std::fs::remove_file(&path);
    text.lines()
        .filter_map(|line| {
            let (id, ms) = line.split_once('\t')?;
            let at = Utc.timestamp_millis_opt(ms.trim().parse().ok()?).single()?;
            Some((id.to_string(), at))
        })
        .collect()
}
