//! The command line: parsing, opening the store, running one command, and the exit codes.
//!
//! Exit codes: 0 done; 2 bad input (nothing written); 3 the store cannot be used (damaged,
//! already open, newer schema, disk full); 1 anything else. Errors are one line on stderr.

use crate::app::{AppError, Clock, FixedClock, StoreError};
use crate::domain::area::{parse_areas, TreatedArea};
use crate::domain::checkin::{wear_answer, CheckInDraft, RemovalReason, WearKind};
use crate::domain::emergency::{emergency_number, region_of, EmergencyNumber};
use crate::domain::i18n::EN;
use crate::domain::photo::{self, PhotoDraft, PhotoKind};
use crate::domain::plan::PlanConfig;
use crate::domain::reminders;
use crate::domain::session::{ChecklistItem, Clinic, SessionDraft, Stockings};
use crate::domain::status::{to_json, Status};
use crate::domain::symptoms::{advices, worst, Advice, Symptom, Triage, NOT_A_DIAGNOSIS};
use crate::domain::time::parse_zone;
use crate::domain::zone::Tz;
use crate::platform::clock::{device_zone, RunClock, ShiftedClock, SystemClock};
use crate::platform::locale::system_locale;
use crate::platform::paths::default_data_dir;
use crate::platform::sled_store::{recovery_hint, SledStore};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

mod args;

/// Aftercare: your plan for the weeks after vein treatment.
#[derive(Debug)]
pub struct Cli {
    /// Data folder (default: the platform's app-data folder).
    pub data_dir: Option<PathBuf>,
    /// Use this instant as "now" (RFC 3339, e.g. 2026-11-25T20:00:00+01:00).
    pub now: Option<DateTime<FixedOffset>>,
    /// With --now: the clock starts there and runs (tests of the app's reminder timer).
    pub clock_runs: bool,
    /// Open the app on this screen (what a notification opens).
    pub open: Option<OpenScreen>,
    /// Open the app on the screen of this reminder and mark it opened (a notification click).
    pub open_reminder: Option<String>,
    /// Print the first frame's heading as read back from the webview (`print`), and exit
    /// right after it (`exit`): for the smoke test and the start-up benchmark.
    pub first_frame: Option<crate::ui::FirstFrame>,
    pub command: Option<Command>,
}

/// A screen the app can open on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenScreen {
    Today,
    Checkin,
    Plan,
    Settings,
    Share,
    Photos,
}

#[derive(Debug)]
pub enum Command {
    /// Add or list treatment sessions.
    Session(SessionCommand),
    /// Record (or correct) the check-in of a date.
    Checkin(CheckinArgs),
    /// Show every session's plan, day and adherence.
    Status {
        /// Machine-readable JSON.
        json: bool,
    },
    /// List the reminders planned from now on.
    Reminders {
        /// Machine-readable JSON.
        json: bool,
    },
    /// Deliver every due reminder not delivered yet, as desktop notifications, and exit.
    Remind {
        /// Then wait up to this many seconds for a click on one of them, which opens the app
        /// on its screen (the store is not held meanwhile).
        wait_for_click: u64,
    },
    /// Write a backup of everything to a file.
    Backup { out: PathBuf },
    /// Write a file for the clinic: the PDF report, a CSV table, a FHIR R4 bundle, a
    /// calendar file of the plan, or the full backup.
    Export {
        /// pdf, csv, fhir, ics or backup.
        format: crate::domain::export::Format,
        /// The file to write (replaced if it exists; written completely or not at all).
        out: PathBuf,
        /// Only this session (repeat for several; default: every session).
        sessions: Vec<String>,
        /// Leave the free-text notes out.
        no_notes: bool,
        /// Leave the symptoms out.
        no_symptoms: bool,
        /// Include this photo in the PDF report and the FHIR bundle (repeat for several).
        photos: Vec<String>,
        /// Include every photo of the chosen sessions.
        all_photos: bool,
    },
    /// Add, list or delete result photos, or close the result-photo prompt.
    Photo(PhotoCommand),
    /// Replace everything with a backup file (checked first).
    Restore {
        file: PathBuf,
        /// Confirm replacing existing data.
        yes: bool,
    },
    /// Rebuild a damaged store from its automatic backup (the damaged one is kept aside).
    Recover,
    /// Tick items of the pre-treatment checklist.
    Checklist {
        session: String,
        /// Items done: measured, ordered, ready (comma-separated).
        done: Vec<ChecklistItem>,
    },
    /// Diagnostics for tests and benchmarks.
    Debug(DebugCommand),
}

// Parsed once per run, so the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum SessionCommand {
    /// Add a session (it may lie in the future).
    Add(SessionAddArgs),
    /// List sessions.
    List { json: bool },
}

#[derive(Debug)]
pub enum PhotoCommand {
    /// Import a JPEG or PNG: it is turned upright, downscaled to at most 2048 px and stored
    /// without location or any other metadata, in the app's private data folder.
    Add {
        session: String,
        /// The treated area it shows, e.g. left-calf-back.
        area: TreatedArea,
        /// baseline (before treatment) or result (at three months).
        kind: PhotoKind,
        /// The image file.
        file: PathBuf,
    },
    /// List the photos and each session's result-photo prompt.
    List { json: bool },
    /// Delete a photo (its entry and its file).
    Delete { id: String },
    /// Say you will not take result photos for a session (the prompt stops); `--undo` reopens it.
    Dismiss { session: String, undo: bool },
}

