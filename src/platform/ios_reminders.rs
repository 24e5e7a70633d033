//! iOS reminders through UNUserNotificationCenter: authorisation, one calendar-triggered
//! request per reminder in a rolling window below the system's 64-pending limit (refilled at
//! every start and change), presentation while the app is in the foreground, and taps.
//!
//! Calendar triggers carry local wall-clock date components, so iOS fires them at that
//! local time in whatever zone the phone is in, as PRODUCT.md asks of reminder times.

use crate::app::{AccessState, NotificationAccess, Notifier, ReminderSync};
use crate::domain::reminders::Reminder;
use block2::{DynBlock, RcBlock};
use chrono::{Datelike, Timelike};
use objc2::rc::Retained;
use objc2::runtime::{Bool, ProtocolObject};
use objc2::{define_class, msg_send, AnyThread};
use objc2_foundation::{NSDateComponents, NSError, NSObject, NSObjectProtocol, NSString};
use objc2_user_notifications::{
    UNAuthorizationOptions, UNAuthorizationStatus, UNCalendarNotificationTrigger,
    UNMutableNotificationContent, UNNotification, UNNotificationPresentationOptions,
    UNNotificationRequest, UNNotificationResponse, UNNotificationSettings, UNNotificationSound,
    UNNotificationTrigger, UNUserNotificationCenter, UNUserNotificationCenterDelegate,
};
use std::ptr::NonNull;
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Pending requests kept armed: below iOS's limit of 64, with room for a test reminder.
pub const WINDOW: usize = 60;

/// The id of the last notification the patient tapped, until the app takes it.
static TAPPED: Mutex<Option<String>> = Mutex::new(None);

/// What a tap does while the app runs: hands the reminder id to the window.
type OnTap = Box<dyn Fn(String) + Send>;
static ON_TAP: Mutex<Option<OnTap>> = Mutex::new(None);

define_class!(
    #[unsafe(super(NSObject))]
    #[name = "AftercareNotificationDelegate"]
    #[ivars = ()]
    struct Delegate;

    unsafe impl NSObjectProtocol for Delegate {}

    unsafe impl UNUserNotificationCenterDelegate for Delegate {
        #[unsafe(method(userNotificationCenter:willPresentNotification:withCompletionHandler:))]
        fn will_present(
            &self,
            _center: &UNUserNotificationCenter,
            _notification: &UNNotification,
            handler: &DynBlock<dyn Fn(UNNotificationPresentationOptions)>,
        ) {
            // Shown as a banner with sound even while Aftercare is open.
            handler.call((UNNotificationPresentationOptions::Banner
                | UNNotificationPresentationOptions::Sound
                | UNNotificationPresentationOptions::List,));
        }

        #[unsafe(method(userNotificationCenter:didReceiveNotificationResponse:withCompletionHandler:))]
        fn did_receive(
            &self,
            _center: &UNUserNotificationCenter,
            response: &UNNotificationResponse,
            handler: &DynBlock<dyn Fn()>,
        ) {
            let id = response.notification().request().identifier().to_string();
            let handled = match ON_TAP.lock() {
                Ok(on_tap) => match on_tap.as_ref() {
                    Some(f) => {
                        f(id.clone());
                        true
                    }
                    None => false,
                },
                Err(_) => false,
            };
            if !handled {
                if let Ok(mut tapped) = TAPPED.lock() {
                    *tapped = Some(id);
                }
            }
            handler.call(());
        }
    }
);

impl Delegate {
    fn new() -> Retained<Self> {
        let this = Self::alloc().set_ivars(());
        // SAFETY: NSObject's init on a freshly allocated object.
        unsafe { msg_send![super(this), init] }
    }
}

/// The delegate lives for the whole process: the centre holds it weakly.
struct KeptDelegate(Retained<Delegate>);
// SAFETY: the delegate has no state of its own (TAPPED is a Mutex) and NSObject's
// reference counting is thread-safe.
unsafe impl Send for KeptDelegate {}
unsafe impl Sync for KeptDelegate {}
static DELEGATE: OnceLock<KeptDelegate> = OnceLock::new();

/// The iOS adapter (stateless: everything lives in the notification centre).
pub struct IosReminders;

fn center() -> Retained<UNUserNotificationCenter> {
    UNUserNotificationCenter::currentNotificationCenter()
}

