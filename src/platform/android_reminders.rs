//! Android reminders: the Kotlin module in `android/` (AlarmManager alarms, a notification
//! channel, the receivers that post and re-arm), bound with `manganis::ffi`, which also makes
//! `dx bundle` add the module to the Gradle project.
//!
//! The Rust side writes the plan file (`files/reminders-plan.json`) and asks Kotlin to arm it;
//! Kotlin never opens the store. What Kotlin posted is appended to
//! `files/reminders-delivered.log`, imported into the delivery log at the next start.

use crate::app::{AccessState, NotificationAccess, Notifier, ReminderSync};
use crate::domain::reminders::Reminder;
use crate::platform::files::write_atomic;
use crate::platform::plan_file::{plan_json, PLAN_FILE};
use jni::objects::JValue;
use std::path::{Path, PathBuf};

#[manganis::ffi("android")]
extern "Kotlin" {
    pub type AftercareReminders;
    pub fn arm_plan(this: &AftercareReminders, plan_path: String) -> String;
    pub fn status(this: &AftercareReminders) -> String;
    pub fn request_permission(this: &AftercareReminders) -> String;
    pub fn open_exact_alarm_settings(this: &AftercareReminders) -> String;
    pub fn show_now(this: &AftercareReminders, id: String, title: String, body: String) -> String;
    pub fn take_launch_reminder(this: &AftercareReminders) -> String;
}

/// Creates the Kotlin object through the Activity's class loader: `FindClass` from a thread
/// the runtime attached sees only system classes.
fn load() -> Result<AftercareReminders, String> {
    crate::platform::android::with_activity(|env, activity| {
        let loader = env
            .call_method(activity, "getClassLoader", "()Ljava/lang/ClassLoader;", &[])
            .and_then(|v| v.l())
            .map_err(|e| e.to_string())?;
        let name = env
            .new_string("org.aftercare.reminders.AftercareReminders")
            .map_err(|e| e.to_string())?;
        let class = env
            .call_method(
                &loader,
                "loadClass",
                "(Ljava/lang/String;)Ljava/lang/Class;",
                &[JValue::Object(&name)],
            )
            .and_then(|v| v.l())
            .map_err(|e| e.to_string())?;
        let class = jni::objects::JClass::from(class);
        let object = env
            .new_object(
                &class,
                "(Landroid/app/Activity;)V",
                &[JValue::Object(activity)],
            )
            .and_then(|o| env.new_global_ref(o))
            .map_err(|e| e.to_string())?;
        Ok(AftercareReminders::from_global_ref(object))
    })
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
        let path = self.files_dir.join(PLAN_FILE);
        let json = plan_json(upcoming, &self.channel_name, &self.channel_description);
        if let Err(e) = write_atomic(&path, json.as_bytes()) {
            eprintln!("aftercare: cannot write the reminder plan: {e}");
            return;
        }
        match arm_plan(&self.plugin, path.to_string_lossy().into_owned()) {
            Ok(line) if line.starts_with("error: ") => eprintln!("aftercare: {line}"),
            Ok(_) => {}
            Err(e) => eprintln!("aftercare: reminders not armed: {e}"),
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
