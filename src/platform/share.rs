//! Where shared files go: a save dialog on desktop (`rfd`, the same crate and XDG portal
//! Dioxus uses for its file inputs), or straight into a folder (tests, and the fallback when
//! no target is set). Phones hand files to their share sheet (`phone_share.rs`).
//!
//! Writes are atomic and durable (`files::save_into`); nothing is sent anywhere.

use crate::app::ShareTarget;
use crate::domain::export::ExportFile;
use std::path::PathBuf;

/// Saves into one folder under the suggested name.
pub struct FolderShare {
    pub dir: PathBuf,
}

impl ShareTarget for FolderShare {
    fn share(&self, file: &ExportFile) -> Result<Option<String>, String> {
        crate::platform::files::save_into(&self.dir, &file.name, &file.bytes)
            .map(|p| Some(p.display().to_string()))
    }
}

/// Asks where to save with the system's save dialog, starting in `dir`.
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub struct SaveDialog {
    pub dir: PathBuf,
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
impl ShareTarget for SaveDialog {
    fn share(&self, file: &ExportFile) -> Result<Option<String>, String> {
        let ext = file.name.rsplit('.').next().unwrap_or_default().to_string();
        let chosen = rfd::FileDialog::new()
            .set_directory(&self.dir)
            .set_file_name(file.name.as_str())
            .add_filter(file.format.id(), &[ext.as_str()])
            .save_file();
        let Some(path) = chosen else {
            return Ok(None);
        };
        crate::platform::files::write_chosen(&path, &file.bytes)?;
        Ok(Some(path.display().to_string()))
    }
}
