//! The measured parts of `scripts/bench`, behind the hidden `aftercare debug` commands, so
//! that the benchmarks time the release binary's own code paths: seeding years of history,
//! durable check-in saves beside the physical floor, and opening the store to build Today.
//!
//! This module is a shell like `cli`: it may use the platform and the UI's loader, and it
//! reads the monotonic clock (`Instant`) to time them. Nothing in the app calls it.

use crate::app::{Clock, Store};
use crate::domain::backup::Snapshot;
use crate::domain::checkin::{validate, CheckInDraft, CheckInRecord, RemovalReason, WearAnswer};
use crate::domain::delivery::{Delivery, DeliveryState};
use crate::domain::plan::{PlanConfig, Question};
use crate::domain::reminders::plan_reminders_in;
use crate::domain::session::{Clinic, SessionDraft, Stockings, TreatmentSession};
use crate::domain::symptoms::Symptom;
use crate::domain::zone::Tz;
use crate::platform::clock::RunClock;
use crate::platform::sled_store::SledStore;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// Days between two sessions of the seeded history: a 14-day plan covers 15 dates, so
/// sessions 15 days apart check in every date once.
const SESSION_EVERY_DAYS: u64 = 15;

/// A history of `years` for a patient whose latest session ended four days before `now`: a
/// session every 15 days, every date of every plan checked in (mostly worn, sometimes taken
/// off briefly or not worn, with walking, now and then a symptom and a note), and the
/// reminders of the past delivered and opened. Written in one durable batch.
pub fn seed_history(
    store: &mut SledStore,
    now: DateTime<Utc>,
    zone: Tz,
    years: u32,
) -> Result<Snapshot, String> {
    if !store.load().map_err(|e| e.to_string())?.is_empty() {
        return Err("the data folder already holds sessions; seed an empty one".into());
    }
    let today = now.with_timezone(&zone).date_naive();
    let latest = today - Days::new(4);
    let count = (u64::from(years) * 365).div_ceil(SESSION_EVERY_DAYS).max(1);
    let end_time = NaiveTime::from_hms_opt(15, 30, 0).ok_or("the seeded end time")?;
    let areas = crate::domain::area::TreatedArea::all();
    let mut snap = Snapshot::default();
    for n in (0..count).rev() {
        let date = latest - Days::new(n * SESSION_EVERY_DAYS);
        let draft = SessionDraft {
            date,
            end_time,
            tz: zone,
            areas: vec![
                areas[(n as usize) % areas.len()],
                areas[(n as usize + 5) % areas.len()],
            ],
            sclerosant: Some("Polidocanol 0.5 %".into()),
            stockings: Stockings {
                class: Some("CCL 2".into()),
                length: Some("thigh".into()),
            },
            clinic: Clinic {
                name: Some("Vein Clinic".into()),
                phone: Some("+49 30 1234".into()),
                email: Some("care@clinic.example".into()),
            },
            note: String::new(),
            plan: PlanConfig::continuous(14),
        };
        let taken: Vec<String> = snap.sessions.iter().map(|s| s.id.clone()).collect();
        let session = draft.into_session(&taken, now)?;
        seed_checkins(&mut snap, &session, today, zone)?;
        snap.sessions.push(session);
    }
    let since = snap
        .sessions
        .first()
        .map(|s| crate::domain::time::resolve(zone, s.date, NaiveTime::MIN).with_timezone(&Utc))
        .unwrap_or(now);
    for r in plan_reminders_in(
        &snap.sessions,
        &snap.checkins,
        &snap.photos,
        &snap.settings,
        since,
        zone,
        "en",
    ) {
        if r.at.with_timezone(&Utc) < now {
            snap.deliveries.push(Delivery {
                id: r.id,
                state: DeliveryState::Opened,
                at: r.at.fixed_offset(),
                title: r.title,
                body: r.body,
            });
        }
    }
    snap.generation = 1;
    store.replace_all(&snap).map_err(|e| e.to_string())?;
    Ok(snap)
}

/// Every date of the session's plan up to `today`, checked in the evening of that date.
fn seed_checkins(
    snap: &mut Snapshot,
    session: &TreatmentSession,
    today: NaiveDate,
    zone: Tz,
) -> Result<(), String> {
    let plan = session.compression_plan()?;
    for (i, date) in plan.checkin_dates().into_iter().enumerate() {
        if date >= today {
            break;
        }
        let questions = plan.questions(date);
        let answer = match (date.to_string().len() + i * 7) % 10 {
            0 => WearAnswer::NotWorn,
            1 | 2 => WearAnswer::OffBriefly {
                minutes: 20,
                reason: RemovalReason::ALL[i % RemovalReason::ALL.len()],
            },
            _ => WearAnswer::AllTheTime,
        };
        let ask = |q| questions.contains(&q).then_some(answer);
        let draft = CheckInDraft {
            night: ask(Question::Night).map(|_| WearAnswer::AllTheTime),
            day: ask(Question::Day),
            walking_minutes: Some(30 + (i as u16 % 4) * 10),
            symptoms: if i % 5 == 0 {
                vec![Symptom::Bruising]
            } else {
                Vec::new()
            },
            note: if i % 4 == 0 {
                format!("Evening note for {date}: legs feel fine.")
            } else {
                String::new()
            },
        };
        let evening_time = NaiveTime::from_hms_opt(20, 30, 0).ok_or("the seeded time")?;
        let evening = crate::domain::time::resolve(zone, date, evening_time).with_timezone(&Utc);
        let current = validate(&plan, date, date, draft, evening, zone)?;
        snap.checkins.push(CheckInRecord {
            session: session.id.clone(),
            date,
            current,
            history: Vec::new(),
        });
    }
    Ok(())
}

