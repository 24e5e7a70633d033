//! Where the data folder is: `--data-dir`, else `AFTERCARE_DATA_DIR`, else the platform's
//! app-data folder (desktop: the OS convention; Android: the app's files dir via JNI;
//! iOS: Application Support).

use std::path::PathBuf;

/// The platform's app-data folder for Aftercare.
pub fn default_data_dir() -> Result<PathBuf, String> {
    platform_data_dir()
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn platform_data_dir() -> Result<PathBuf, String> {
    directories::ProjectDirs::from("org", "Aftercare", "Aftercare")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            "cannot find a home folder for the data: set --data-dir or AFTERCARE_DATA_DIR"
                .to_string()
        })
}

#[cfg(target_os = "android")]
fn platform_data_dir() -> Result<PathBuf, String> {
    crate::platform::android::files_dir().map(|d| d.join("aftercare"))
}

#[cfg(target_os = "ios")]
fn platform_data_dir() -> Result<PathBuf, String> {
    use objc2_foundation::{NSFileManager, NSSearchPathDirectory, NSSearchPathDomainMask};
    let manager = NSFileManager::defaultManager();
    let urls = manager.URLsForDirectory_inDomains(
        NSSearchPathDirectory::ApplicationSupportDirectory,
        NSSearchPathDomainMask::UserDomainMask,
    );
    let url = urls
        .firstObject()
        .ok_or("iOS gave no Application Support folder")?;
    let path = url
        .path()
        .ok_or("the Application Support folder has no path")?;
    Ok(PathBuf::from(path.to_string()).join("Aftercare"))
}

/// Where the app saves files the patient asked for when no save dialog or share sheet is
/// set: the Documents folder on desktop (else the home folder), `exports/` in the data folder
/// on phones (where the share sheet is used instead).
pub fn export_dir(data_dir: &std::path::Path) -> PathBuf {
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    {
        if let Some(dirs) = directories::UserDirs::new() {
            return dirs
                .document_dir()
                .map(|d| d.to_path_buf())
                .unwrap_or_else(|| dirs.home_dir().to_path_buf());
        }
    }
    data_dir.join("exports")
}
