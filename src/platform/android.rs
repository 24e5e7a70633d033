//! Android: JNI access to the app's Activity, its private folders, and the one
//! `manganis::ffi` binding of the Kotlin module in `android/`.
//!
//! dx turns each `#[manganis::ffi]` block into a Gradle module named after the block's first
//! type, so the whole `android/` folder is bound by the single block below: a second block on
//! the same folder would copy the same classes into the app twice.

use jni::objects::{GlobalRef, JObject, JString};
use jni::{JNIEnv, JavaVM};
use std::path::PathBuf;

#[manganis::ffi("android")]
extern "Kotlin" {
    /// Reminders: alarms, the channel, permission and the tapped reminder (`AftercareReminders.kt`).
    pub type AftercareReminders;
    /// The system share sheet (`AftercareShare.kt`).
    pub type AftercareShare;
    /// The camera, the photo picker and the document picker (`AftercareCapture.kt`).
    pub type AftercareCapture;

    pub fn arm_plan(this: &AftercareReminders, plan_path: String) -> String;
    pub fn status(this: &AftercareReminders) -> String;
    pub fn request_permission(this: &AftercareReminders) -> String;
    pub fn open_exact_alarm_settings(this: &AftercareReminders) -> String;
    pub fn show_now(this: &AftercareReminders, id: String, title: String, body: String) -> String;
    pub fn take_launch_reminder(this: &AftercareReminders) -> String;

    pub fn share_file(this: &AftercareShare, path: String, mime: String, title: String) -> String;

    pub fn capture(this: &AftercareCapture, mode: String, out_path: String) -> String;
    // "true" or "false": the macro's `bool` return does not compile in manganis 0.7.10.
    pub fn camera_available(this: &AftercareCapture) -> String;
}

/// Runs `f` with a JNI environment attached to this thread and the app's Activity; a Java
/// exception left by `f` is cleared.
pub fn with_activity<T>(
    f: impl FnOnce(&mut JNIEnv, &JObject) -> Result<T, String>,
) -> Result<T, String> {
    let ctx = ndk_context::android_context();
    // SAFETY: ndk-context holds the JavaVM and Activity pointers that the runtime set at start.
    let vm =
        unsafe { JavaVM::from_raw(ctx.vm().cast()) }.map_err(|e| format!("no Java VM: {e}"))?;
    let mut env = vm
        .attach_current_thread()
        .map_err(|e| format!("cannot attach to the Java VM: {e}"))?;
    // SAFETY: the context pointer is a live global reference to the Activity.
    let activity = unsafe { JObject::from_raw(ctx.context().cast()) };
    let result = f(&mut env, &activity);
    if result.is_err() {
        let _ = env.exception_clear();
    }
    // The Activity reference belongs to the runtime: `JObject` has no destructor, so going
    // out of scope here never deletes it.
    result
}

/// Creates an object of the module's Kotlin class `class_name` with the app's Activity
/// (`jni_module::new_module_object_in`).
pub fn new_module_object(class_name: &str) -> Result<GlobalRef, String> {
    with_activity(|env, activity| {
        crate::platform::jni_module::new_module_object_in(env, activity, class_name)
    })
}

/// The module object kept in `cell`, made on first use with `new_module_object` and wrapped
/// by `wrap` (the binding's `from_global_ref`); a failure is retried at the next call.
pub fn module_object<T>(
    cell: &'static std::sync::OnceLock<T>,
    class_name: &str,
    wrap: fn(GlobalRef) -> T,
) -> Result<&'static T, String> {
    if let Some(object) = cell.get() {
        return Ok(object);
    }
    let made = new_module_object(class_name)
        .map_err(|e| format!("the Android module class {class_name} is missing: {e}"))?;
    Ok(cell.get_or_init(|| wrap(made)))
}

/// `Context.getFilesDir()` of the running app: private, kept until the app is removed.
pub fn files_dir() -> Result<PathBuf, String> {
    context_dir("getFilesDir")
}

/// `Context.getCacheDir()` of the running app: private, and the system may empty it when
/// space runs low (where files being shared and new photos wait for a moment).
pub fn cache_dir() -> Result<PathBuf, String> {
    context_dir("getCacheDir")
}

/// The absolute path of the `java.io.File` that the Context method `getter` returns.
fn context_dir(getter: &str) -> Result<PathBuf, String> {
    with_activity(|env, activity| {
        let dir = env
            .call_method(activity, getter, "()Ljava/io/File;", &[])
            .and_then(|v| v.l())
            .map_err(|e| format!("{getter} failed: {e}"))?;
        let path = env
            .call_method(&dir, "getAbsolutePath", "()Ljava/lang/String;", &[])
            .and_then(|v| v.l())
            .map_err(|e| format!("getAbsolutePath failed: {e}"))?;
        let path: String = env
            .get_string(&JString::from(path))
            .map_err(|e| format!("bad path string: {e}"))?
            .into();
        Ok(PathBuf::from(path))
    })
}
