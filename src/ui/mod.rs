//! The Dioxus shell: opens the store for the app and shows one screen at a time (Today,
//! Check-in, Plan, Settings, Set-up, the red-flag advisory, Share, Photos) or the recovery
//! screen. Components read the one state signal and send intents (`state::Intent`); they
//! never read the clock or the disk themselves. All text comes from `domain::i18n`.

mod checkin;
mod photos;
mod plan;
mod settings;
mod setup;
mod share;
pub mod state;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
mod timer;
mod today;
mod widgets;

use crate::app::Aftercare;
use crate::app::{NotificationAccess, Notifier, ReminderSync, ShareTarget, StoreError};
use crate::domain::reminders::Reminder;
use crate::platform::clock::RunClock;
use crate::platform::sled_store::recovery_hint;
use crate::platform::sled_store::SledStore;
use dioxus::prelude::*;
use futures_channel::mpsc::UnboundedReceiver;
use futures_util::StreamExt;
use state::{Intent, Loaded, Screen, Ui, UiState};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const CSS: &str = include_str!("../../assets/main.css");

/// The interface font where the system's `sans-serif` is not it. Every family a page names
/// that the system lacks costs the webview a font search before the first frame (on Linux,
/// about 100 ms for the four cross-platform names the stylesheet used to list), so each
/// platform names only its own. Linux and Android use `sans-serif` from the stylesheet
/// (fontconfig's choice; Roboto on Android).
#[cfg(any(target_os = "macos", target_os = "ios"))]
const FONT_CSS: &str = "body { font-family: -apple-system, system-ui, sans-serif; }";
#[cfg(target_os = "windows")]
const FONT_CSS: &str = "body { font-family: system-ui, sans-serif; }";
#[cfg(not(any(target_os = "macos", target_os = "ios", target_os = "windows")))]
const FONT_CSS: &str = "";

/// The app as opened at start: ready, or why not.
pub enum Startup {
    Ready(Box<Aftercare<SledStore, RunClock>>),
    /// The store is damaged; recovery from the automatic backup is offered.
    Damaged(String),
    /// The store cannot be used (already open, newer schema, IO).
    Failed(String),
}

/// What the window needs: the data folder, the clock and the opened app.
pub struct Launch {
    pub dir: PathBuf,
    pub clock: RunClock,
    pub state: Startup,
    /// The system locale ("es-ES"), for what the settings leave to the system.
    pub system_locale: String,
    /// Where backups the patient saves go.
    pub export_dir: PathBuf,
    /// The notification service found at start (desktop), if any.
    pub notifications: Option<String>,
    /// The repair notice of the store's full check has been shown (see `take_notice`).
    notice_told: bool,
    /// What the last recovery could not bring back, to be told once (see `take_notice`).
    recovery_notice: Option<String>,
    /// The screen to open on instead of Today.
    pub first_screen: Option<Screen>,
    /// Report the first frame (smoke test, start-up benchmark).
    pub first_frame: Option<FirstFrame>,
    /// Open the screen of this reminder (by id) at start: what a notification click runs.
    pub open_reminder: Option<String>,
    /// Keeps the platform's reminder machinery in step after every change.
    pub sync: Option<Arc<dyn ReminderSync>>,
    /// Shows notifications now ("send a test reminder").
    pub notifier: Option<Arc<dyn Notifier + Send + Sync>>,
    /// The phone's notification permission (Android, iOS).
    pub access: Option<Arc<dyn NotificationAccess>>,
    /// Where shared files go (desktop: the save dialog; phones: the share sheet); `None`
    /// saves into `export_dir`.
    pub share: Option<Arc<dyn ShareTarget>>,
    /// What the platform tells the window (delivered reminders, clicks); taken once.
    pub events: Option<UnboundedReceiver<AppEvent>>,
    /// The switch for reminders while the app is closed (Linux: a systemd user timer).
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    pub background: Option<crate::platform::background::Background>,
}

/// What the platform tells the window while it runs.
#[derive(Debug, Clone)]
pub enum AppEvent {
    /// Reminders were delivered: reload (the inbox shows them).
    Delivered,
    /// The patient clicked (tapped) this reminder's notification: open its screen.
    Clicked(Reminder),
    /// As `Clicked`, where the platform knows only the reminder's id (iOS).
    ClickedId(String),
}

/// What to do once the first frame is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstFrame {
    /// Print `aftercare-first-frame: <heading>` and keep running.
    Print,
    /// Print it and exit.
    Exit,
}

/// Resolves in the webview once the page has been painted (two animation frames).
const AFTER_PAINT_JS: &str = r#"
await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
return 0;
"#;

