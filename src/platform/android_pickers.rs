//! Android: one photo from the camera app or the photo picker, and one file from the
//! document picker, through the Kotlin `AftercareCapture` and its invisible `CaptureActivity`
//! (bound in `platform/android.rs`).
//!
//! Kotlin's `capture` blocks until the Activity has the result (a `CompletableFuture`, no
//! polling), so it is called from a thread of its own; the async functions here wait on a
//! oneshot channel meanwhile, and the app keeps drawing. The picked photo or file is copied
//! to the cache's `capture/` folder, read here, and removed.

use crate::platform::android::{
    camera_available as kotlin_camera_available, capture, AftercareCapture,
};
use futures_channel::oneshot;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// What a picker hands back: the bytes, `None` when cancelled, or why it failed.
type Picked = Result<Option<Vec<u8>>, String>;

/// The Kotlin object, made once.
static PLUGIN: OnceLock<AftercareCapture> = OnceLock::new();

/// Numbers the result files, so that two requests never share one.
static NEXT: AtomicU64 = AtomicU64::new(1);

fn plugin() -> Result<&'static AftercareCapture, String> {
    crate::platform::android::module_object(
        &PLUGIN,
        "org.aftercare.reminders.AftercareCapture",
        AftercareCapture::from_global_ref,
    )
}

/// Whether the phone has a camera (`FEATURE_CAMERA_ANY`), asked once.
pub fn camera_available() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        plugin()
            .and_then(kotlin_camera_available)
            .is_ok_and(|answer| answer == "true")
    })
}

/// The camera app (`camera == true`) or the photo picker.
pub async fn capture_photo(camera: bool) -> Picked {
    run(if camera { "camera" } else { "image" }).await
}

/// The document picker (`ACTION_OPEN_DOCUMENT`), any type: the caller checks the content.
pub async fn pick_document() -> Picked {
    run("document").await
}

/// Runs one request of `mode` on its own thread and waits for its answer.
async fn run(mode: &'static str) -> Picked {
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("aftercare-picker".into())
        .spawn(move || {
            let _ = tx.send(blocking(mode));
        })
        .map_err(|e| format!("cannot start the picker: {e}"))?;
    rx.await
        .map_err(|_| "the picker closed unexpectedly".to_string())?
}

/// Where the result of one request goes: `cache/capture/<mode>-<n>.<ext>`.
fn result_path(mode: &str) -> Result<PathBuf, String> {
    let dir = crate::platform::android::cache_dir()?.join("capture");
    crate::platform::files::create_private_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let ext = if mode == "camera" { "jpg" } else { "bin" };
    Ok(dir.join(format!("{mode}-{}-{n}.{ext}", std::process::id())))
}

/// Asks Kotlin (blocking this thread until the patient is done) and reads the result.
fn blocking(mode: &str) -> Picked {
    let out = result_path(mode)?;
    let line = capture(
        plugin()?,
        mode.to_string(),
        out.to_string_lossy().into_owned(),
    );
    let picked = match line {
        Ok(line) if line == "ok" => std::fs::read(&out)
            .map(Some)
            .map_err(|e| format!("{}: {e}", out.display())),
        Ok(line) if line == "cancelled" => Ok(None),
        Ok(line) => Err(line.strip_prefix("error: ").unwrap_or(&line).to_string()),
        Err(e) => Err(e),
    };
    let _ = std::fs::remove_file(&out);
    picked
}