impl IosReminders {
    /// Sets the delegate and asks for authorisation (iOS asks the patient only once).
    pub fn install() -> IosReminders {
        let delegate = DELEGATE.get_or_init(|| KeptDelegate(Delegate::new()));
        center().setDelegate(Some(ProtocolObject::from_ref(&*delegate.0)));
        request_authorization();
        IosReminders
    }

    /// From now on, taps go to `on_tap` (the window is up).
    pub fn on_tap(&self, on_tap: impl Fn(String) + Send + 'static) {
        if let Ok(mut slot) = ON_TAP.lock() {
            *slot = Some(Box::new(on_tap));
        }
    }

    /// The reminder whose tap opened the app, once.
    pub fn take_tapped(&self) -> Option<String> {
        TAPPED.lock().ok().and_then(|mut t| t.take())
    }
}

fn request_authorization() {
    let done = RcBlock::new(|_granted: Bool, _err: *mut NSError| {});
    center().requestAuthorizationWithOptions_completionHandler(
        UNAuthorizationOptions::Alert
            | UNAuthorizationOptions::Sound
            | UNAuthorizationOptions::Badge,
        &done,
    );
}

/// A request for `reminder`: at its local date and time, or at once without a trigger.
fn request(reminder: &Reminder, at_once: bool) -> Retained<UNNotificationRequest> {
    let content = UNMutableNotificationContent::new();
    content.setTitle(&NSString::from_str(&reminder.title));
    content.setBody(&NSString::from_str(&reminder.body));
    content.setSound(Some(&UNNotificationSound::defaultSound()));
    content.setThreadIdentifier(&NSString::from_str(reminder.kind.id()));
    let id = NSString::from_str(&reminder.id);
    if at_once {
        return UNNotificationRequest::requestWithIdentifier_content_trigger(&id, &content, None);
    }
    let local = reminder.at.naive_local();
    let when = NSDateComponents::new();
    when.setYear(local.year() as isize);
    when.setMonth(local.month() as isize);
    when.setDay(local.day() as isize);
    when.setHour(local.hour() as isize);
    when.setMinute(local.minute() as isize);
    let calendar =
        UNCalendarNotificationTrigger::triggerWithDateMatchingComponents_repeats(&when, false);
    let trigger: &UNNotificationTrigger = &calendar;
    UNNotificationRequest::requestWithIdentifier_content_trigger(&id, &content, Some(trigger))
}

impl ReminderSync for IosReminders {
    fn replan(&self, upcoming: &[Reminder]) {
        let center = center();
        // The window is replaced as a whole: the same ids give the same requests again.
        center.removeAllPendingNotificationRequests();
        for reminder in upcoming.iter().take(WINDOW) {
            let done = RcBlock::new(|err: *mut NSError| {
                if !err.is_null() {
                    eprintln!("aftercare: a reminder could not be scheduled");
                }
            });
            center.addNotificationRequest_withCompletionHandler(
                &request(reminder, false),
                Some(&done),
            );
        }
    }
}

impl Notifier for IosReminders {
    fn notify(&self, reminder: &Reminder) -> Result<(), String> {
        center().addNotificationRequest_withCompletionHandler(&request(reminder, true), None);
        Ok(())
    }
}

impl NotificationAccess for IosReminders {
    fn state(&self) -> Result<AccessState, String> {
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let done = RcBlock::new(move |settings: NonNull<UNNotificationSettings>| {
            // SAFETY: the centre passes a valid settings object for the call's duration.
            let status = unsafe { settings.as_ref() }.authorizationStatus();
            if let Ok(tx) = tx.lock() {
                let _ = tx.send(status);
            }
        });
        center().getNotificationSettingsWithCompletionHandler(&done);
        let status = rx
            .recv_timeout(Duration::from_secs(2))
            .map_err(|_| "iOS did not say whether notifications are allowed".to_string())?;
        Ok(AccessState {
            allowed: status == UNAuthorizationStatus::Authorized
                || status == UNAuthorizationStatus::Provisional
                || status == UNAuthorizationStatus::Ephemeral,
            exact: None,
        })
    }

    fn ask(&self) -> Result<(), String> {
        request_authorization();
        Ok(())
    }

    fn open_exact_settings(&self) -> Result<(), String> {
        Ok(())
    }
}
