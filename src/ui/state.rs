//! The one app state behind one signal, and the intents components send. `apply` turns an
//! intent into a use-case call on `app::Aftercare` and then reloads what the screens show;
//! an error becomes a banner with a way forward, never a panic.

use super::{Launch, Shared, Startup};
use crate::app::ShareTarget;
use crate::app::{AccessState, AppError, Clock, RestorePreview, StoreError};
use crate::domain::area::TreatedArea;
use crate::domain::checkin::CheckInDraft;
use crate::domain::delivery::DeliveryState;
use crate::domain::export::report::Report;
use crate::domain::export::{ExportOptions, Format};
use crate::domain::i18n::{fill, Locale};
use crate::domain::photo::{Photo, PhotoDraft, PhotoKind};
use crate::domain::reminders::{Reminder, ReminderKind};
use crate::domain::session::{ChecklistItem, Clinic, SessionDraft};
use crate::domain::settings::Settings;
use crate::domain::status::Status;
use crate::domain::symptoms::Symptom;
use crate::platform::files::read_chosen;
use crate::platform::sled_store::recovery_hint;
use chrono::NaiveDate;
use dioxus::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Which screen is showing.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Today,
    /// The check-in of one date of one session; `None` picks today's.
    CheckIn(Option<(String, NaiveDate)>),
    /// The red-flag advisory for recently reported symptoms (from Today).
    Advisory(Vec<Symptom>),
    Plan,
    Settings,
    Setup,
    Share,
    Photos,
}

/// A message at the top of the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Banner {
    pub error: bool,
    pub text: String,
}

/// What the screens show, loaded from the app after every change.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub status: Status,
    /// Sessions whose plan could not be resolved, said beside the rest.
    pub problems: Vec<String>,
    pub settings: Settings,
    pub inbox: Vec<Reminder>,
    pub locale: Locale,
    /// Every photo's entry (the images are loaded only for the Photos screen).
    pub photos: Vec<Photo>,
}

/// The area and kind the patient is adding a photo for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoTarget {
    pub session: String,
    pub area: TreatedArea,
    pub kind: PhotoKind,
}

/// The store as the window sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    Ready(Box<Data>),
    /// The store is damaged; the message says what the automatic backup holds.
    Recovery(String),
    /// The store cannot be used at all.
    Problem(String),
}

/// The whole UI state.
#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    pub screen: Screen,
    pub banner: Option<Banner>,
    pub loaded: Loaded,
    /// A backup file checked and waiting for the patient's confirmation.
    pub pending_restore: Option<PendingRestore>,
    /// The system locale, for the language and clock format the settings leave open.
    pub system_locale: String,
    /// The notification service found at start, if any (desktop).
    pub notifications: Option<String>,
    /// Reminders while the app is closed: on or off, or `None` where there is no switch.
    pub background: Option<bool>,
    /// The phone's notification permission, where the platform reports one.
    pub access: Option<AccessState>,
    /// What the patient chose on the Share screen.
    pub share: ExportOptions,
    /// The report as it would be shared now (while the Share screen is open).
    pub preview: Option<Result<Report, String>>,
    /// The capture panel of the Photos screen, when open.
    pub photo_target: Option<PhotoTarget>,
    /// A photo the patient asked to delete, waiting for confirmation.
    pub photo_delete: Option<String>,
    /// Small images of the photos (data URLs) by photo id, or why one cannot be shown; kept
    /// across reloads and filled while the Photos or Share screen is open.
    pub photo_images: std::collections::BTreeMap<String, Result<String, String>>,
}

/// A restore the patient has not confirmed yet.
#[derive(Debug, Clone)]
pub struct PendingRestore(pub RestorePreview);

impl PartialEq for PendingRestore {
    fn eq(&self, other: &Self) -> bool {
        self.0.incoming.snapshot == other.0.incoming.snapshot
    }
}

