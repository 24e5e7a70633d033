//! Desktop notifications through notify-rust (D-Bus on Linux, the notification centre on
//! macOS, toasts on Windows). Not built for Android and iOS, which have their own adapters.
//!
//! Clicks: on Linux and the BSDs a notification that a click should open carries a default
//! action; it is shown over its own D-Bus connection ([`click`]), and a small thread per
//! notification blocks on that connection until the click or the close and hands the reminder
//! to `on_click`. notify-rust's own wait (its libdbus backend, the one linked: a smaller binary
//! than its zbus one) wakes once a second, so that part is ours. notify-rust reports no clicks
//! on macOS and Windows; there the patient finds the reminder in the inbox on Today.

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

/// The message when the notification service does not take a notification.
/// Why a reminder was not shown, in words a patient can act on. The service's own error
/// (D-Bus addresses, "autolaunch") says nothing to them and is left out.
fn not_shown(_e: impl std::fmt::Display) -> String {
    "the reminder could not be shown: no desktop notification service answered. Log in to a desktop session (or start its notification service), or open Aftercare: Today lists the reminders that are due".into()
}

impl Notifier for DesktopNotifier {
    fn notify(&self, reminder: &Reminder) -> Result<(), String> {
        #[cfg(all(unix, not(target_os = "macos")))]
        if let Some((label, on_click)) = &self.on_click {
            match click::Listener::subscribe() {
                Ok(listener) => return listener.show_and_wait(reminder, label, on_click.clone()),
                // Shown below without its action; the inbox on Today still has it.
                Err(e) => click_unnoticed(e),
            }
        }
        notify_rust::Notification::new()
            .appname(APP_NAME)
            .summary(&reminder.title)
            .body(&reminder.body)
            .show()
            .map_err(not_shown)?;
        Ok(())
    }
}

/// Says that a shown notification's click will do nothing (the inbox on Today still has it).
#[cfg(all(unix, not(target_os = "macos")))]
fn click_unnoticed(e: impl std::fmt::Display) {
    eprintln!("aftercare: a click on the notification will not be noticed ({e})");
}

/// The name notifications show as their sender.
const APP_NAME: &str = "Aftercare";

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

/// A clickable notification, shown and waited for over its own session-bus connection.
///
/// The notification service sends a click (`ActionInvoked`) to the connection that showed
/// the notification, so the connection that waits is the one that shows it.
#[cfg(all(unix, not(target_os = "macos")))]
mod click {
    use super::OnClick;
    use crate::domain::reminders::Reminder;
    use dbus::arg::{RefArg, Variant};
    use dbus::blocking::Connection;
    use dbus::message::{MatchRule, MessageType};
    use std::collections::HashMap;
    use std::time::Duration;

    const SERVICE: &str = "org.freedesktop.Notifications";
    const PATH: &str = "/org/freedesktop/Notifications";
    const BUS: &str = "org.freedesktop.DBus";

    /// How a notification's wait ended.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Outcome {
        /// The patient clicked it (its default action).
        Clicked,
        /// It was closed, another of its actions was chosen, or the service or the bus went
        /// away.
        Ended,
    }

    /// A session-bus connection that hears the notification service's signals.
    pub struct Listener(Connection);

    impl Listener {
        /// Connects and subscribes to the service's `ActionInvoked` and `NotificationClosed`,
        /// before any notification is shown, so that no click can come first; and to the
        /// service's name changing hands (it stopped or restarted), which ends every wait.
        pub fn subscribe() -> Result<Listener, dbus::Error> {
            let connection = Connection::new_session()?;
            for member in ["ActionInvoked", "NotificationClosed"] {
                let rule = MatchRule::new_signal(SERVICE, member)
                    .with_path(PATH)
                    .with_sender(SERVICE);
                connection.add_match_no_cb(&rule.match_str())?;
            }
            let owner = format!(
                "{},arg0='{SERVICE}'",
                MatchRule::new_signal(BUS, "NameOwnerChanged")
                    .with_sender(BUS)
                    .match_str()
            );
            connection.add_match_no_cb(&owner)?;
            Ok(Listener(connection))
        }

        /// Shows `reminder` with a default action labelled `label`, and hands it to
        /// `on_click` when it is clicked: a thread (`aftercare-click`) blocks on this
        /// connection until the click or the close, with no wake-up meanwhile (delivery.rs
        /// checks its context switches).
        pub fn show_and_wait(
            self,
            reminder: &Reminder,
            label: &str,
            on_click: OnClick,
        ) -> Result<(), String> {
            let id = self.show(reminder, label).map_err(super::not_shown)?;
            let reminder = reminder.clone();
            let waiting = std::thread::Builder::new()
                .name("aftercare-click".to_string())
                .spawn(move || {
                    if self.wait(id) == Outcome::Clicked {
                        on_click(reminder);
                    }
                });
            // Shown all the same when the thread cannot start.
            if let Err(e) = waiting {
                super::click_unnoticed(e);
            }
            Ok(())
        }

        /// Shows `reminder` with a default action labelled `label` (what a click does);
        /// returns the notification's id.
        fn show(&self, reminder: &Reminder, label: &str) -> Result<u32, dbus::Error> {
            let hints: HashMap<&str, Variant<Box<dyn RefArg>>> = HashMap::new();
            let proxy = self.0.with_proxy(SERVICE, PATH, Duration::from_secs(5));
            let (id,): (u32,) = proxy.method_call(
                SERVICE,
                "Notify",
                (
                    super::APP_NAME,
                    0u32,
                    "",
                    reminder.title.as_str(),
                    reminder.body.as_str(),
                    vec!["default", label],
                    hints,
                    -1i32,
                ),
            )?;
            Ok(id)
        }

        /// Blocks until notification `id` is clicked or closed, or the service that showed
        /// it goes away (a restarted service forgets its notifications and never closes
        /// them). The thread sleeps in the kernel between the bus's messages: no timeout, no
        /// polling.
        fn wait(self, id: u32) -> Outcome {
            let channel = self.0.channel();
            loop {
                while let Some(message) = channel.pop_message() {
                    if message.msg_type() != MessageType::Signal {
                        continue;
                    }
                    if message.interface().as_deref() == Some(BUS) {
                        if message.member().as_deref() == Some("NameOwnerChanged")
                            && message.read1::<&str>().ok() == Some(SERVICE)
                        {
                            return Outcome::Ended;
                        }
                        continue;
                    }
                    if message.interface().as_deref() != Some(SERVICE) {
                        continue;
                    }
                    match message.member().as_deref() {
                        Some("ActionInvoked") => {
                            if let Ok((nid, action)) = message.read2::<u32, &str>() {
                                if nid == id {
                                    return if action == "default" {
                                        Outcome::Clicked
                                    } else {
                                        Outcome::Ended
                                    };
                                }
                            }
                        }
                        Some("NotificationClosed") => {
                            if let Ok((nid, _reason)) = message.read2::<u32, u32>() {
                                if nid == id {
                                    return Outcome::Ended;
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if channel.read_write(None).is_err() {
                    return Outcome::Ended;
                }
            }
        }
    }
}
