//! The Rust half of the Android module's JNI boundary, built for the host: the Robolectric
//! tests (`android/src/test/kotlin/.../RustBridge.kt`) load this library into their JVM and
//! call it, and it calls the Kotlin module back exactly as the phone app does.
//!
//! - `planAndArm` plans reminders for real treatment sessions with the app's own use-cases
//!   (`Aftercare::upcoming`, in-memory store, a fixed clock), writes the plan file with
//!   `plan_file::write_and_arm` (what `AndroidReminders::replan` calls on the phone), creates
//!   `AftercareReminders` with `jni_module::new_module_object_in` (what the phone's
//!   `android::new_module_object` calls) and arms the plan through `armPlan`.
//! - `importDelivered` reads what Kotlin posted with `plan_file::take_delivered`, records it
//!   as the phone app does at start (`record_delivered`), and arms the plan again.
//!
//! On the phone the `armPlan` call itself goes through code that `#[manganis::ffi]`
//! generates; its name and signature are checked against the compiled classes by
//! `scripts/check-jni`. Here the call is written out with the same name and signature.
//!
//! Nothing here is part of the app: no phone build and no desktop build contains it.

use aftercare::app::store::MemoryStore;
use aftercare::app::{Aftercare, FixedClock};
use aftercare::domain::plan::PlanConfig;
use aftercare::domain::session::SessionDraft;
use aftercare::domain::zone::Tz;
use aftercare::platform::jni_module::new_module_object_in;
use aftercare::platform::plan_file::{take_delivered, write_and_arm};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use jni::objects::{JObject, JString, JValue};
use jni::sys::{jboolean, jint, jlong, jstring};
use jni::JNIEnv;
use std::cell::RefCell;
use std::path::Path;

type App = Aftercare<MemoryStore, FixedClock>;