/// Median of a set of durations (the upper middle of an even count).
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// `rounds` durable check-in saves through the app's use-case, each followed (side by side,
/// on the same filesystem) by the physical floor: appending the same bytes the store writes
/// for that check-in to a file and `fsync`ing it. Returns the two medians.
///
/// Each round revises a different date, newest first through every session's plan, so every
/// saved record carries one earlier version, as a patient's correction does; revising a few
/// dates over and over would time records with dozens of versions that no patient makes.
pub fn durable_saves(
    dir: &Path,
    clock: RunClock,
    rounds: u32,
) -> Result<(Duration, Duration), String> {
    let store = SledStore::open(dir, Box::new(clock)).map_err(|e| e.to_string())?;
    let mut app = crate::platform::photos::open_app(store, clock, "en");
    let today = clock.now().with_timezone(&clock.zone()).date_naive();
    let mut targets = Vec::new();
    for session in app
        .snapshot()
        .map_err(|e| e.to_string())?
        .sessions
        .iter()
        .rev()
    {
        let plan = session.compression_plan()?;
        for date in plan.checkin_dates_until(today).into_iter().rev() {
            targets.push((session.id.clone(), plan.questions(date), date));
        }
    }
    if targets.is_empty() {
        return Err("seed the data folder first (debug seed-history)".into());
    }
    let floor_path = dir.join("bench-floor.bin");
    let mut floor = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&floor_path)
        .map_err(|e| e.to_string())?;
    let (mut saves, mut floors) = (Vec::new(), Vec::new());
    for n in 0..rounds {
        let (session, questions, date) = &targets[n as usize % targets.len()];
        let draft = CheckInDraft {
            walking_minutes: Some(40),
            ..CheckInDraft::worn_throughout(questions, format!("bench {n}"))
        };
        let started = Instant::now();
        let record = app
            .record_checkin(Some(session), *date, draft)
            .map_err(|e| e.to_string())?;
        saves.push(started.elapsed());
        let bytes =
            crate::app::store::encode_value("checkin", &record).map_err(|e| e.to_string())?;
        let started = Instant::now();
        floor.write_all(&bytes).map_err(|e| e.to_string())?;
        floor.sync_all().map_err(|e| e.to_string())?;
        floors.push(started.elapsed());
    }
    drop(floor);
    let _ = std::fs::remove_file(&floor_path);
    Ok((median(saves), median(floors)))
}

/// Opens the store in `dir` and builds what Today shows, as the window does before its first
/// frame (open and lock the store, read what Today shows: the recent sessions, settings and
/// inbox), and returns the time that took with the number of sessions on Today. The store is
/// closed after the clock stops: closing waits for the store's full check, which runs on its
/// own thread and which the first frame does not wait for.
pub fn open_today(dir: &Path, clock: RunClock) -> Result<(Duration, usize), String> {
    let started = Instant::now();
    let launch = crate::ui::Launch::open_in_locale(dir.to_path_buf(), clock, "en");
    let shared = crate::ui::Shared::new(launch);
    let state = crate::ui::state::UiState::new(&shared);
    let took = started.elapsed();
    match (&state.loaded, &state.screen) {
        (crate::ui::state::Loaded::Ready(data), crate::ui::state::Screen::Today) => {
            Ok((took, data.status.sessions.len()))
        }
        (crate::ui::state::Loaded::Ready(_), screen) => {
            Err(format!("opened on {screen:?}, not Today"))
        }
        (crate::ui::state::Loaded::Recovery(m) | crate::ui::state::Loaded::Problem(m), _) => {
            Err(m.clone())
        }
    }
}

/// Times [`open_today`] on two data folders in turn, `rounds` times each; returns the medians.
pub fn open_side_by_side(
    a: &Path,
    b: &Path,
    clock: RunClock,
    rounds: u32,
) -> Result<(Duration, Duration), String> {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    // One untimed open of each warms the page cache for both alike.
    open_today(a, clock)?;
    open_today(b, clock)?;
    for _ in 0..rounds {
        ta.push(open_today(a, clock)?.0);
        tb.push(open_today(b, clock)?.0);
    }
    Ok((median(ta), median(tb)))
}
