//! Android reminders: the Kotlin module in `android/` (AlarmManager alarms, a notification
//! channel, the receivers that post and re-arm), bound with `manganis::ffi` in
//! `platform/android.rs`, which also makes `dx bundle` add the module to the Gradle project.
//!
//! The Rust side writes the plan file (`files/reminders-plan.json`) and asks Kotlin to arm it;
//! Kotlin never opens the store. What Kotlin posted is appended to
//! `files/reminders-delivered.log`, imported into the delivery log at the next start.

use crate::app::{AccessState, NotificationAccess, Notifier, ReminderSync};
use crate::domain::reminders::Reminder;
use crate::platform::android::{
    arm_plan, open_exact_alarm_settings, request_permission, show_now, status,
    take_launch_reminder, AftercareReminders,
};
use crate::platform::plan_file::write_and_arm;
use std::path::{Path, PathBuf};

/// Creates the Kotlin object (see `android::new_module_object`).
fn load() -> Result<AftercareReminders, String> {
    crate::platform::android::new_module_object("org.aftercare.reminders.AftercareReminders")
        .map(AftercareReminders::from_global_ref)
        .map_err(|e| format!("the Android reminder module is missing: {e}"))
}

/// The Kotlin module and where the plan file goes.
pub struct AndroidReminders {
    plugin: AftercareReminders,
    files_dir: PathBuf,
    channel_name: String,
    channel_description: String,
}

impl AndroidReminders {
    /// Loads the module; the channel is named in the patient's language.
    pub fn open(
        files_dir: &Path,
        channel_name: &str,
        channel_description: &str,
    ) -> Result<Self, String> {
        Ok(AndroidReminders {
            plugin: load()?,
            files_dir: files_dir.to_path_buf(),
            channel_name: channel_name.to_string(),
            channel_description: channel_description.to_string(),
        })
    }

    /// The reminder id whose tap opened the app, once.
    pub fn take_launch_reminder(&self) -> Option<String> {
        take_launch_reminder(&self.plugin)
            .ok()
            .filter(|id| !id.is_empty())
    }
}

fn checked(line: String) -> Result<(), String> {
    match line.strip_prefix("error: ") {
        Some(e) => Err(e.to_string()),
        None => Ok(()),
    }
}

impl NotificationAccess for AndroidReminders {
    fn state(&self) -> Result<AccessState, String> {
        let line = status(&self.plugin)?;
        if let Some(e) = line.strip_prefix("error: ") {
            return Err(e.to_string());
        }
        Ok(AccessState {
            allowed: line.contains("allowed=true"),
            exact: Some(line.contains("exact=true")),
        })
    }

    fn ask(&self) -> Result<(), String> {
        checked(request_permission(&self.plugin)?)
    }

    fn open_exact_settings(&self) -> Result<(), String> {
        checked(open_exact_alarm_settings(&self.plugin)?)
    }
}

impl ReminderSync for AndroidReminders {
    fn replan(&self, upcoming: &[Reminder]) {
        let armed = write_and_arm(
            &self.files_dir,
            upcoming,
            &self.channel_name,
            &self.channel_description,
            |path| arm_plan(&self.plugin, path),
        );
        if let Err(e) = armed {
            eprintln!("aftercare: {e}");
        }
    }
}

impl Notifier for AndroidReminders {
    fn notify(&self, reminder: &Reminder) -> Result<(), String> {
        checked(show_now(
            &self.plugin,
            reminder.id.clone(),
            reminder.title.clone(),
            reminder.body.clone(),
        )?)
    }
}
