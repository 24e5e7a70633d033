//! The reminder plan file shared with the Android module (`android/`, `ReminderPlan.kt`):
//! what Rust writes for Kotlin to arm, and the log of what Kotlin posted, read back at start.
//! Plain files, so that Kotlin never opens the store; pure functions here, tested on desktop.

use crate::domain::reminders::Reminder;
use crate::platform::files::write_atomic;
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

/// Writes the plan file of `upcoming` into `files_dir` (atomically) and hands its path to
/// `arm`, the Kotlin module's `AftercareReminders.armPlan`; returns Kotlin's summary line
/// ("armed=N exact=…"), or why the plan was not armed.
pub fn write_and_arm(
    files_dir: &Path,
    upcoming: &[Reminder],
    channel_name: &str,
    channel_description: &str,
    arm: impl FnOnce(String) -> Result<String, String>,
) -> Result<String, String> {
    let path = files_dir.join(PLAN_FILE);
    let json = plan_json(upcoming, channel_name, channel_description);
    write_atomic(&path, json.as_bytes())
        .map_err(|e| format!("cannot write the reminder plan: {e}"))?;
    let line = arm(path.to_string_lossy().into_owned())
        .map_err(|e| format!("reminders not armed: {e}"))?;
    match line.strip_prefix("error: ") {
        Some(e) => Err(format!("reminders not armed: {e}")),
        None => Ok(line),
    }
}

/// Reads and empties the delivered log: (reminder id, when Kotlin posted it).
///
/// The log is first renamed aside, so that a reminder Kotlin appends meanwhile starts a new
/// log (read next time) instead of being removed unread.
pub fn take_delivered(files_dir: &Path) -> Vec<(String, DateTime<Utc>)> {
    let path = files_dir.join(DELIVERED_FILE);
    let taking = files_dir.join(format!("{DELIVERED_FILE}.taking"));
    // A log left aside by an earlier start that stopped before reading it is read first.
    let mut text = std::fs::read_to_string(&taking).unwrap_or_default();
    if std::fs::rename(&path, &taking).is_ok() {
        text.push_str(&std::fs::read_to_string(&taking).unwrap_or_default());
    }
    let _ = std::fs::remove_file(&taking);
    text.lines()
        .filter_map(|line| {
            let (id, ms) = line.split_once('\t')?;
            let at = Utc.timestamp_millis_opt(ms.trim().parse().ok()?).single()?;
            Some((id.to_string(), at))
        })
        .collect()
}