#[derive(Debug)]
pub struct SessionAddArgs {
    /// Session date, YYYY-MM-DD.
    pub date: NaiveDate,
    /// Time the session ended, HH:MM.
    pub end_time: NaiveTime,
    /// IANA time zone of the session (default: the device's zone).
    pub tz: Option<Tz>,
    /// Days of compression (1–42, default 14).
    pub days: u8,
    /// Phases, e.g. 3:continuous,11:daytime (default: all continuous).
    pub phases: Option<String>,
    /// Treated areas, e.g. left-calf-back,right-knee.
    pub areas: std::vec::Vec<TreatedArea>,
    pub sclerosant: Option<String>,
    pub stocking_class: Option<String>,
    pub stocking_length: Option<String>,
    pub clinic_name: Option<String>,
    pub clinic_phone: Option<String>,
    pub clinic_email: Option<String>,
    pub note: String,
}

#[derive(Debug)]
pub struct CheckinArgs {
    /// The date the check-in is for, YYYY-MM-DD.
    pub date: NaiveDate,
    /// Session id (default: the session whose plan holds the date).
    pub session: Option<String>,
    /// Today's wear: worn, partial or not-worn.
    pub day: Option<WearKind>,
    /// Last night's wear: worn, partial or not-worn.
    pub night: Option<WearKind>,
    /// Minutes the stockings were off (with partial).
    pub off_minutes: Option<u16>,
    /// Why they came off (with partial).
    pub reason: Option<RemovalReason>,
    /// Minutes off last night, when it differs from --off-minutes.
    pub night_off_minutes: Option<u16>,
    /// Why they came off last night, when it differs from --reason.
    pub night_reason: Option<RemovalReason>,
    pub walk_minutes: Option<u16>,
    /// A symptom (repeat for several).
    pub symptoms: Vec<Symptom>,
    pub note: String,
}

impl Command {
    /// True for the commands that save nothing: they can run on a folder that cannot be
    /// written, from its automatic backup.
    fn only_reads(&self) -> bool {
        matches!(
            self,
            Command::Status { .. }
                | Command::Reminders { .. }
                | Command::Session(SessionCommand::List { .. })
                | Command::Photo(PhotoCommand::List { .. })
                | Command::Export { .. }
                | Command::Backup { .. }
        )
    }
}

#[derive(Debug)]
pub enum DebugCommand {
    /// Record check-ins over and over, printing `ack TAG-N DATE` after each durable save;
    /// each check-in's note is `TAG-N`.
    WriteCheckins {
        session: String,
        count: u64,
        tag: String,
    },
    /// Fill an empty data folder with YEARS of history (a session every 15 days, every date
    /// checked in, past reminders delivered), the latest session ending four days before now.
    SeedHistory { years: u32 },
    /// Benchmark: ROUNDS durable check-in saves beside the floor (the same bytes appended to a
    /// file and fsynced); prints `save_median_us=S floor_median_us=F`.
    BenchSave { rounds: u32 },
    /// Benchmark: open the store and build Today, in turn with the data folder and OTHER,
    /// ROUNDS times each; prints `open_median_us=A other_median_us=B`.
    BenchOpen { other: PathBuf, rounds: u32 },
}

/// The property the command-line fuzz target and its test check: `--now`, `--date`,
/// `--end-time` and `--tz` given any strings are either refused with a message, or give values
/// that print in the documented form and parse back to themselves. Panics when it fails;
/// returns whether the arguments were accepted.
pub fn check_datetime_args(now: &str, date: &str, time: &str, zone: &str) -> bool {
    let args = [
        "aftercare",
        "--now",
        now,
        "session",
        "add",
        "--date",
        date,
        "--end-time",
        time,
        "--tz",
        zone,
    ];
    let cli = match args::parse_args(args.map(std::ffi::OsString::from)) {
        Ok(args::Parsed::Run(cli)) => *cli,
        Ok(args::Parsed::Print(_)) => panic!("the arguments asked for help"),
        Err(e) => {
            assert!(!e.trim().is_empty(), "a refusal without a message");
            return false;
        }
    };
    let now = cli.now.expect("--now was given");
    assert_eq!(parse_now(&now.to_rfc3339()), Ok(now), "--now {now}");
    let Some(Command::Session(SessionCommand::Add(a))) = cli.command else {
        panic!("`session add` parsed as another command");
    };
    let printed = a.date.format("%Y-%m-%d").to_string();
    assert_eq!(
        parse_date(&printed),
        Ok(a.date),
        "--date {date} printed {printed}"
    );
    let printed = a.end_time.format("%H:%M").to_string();
    assert_eq!(parse_time(&printed), Ok(a.end_time), "--end-time {time}");
    let tz = a.tz.expect("--tz was given");
    assert_eq!(parse_zone(tz.name()), Ok(tz), "--tz {zone}");
    true
}

fn parse_now(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map_err(|_| format!("'{s}' is not an RFC 3339 instant (e.g. 2026-11-25T20:00:00+01:00)"))
}