/// Runs in the webview after two animation frames, so the page has been painted.
const FIRST_FRAME_JS: &str = r#"
await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
const h = document.querySelector("main h1");
return h ? h.textContent : "";
"#;

impl Launch {
    /// Opens the store in `dir` in the system's locale; a damaged or busy store becomes a
    /// screen, not a crash.
    pub fn open(dir: PathBuf, clock: RunClock) -> Self {
        Self::open_in_locale(dir, clock, &crate::platform::locale::system_locale())
    }

    /// Opens the store in `dir` as if the system locale were `locale` ("es-ES").
    pub fn open_in_locale(dir: PathBuf, clock: RunClock, locale: &str) -> Self {
        // The full check of the store runs in the background; what it finds reaches the
        // window with the first full load (`Loaded::Recovery`, or a banner for a repair).
        let state = match SledStore::open_unchecked(&dir, Box::new(clock)) {
            Ok(store) => Startup::Ready(Box::new(crate::platform::photos::open_app(
                store, clock, locale,
            ))),
            Err(e @ StoreError::Damaged { .. }) => {
                Startup::Damaged(format!("{e}{}", recovery_hint(&dir)))
            }
            Err(e) => Startup::Failed(e.to_string()),
        };
        Launch {
            export_dir: crate::platform::paths::export_dir(&dir),
            dir,
            clock,
            state,
            system_locale: locale.to_string(),
            notifications: None,
            notice_told: false,
            recovery_notice: None,
            first_screen: None,
            first_frame: None,
            open_reminder: None,
            sync: None,
            notifier: None,
            access: None,
            share: None,
            events: None,
            #[cfg(not(any(target_os = "android", target_os = "ios")))]
            background: None,
        }
    }

    /// Tells the platform's reminder machinery that the plan may have changed.
    pub fn replan(&self) {
        if let (Some(sync), Startup::Ready(app)) = (&self.sync, &self.state) {
            match app.upcoming() {
                Ok(upcoming) => sync.replan(&upcoming),
                Err(e) => eprintln!("aftercare: reminders not re-armed: {e}"),
            }
        }
    }

    /// What the store's full check (in the background since the window opened) repaired,
    /// once; `None` afterwards. Waits for the check.
    pub fn take_notice(&mut self) -> Option<String> {
        if let Some(notice) = self.recovery_notice.take() {
            return Some(notice);
        }
        if self.notice_told {
            return None;
        }
        let Startup::Ready(app) = &self.state else {
            return None;
        };
        self.notice_told = true;
        app.store().notice()
    }

    /// Rebuilds the store from the automatic backup.
    pub fn recover(&mut self) {
        // The damaged store, if this window opened it, lets go of the folder first.
        self.state = Startup::Failed(String::new());
        self.state = match SledStore::recover(&self.dir, self.clock) {
            Ok(recovery) => {
                self.recovery_notice = (recovery.lost > 0).then(|| {
                    format!(
                        "{} save(s) made after the automatic backup could not be recovered: check the last days' check-ins and enter what is missing again",
                        recovery.lost
                    )
                });
                Startup::Ready(Box::new(crate::platform::photos::open_app(
                    recovery.store,
                    self.clock,
                    &self.system_locale,
                )))
            }
            Err(e) => Startup::Failed(format!("Recovery failed: {e}")),
        };
    }
}

/// The shared handle on the opened app.
#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<Launch>>);

impl Shared {
    /// Wraps a launch.
    pub fn new(launch: Launch) -> Self {
        Shared(Arc::new(Mutex::new(launch)))
    }

