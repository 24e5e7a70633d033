//! The sled store on a real folder: round trips, damage and recovery, two processes, and a
//! crash loop that SIGKILLs a writer at random moments.

use super::support::{add_session, cmd, fails, ok, status_json, Rng};
use aftercare::app::{Aftercare, FixedClock, Store, StoreError};
use aftercare::domain::checkin::{CheckInDraft, WearAnswer};
use aftercare::domain::plan::PlanConfig;
use aftercare::domain::session::{Clinic, SessionDraft, Stockings};
use aftercare::platform::sled_store::SledStore;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

const TZ: &str = "Europe/Berlin";
const NOW: &str = "2026-11-27T21:00:00+01:00";

fn clock() -> FixedClock {
    FixedClock {
        now: DateTime::parse_from_rfc3339(NOW)
            .unwrap()
            .with_timezone(&Utc),
        zone: TZ.parse::<Tz>().unwrap(),
    }
}

fn draft() -> SessionDraft {
    SessionDraft {
        date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        end_time: NaiveTime::from_hms_opt(15, 30, 0).unwrap(),
        tz: TZ.parse().unwrap(),
        areas: vec!["left-calf-back".parse().unwrap()],
        sclerosant: Some("polidocanol 0.5%".into()),
        stockings: Stockings {
            class: Some("II".into()),
            length: Some("thigh".into()),
        },
        clinic: Clinic {
            name: Some("Vein Clinic".into()),
            phone: Some("+49 30 1234".into()),
            email: None,
        },
        note: String::new(),
        plan: PlanConfig::default(),
    }
}

fn worn() -> CheckInDraft {
    CheckInDraft {
        night: Some(WearAnswer::AllTheTime),
        day: Some(WearAnswer::AllTheTime),
        walking_minutes: Some(30),
        ..CheckInDraft::default()
    }
}

fn seeded(dir: &Path) {
    let store = SledStore::open(dir, Box::new(clock())).unwrap();
    let mut app = Aftercare::new(store, clock());
    app.add_session(draft()).unwrap();
    for day in 21..=26 {
        app.record_checkin(
            None,
            NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            worn(),
        )
        .unwrap();
    }
}

#[test]
fn reopen_round_trips_everything() {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path());
    let before = {
        let store = SledStore::open(dir.path(), Box::new(clock())).unwrap();
        store.load().unwrap()
    };
    assert_eq!(before.sessions.len(), 1);
    assert_eq!(before.checkins.len(), 6);
    let store = SledStore::open(dir.path(), Box::new(clock())).unwrap();
    let after = store.load().unwrap();
    assert_eq!(before, after);
    // Keys sort by date: check-ins come back in date order.
    let dates: Vec<u32> = after
        .checkins
        .iter()
        .map(|c| c.date.format("%d").to_string().parse().unwrap())
        .collect();
    assert_eq!(dates, vec![21, 22, 23, 24, 25, 26]);
    // The data folder is private to its owner.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "data folder mode {mode:o}");
        let mode = std::fs::metadata(dir.path().join("auto-backup.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "backup mode {mode:o}");
    }
}

#[test]
fn a_second_process_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path());
    let _held = SledStore::open(dir.path(), Box::new(clock())).unwrap();
    let err = fails(dir.path(), TZ, NOW, &["status"], 3);
    assert!(
        err.contains("already open in another copy of Aftercare"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // In the same process too.
    assert!(matches!(
        SledStore::open(dir.path(), Box::new(clock())),
        Err(StoreError::AlreadyOpen(_))
    ));
}

/// Damages the store's log file with `damage`, then checks the recovery path end to end.
fn damaged_store_recovers(damage: impl FnOnce(&Path)) {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path());
    let before = status_json(dir.path(), TZ, NOW);
    damage(&dir.path().join("store").join("db"));
    let err = fails(dir.path(), TZ, NOW, &["status"], 3);
    assert!(err.contains("damaged"), "{err}");
    assert!(err.contains("aftercare recover"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // Nothing was changed by the refusal: it refuses again.
    fails(
        dir.path(),
        TZ,
        NOW,
        &[
            "checkin",
            "--date",
            "2026-11-27",
            "--day",
            "worn",
            "--night",
            "worn",
        ],
        3,
    );
    let out = ok(dir.path(), TZ, NOW, &["recover"]);
    assert!(
        out.contains("Restored 1 session(s), 6 check-in(s)"),
        "{out}"
    );
    assert_eq!(status_json(dir.path(), TZ, NOW), before);
    // The damaged store is kept aside, never deleted.
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("store.damaged-")
        });
    assert!(aside);
}

/// The end of the part of sled's log that holds data (the file is preallocated with zeros).
fn used_len(db: &Path) -> usize {
    let bytes = std::fs::read(db).unwrap();
    bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1)
}

#[test]
fn truncated_store_recovers_from_the_automatic_backup() {
    damaged_store_recovers(|db| {
        let used = used_len(db);
        let f = std::fs::OpenOptions::new().write(true).open(db).unwrap();
        f.set_len((used / 2) as u64).unwrap();
    });
}