/// The photos and prompts as JSON: `{"photos": [...], "prompts": [{session, state, due, missing}]}`.
fn photo_list_json(snap: &crate::domain::backup::Snapshot, today: NaiveDate) -> String {
    let prompts: Vec<serde_json::Value> = snap
        .sessions
        .iter()
        .map(|s| {
            let (state, due, missing) = prompt_parts(photo::prompt(s, &snap.photos, today));
            serde_json::json!({
                "session": s.id,
                "state": state,
                "due": due.unwrap_or(s.photo_due()),
                "missing": missing,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "photos": snap.photos,
        "prompts": prompts,
    }))
    .unwrap_or_default()
}

/// The photos and prompts as lines for a person.
fn photo_list_text(snap: &crate::domain::backup::Snapshot, today: NaiveDate) -> Vec<String> {
    let mut lines = Vec::new();
    for s in &snap.sessions {
        let (state, due, missing) = prompt_parts(photo::prompt(s, &snap.photos, today));
        let due = due.unwrap_or(s.photo_due());
        lines.push(match state {
            "not-yet" => format!("Session {}: result photos due on {due}", s.id),
            "due" => format!(
                "Session {}: result photos due since {due}, {missing} area(s) still without one",
                s.id
            ),
            "done" => format!("Session {}: result photos done", s.id),
            _ => format!("Session {}: result photos dismissed", s.id),
        });
        for p in snap.photos.iter().filter(|p| p.session == s.id) {
            lines.push(format!(
                "  {}  {} {}  taken {}  {}×{}",
                p.id,
                p.area,
                p.kind,
                p.taken_at.format("%Y-%m-%d %H:%M %:z"),
                p.width,
                p.height
            ));
        }
    }
    if lines.is_empty() {
        lines.push("No sessions yet.".into());
    }
    lines
}

/// A prompt as (state id, due date, areas missing).
fn prompt_parts(p: photo::PhotoPrompt) -> (&'static str, Option<NaiveDate>, usize) {
    match p {
        photo::PhotoPrompt::NotYet { due } => ("not-yet", Some(due), 0),
        photo::PhotoPrompt::Due { due, missing } => ("due", Some(due), missing),
        photo::PhotoPrompt::Done => ("done", None, 0),
        photo::PhotoPrompt::Dismissed => ("dismissed", None, 0),
    }
}

/// Characters for a message: each as itself and as its code point, the first 20 of them.
fn name_chars(chars: &[char]) -> String {
    const SHOWN: usize = 20;
    let mut named: Vec<String> = chars
        .iter()
        .take(SHOWN)
        .map(|c| format!("'{c}' (U+{:04X})", *c as u32))
        .collect();
    if chars.len() > SHOWN {
        named.push(format!("and {} more", chars.len() - SHOWN));
    }
    named.join(", ")
}

fn parse_format(s: &str) -> Result<crate::domain::export::Format, String> {
    s.parse()
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    // Exactly four digits of year: chrono's %Y would also take "+2026" or "02026".
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("{s:?} is not a date YYYY-MM-DD"))
}

/// `--off-minutes` and `--reason` go with a partial answer (the day's, or the night's when it
/// has none of its own), `--night-off-minutes` and `--night-reason` with a partial night:
/// given otherwise they would be dropped without a word.
fn check_time_off_options(a: &CheckinArgs) -> Result<(), String> {
    let night_partial = a.night == Some(WearKind::Partial);
    let day_partial = a.day == Some(WearKind::Partial);
    if !night_partial && (a.night_off_minutes.is_some() || a.night_reason.is_some()) {
        return Err(
            "--night-off-minutes and --night-reason go with --night partial; nothing was saved"
                .into(),
        );
    }
    let night_borrows =
        night_partial && (a.night_off_minutes.is_none() || a.night_reason.is_none());
    if (a.off_minutes.is_some() || a.reason.is_some()) && !day_partial && !night_borrows {
        return Err(
            "--off-minutes and --reason go with a partial answer (--day partial or --night partial); nothing was saved"
                .into(),
        );
    }
    Ok(())
}

fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| format!("'{s}' is not a time HH:MM (00:00 to 23:59)"))
}

fn parse_wear(s: &str) -> Result<WearKind, String> {
    s.parse()
}

fn parse_reason(s: &str) -> Result<RemovalReason, String> {
    s.parse()
}

fn parse_symptom(s: &str) -> Result<Symptom, String> {
    s.parse()
}

fn parse_items(s: &str) -> Result<ChecklistItem, String> {
    ChecklistItem::ALL
        .into_iter()
        .find(|i| i.id() == s.trim())
        .ok_or_else(|| {
            format!("unknown checklist item '{s}' (expected measured, ordered or ready)")
        })
}

/// `text` as one line for a terminal: every control character (a line break too) escaped
/// (`\u{1b}`).
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// How a command ended.
pub enum Outcome {
    /// No command: launch the app with this context.
    Launch(Box<crate::ui::Launch>),
    Done,
}