thread_local! {
    /// The app of the last `planAndArm` on this thread (a Robolectric test runs on one).
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// The reminder module's class, as the phone app names it (`android_reminders.rs`).
const REMINDERS_CLASS: &str = "org.aftercare.reminders.AftercareReminders";

fn string(env: &mut JNIEnv, s: &JString) -> Result<String, String> {
    env.get_string(s)
        .map(Into::into)
        .map_err(|e| format!("bad string: {e}"))
}

/// Calls `AftercareReminders.armPlan(path)` on a new module object made from `activity`.
fn arm_through_jni(env: &mut JNIEnv, activity: &JObject, path: String) -> Result<String, String> {
    let module = new_module_object_in(env, activity, REMINDERS_CLASS)?;
    let path = env.new_string(path).map_err(|e| e.to_string())?;
    let answer = env
        .call_method(
            module.as_obj(),
            "armPlan",
            "(Ljava/lang/String;)Ljava/lang/String;",
            &[JValue::Object(&path)],
        )
        .and_then(|v| v.l())
        .map_err(|e| {
            let _ = env.exception_clear();
            format!("armPlan: {e}")
        })?;
    string(env, &JString::from(answer))
}

/// The treatment a test asks for: `sessions` sessions of `days` days in `zone`, the first
/// ending at 09:00 today (local) as of `now`, each next one `days` days later; morning notes
/// on if asked.
struct Scenario {
    now: DateTime<Utc>,
    zone: String,
    sessions: u32,
    days: u8,
    morning_note: bool,
}

/// An app holding the sessions and settings of `scenario`.
fn app_with_sessions(scenario: &Scenario) -> Result<App, String> {
    let Scenario {
        now,
        ref zone,
        sessions,
        days,
        morning_note,
    } = *scenario;
    let tz: Tz = zone.parse().map_err(|e| format!("{zone}: {e}"))?;
    let mut app = Aftercare::new(MemoryStore::default(), FixedClock { now, zone: tz });
    let today = tz.from_utc_datetime(&now.naive_utc()).date_naive();
    for k in 0..sessions {
        let draft = SessionDraft {
            date: today + Duration::days(i64::from(k) * i64::from(days)),
            end_time: NaiveTime::from_hms_opt(9, 0, 0).ok_or("no 09:00")?,
            tz,
            areas: vec!["left-calf-back".parse()?],
            sclerosant: None,
            stockings: Default::default(),
            clinic: Default::default(),
            note: String::new(),
            plan: PlanConfig::continuous(days),
        };
        app.add_session(draft).map_err(|e| e.to_string())?;
    }
    let mut settings = app.snapshot().map_err(|e| e.to_string())?.settings;
    settings.morning_note = morning_note;
    app.save_settings(settings).map_err(|e| e.to_string())?;
    Ok(app)
}

/// Plans, writes the plan file and arms it through Kotlin; answers a JSON object with the
/// planned reminders (`ids`, `at_ms`) and Kotlin's summary line (`armed`).
fn plan_and_arm(
    env: &mut JNIEnv,
    activity: &JObject,
    files_dir: &str,
    scenario: &Scenario,
) -> Result<serde_json::Value, String> {
    let app = app_with_sessions(scenario)?;
    let upcoming = app.upcoming().map_err(|e| e.to_string())?;
    let armed = write_and_arm(
        Path::new(files_dir),
        &upcoming,
        "Reminders",
        "Check-ins and stocking reminders",
        |path| arm_through_jni(env, activity, path),
    )?;
    APP.with(|cell| *cell.borrow_mut() = Some(app));
    Ok(serde_json::json!({
        "ids": upcoming.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        "at_ms": upcoming.iter().map(|r| r.at.timestamp_millis()).collect::<Vec<_>>(),
        "armed": armed,
    }))
}

/// Imports the delivered log into the app of the last `planAndArm` and arms again.
fn import_delivered(
    env: &mut JNIEnv,
    activity: &JObject,
    files_dir: &str,
) -> Result<serde_json::Value, String> {
    let mut app = APP
        .with(|cell| cell.borrow_mut().take())
        .ok_or("planAndArm was not called on this thread")?;
    let shown = take_delivered(Path::new(files_dir));
    let recorded = app.record_delivered(&shown).map_err(|e| e.to_string())?;
    let upcoming = app.upcoming().map_err(|e| e.to_string())?;
    let armed = write_and_arm(
        Path::new(files_dir),
        &upcoming,
        "Reminders",
        "Check-ins and stocking reminders",
        |path| arm_through_jni(env, activity, path),
    )?;
    let log = app.snapshot().map_err(|e| e.to_string())?.deliveries;
    APP.with(|cell| *cell.borrow_mut() = Some(app));
    Ok(serde_json::json!({
        "taken": shown.iter().map(|(id, at)| serde_json::json!({"id": id, "at_ms": at.timestamp_millis()})).collect::<Vec<_>>(),
        "recorded": recorded,
        "log": log.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
        "ids": upcoming.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        "armed": armed,
    }))
}

/// Runs `f`, turning an error or a panic into `"error: …"`: nothing may unwind into the JVM.
fn answer(
    env: &mut JNIEnv,
    f: impl FnOnce(&mut JNIEnv) -> Result<serde_json::Value, String>,
) -> jstring {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(env)))
        .unwrap_or_else(|_| Err("the Rust bridge panicked".into()));
    let text = match result {
        Ok(json) => json.to_string(),
        Err(e) => format!("error: {e}"),
    };
    env.new_string(text)
        .map(JString::into_raw)
        .unwrap_or(std::ptr::null_mut())
}

/// `RustBridge.planAndArm(activity, filesDir, nowMs, zone, sessions, days, morningNote)`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_org_aftercare_reminders_RustBridge_planAndArm<'l>(
    mut env: JNIEnv<'l>,
    _this: JObject<'l>,
    activity: JObject<'l>,
    files_dir: JString<'l>,
    now_ms: jlong,
    zone: JString<'l>,
    sessions: jint,
    days: jint,
    morning_note: jboolean,
) -> jstring {
    answer(&mut env, |env| {
        let files_dir = string(env, &files_dir)?;
        let zone = string(env, &zone)?;
        let now = Utc
            .timestamp_millis_opt(now_ms)
            .single()
            .ok_or("bad nowMs")?;
        let sessions = u32::try_from(sessions).map_err(|_| "sessions < 0")?;
        let days = u8::try_from(days).map_err(|_| "days out of range")?;
        let scenario = Scenario {
            now,
            zone,
            sessions,
            days,
            morning_note: morning_note != 0,
        };
        plan_and_arm(env, &activity, &files_dir, &scenario)
    })
}

/// `RustBridge.importDelivered(activity, filesDir)`.
#[no_mangle]
pub extern "system" fn Java_org_aftercare_reminders_RustBridge_importDelivered<'l>(
    mut env: JNIEnv<'l>,
    _this: JObject<'l>,
    activity: JObject<'l>,
    files_dir: JString<'l>,
) -> jstring {
    answer(&mut env, |env| {
        let files_dir = string(env, &files_dir)?;
        import_delivered(env, &activity, &files_dir)
    })
}
