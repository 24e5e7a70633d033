//! Android: JNI access to the app's Activity, and its private files folder.

use jni::objects::{JObject, JString};
use jni::{JNIEnv, JavaVM};
use std::path::PathBuf;

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
    // The Activity reference belongs to the runtime; do not delete it.
    std::mem::forget(activity);
    result
}

/// `Context.getFilesDir().getAbsolutePath()` of the running app.
pub fn files_dir() -> Result<PathBuf, String> {
    with_activity(|env, activity| {
        let dir = env
            .call_method(activity, "getFilesDir", "()Ljava/io/File;", &[])
            .and_then(|v| v.l())
            .map_err(|e| format!("getFilesDir failed: {e}"))?;
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
