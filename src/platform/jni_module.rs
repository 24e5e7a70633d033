//! The Android module's Kotlin objects, created over JNI from an `Activity`: the part of the
//! Rust↔Kotlin boundary that does not need the phone's runtime. Built for Android, and for the
//! host with the `jni-host` feature, where the Robolectric tests load it into a JVM and drive
//! it through real JNI (tests/jni-host, scripts/test-android).
//!
//! It must not reach for the process's Activity itself (`platform/android.rs` does, through
//! ndk-context): the caller hands in the environment and the Activity.

use jni::objects::{GlobalRef, JClass, JObject, JValue};
use jni::JNIEnv;

/// Every Kotlin class of the module that Rust creates takes the Activity as its one
/// constructor argument.
pub const CONSTRUCTOR: &str = "(Landroid/app/Activity;)V";

/// Creates an object of the module's Kotlin class `class_name` (dotted, as
/// `org.aftercare.reminders.AftercareReminders`), passing `activity` to its constructor.
/// The class is loaded through the Activity's class loader: `FindClass` from a thread the
/// runtime attached sees only system classes. A Java exception is cleared and returned as
/// the error.
pub fn new_module_object_in(
    env: &mut JNIEnv,
    activity: &JObject,
    class_name: &str,
) -> Result<GlobalRef, String> {
    let made = (|| {
        let loader = env
            .call_method(activity, "getClassLoader", "()Ljava/lang/ClassLoader;", &[])?
            .l()?;
        let name = env.new_string(class_name)?;
        let class = env
            .call_method(
                &loader,
                "loadClass",
                "(Ljava/lang/String;)Ljava/lang/Class;",
                &[JValue::Object(&name)],
            )?
            .l()?;
        let object = env.new_object(
            JClass::from(class),
            CONSTRUCTOR,
            &[JValue::Object(activity)],
        )?;
        env.new_global_ref(object)
    })();
    made.map_err(|e| {
        if env.exception_check().unwrap_or(false) {
            let _ = env.exception_clear();
        }
        format!("{class_name}: {e}")
    })
}
