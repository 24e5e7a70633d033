//! The only IO in the crate: the sled store, files, the clock, paths, and the native parts
//! of Android and iOS. Everything here is an adapter behind a port of `app`.

#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub mod alarm;
#[cfg(target_os = "android")]
pub mod android;
#[cfg(target_os = "android")]
pub mod android_pickers;
#[cfg(target_os = "android")]
pub mod android_reminders;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub mod background;
pub mod capture;
pub mod clock;
pub mod documents;
pub mod files;
pub mod fonts;
#[cfg(target_os = "ios")]
pub mod ios_pickers;
#[cfg(target_os = "ios")]
pub mod ios_reminders;
#[cfg(target_os = "ios")]
pub mod ios_ui;
#[cfg(any(target_os = "android", feature = "jni-host"))]
pub mod jni_module;
pub mod journal;
pub mod locale;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub mod notify;
pub mod paths;
pub mod phone_share;
pub mod photos;
pub mod plan_file;
pub mod share;
pub mod sled_store;
