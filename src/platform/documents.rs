//! Getting one file from the patient outside a web form: the restore screen's "choose a
//! backup" on phones, where Dioxus's `input type=file` returns nothing. Android: the
//! document picker (`ACTION_OPEN_DOCUMENT`); iOS: the Files picker
//! (`UIDocumentPickerViewController`, as a copy); desktop: the system's open dialog (rfd).
//!
//! It only hands back the bytes of the file the patient chose; checking them (a backup?
//! which version?) is the app's job. Nothing is read without the patient's action.

/// Asks for one file; `Ok(None)` when the patient cancels.
pub async fn pick_document() -> Result<Option<Vec<u8>>, String> {
    imp::pick_document().await
}

#[cfg(target_os = "android")]
mod imp {
    pub use crate::platform::android_pickers::pick_document;
}

#[cfg(target_os = "ios")]
mod imp {
    pub use crate::platform::ios_pickers::pick_document;
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
mod imp {
    /// The system's open dialog, run on its own thread so the window keeps drawing.
    pub async fn pick_document() -> Result<Option<Vec<u8>>, String> {
        let (tx, rx) = futures_channel::oneshot::channel();
        std::thread::spawn(move || {
            let chosen = rfd::FileDialog::new().pick_file();
            let read = chosen.map(|path| {
                crate::platform::files::read_chosen(&path, crate::domain::backup::MAX_BACKUP_BYTES)
            });
            let _ = tx.send(read.transpose());
        });
        rx.await
            .map_err(|_| "the file dialog closed unexpectedly".to_string())?
    }
}
