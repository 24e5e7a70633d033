//! Getting one photo from the patient: the system's picker on desktop (rfd, the crate Dioxus
//! uses for its file inputs), the camera or the photo library on Android and iOS (native
//! modules; Dioxus's `input type=file` returns nothing on phones).
//!
//! It only hands back the bytes the patient chose; decoding, downscaling, removing metadata
//! and storing are `app::photos`' job. Nothing is read without the patient's action.

/// Where the photo comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureSource {
    /// The camera (phones only).
    Camera,
    /// A file or the photo library.
    Library,
}

/// Whether this device can take a photo with its camera from inside the app: never on
/// desktop (phones: `android_pickers::camera_available`, `ios_pickers::camera_available`).
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub fn camera_available() -> bool {
    false
}

#[cfg(any(target_os = "android", target_os = "ios"))]
pub use imp::camera_available;

/// Asks for one photo; `Ok(None)` when the patient cancels.
pub async fn capture_photo(source: CaptureSource) -> Result<Option<Vec<u8>>, String> {
    imp::capture_photo(source).await
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
mod imp {
    use super::CaptureSource;

    /// The system's open dialog, run on its own thread so the window keeps drawing.
    pub async fn capture_photo(source: CaptureSource) -> Result<Option<Vec<u8>>, String> {
        if source == CaptureSource::Camera {
            return Err(
                "this computer has no camera capture in Aftercare; choose a photo file".into(),
            );
        }
        let (tx, rx) = futures_channel::oneshot::channel();
        std::thread::spawn(move || {
            let chosen = rfd::FileDialog::new()
                .add_filter("JPEG, PNG", &["jpg", "jpeg", "png", "JPG", "JPEG", "PNG"])
                .pick_file();
            let result = match chosen {
                None => Ok(None),
                Some(path) => std::fs::read(&path)
                    .map(Some)
                    .map_err(|e| format!("{}: {e}", path.display())),
            };
            let _ = tx.send(result);
        });
        rx.await
            .map_err(|_| "the file dialog closed unexpectedly".to_string())?
    }
}

#[cfg(target_os = "android")]
mod imp {
    use super::CaptureSource;
    pub use crate::platform::android_pickers::camera_available;

    /// The camera app or the photo picker (`platform/android_pickers.rs`).
    pub async fn capture_photo(source: CaptureSource) -> Result<Option<Vec<u8>>, String> {
        crate::platform::android_pickers::capture_photo(source == CaptureSource::Camera).await
    }
}

#[cfg(target_os = "ios")]
mod imp {
    use super::CaptureSource;
    pub use crate::platform::ios_pickers::camera_available;

    /// `UIImagePickerController` with the camera or the library (`platform/ios_pickers.rs`).
    pub async fn capture_photo(source: CaptureSource) -> Result<Option<Vec<u8>>, String> {
        crate::platform::ios_pickers::capture_photo(source == CaptureSource::Camera).await
    }
}