#[test]
fn zeroed_store_recovers_from_the_automatic_backup() {
    damaged_store_recovers(|db| {
        let len = std::fs::metadata(db).unwrap().len() as usize;
        std::fs::write(db, vec![0u8; len]).unwrap();
    });
}

#[test]
fn overwritten_bytes_recover_from_the_automatic_backup() {
    damaged_store_recovers(|db| {
        let used = used_len(db);
        let mut bytes = std::fs::read(db).unwrap();
        for b in &mut bytes[used / 2..used / 2 + 64] {
            *b ^= 0x5a;
        }
        std::fs::write(db, bytes).unwrap();
    });
}

#[test]
fn deleted_store_is_not_silently_replaced_by_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path());
    std::fs::remove_dir_all(dir.path().join("store")).unwrap();
    let err = fails(dir.path(), TZ, NOW, &["status"], 3);
    assert!(err.contains("lost data"), "{err}");
    ok(dir.path(), TZ, NOW, &["recover"]);
    assert_eq!(
        status_json(dir.path(), TZ, NOW)["sessions"][0]["dates"][1]["state"],
        "complete"
    );
}

/// Crash loop: a child records check-ins and prints `ack TAG DATE` after each durable save;
/// the parent SIGKILLs it at random moments. After every kill the store must open and pass
/// its integrity check, and every acknowledged check-in must be there (as the current
/// version or in the history). Returns (acknowledged, lost).
pub fn crash_loop(rounds: u32, seed: u64) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), NOW);
    let mut rng = Rng(seed);
    let mut acked: Vec<(String, String)> = Vec::new();
    let mut lost = 0;
    for round in 0..rounds {
        let tag = format!("r{round}");
        let mut child = cmd(dir.path(), TZ, NOW)
            .args([
                "debug",
                "write-checkins",
                "--session",
                "2026-11-20",
                "--count",
                "100000",
                "--tag",
                &tag,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(rng.range(5, 250)));
        child.kill().unwrap();
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if let ["ack", note, date] = parts.as_slice() {
                acked.push((note.to_string(), date.to_string()));
            }
        }
        let store = SledStore::open(dir.path(), Box::new(clock())).unwrap_or_else(|e| {
            panic!("round {round} (seed {seed}): the store does not open: {e}")
        });
        let snap = store.load().unwrap();
        lost = acked
            .iter()
            .filter(|(note, date)| {
                !snap.checkins.iter().any(|c| {
                    c.date.to_string() == *date
                        && (c.current.note == *note || c.history.iter().any(|h| h.note == *note))
                })
            })
            .count();
        assert_eq!(
            lost, 0,
            "round {round} (seed {seed}): {lost} acknowledged check-in(s) lost"
        );
    }
    // The CLI opens it too, with every date still there.
    let status = status_json(dir.path(), TZ, NOW);
    assert_eq!(status["sessions"][0]["id"], "2026-11-20");
    (acked.len(), lost)
}

#[test]
fn crash_loop_loses_nothing_acknowledged() {
    let seed = std::env::var("AFTERCARE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash loop seed {seed} (set AFTERCARE_CRASH_SEED to repeat)");
    let (acked, lost) = crash_loop(25, seed);
    assert!(acked > 0, "the writer acknowledged nothing in 25 rounds");
    assert_eq!(lost, 0);
}

/// Measures what makes a save durable: sled's flush ends with `sync_file_range` on Linux, so
/// the store must `fdatasync` its log file after it and before "Saved" is printed.
#[test]
fn a_save_is_fdatasynced_before_it_is_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), NOW);
    let trace = dir.path().join("trace.txt");
    let out = std::process::Command::new("strace")
        .args([
            "-f",
            "-y",
            "-e",
            "trace=fdatasync,fsync,sync_file_range,write",
            "-o",
        ])
        .arg(&trace)
        .arg(super::support::bin())
        .env("TZ", TZ)
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "--now",
            NOW,
            "checkin",
            "--date",
            "2026-11-26",
            "--day",
            "worn",
            "--night",
            "worn",
        ])
        .output()
        .expect("strace runs (scripts/setup installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = trace.lines().collect();
    let find = |what: &str, on: &str| {
        lines
            .iter()
            .position(|l| l.contains(what) && l.contains(on))
    };
    let ack = find("write(1", "Saved check-in").expect("the acknowledgement is written");
    let range = find("sync_file_range(", "/store/db>").expect("sled syncs a range of its log");
    let sync = lines
        .iter()
        .enumerate()
        .position(|(i, l)| {
            i > range
                && (l.contains("fdatasync(") || l.contains("fsync("))
                && l.contains("/store/db>")
        })
        .expect("the log file is fdatasynced after sled's flush");
    assert!(
        range < sync && sync < ack,
        "order: sync_file_range {range}, fdatasync {sync}, ack {ack}\n{trace}"
    );
    let backup = find("fsync(", "auto-backup.json").expect("the automatic backup is fsynced");
    assert!(backup < ack);
}