    /// The launch, even after a panic elsewhere poisoned the lock.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Launch> {
        match self.0.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// Prepares the process for the webview; `main` calls it first, before any thread starts
/// (changing the environment later would race with threads that read it).
///
/// Every file and folder the process makes is owner-only from here on, whatever the umask
/// it was started with (`files::owner_only_from_now_on`).
///
/// Linux: WebKitGTK draws pages with Skia on the GPU by default. Without a hardware GPU
/// (virtual machines, remote desktops, software GL) that GPU is Mesa's llvmpipe, which
/// compiles every shader the first frame needs: about 115 ms of Today's first frame on the
/// benchmark machine, where the bare hello-world needs few (docs/performance.md). Aftercare's
/// screens are a few still cards that Skia's CPU raster draws quickly with or without a GPU,
/// so the app asks WebKit for it (`WEBKIT_SKIA_ENABLE_CPU_RENDERING`) unless the environment
/// already sets that variable.
pub fn prepare_process() {
    crate::platform::files::owner_only_from_now_on();
    #[cfg(all(target_os = "linux", feature = "desktop"))]
    if std::env::var_os("WEBKIT_SKIA_ENABLE_CPU_RENDERING").is_none() {
        std::env::set_var("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1");
    }
}

/// Opens the window (desktop) or the app (mobile).
pub fn launch(mut launch: Launch) {
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    if launch.share.is_none() {
        launch.share = Some(Arc::new(crate::platform::share::SaveDialog {
            dir: launch.export_dir.clone(),
        }));
    }
    #[cfg(any(target_os = "android", target_os = "ios"))]
    if launch.share.is_none() {
        let title = state::locale_of(&launch).t().share_title;
        launch.share = Some(crate::platform::phone_share::PhoneShare::shared(title));
    }
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    let shared = desktop_reminders(launch);
    #[cfg(any(target_os = "android", target_os = "ios"))]
    let shared = Shared::new(phone_reminders(launch));
    shared.lock().replan();
    let builder = dioxus::LaunchBuilder::new().with_context(shared);
    #[cfg(feature = "desktop")]
    let builder = {
        use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
        builder.with_cfg(
            Config::new().with_menu(None).with_window(
                WindowBuilder::new()
                    .with_title("Aftercare")
                    .with_inner_size(LogicalSize::new(420.0, 860.0)),
            ),
        )
    };
    builder.launch(App);
}

/// Desktop: the notification service's name, the clickable notifier, and the in-process
/// reminder timer when time runs (not under a frozen `--now`).
#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn desktop_reminders(mut launch: Launch) -> Shared {
    launch.notifications = crate::platform::notify::service_name();
    launch.background = crate::platform::background::Background::for_user(&launch.dir);
    let (tx, rx) = futures_channel::mpsc::unbounded();
    let label = state::locale_of(&launch).t().rem_open;
    let notifier = timer::clickable(&tx, label);
    launch.notifier = Some(Arc::new(notifier.clone()));
    launch.events = Some(rx);
    let runs = launch.clock.runs();
    let alarm = crate::platform::alarm::Alarm::new();
    let shared = Shared::new(launch);
    match alarm {
        Ok(alarm) if runs => {
            let started = timer::start(shared.clone(), alarm.clone(), notifier, tx);
            match started {
                Ok(()) => shared.lock().sync = Some(Arc::new(timer::AlarmSync(alarm))),
                Err(e) => {
                    eprintln!("aftercare: no reminder timer ({e}); reminders wait in the inbox")
                }
            }
        }
        Ok(_) => {}
        Err(e) => eprintln!("aftercare: no reminder timer ({e}); reminders wait in the inbox"),
    }
    shared
}

/// Android: the Kotlin reminder module; what it posted while the app was closed goes into
/// the delivery log, and a tap that opened the app opens its reminder.
#[cfg(target_os = "android")]
fn phone_reminders(mut launch: Launch) -> Launch {
    use crate::platform::android_reminders::AndroidReminders;
    let files = match crate::platform::android::files_dir() {
        Ok(files) => files,
        Err(e) => {
            eprintln!("aftercare: no reminders: {e}");
            return launch;
        }
    };
    let t = state::locale_of(&launch).t();
    match AndroidReminders::open(&files, t.channel_name, t.channel_description) {
        Ok(reminders) => {
            let reminders = Arc::new(reminders);
            let shown = crate::platform::plan_file::take_delivered(&files);
            if let Startup::Ready(app) = &mut launch.state {
                if let Err(e) = app.record_delivered(&shown) {
                    eprintln!("aftercare: {e}");
                }
            }
            launch.open_reminder = reminders.take_launch_reminder();
            launch.sync = Some(reminders.clone());
            launch.notifier = Some(reminders.clone());
            launch.access = Some(reminders);
        }
        Err(e) => eprintln!("aftercare: no reminders: {e}"),
    }
    launch
}

/// iOS: UNUserNotificationCenter with a rolling window of pending requests.
#[cfg(target_os = "ios")]
fn phone_reminders(mut launch: Launch) -> Launch {
    use crate::platform::ios_reminders::IosReminders;
    let reminders = Arc::new(IosReminders::install());
    launch.open_reminder = reminders.take_tapped();
    let (tx, rx) = futures_channel::mpsc::unbounded();
    reminders.on_tap(move |id| {
        let _ = tx.unbounded_send(AppEvent::ClickedId(id));
    });
    launch.events = Some(rx);
    launch.sync = Some(reminders.clone());
    launch.notifier = Some(reminders.clone());
    launch.access = Some(reminders);
    launch
}

