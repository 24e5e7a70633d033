//! The Dioxus shell: opens the store for the app, and shows the current plan or the
//! recovery screen. It sends intents to `app` and renders what `domain` computes; it never
//! reads the clock or the disk itself except through the `Launch` it is given.

use crate::app::Aftercare;
use crate::app::StoreError;
use crate::domain::adherence::DateState;
use crate::domain::status::Status;
use crate::domain::symptoms::{advice, NOT_A_DIAGNOSIS};
use crate::platform::clock::RunClock;
use crate::platform::sled_store::recovery_hint;
use crate::platform::sled_store::SledStore;
use dioxus::prelude::*;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const CSS: &str = include_str!("../../assets/main.css");

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
}

impl Launch {
    /// Opens the store in `dir`; a damaged or busy store becomes a screen, not a crash.
    pub fn open(dir: PathBuf, clock: RunClock) -> Self {
        let state = match SledStore::open(&dir, Box::new(clock)) {
            Ok(store) => Startup::Ready(Box::new(Aftercare::new(store, clock))),
            Err(e @ StoreError::Damaged { .. }) => {
                Startup::Damaged(format!("{e}{}", recovery_hint(&dir)))
            }
            Err(e) => Startup::Failed(e.to_string()),
        };
        Launch { dir, clock, state }
    }

    /// Rebuilds the store from the automatic backup.
    pub fn recover(&mut self) {
        self.state = match SledStore::recover(&self.dir, Box::new(self.clock)) {
            Ok((store, _)) => Startup::Ready(Box::new(Aftercare::new(store, self.clock))),
            Err(e) => Startup::Failed(format!("Recovery failed: {e}")),
        };
    }
}

/// The shared handle the components read.
#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<Launch>>);

/// What the screen shows, computed from the app.
pub enum View {
    Plan(Box<Status>),
    Recovery(String),
    Problem(String),
}

impl Shared {
    fn view(&self) -> View {
        let guard = match self.0.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        match &guard.state {
            Startup::Ready(app) => match app.status() {
                Ok((status, _)) => View::Plan(Box::new(status)),
                Err(e) => View::Problem(e.to_string()),
            },
            Startup::Damaged(m) => View::Recovery(m.clone()),
            Startup::Failed(m) => View::Problem(m.clone()),
        }
    }
}

/// Opens the window (desktop) or the app (mobile).
pub fn launch(launch: Launch) {
    let shared = Shared(Arc::new(Mutex::new(launch)));
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

/// The root component.
#[allow(non_snake_case)]
pub fn App() -> Element {
    let shared = use_context::<Shared>();
    let mut generation = use_signal(|| 0u32);
    let _ = generation();
    let view = shared.view();
    rsx! {
        style { {CSS} }
        main {
            h1 { "Aftercare" }
            match view {
                View::Plan(status) => rsx! { PlanView { status: *status } },
                View::Recovery(message) => rsx! {
                    section { class: "card alert", role: "alert",
                        h2 { "Your data needs repair" }
                        p { "{message}" }
                        button {
                            onclick: move |_| {
                                if let Ok(mut launch) = shared.0.lock() {
                                    launch.recover();
                                }
                                generation += 1;
                            },
                            "Restore from automatic backup"
                        }
                    }
                },
                View::Problem(message) => rsx! {
                    section { class: "card alert", role: "alert",
                        h2 { "Aftercare cannot open your data" }
                        p { "{message}" }
                    }
                },
            }
        }
    }
}

fn state_label(s: DateState) -> &'static str {
    match s {
        DateState::Complete => "worn",
        DateState::Partial => "partly worn",
        DateState::Missed => "not worn",
        DateState::NotRecorded => "not recorded",
        DateState::Upcoming => "upcoming",
    }
}

#[component]
fn PlanView(status: Status) -> Element {
    let Some(current) = status.current().cloned() else {
        return rsx! {
            section { class: "card",
                h2 { "No treatment recorded yet" }
                p { "Add your session with: aftercare session add --date YYYY-MM-DD --end-time HH:MM" }
            }
        };
    };
    let end = current.plan.wear_end.with_timezone(&status.zone);
    let headline = match current.day_index {
        Some(k) if k > i64::from(current.plan.days_total) => "Last day".to_string(),
        Some(k) => format!("Day {k} of {}", current.plan.days_total),
        None if current.future => "Your session is coming up".to_string(),
        None => "Compression finished — well done".to_string(),
    };
    let off = format!(
        "Stockings off on {} at {}",
        end.format("%A, %-d %B %Y"),
        end.format("%H:%M")
    );
    let pct = |f: Option<f64>| {
        f.map(|f| format!("{:.0}%", f * 100.0))
            .unwrap_or_else(|| "–".into())
    };
    let day = pct(current.adherence.day.fraction());
    let night = pct(current.adherence.night.fraction());
    let flags = status.red_flags.clone();
    rsx! {
        for f in flags {
            section { class: "card alert", role: "alert",
                h2 { "{f.symptom.label()}" }
                p { "{advice(f.level)} {NOT_A_DIAGNOSIS}" }
            }
        }
        section { class: "card", aria_label: "Today",
            p { class: "day", "{headline}" }
            p { class: "off", "{off}" }
            p { class: "muted", "Session {current.session.id} · result photos from {current.photo_due}" }
        }
        section { class: "card",
            h2 { "Adherence" }
            p { "Day wear: {day} · Night wear: {night}" }
            ul { class: "dates",
                for d in current.dates.iter() {
                    li { key: "{d.date}", "{d.date.format(\"%a %-d %b\")}: {state_label(d.state)}" }
                }
            }
        }
    }
}