impl UiState {
    /// The state right after start.
    pub fn new(shared: &Shared) -> UiState {
        let launch = shared.lock();
        let mut state = UiState {
            screen: Screen::Today,
            banner: None,
            loaded: Loaded::Problem(String::new()),
            pending_restore: None,
            system_locale: launch.system_locale.clone(),
            notifications: launch.notifications.clone(),
            background: background_state(&launch),
            access: access_state(&launch),
            share: ExportOptions::default(),
            preview: None,
            photo_target: None,
            photo_delete: None,
            photo_images: Default::default(),
        };
        // Today needs only the recent sessions; a window opening on another screen reads
        // everything at once.
        let complete = launch
            .first_screen
            .as_ref()
            .is_some_and(|s| *s != Screen::Today);
        state.loaded = load(&launch, &state.system_locale, complete);
        if let Some(screen) = launch.first_screen.clone() {
            state.screen = screen;
        }
        state.preview = preview(&launch, &state);
        load_photo_images(&launch, &mut state);
        if let Loaded::Ready(data) = &state.loaded {
            if data.status.sessions.is_empty() {
                state.screen = Screen::Setup;
            }
        }
        state
    }

    /// What the screens show, once the store is loaded.
    pub fn data(&self) -> Option<&Data> {
        match &self.loaded {
            Loaded::Ready(d) => Some(d),
            _ => None,
        }
    }

    /// Today's date in the device's zone, once the store is loaded.
    pub fn loaded_today(&self) -> Option<NaiveDate> {
        self.data().map(|d| d.status.today)
    }

    /// The locale in force: the settings' choices, else the system's.
    pub fn locale(&self) -> Locale {
        match &self.loaded {
            Loaded::Ready(d) => d.locale,
            _ => Locale::choose(None, None, &self.system_locale),
        }
    }
}

fn access_state(launch: &Launch) -> Option<AccessState> {
    let access = launch.access.as_ref()?;
    match access.state() {
        Ok(state) => Some(state),
        Err(e) => {
            eprintln!("aftercare: notification permission unknown: {e}");
            None
        }
    }
}

fn background_state(launch: &Launch) -> Option<bool> {
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    return launch.background.as_ref().map(|b| b.is_on());
    #[cfg(any(target_os = "android", target_os = "ios"))]
    {
        let _ = launch;
        None
    }
}

/// The locale of the stored settings (else the system's), before any state exists.
pub fn locale_of(launch: &Launch) -> Locale {
    let settings = match &launch.state {
        Startup::Ready(app) => app.settings().unwrap_or_default(),
        _ => Default::default(),
    };
    Locale::choose(
        settings.language.as_deref(),
        settings.hour24,
        &launch.system_locale,
    )
}

/// Reads what the screens show: everything (`complete`), or only what Today needs, which is
/// how the window opens (the whole history follows right after the first frame).
fn load(launch: &Launch, system_locale: &str, complete: bool) -> Loaded {
    let app = match &launch.state {
        Startup::Ready(app) => app,
        Startup::Damaged(m) => return Loaded::Recovery(m.clone()),
        Startup::Failed(m) => return Loaded::Problem(m.clone()),
    };
    match app.overview(complete) {
        Ok(o) => {
            let locale = Locale::choose(
                o.snapshot.settings.language.as_deref(),
                o.snapshot.settings.hour24,
                system_locale,
            );
            Loaded::Ready(Box::new(Data {
                status: o.status,
                problems: o.problems,
                settings: o.snapshot.settings,
                inbox: o.inbox,
                locale,
                photos: o.snapshot.photos,
            }))
        }
        // The full check of the store, made in the background since the window opened,
        // found it damaged: the recovery screen, as if opening had refused it.
        Err(AppError::Store(e @ StoreError::Damaged { .. })) => {
            Loaded::Recovery(format!("{e}{}", recovery_hint(&launch.dir)))
        }
        Err(e) => Loaded::Problem(e.to_string()),
    }
}

