//! Desktop notifications through notify-rust (D-Bus on Linux, the notification centre on
//! macOS, toasts on Windows). Not built for Android and iOS, which have their own adapters.

use crate::app::Notifier;
use crate::domain::reminders::Reminder;

/// Shows reminders as desktop notifications.
#[derive(Debug, Clone, Copy, Default)]
pub struct DesktopNotifier;

impl Notifier for DesktopNotifier {
    fn notify(&self, reminder: &Reminder) -> Result<(), String> {
        notify_rust::Notification::new()
            .appname("Aftercare")
            .summary(&reminder.title)
            .body(&reminder.body)
            .show()
            .map(|_| ())
            .map_err(|e| format!("the desktop notification could not be shown ({e}): is a notification service running?"))
    }
}

/// The name of the desktop notification service when one answers; on macOS and Windows the
/// system's own notification centre is always there.
pub fn service_name() -> Option<String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        notify_rust::get_server_information()
            .ok()
            .map(|info| format!("{} {}", info.name, info.version))
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        Some("system notifications".to_string())
    }
}
