//! The in-process reminder timer of the desktop app: one thread that delivers what is due,
//! then sleeps until the next reminder (no polling) or until the plan changes.
//!
//! The thread locks the shared app only to deliver and to find the next instant. It wakes
//! for: the next reminder's instant (a realtime timer, so a wake from suspend counts),
//! `Alarm::ring` after every change the patient makes, a change of the wall clock, and at
//! the latest after [`RECHECK`] (which catches a change of the time zone). A notification
//! that cannot be shown is retried after [`RETRY`]; until then it waits in the inbox.

use super::{AppEvent, Shared, Startup};
use crate::app::{Clock, ReminderSync};
use crate::domain::reminders::Reminder;
use crate::platform::alarm::{after, Alarm};
use crate::platform::notify::DesktopNotifier;
use futures_channel::mpsc::UnboundedSender;
use std::sync::Arc;
use std::time::Duration;

/// The longest sleep: a zone change moves local reminder times and is noticed by then.
pub const RECHECK: Duration = Duration::from_secs(15 * 60);
/// The wait before trying again when the notification service did not answer.
pub const RETRY: Duration = Duration::from_secs(5 * 60);

/// A notifier whose clicks reach the window as [`AppEvent::Clicked`].
pub fn clickable(events: &UnboundedSender<AppEvent>, open_label: &str) -> DesktopNotifier {
    let clicks = events.clone();
    DesktopNotifier::with_click(
        open_label,
        Arc::new(move |r| {
            let _ = clicks.unbounded_send(AppEvent::Clicked(r));
        }),
    )
}

/// Rings the timer's alarm after every change, so it plans again.
pub struct AlarmSync(pub Alarm);

impl ReminderSync for AlarmSync {
    fn replan(&self, _upcoming: &[Reminder]) {
        self.0.ring();
    }
}

/// Starts the timer thread; what it delivers and what is clicked reaches the window through
/// `events`.
pub fn start(
    shared: Shared,
    alarm: Alarm,
    notifier: DesktopNotifier,
    events: UnboundedSender<AppEvent>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("aftercare-reminders".into())
        .spawn(move || loop {
            let wait = step(&shared, &notifier, &events);
            if let Err(e) = alarm.wait_until(Some(after(wait))) {
                eprintln!(
                    "aftercare: the reminder timer failed ({e}); reminders wait in the inbox"
                );
                return;
            }
        })?;
    Ok(())
}

/// Delivers what is due and says how long to sleep.
fn step(
    shared: &Shared,
    notifier: &DesktopNotifier,
    events: &UnboundedSender<AppEvent>,
) -> Duration {
    let mut launch = shared.lock();
    let Startup::Ready(app) = &mut launch.state else {
        return RECHECK;
    };
    match app.deliver_due(notifier) {
        Ok(delivered) => {
            if !delivered.is_empty() {
                let _ = events.unbounded_send(AppEvent::Delivered);
            }
        }
        Err(e) => {
            eprintln!("aftercare: {e}");
            let _ = events.unbounded_send(AppEvent::Delivered);
            return RETRY;
        }
    }
    let now = app.clock().now();
    match app.next_due_at() {
        Ok(Some(at)) => (at - now).to_std().unwrap_or_default().min(RECHECK),
        Ok(None) => RECHECK,
        Err(e) => {
            eprintln!("aftercare: {e}");
            RETRY
        }
    }
}