/// A failure with its exit code.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    fn invalid(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(m) => Failure::invalid(m),
            AppError::Notify(m) => Failure {
                code: 1,
                message: m,
            },
            AppError::Store(s) => s.into(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        let code = match e {
            StoreError::Io(_) => 1,
            StoreError::NothingToRecover(_) => 2,
            _ => 3,
        };
        let mut message = e.to_string();
        if let StoreError::Damaged { dir, .. } = &e {
            message.push_str(&recovery_hint(dir));
        }
        Failure { code, message }
    }
}

/// Parses the arguments, printing help or a one-line error; `Err` carries the exit code.
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Cli, ExitCode> {
    match args::parse_args(args) {
        Ok(args::Parsed::Run(cli)) => Ok(*cli),
        Ok(args::Parsed::Print(text)) => {
            // A closed pipe (`aftercare --help | head -1`) is not an error.
            let _ = std::io::stdout().write_all(text.as_bytes());
            Err(ExitCode::SUCCESS)
        }
        Err(message) => {
            // One line, whatever the quoted value held.
            let line: String = message
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            eprintln!("aftercare: {line}");
            Err(ExitCode::from(2))
        }
    }
}

/// Tells what opening the store had to repair (a damaged automatic backup), on stderr.
fn warn_notice(store: &SledStore) {
    if let Some(notice) = store.notice() {
        eprintln!("aftercare: warning: {notice}");
    }
}

/// `restore` on a damaged store: the store cannot be read, so the file (checked first) replaces
/// it and the damaged store is kept aside, as `recover` does with the automatic backup.
fn restore_damaged(
    dir: &std::path::Path,
    clock: RunClock,
    file: &std::path::Path,
    yes: bool,
) -> Result<Outcome, Failure> {
    let bytes = crate::platform::files::read_chosen(file, crate::domain::backup::MAX_BACKUP_BYTES)
        .map_err(Failure::invalid)?;
    let incoming = crate::domain::backup::decode_for_restore(&bytes)
        .map_err(|m| Failure::invalid(format!("{}: {m}; nothing was changed", file.display())))?;
    if !yes {
        return Err(Failure::invalid(format!(
            "the store is damaged: restoring would replace it with {} from {} (the damaged store is kept aside): run again with --yes to confirm",
            incoming.snapshot.summary(),
            incoming.created_at.format("%Y-%m-%d %H:%M")
        )));
    }
    let recovery = SledStore::recover_from(dir, Box::new(clock), &incoming.snapshot)?;
    println!(
        "Restored {} from {}{}",
        incoming.snapshot.summary(),
        file.display(),
        kept_aside(&recovery)
    );
    Ok(Outcome::Done)
}

/// "; the damaged store is kept in DIR", when one was moved aside.
fn kept_aside(recovery: &crate::platform::sled_store::Recovery) -> String {
    recovery
        .aside
        .as_ref()
        .map(|aside| format!("; the damaged store is kept in {}", aside.display()))
        .unwrap_or_default()
}

/// `aftercare remind`: delivers what is due, then optionally waits for a click.
#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn remind(
    dir: &std::path::Path,
    clock: RunClock,
    now: Option<DateTime<FixedOffset>>,
    wait_for_click: u64,
) -> Result<Outcome, Failure> {
    use crate::platform::notify::DesktopNotifier;
    use std::sync::{mpsc, Arc, Mutex};
    let store = match SledStore::open(dir, Box::new(clock)) {
        Ok(store) => store,
        Err(StoreError::AlreadyOpen(_)) => {
            println!("Aftercare is open and delivers its reminders itself: nothing to do");
            return Ok(Outcome::Done);
        }
        Err(e) => return Err(e.into()),
    };
    warn_notice(&store);
    let mut app = crate::platform::photos::open_app(store, clock, &system_locale());
    let (tx, rx) = mpsc::channel();
    let notifier = if wait_for_click > 0 {
        let tx = Mutex::new(tx);
        let label = crate::domain::i18n::Locale::choose(
            app.snapshot()?.settings.language.as_deref(),
            None,
            &system_locale(),
        )
        .t()
        .rem_open;
        DesktopNotifier::with_click(
            label,
            Arc::new(move |r| {
                if let Ok(tx) = tx.lock() {
                    let _ = tx.send(r);
                }
            }),
        )
    } else {
        drop(tx);
        DesktopNotifier::new()
    };
    let delivered = app.deliver_due(&notifier)?;
    println!("Delivered {} reminder(s)", delivered.len());
    for r in &delivered {
        println!("  {}  {}", r.id, r.title);
    }
    // Free the store for the app a click opens, and let the channel close once every
    // notification shown is closed.
    drop(app);
    drop(notifier);
    if delivered.is_empty() || wait_for_click == 0 {
        return Ok(Outcome::Done);
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(wait_for_click);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        let Ok(reminder) = rx.recv_timeout(left) else {
            break;
        };
        let exe = std::env::current_exe().map_err(|e| Failure {
            code: 1,
            message: format!("cannot find the aftercare program to open: {e}"),
        })?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("--data-dir").arg(dir);
        if let Some(now) = now {
            cmd.arg("--now").arg(now.to_rfc3339());
        }
        cmd.arg("--open-reminder").arg(&reminder.id);
        match cmd.spawn() {
            Ok(_) => println!("Opened the app for {}", reminder.id),
            Err(e) => eprintln!("aftercare: cannot open the app: {e}"),
        }
    }
    Ok(Outcome::Done)
}

