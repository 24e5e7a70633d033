//! The photo files: one JPEG per photo in the data folder's private `photos/` folder, written
//! atomically and durably. Only names the app itself gives are accepted, so nothing outside
//! the folder can be read, replaced or removed.

use crate::app::PhotoStore;
use crate::domain::photo::is_safe_file_name;
use crate::platform::files::{create_private_dir, sync_dir, write_atomic};
use std::path::{Path, PathBuf};

/// The name of the photos folder inside the data folder.
pub const PHOTOS_DIR: &str = "photos";

/// Photo files in one private folder.
#[derive(Debug, Clone)]
pub struct FolderPhotos {
    dir: PathBuf,
}

impl FolderPhotos {
    /// The photos folder of the data folder `data_dir`.
    pub fn in_data_dir(data_dir: &Path) -> Self {
        FolderPhotos {
            dir: data_dir.join(PHOTOS_DIR),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> Result<PathBuf, String> {
        if is_safe_file_name(name) {
            Ok(self.dir.join(name))
        } else {
            Err(format!("'{name}' is not a photo file name"))
        }
    }
}

impl PhotoStore for FolderPhotos {
    fn put(&self, name: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.path(name)?;
        create_private_dir(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        write_atomic(&path, bytes).map_err(|e| {
            if crate::platform::files::is_disk_full(&e) {
                "the disk is full: nothing was saved (free some space and try again)".to_string()
            } else {
                format!("{}: {e}", path.display())
            }
        })
    }

    fn get(&self, name: &str) -> Result<Vec<u8>, String> {
        let path = self.path(name)?;
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "the photo file {name} is missing from {} (a restored backup holds the photos' entries, not the images)",
                self.dir.display()
            ),
            _ => format!("{}: {e}", path.display()),
        })
    }

    fn remove(&self, name: &str) -> Result<(), String> {
        let path = self.path(name)?;
        match std::fs::remove_file(&path) {
            Ok(()) => sync_dir(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

/// The app over an opened store, keeping photo files beside it, setting report text its font
/// lacks in the device's fonts, and writing reminder text in `locale`'s language where the
/// settings leave it open.
pub fn open_app(
    store: crate::platform::sled_store::SledStore,
    clock: crate::platform::clock::RunClock,
    locale: &str,
) -> crate::app::Aftercare<crate::platform::sled_store::SledStore, crate::platform::clock::RunClock>
{
    let photos = FolderPhotos::in_data_dir(store.dir());
    crate::app::Aftercare::new(store, clock)
        .with_system_locale(locale)
        .with_photo_store(Box::new(photos))
        .with_font_source(Box::new(crate::platform::fonts::SystemFonts::new()))
}