/// What a component asks for.
#[derive(Debug, Clone)]
pub enum Intent {
    Go(Screen),
    DismissBanner,
    AddSession(Box<SessionDraft>),
    RecordCheckIn {
        session: String,
        date: NaiveDate,
        draft: CheckInDraft,
    },
    MarkChecklist {
        session: String,
        item: ChecklistItem,
    },
    SaveSettings(Settings),
    SaveClinic {
        session: String,
        clinic: Clinic,
    },
    OpenReminder(Reminder),
    /// Open the reminder with this id if it is in the inbox (a click that started the app).
    OpenReminderId(String),
    DismissReminders(Vec<Reminder>),
    /// Show a notification now, to see that reminders arrive.
    SendTestReminder,
    /// The platform delivered reminders: read the store again.
    Reload,
    /// Turn reminders while the app is closed on or off.
    SetBackground(bool),
    /// Ask for the notification permission (phones).
    AllowNotifications,
    /// Open the system page for exact alarms (Android).
    AllowExactAlarms,
    /// Change what the Share screen includes.
    SetShare(ExportOptions),
    /// Make a file for the clinic and hand it to the platform (save dialog, share sheet).
    Export(Format),
    /// Open (or, with `None`, close) the capture panel for one area and kind.
    PhotoCapture(Option<PhotoTarget>),
    /// The patient chose or took an image for the open target.
    AddPhoto {
        target: PhotoTarget,
        bytes: Vec<u8>,
    },
    /// Ask to delete a photo (`None` cancels).
    AskDeletePhoto(Option<String>),
    /// Delete a photo (confirmed).
    DeletePhoto(String),
    /// Close (`true`) or reopen the result-photo prompt of a session.
    DismissPhotos {
        session: String,
        dismissed: bool,
    },
    PreviewRestore(PathBuf),
    /// Preview a restore from a backup's bytes (phones: the document picker's file).
    PreviewRestoreBytes(Vec<u8>),
    ConfirmRestore,
    CancelRestore,
    DeleteAll,
    Recover,
    /// A form found a problem before anything was sent.
    Invalid(String),
}

/// The handle components use: the shared app and the state signal.
#[derive(Clone)]
pub struct Ui {
    pub shared: Shared,
    pub state: Signal<UiState>,
}

impl Ui {
    /// Carries out an intent and updates the state.
    pub fn send(&self, intent: Intent) {
        let mut signal = self.state;
        let mut next = signal.peek().clone();
        apply(&self.shared, &mut next, intent);
        signal.set(next);
    }

    /// The locale in force.
    pub fn locale(&self) -> Locale {
        self.state.read().locale()
    }
}

fn ok(state: &mut UiState, text: impl Into<String>) {
    state.banner = Some(Banner {
        error: false,
        text: text.into(),
    });
}