#[cfg(any(target_os = "android", target_os = "ios"))]
fn remind(
    _: &std::path::Path,
    _: RunClock,
    _: Option<DateTime<FixedOffset>>,
    _: u64,
) -> Result<Outcome, Failure> {
    Err(Failure {
        code: 1,
        message: "`remind` is for desktops; phones deliver through the system".into(),
    })
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome, Failure> {
    let zone = device_zone().map_err(Failure::invalid)?;
    let clock = match cli.now {
        Some(now) if cli.clock_runs => {
            RunClock::Shifted(ShiftedClock::starting_at(now.with_timezone(&Utc)))
        }
        Some(now) => RunClock::Fixed(FixedClock {
            now: now.with_timezone(&Utc),
            zone,
        }),
        None => RunClock::System(SystemClock),
    };
    let dir = match cli.data_dir {
        Some(d) => d,
        None => default_data_dir().map_err(|m| Failure {
            code: 1,
            message: m,
        })?,
    };
    let Some(command) = cli.command else {
        let mut launch = crate::ui::Launch::open(dir, clock);
        launch.first_screen = cli.open.map(|o| match o {
            OpenScreen::Today => crate::ui::state::Screen::Today,
            OpenScreen::Checkin => crate::ui::state::Screen::CheckIn(None),
            OpenScreen::Plan => crate::ui::state::Screen::Plan,
            OpenScreen::Settings => crate::ui::state::Screen::Settings,
            OpenScreen::Share => crate::ui::state::Screen::Share,
            OpenScreen::Photos => crate::ui::state::Screen::Photos,
        });
        launch.first_frame = cli.first_frame;
        launch.open_reminder = cli.open_reminder;
        return Ok(Outcome::Launch(Box::new(launch)));
    };
    if let Command::Recover = command {
        let recovery = SledStore::recover(&dir, clock)?;
        let (replayed, lost, aside) = (recovery.replayed, recovery.lost, kept_aside(&recovery));
        let app = crate::platform::photos::open_app(recovery.store, clock, &system_locale());
        println!(
            "Restored {} from the automatic backup and {replayed} later save(s) from the damaged store's journal{aside}",
            app.snapshot()?.summary(),
        );
        if lost > 0 {
            eprintln!(
                "warning: {lost} save(s) acknowledged after the automatic backup could not be recovered: check the last days' check-ins and enter what is missing again"
            );
        }
        return Ok(Outcome::Done);
    }
    if let Command::Remind { wait_for_click } = command {
        return remind(&dir, clock, cli.now, wait_for_click);
    }
    if let Command::Debug(debug) = &command {
        if let Some(outcome) = bench(debug, &dir, clock)? {
            return Ok(outcome);
        }
    }
    let opened = match (SledStore::open(&dir, Box::new(clock)), &command) {
        (Ok(store), _) => Ok(store),
        (Err(StoreError::Damaged { .. }), Command::Restore { file, yes }) => {
            return restore_damaged(&dir, clock, file, *yes);
        }
        (Err(StoreError::AccessDenied(path, why)), c) if c.only_reads() => Err((path, why)),
        (Err(e), _) => return Err(e.into()),
    };
    let store = match opened {
        Ok(store) => store,
        Err((path, why)) => return read_only(&dir, clock, zone, command, &path, &why),
    };
    warn_notice(&store);
    let mut app = crate::platform::photos::open_app(store, clock, &system_locale());
    execute(&mut app, command, clock, zone)?;
    if let Some(problem) = app.store().backup_problem() {
        eprintln!("aftercare: warning: {problem}");
    }
    Ok(Outcome::Done)
}

/// A command that only reads, on a data folder the app may not write (a read-only disk,
/// another user's folder): run on the automatic backup, which is read only, with a warning
/// that says so. Anything that would save is refused before this.
fn read_only(
    dir: &std::path::Path,
    clock: RunClock,
    zone: Tz,
    command: Command,
    path: &std::path::Path,
    why: &str,
) -> Result<Outcome, Failure> {
    let backup = crate::platform::sled_store::read_auto_backup(dir)
        .ok()
        .flatten()
        .ok_or_else(|| Failure::from(StoreError::AccessDenied(path.to_path_buf(), why.into())))?;
    eprintln!(
        "aftercare: warning: the data folder cannot be written ({}: {why}); showing its automatic backup of {}, and nothing can be saved until it can be written",
        path.display(),
        backup.created_at.format("%Y-%m-%d %H:%M")
    );
    let mut store = crate::app::store::MemoryStore::new();
    crate::app::Store::replace_all(&mut store, &backup.snapshot)?;
    let mut app = crate::app::Aftercare::new(store, clock)
        .with_system_locale(&system_locale())
        .with_photo_store(Box::new(
            crate::platform::photos::FolderPhotos::in_data_dir(dir),
        ))
        .with_font_source(Box::new(crate::platform::fonts::SystemFonts::new()));
    execute(&mut app, command, clock, zone)?;
    Ok(Outcome::Done)
}

/// Runs a command that needs the store, on `app`.
fn execute<S: crate::app::Store>(
    app: &mut crate::app::Aftercare<S, RunClock>,
    command: Command,
    clock: RunClock,
    zone: Tz,
) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    // A line for a person: whatever the store holds (an earlier version accepted any
    // text), a control character is shown escaped, so no value can forge a line or send an
    // escape sequence to the terminal. Several lines are printed one by one.
    let print = |out: &mut std::io::StdoutLock, text: String| {
        let _ = writeln!(out, "{}", printable(&text));
    };
    // JSON escapes control characters itself; its own line breaks stay.
    let print_json = |out: &mut std::io::StdoutLock, json: String| {
        let _ = writeln!(out, "{json}");
    };
    match command {
        Command::Session(SessionCommand::Add(a)) => {
            let plan = match &a.phases {
                Some(p) => PlanConfig::parse_phases(a.days, p).map_err(Failure::invalid)?,
                None => PlanConfig::continuous(a.days),
            };
            let draft = SessionDraft {
                date: a.date,
                end_time: a.end_time,
                tz: a.tz.unwrap_or(zone),
                areas: a.areas,
                sclerosant: a.sclerosant,
                stockings: Stockings {
                    class: a.stocking_class,
                    length: a.stocking_length,
                },
                clinic: Clinic {
                    name: a.clinic_name,
                    phone: a.clinic_phone,
                    email: a.clinic_email,
                },
                note: a.note,
                plan,
            };
            let s = app.add_session(draft)?;
            let plan = s.compression_plan().map_err(Failure::invalid)?;
            print(
                &mut out,
                format!(
                    "Saved session {}: stockings on from {} until {}",
                    s.id,
                    plan.wear_start.format("%Y-%m-%d %H:%M %Z"),
                    plan.wear_end.format("%Y-%m-%d %H:%M %Z")
                ),
            );
        }
        Command::Session(SessionCommand::List { json }) => {
            let snap = app.snapshot()?;
            if json {
                print_json(
                    &mut out,
                    serde_json::to_string_pretty(&snap.sessions).unwrap_or_default(),
                );
            } else if snap.sessions.is_empty() {
                print(&mut out, "No sessions yet.".into());
            } else {
                for s in &snap.sessions {
                    let areas: Vec<String> = s.areas.iter().map(|a| a.id()).collect();
                    print(
                        &mut out,
                        format!(
                            "{}  {} {} {}  {} days  {}",
                            s.id,
                            s.date,
                            s.end_time.format("%H:%M"),
                            s.tz,
                            s.plan.days,
                            areas.join(",")
                        ),
                    );
                }
            }
        }
        Command::Checkin(a) => {
            check_time_off_options(&a).map_err(Failure::invalid)?;
            let draft = CheckInDraft {
                night: a
                    .night
                    .map(|k| {
                        wear_answer(
                            "--night",
                            k,
                            a.night_off_minutes.or(a.off_minutes),
                            a.night_reason.or(a.reason),
                        )
                    })
                    .transpose()
                    .map_err(Failure::invalid)?,
                day: a
                    .day
                    .map(|k| wear_answer("--day", k, a.off_minutes, a.reason))
                    .transpose()
                    .map_err(Failure::invalid)?,
                walking_minutes: a.walk_minutes,
                symptoms: a.symptoms,
                note: a.note,
            };
            let record = app.record_checkin(a.session.as_deref(), a.date, draft)?;
            let (status, _) = app.status()?;
            let state = state_of(&status, &record.session, record.date);
            print(
                &mut out,
                format!(
                    "Saved check-in for {} (session {}): {}{}{}",
                    record.date,
                    record.session,
                    state,
                    if record.current.late { ", late" } else { "" },
                    if record.edited() { ", edited" } else { "" }
                ),
            );
            let level = worst(&record.current.symptoms);
            if level != Triage::Expected {
                let number = emergency_number_of(&app.settings()?);
                let said: Vec<String> = advices(&record.current.symptoms)
                    .into_iter()
                    .filter(|a| *a != Advice::Expected)
                    .map(|a| EN.advice(a, &number))
                    .collect();
                print(
                    &mut out,
                    format!(
                        "RED FLAG: {} Nothing has been sent to your clinic. {}",
                        said.join(" "),
                        NOT_A_DIAGNOSIS
                    ),
                );
            }
        }
        Command::Status { json } => {
            let (status, problems) = app.status()?;
            for p in problems {
                eprintln!("aftercare: warning: {p}");
            }
            if json {
                print_json(
                    &mut out,
                    serde_json::to_string_pretty(&to_json(&status)).unwrap_or_default(),
                );
            } else {
                let number = emergency_number_of(&app.settings()?);
                for line in status_text(&status, &number).lines() {
                    print(&mut out, line.to_string());
                }
            }
        }
        Command::Reminders { json } => {
            let reminders = app.reminders()?;
            if json {
                print_json(
                    &mut out,
                    serde_json::to_string_pretty(&reminders::to_json(&reminders))
                        .unwrap_or_default(),
                );
            } else if reminders.is_empty() {
                print(&mut out, "No reminders planned.".into());
            } else {
                for r in &reminders {
                    print(
                        &mut out,
                        format!(
                            "{}  {:<16}  {}: {}",
                            r.at.format("%Y-%m-%d %H:%M %Z"),
                            r.kind.id(),
                            r.title,
                            r.body
                        ),
                    );
                }
            }
        }
        // Handled above, without holding the store while waiting for clicks.
        Command::Remind { .. } => {}
        Command::Backup { out: path } => {
            let bytes = app.backup()?;
            crate::platform::files::write_chosen(&path, &bytes).map_err(Failure::invalid)?;
            print(
                &mut out,
                format!(
                    "Wrote a backup of {} to {}",
                    app.snapshot()?.summary(),
                    path.display()
                ),
            );
        }
        Command::Export {
            format,
            out: path,
            sessions,
            no_notes,
            no_symptoms,
            photos,
            all_photos,
        } => {
            let photos = if all_photos {
                let snap = app.snapshot()?;
                snap.photos
                    .iter()
                    .filter(|p| sessions.is_empty() || sessions.contains(&p.session))
                    .map(|p| p.id.clone())
                    .collect()
            } else {
                photos
            };
            let options = crate::domain::export::ExportOptions {
                sessions,
                notes: !no_notes,
                symptoms: !no_symptoms,
                photos,
            };
            let file = app.export(format, &options)?;
            crate::platform::files::write_chosen(&path, &file.bytes).map_err(Failure::invalid)?;
            print(
                &mut out,
                format!(
                    "Wrote {} ({} bytes) to {}",
                    format.id(),
                    file.bytes.len(),
                    path.display()
                ),
            );
            if !file.missing_glyphs.is_empty() {
                eprintln!(
                    "aftercare: warning: no font on this device has {}; they print as empty boxes \
                     (installing a CJK font, e.g. Debian's fonts-noto-cjk, or naming font files \
                     or folders in {} helps)",
                    name_chars(&file.missing_glyphs),
                    crate::platform::fonts::FONTS_ENV
                );
            }
        }
        Command::Photo(PhotoCommand::Add {
            session,
            area,
            kind,
            file,
        }) => {
            let bytes = crate::platform::files::read_chosen(
                &file,
                crate::domain::photo::MAX_INPUT_BYTES as u64,
            )
            .map_err(Failure::invalid)?;
            let draft = PhotoDraft {
                session,
                area,
                kind,
            };
            let photo = app.add_photo(draft, &bytes).map_err(|e| match e {
                AppError::Invalid(m) => {
                    Failure::invalid(format!("{}: {m}; nothing was saved", file.display()))
                }
                other => other.into(),
            })?;
            print(
                &mut out,
                format!(
                    "Saved photo {} ({}×{}, taken {}) without location or device data",
                    photo.id,
                    photo.width,
                    photo.height,
                    photo.taken_at.format("%Y-%m-%d %H:%M %:z")
                ),
            );
        }
        Command::Photo(PhotoCommand::List { json }) => {
            let snap = app.snapshot()?;
            let today = app
                .clock()
                .now()
                .with_timezone(&app.clock().zone())
                .date_naive();
            if json {
                print_json(&mut out, photo_list_json(&snap, today));
            } else {
                for line in photo_list_text(&snap, today) {
                    print(&mut out, line);
                }
            }
        }
        Command::Photo(PhotoCommand::Delete { id }) => {
            let photo = app.delete_photo(&id)?;
            print(&mut out, format!("Deleted photo {} and its file", photo.id));
        }
        Command::Photo(PhotoCommand::Dismiss { session, undo }) => {
            app.dismiss_photos(&session, !undo)?;
            print(
                &mut out,
                if undo {
                    format!("The result-photo prompt of session {session} is open again")
                } else {
                    format!("No more result-photo reminders for session {session}")
                },
            );
        }
        Command::Restore { file, yes } => {
            let bytes =
                crate::platform::files::read_chosen(&file, crate::domain::backup::MAX_BACKUP_BYTES)
                    .map_err(Failure::invalid)?;
            let preview = app.preview_restore(&bytes).map_err(|e| match e {
                AppError::Invalid(m) => {
                    Failure::invalid(format!("{}: {m}; nothing was changed", file.display()))
                }
                other => other.into(),
            })?;
            if !preview.current.is_empty() && !yes {
                return Err(Failure::invalid(format!(
                    "restoring would replace {} with {} from {}: run again with --yes to confirm",
                    preview.current.summary(),
                    preview.incoming.snapshot.summary(),
                    preview.incoming.created_at.format("%Y-%m-%d %H:%M")
                )));
            }
            let summary = preview.incoming.snapshot.summary();
            app.restore(preview)?;
            print(
                &mut out,
                format!("Restored {summary} from {}", file.display()),
            );
        }
        // Handled above, before the (damaged) store is opened.
        Command::Recover => {}
        // The benchmark commands ran above, before the store was opened here.
        Command::Debug(
            DebugCommand::SeedHistory { .. }
            | DebugCommand::BenchSave { .. }
            | DebugCommand::BenchOpen { .. },
        ) => {}
        Command::Checklist { session, done } => {
            let s = app.mark_checklist(&session, &done)?;
            let open: Vec<&str> = s.checklist.open_items().iter().map(|i| i.label()).collect();
            print(
                &mut out,
                if open.is_empty() {
                    "Checklist complete.".to_string()
                } else {
                    format!("Still open: {}", open.join("; "))
                },
            );
        }
        Command::Debug(DebugCommand::WriteCheckins {
            session,
            count,
            tag,
        }) => {
            let snap = app.snapshot()?;
            let s = snap
                .sessions
                .iter()
                .find(|s| s.id == session)
                .ok_or_else(|| Failure::invalid(format!("there is no session '{session}'")))?;
            let plan = s.compression_plan().map_err(Failure::invalid)?;
            let today = clock.now().with_timezone(&zone).date_naive();
            let dates = plan.checkin_dates_until(today);
            if dates.is_empty() {
                return Err(Failure::invalid("the session has no dates up to today"));
            }
            for n in 0..count {
                let date = dates[(n % dates.len() as u64) as usize];
                let draft =
                    CheckInDraft::worn_throughout(&plan.questions(date), format!("{tag}-{n}"));
                app.record_checkin(Some(&session), date, draft)?;
                print(&mut out, format!("ack {tag}-{n} {date}"));
                let _ = out.flush();
            }
        }
    }
    Ok(())
}

