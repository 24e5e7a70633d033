//! The system share sheet on phones: `PhoneShare`, the `ShareTarget` of Android and iOS.
//!
//! The file is first written ("staged") into a private cache folder, `shared/`, under a safe
//! version of its name; then Android's chooser (Kotlin `AftercareShare`, a FileProvider
//! `content://` URI with a read grant for the one app the patient picks) or iOS's
//! `UIActivityViewController` (a file URL, presented from the key window) offers it.
//! Nothing is sent anywhere unless the patient picks an app in the sheet.
//!
//! The sheet runs on its own after `share` returns: the patient's choice (or cancelling) is
//! not reported back, so `share` says only that the sheet opened.

use std::path::{Path, PathBuf};
#[cfg(any(target_os = "android", target_os = "ios"))]
use std::sync::Arc;

/// Staged files older than this are removed at the next share: long enough for the app the
/// patient picked to read the file, short enough that health data does not linger.
#[cfg_attr(not(any(target_os = "android", target_os = "ios")), allow(dead_code))]
const KEEP_STAGED: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// What `share` reports once the sheet is open (the banner then says so in the patient's
/// language).
pub const OPENED: &str = "the share sheet";

/// A file name that is safe in a folder and a URI: letters, digits, `.`, `-` and `_` are kept,
/// anything else becomes `_`; never empty, never a hidden or parent name.
#[cfg_attr(not(any(target_os = "android", target_os = "ios")), allow(dead_code))]
pub(crate) fn staged_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "aftercare-file".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Writes `bytes` as `dir/<staged name>` (atomically), after removing files that earlier
/// shares left in `dir` for longer than a day.
#[cfg_attr(not(any(target_os = "android", target_os = "ios")), allow(dead_code))]
pub(crate) fn stage(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    crate::platform::files::create_private_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    prune(dir, KEEP_STAGED);
    crate::platform::files::save_into(dir, &staged_name(name), bytes)
}

/// Removes the files in `dir` last written more than `keep` ago; errors are ignored (a file
/// left behind is removed next time, or by the system when it empties the cache).
#[cfg_attr(not(any(target_os = "android", target_os = "ios")), allow(dead_code))]
fn prune(dir: &Path, keep: std::time::Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > keep);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The share sheet of the phone; `title` heads the sheet (Android's chooser).
#[cfg(any(target_os = "android", target_os = "ios"))]
pub struct PhoneShare {
    title: String,
}

#[cfg(any(target_os = "android", target_os = "ios"))]
impl PhoneShare {
    /// A share sheet headed `title` (in the patient's language).
    pub fn new(title: &str) -> Self {
        PhoneShare {
            title: title.to_string(),
        }
    }

    /// As a shared `ShareTarget`.
    pub fn shared(title: &str) -> Arc<dyn crate::app::ShareTarget> {
        Arc::new(Self::new(title))
    }
}

#[cfg(any(target_os = "android", target_os = "ios"))]
impl crate::app::ShareTarget for PhoneShare {
    fn share(&self, file: &crate::domain::export::ExportFile) -> Result<Option<String>, String> {
        imp::share(file, &self.title).map(|()| Some(OPENED.to_string()))
    }
}

#[cfg(target_os = "android")]
mod imp {
    use crate::domain::export::ExportFile;
    use crate::platform::android::{share_file, AftercareShare};
    use std::sync::OnceLock;

    /// The Kotlin object, made once.
    static PLUGIN: OnceLock<AftercareShare> = OnceLock::new();

    fn plugin() -> Result<&'static AftercareShare, String> {
        crate::platform::android::module_object(
            &PLUGIN,
            "org.aftercare.reminders.AftercareShare",
            AftercareShare::from_global_ref,
        )
    }

    /// Stages the file in `cache/shared/` and opens the chooser.
    pub fn share(file: &ExportFile, title: &str) -> Result<(), String> {
        let dir = crate::platform::android::cache_dir()?.join("shared");
        let path = super::stage(&dir, &file.name, &file.bytes)?;
        let line = share_file(
            plugin()?,
            path.to_string_lossy().into_owned(),
            file.mime.to_string(),
            title.to_string(),
        )?;
        match line.strip_prefix("error: ") {
            Some(e) => Err(format!("the share sheet did not open: {e}")),
            None => Ok(()),
        }
    }
}

#[cfg(target_os = "ios")]
mod imp {
    use crate::domain::export::ExportFile;
    use crate::platform::ios_ui;
    use block2::RcBlock;
    use objc2::rc::Retained;
    use objc2::runtime::{AnyObject, Bool};
    use objc2::MainThreadOnly;
    use objc2_foundation::{NSArray, NSError, NSString, NSTemporaryDirectory, NSURL};
    use objc2_ui_kit::{UIActivityType, UIActivityViewController};
    use std::path::PathBuf;

    /// Stages the file in `tmp/shared/` and presents the activity sheet over the top view
    /// controller; the staged copy is removed when the sheet closes.
    pub fn share(file: &ExportFile, _title: &str) -> Result<(), String> {
        let mtm = ios_ui::main_thread()?;
        let dir = PathBuf::from(NSTemporaryDirectory().to_string()).join("shared");
        let path = super::stage(&dir, &file.name, &file.bytes)?;
        let url = NSURL::fileURLWithPath(&NSString::from_str(&path.to_string_lossy()));
        let item: Retained<AnyObject> = url.into();
        let items = NSArray::from_retained_slice(&[item]);
        // SAFETY: the activity items are objects (a file URL); no custom activities.
        let sheet = unsafe {
            UIActivityViewController::initWithActivityItems_applicationActivities(
                UIActivityViewController::alloc(mtm),
                &items,
                None,
            )
        };
        let staged = path.clone();
        let done = RcBlock::new(
            move |_kind: *mut UIActivityType,
                  _completed: Bool,
                  _returned: *mut NSArray,
                  _error: *mut NSError| {
                let _ = std::fs::remove_file(&staged);
            },
        );
        // SAFETY: the block is valid; UIKit copies it when it is set.
        unsafe { sheet.setCompletionWithItemsHandler(RcBlock::as_ptr(&done)) };
        ios_ui::present(&sheet, mtm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_names_keep_safe_characters_only() {
        for (name, expect) in [
            (
                "aftercare-report-2026-03-01.pdf",
                "aftercare-report-2026-03-01.pdf",
            ),
            ("informe clínica.pdf", "informe_cl_nica.pdf"),
            ("../../etc/passwd", "_.._etc_passwd"),
            ("..", "aftercare-file"),
            ("", "aftercare-file"),
            (".hidden.csv", "hidden.csv"),
        ] {
            assert_eq!(staged_name(name), expect, "{name:?}");
        }
    }

    #[test]
    fn stage_writes_the_file_and_prunes_only_old_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = dir.path().join("shared");
        let first = stage(&shared, "a.csv", b"one").expect("staged");
        assert_eq!(std::fs::read(&first).expect("read"), b"one");
        // A fresh file survives a prune with a day's keep; with no keep at all it goes.
        prune(&shared, KEEP_STAGED);
        assert!(first.exists());
        std::thread::sleep(std::time::Duration::from_millis(20));
        prune(&shared, std::time::Duration::from_millis(1));
        assert!(!first.exists());
        let second = stage(&shared, "b c.pdf", b"two").expect("staged");
        assert_eq!(second.file_name().and_then(|n| n.to_str()), Some("b_c.pdf"));
    }
}