/// Carries out `intent` against the app in `shared`, then reloads `state`.
pub fn apply(shared: &Shared, state: &mut UiState, intent: Intent) {
    let banner_before = state.banner.clone();
    let locale = state.locale();
    let t = locale.t();
    let mut launch = shared.lock();
    let export_dir = launch.export_dir.clone();
    let share: Arc<dyn ShareTarget> = launch.share.clone().unwrap_or_else(|| {
        Arc::new(crate::platform::share::FolderShare {
            dir: export_dir.clone(),
        })
    });
    let notifier = launch.notifier.clone();
    let access = launch.access.clone();
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    let launch_background = launch.background.clone();
    #[cfg(any(target_os = "android", target_os = "ios"))]
    let launch_background = ();
    let changes = !matches!(
        intent,
        Intent::Go(_)
            | Intent::DismissBanner
            | Intent::Invalid(_)
            | Intent::Reload
            | Intent::SendTestReminder
            | Intent::SetShare(_)
            | Intent::Export(_)
            | Intent::PreviewRestore(_)
            | Intent::PhotoCapture(_)
            | Intent::AskDeletePhoto(_)
            | Intent::PreviewRestoreBytes(_)
            | Intent::CancelRestore
            | Intent::AllowNotifications
            | Intent::AllowExactAlarms
    );
    let mut settings_saved = false;
    if let Intent::Recover = intent {
        launch.recover();
        launch.replan();
        state.loaded = load(&launch, &state.system_locale, true);
        state.screen = Screen::Today;
        return;
    }
    let result: Result<(), String> = match &mut launch.state {
        Startup::Ready(app) => {
            let app = app.as_mut();
            match intent {
                Intent::Go(screen) => {
                    state.screen = screen;
                    state.banner = None;
                    Ok(())
                }
                Intent::DismissBanner => {
                    state.banner = None;
                    Ok(())
                }
                Intent::Invalid(message) => Err(message),
                Intent::AddSession(draft) => app
                    .add_session(*draft)
                    .map(|s| {
                        let future = s.is_future(app.clock().now());
                        ok(
                            state,
                            if future {
                                t.setup_saved_future
                            } else {
                                t.setup_saved
                            },
                        );
                        state.screen = Screen::Today;
                        // The moment reminders start to matter: ask once if they are off.
                        if let Some(a) = &access {
                            if a.state().is_ok_and(|s| !s.allowed) {
                                let _ = a.ask();
                            }
                        }
                    })
                    .map_err(|e| e.to_string()),
                Intent::RecordCheckIn {
                    session,
                    date,
                    draft,
                } => app
                    .record_checkin(Some(&session), date, draft)
                    .map(|_| {
                        ok(
                            state,
                            fill(t.checkin_saved, &[("date", &locale.date_long(date))]),
                        );
                        state.screen = Screen::Today;
                    })
                    .map_err(|e| e.to_string()),
                Intent::MarkChecklist { session, item } => app
                    .mark_checklist(&session, &[item])
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Intent::SaveSettings(settings) => app
                    .save_settings(settings)
                    .map(|_| settings_saved = true)
                    .map_err(|e| e.to_string()),
                Intent::SaveClinic { session, clinic } => app
                    .update_clinic(&session, clinic)
                    .map(|_| ok(state, t.clinic_saved))
                    .map_err(|e| e.to_string()),
                Intent::OpenReminder(reminder) => open_reminder(app, state, &reminder),
                Intent::OpenReminderId(id) => match app.inbox() {
                    Ok(inbox) => match inbox.into_iter().find(|r| r.id == id) {
                        Some(reminder) => open_reminder(app, state, &reminder),
                        None => Ok(()),
                    },
                    Err(e) => Err(e.to_string()),
                },
                Intent::SendTestReminder => match notifier {
                    Some(n) => app
                        .send_test_reminder(n.as_ref())
                        .map(|_| ok(state, t.test_reminder_sent))
                        .map_err(|e| e.to_string()),
                    None => Err(t.test_reminder_none.to_string()),
                },
                Intent::Reload => Ok(()),
                Intent::AllowNotifications => match &access {
                    Some(a) => a.ask(),
                    None => Ok(()),
                },
                Intent::AllowExactAlarms => match &access {
                    Some(a) => a.open_exact_settings(),
                    None => Ok(()),
                },
                Intent::SetBackground(on) => set_background(&launch_background, on).map(|_| {
                    ok(
                        state,
                        if on {
                            t.background_on
                        } else {
                            t.background_off
                        },
                    )
                }),
                Intent::DismissReminders(reminders) => app
                    .mark_reminders(&reminders, DeliveryState::Dismissed)
                    .map_err(|e| e.to_string()),
                Intent::Export(format) => {
                    export_and_share(app, share.as_ref(), format, &state.share)
                        .map(|saved| shared_banner(state, t, saved))
                }
                Intent::PhotoCapture(target) => {
                    state.photo_target = target;
                    state.banner = None;
                    Ok(())
                }
                Intent::AddPhoto { target, bytes } => app
                    .add_photo(
                        PhotoDraft {
                            session: target.session,
                            area: target.area,
                            kind: target.kind,
                        },
                        &bytes,
                    )
                    .map(|_| {
                        state.photo_target = None;
                        ok(state, t.photo_saved);
                    })
                    .map_err(|e| e.to_string()),
                Intent::AskDeletePhoto(id) => {
                    state.photo_delete = id;
                    Ok(())
                }
                Intent::DeletePhoto(id) => {
                    state.photo_delete = None;
                    app.delete_photo(&id)
                        .map(|_| {
                            state.photo_images.remove(&id);
                            state.share.photos.retain(|p| p != &id);
                            ok(state, t.photo_deleted);
                        })
                        .map_err(|e| e.to_string())
                }
                Intent::DismissPhotos { session, dismissed } => app
                    .dismiss_photos(&session, dismissed)
                    .map_err(|e| e.to_string()),
                Intent::SetShare(mut options) => {
                    // A photo stays ticked only while its session is chosen.
                    let photos = app.snapshot().map(|s| s.photos).unwrap_or_default();
                    let chosen = |session: &str| {
                        options.sessions.is_empty() || options.sessions.iter().any(|s| s == session)
                    };
                    options
                        .photos
                        .retain(|id| photos.iter().any(|p| &p.id == id && chosen(&p.session)));
                    state.share = options;
                    Ok(())
                }
                Intent::PreviewRestore(path) => preview_restore(
                    app,
                    state,
                    read_chosen(&path, crate::domain::backup::MAX_BACKUP_BYTES).as_deref(),
                ),
                Intent::PreviewRestoreBytes(bytes) => {
                    preview_restore(app, state, Ok(bytes.as_slice()))
                }
                Intent::ConfirmRestore => match state.pending_restore.take() {
                    Some(PendingRestore(preview)) => app
                        .restore(preview)
                        .map(|_| {
                            state.photo_images.clear();
                            ok(state, t.restore_done)
                        })
                        .map_err(|e| e.to_string()),
                    None => Ok(()),
                },
                Intent::CancelRestore => {
                    state.pending_restore = None;
                    Ok(())
                }
                Intent::DeleteAll => app
                    .delete_all()
                    .map(|_| {
                        state.photo_images.clear();
                        ok(state, t.delete_done);
                        state.screen = Screen::Setup;
                    })
                    .map_err(|e| e.to_string()),
                Intent::Recover => Ok(()),
            }
        }
        _ => Ok(()),
    };
    if changes && result.is_ok() {
        launch.replan();
    }
    state.loaded = load(&launch, &state.system_locale, true);
    if let (Loaded::Recovery(message), Startup::Ready(_)) = (&state.loaded, &launch.state) {
        // The background check found the store damaged: let go of it, as if opening had
        // refused it, so that nothing (the reminder timer included) uses it any more.
        launch.state = Startup::Damaged(message.clone());
    }
    // What the background check of the store repaired (an automatic backup written again),
    // said once, with the first full load whose intent has nothing of its own to say.
    if state.banner == banner_before {
        if let Some(text) = launch.take_notice() {
            state.banner = Some(Banner { error: true, text });
        }
    }
    state.preview = preview(&launch, state);
    load_photo_images(&launch, state);
    state.background = background_state(&launch);
    state.access = access_state(&launch);
    if settings_saved {
        // Said in the language just chosen.
        ok(state, state.locale().t().settings_saved);
    }
    if let Err(message) = result {
        let t = state.locale().t();
        state.banner = Some(Banner {
            error: true,
            text: format!("{} {message}. {}", t.error_prefix, t.error_way_forward),
        });
    }
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn set_background(
    switch: &Option<crate::platform::background::Background>,
    on: bool,
) -> Result<(), String> {
    match switch {
        Some(b) if on => b.turn_on(),
        Some(b) => b.turn_off(),
        None => Err("this system has no background reminders".into()),
    }
}

#[cfg(any(target_os = "android", target_os = "ios"))]
fn set_background(_: &(), _: bool) -> Result<(), String> {
    Err("phones deliver reminders through the system".into())
}

/// Marks a reminder opened and goes to its screen (a test reminder is not logged).
fn open_reminder<S: crate::app::Store, C: crate::app::Clock>(
    app: &mut crate::app::Aftercare<S, C>,
    state: &mut UiState,
    reminder: &Reminder,
) -> Result<(), String> {
    if reminder.kind != ReminderKind::Test {
        app.mark_reminders(std::slice::from_ref(reminder), DeliveryState::Opened)
            .map_err(|e| e.to_string())?;
    }
    state.banner = None;
    state.screen = match reminder.kind {
        ReminderKind::Checkin | ReminderKind::CheckinFollowup => {
            Screen::CheckIn(Some((reminder.session.clone(), reminder.date)))
        }
        ReminderKind::Photo | ReminderKind::PhotoFollowup => Screen::Photos,
        _ => Screen::Today,
    };
    Ok(())
}

/// Checks a backup's bytes and shows what restoring it would replace, for confirmation. A
/// file that cannot be read or is refused also withdraws an earlier file's confirmation, so
/// that "Replace" never restores a file other than the one just chosen.
fn preview_restore<S: crate::app::Store, C: crate::app::Clock>(
    app: &crate::app::Aftercare<S, C>,
    state: &mut UiState,
    bytes: Result<&[u8], &String>,
) -> Result<(), String> {
    state.pending_restore = None;
    let bytes = bytes.map_err(String::clone)?;
    let preview = app.preview_restore(bytes).map_err(|e| e.to_string())?;
    state.banner = None;
    state.pending_restore = Some(PendingRestore(preview));
    Ok(())
}

/// A file handed over: its name, where it went, and the characters no font on the device
/// has (PDF only; they print as empty boxes).
type SharedFile = (String, String, Vec<char>);

/// Makes the file and hands it over; `None` when the patient cancelled the dialog.
fn export_and_share<S: crate::app::Store, C: crate::app::Clock>(
    app: &crate::app::Aftercare<S, C>,
    share: &dyn ShareTarget,
    format: Format,
    options: &ExportOptions,
) -> Result<Option<SharedFile>, String> {
    let file = app.export(format, options).map_err(|e| e.to_string())?;
    Ok(share
        .share(&file)?
        .map(|place| (file.name, place, file.missing_glyphs)))
}

fn shared_banner(state: &mut UiState, t: &crate::domain::i18n::Texts, saved: Option<SharedFile>) {
    let Some((name, place, missing)) = saved else {
        state.banner = None;
        return;
    };
    let mut text = if place == crate::platform::phone_share::OPENED {
        fill(t.share_opened, &[("name", &name)])
    } else {
        fill(t.share_saved, &[("name", &name), ("place", &place)])
    };
    if !missing.is_empty() {
        let chars = missing
            .iter()
            .map(char::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        text = format!(
            "{text} {}",
            fill(t.share_missing_glyphs, &[("chars", &chars)])
        );
    }
    ok(state, text);
}

/// Makes the small images the Photos and Share screens show, once per photo.
fn load_photo_images(launch: &Launch, state: &mut UiState) {
    if !matches!(state.screen, Screen::Photos | Screen::Share) {
        return;
    }
    let (Startup::Ready(app), Some(data)) = (&launch.state, state.data()) else {
        return;
    };
    let ids: Vec<String> = data
        .photos
        .iter()
        .map(|p| p.id.clone())
        .filter(|id| !state.photo_images.contains_key(id))
        .collect();
    for id in ids {
        let image = app
            .photo_image(&id)
            .map_err(|e| e.to_string())
            .and_then(|jpeg| crate::domain::photo::thumbnail(&jpeg, 480).map_err(|e| e.to_string()))
            .map(|small| {
                use base64::Engine;
                format!(
                    "data:image/jpeg;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(small)
                )
            });
        state.photo_images.insert(id, image);
    }
}

/// The report the Share screen previews, built only while that screen is open.
fn preview(launch: &Launch, state: &UiState) -> Option<Result<Report, String>> {
    if state.screen != Screen::Share {
        return None;
    }
    match &launch.state {
        Startup::Ready(app) => Some(app.report(&state.share).map_err(|e| e.to_string())),
        _ => None,
    }
}