/// The benchmark commands, which open the store themselves; `None` for the other debug
/// commands.
fn bench(
    debug: &DebugCommand,
    dir: &std::path::Path,
    clock: RunClock,
) -> Result<Option<Outcome>, Failure> {
    let us = |d: std::time::Duration| d.as_micros();
    match debug {
        DebugCommand::WriteCheckins { .. } => return Ok(None),
        DebugCommand::SeedHistory { years } => {
            let mut store = SledStore::open(dir, Box::new(clock))?;
            let snap = crate::bench::seed_history(&mut store, clock.now(), clock.zone(), *years)
                .map_err(Failure::invalid)?;
            println!(
                "Seeded {} sessions, {} check-ins and {} delivered reminders",
                snap.sessions.len(),
                snap.checkins.len(),
                snap.deliveries.len()
            );
        }
        DebugCommand::BenchSave { rounds } => {
            let (save, floor) =
                crate::bench::durable_saves(dir, clock, *rounds).map_err(Failure::invalid)?;
            println!("save_median_us={} floor_median_us={}", us(save), us(floor));
        }
        DebugCommand::BenchOpen { other, rounds } => {
            let (a, b) = crate::bench::open_side_by_side(dir, other, clock, *rounds)
                .map_err(Failure::invalid)?;
            println!("open_median_us={} other_median_us={}", us(a), us(b));
        }
    }
    Ok(Some(Outcome::Done))
}