/// The root component: the banner, the current screen and the navigation bar.
#[allow(non_snake_case)]
pub fn App() -> Element {
    let shared = use_context::<Shared>();
    let state = use_signal(|| UiState::new(&shared));
    let ui = use_context_provider(|| Ui {
        shared: shared.clone(),
        state,
    });
    let first_frame = shared.lock().first_frame;
    // The first frame shows Today from the recent sessions only; the whole history (for Plan
    // and Share) and what the store's background check found follow once it is painted.
    use_hook({
        let ui = ui.clone();
        move || {
            spawn(async move {
                let _ = document::eval(AFTER_PAINT_JS).await;
                ui.send(Intent::Reload);
            });
        }
    });
    use_hook({
        let shared = shared.clone();
        let ui = ui.clone();
        move || {
            let id = shared.lock().open_reminder.take();
            if let Some(id) = id {
                ui.send(Intent::OpenReminderId(id));
            }
        }
    });
    use_future({
        let shared = shared.clone();
        let ui = ui.clone();
        move || {
            let events = shared.lock().events.take();
            // Only a task that will receive events holds the app (and so the store's lock).
            let ui = events.as_ref().map(|_| ui.clone());
            async move {
                let (Some(mut events), Some(ui)) = (events, ui) else {
                    return;
                };
                while let Some(event) = events.next().await {
                    match event {
                        AppEvent::Delivered => ui.send(Intent::Reload),
                        AppEvent::Clicked(reminder) => {
                            #[cfg(feature = "desktop")]
                            dioxus::desktop::window().set_focus();
                            ui.send(Intent::OpenReminder(reminder));
                        }
                        AppEvent::ClickedId(id) => ui.send(Intent::OpenReminderId(id)),
                    }
                }
            }
        }
    });
    use_effect(move || {
        if let Some(mode) = first_frame {
            spawn(async move {
                use std::io::Write;
                let heading = match document::eval(FIRST_FRAME_JS).await {
                    Ok(v) => v.as_str().unwrap_or_default().to_string(),
                    Err(e) => format!("(no heading: {e})"),
                };
                let mut out = std::io::stdout();
                let _ = writeln!(out, "aftercare-first-frame: {heading}");
                let _ = out.flush();
                if mode == FirstFrame::Exit {
                    std::process::exit(0);
                }
            });
        }
    });
    let st = state.read();
    let locale = st.locale();
    let t = locale.t();
    let lang = locale.lang.tag();
    let body = match &st.loaded {
        Loaded::Recovery(message) => {
            let ui = ui.clone();
            rsx! {
                section { class: "card alert", role: "alert",
                    h1 { "{t.recovery_title}" }
                    p { "{message}" }
                    button { id: "recover", class: "primary", onclick: move |_| ui.send(Intent::Recover),
                        "{t.recovery_button}"
                    }
                }
            }
        }
        Loaded::Problem(message) => rsx! {
            section { class: "card alert", role: "alert",
                h1 { "{t.problem_title}" }
                p { "{message}" }
            }
        },
        Loaded::Ready(_) => match &st.screen {
            Screen::Today => rsx! { today::Today {} },
            Screen::CheckIn(which) => rsx! { checkin::CheckInScreen { which: which.clone() } },
            Screen::Advisory(symptoms) => rsx! {
                checkin::Advisory { symptoms: symptoms.clone(), from_checkin: false, on_back: {
                    let ui = ui.clone();
                    move |_| ui.send(Intent::Go(Screen::Today))
                } }
            },
            Screen::Plan => rsx! { plan::PlanScreen {} },
            Screen::Settings => rsx! { settings::SettingsScreen {} },
            Screen::Setup => rsx! { setup::SetupScreen {} },
            Screen::Share => rsx! { share::ShareScreen {} },
            Screen::Photos => rsx! { photos::PhotosScreen {} },
        },
    };
    let banner = st.banner.clone();
    let show_nav =
        matches!(st.loaded, Loaded::Ready(_)) && !matches!(st.screen, Screen::Advisory(_));
    let current = st.screen.clone();
    drop(st);
    rsx! {
        style { {CSS} {FONT_CSS} }
        div { class: "app", lang: "{lang}",
            if let Some(b) = banner {
                div {
                    class: if b.error { "banner error" } else { "banner" },
                    role: if b.error { "alert" } else { "status" },
                    p { "{b.text}" }
                    button { id: "banner-close", class: "link", aria_label: "{t.close}",
                        onclick: {
                            let ui = ui.clone();
                            move |_| ui.send(Intent::DismissBanner)
                        },
                        "×"
                    }
                }
            }
            main { {body} }
            if show_nav {
                widgets::Nav { current }
            }
        }
    }
}
