//! Desktop notifications through notify-rust (D-Bus on Linux, the notification centre on
//! macOS, toasts on Windows). Not built for Android and iOS, which have their own adapters.
//!
//! Clicks: on Linux and the BSDs a notification carries a default action, and a small thread
//! per notification waits for it (until the notification is closed) and hands the reminder to
//! `on_click`. notify-rust reports no clicks on macOS and Windows; there the patient finds the
//! reminder in the inbox on Today.

use crate::app::Notifier;
use crate::domain::reminders::Reminder;
use std::sync::Arc;

/// What a click on a notification does with its reminder.
pub type OnClick = Arc<dyn Fn(Reminder) + Send + Sync>;

/// Shows reminders as desktop notifications.
#[derive(Clone, Default)]
pub struct DesktopNotifier {
    on_click: Option<(String, OnClick)>,
}

impl DesktopNotifier {
    /// Notifications without a click action (`aftercare remind` without waiting).
    pub fn new() -> Self {
        DesktopNotifier::default()
    }

    /// Notifications whose click (the default action, labelled `label` where the desktop
    /// shows it) calls `on_click`.
    pub fn with_click(label: &str, on_click: OnClick) -> Self {
        DesktopNotifier {
            on_click: Some((label.to_string(), on_click)),
        }
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&self, reminder: &Reminder) -> Result<(), String> {
        let mut n = notify_rust::Notification::new();
        n.appname("Aftercare")
            .summary(&reminder.title)
            .body(&reminder.body);
        #[cfg(all(unix, not(target_os = "macos")))]
        if let Some((label, _)) = &self.on_click {
            n.action("default", label);
        }
        let handle = n.show().map_err(|e| {
            format!("the desktop notification could not be shown ({e}): is a notification service running?")
        })?;
        #[cfg(all(unix, not(target_os = "macos")))]
        if let Some((_, on_click)) = &self.on_click {
            let on_click = on_click.clone();
            let reminder = reminder.clone();
            // Blocks on the D-Bus connection until the click or the close: no wake-up meanwhile
            // (delivery.rs checks this thread's context switches).
            let waiting = std::thread::Builder::new()
                .name("aftercare-click".to_string())
                .spawn(move || {
                    handle.wait_for_action(|action| {
                        if action == "default" {
                            on_click(reminder);
                        }
                    });
                });
            if let Err(e) = waiting {
                // Shown all the same; a click then does nothing, the inbox still has it.
                eprintln!("aftercare: a click on the notification will not be noticed ({e})");
            }
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        drop(handle);
        Ok(())
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