fn state_of(status: &Status, session: &str, date: NaiveDate) -> &'static str {
    status
        .sessions
        .iter()
        .find(|s| s.session.id == session)
        .and_then(|s| s.dates.iter().find(|d| d.date == date))
        .map(|d| d.state.id())
        .unwrap_or("recorded")
}

fn percent(f: Option<f64>) -> String {
    f.map(|f| format!("{:.0}%", f * 100.0))
        .unwrap_or_else(|| "–".into())
}

/// The plain-text status.
/// The emergency number for the command line: the settings' own, else the system
/// locale's region's.
fn emergency_number_of(settings: &crate::domain::settings::Settings) -> EmergencyNumber {
    emergency_number(
        region_of(&system_locale()),
        settings.emergency_number.as_deref(),
    )
}

pub fn status_text(status: &Status, number: &EmergencyNumber) -> String {
    let mut lines = Vec::new();
    if status.sessions.is_empty() {
        lines.push("No sessions yet: add one with `aftercare session add --date YYYY-MM-DD --end-time HH:MM`.".to_string());
    }
    for f in &status.red_flags {
        lines.push(format!(
            "RED FLAG ({}): {} — {} {}",
            f.date,
            f.symptom.label(),
            EN.advice(f.symptom.advice(), number),
            NOT_A_DIAGNOSIS
        ));
    }
    for s in &status.sessions {
        let end = s.plan.wear_end.with_timezone(&status.zone);
        lines.push(format!(
            "Session {} ({} {})",
            s.session.id,
            s.session.date,
            s.session.end_time.format("%H:%M")
        ));
        match s.day_index {
            Some(k) if k > i64::from(s.plan.days_total) => lines.push(format!(
                "  Last day: stockings off at {}",
                end.format("%H:%M")
            )),
            Some(k) => lines.push(format!("  Day {k} of {}", s.plan.days_total)),
            None if s.future => {
                let open: Vec<&str> = s.checklist_open.iter().map(|i| i.label()).collect();
                lines.push("  Upcoming session".into());
                if !open.is_empty() {
                    lines.push(format!("  Before it: {}", open.join("; ")));
                }
            }
            None => lines.push("  Plan finished".into()),
        }
        lines.push(format!(
            "  Stockings off: {}",
            end.format("%a %Y-%m-%d %H:%M %Z")
        ));
        lines.push(format!(
            "  Adherence: day {} of {} dates, night {} of {} dates",
            percent(s.adherence.day.fraction()),
            s.adherence.day.dates,
            percent(s.adherence.night.fraction()),
            s.adherence.night.dates
        ));
        lines.push(format!("  Result photos due: {}", s.photo_due));
    }
    // Each line is made printable before they are joined, so that a value holding a line
    // break cannot split one.
    lines
        .iter()
        .map(|line| printable(line))
        .collect::<Vec<_>>()
        .join("\n")
}
